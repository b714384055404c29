"""Yes/no flags (consent): one spelling for the many ways systems say yes, no and "unknown"."""

from __future__ import annotations

from typing import Any

from core.standardise.text import normalise_text

YES: tuple[str, ...] = ("true", "t", "yes", "y", "1", "on", "ja", "j", "是")
NO: tuple[str, ...] = ("false", "f", "no", "n", "0", "off", "nein", "否")
#: Said explicitly, but not an answer: the same as a blank, never a yes or no.
UNKNOWN: tuple[str, ...] = ("unknown", "unk", "?", "n/a", "na", "unbekannt", "未知")

FLAG_WORDS: dict[str, bool | None] = {
    **dict.fromkeys(YES, True),
    **dict.fromkeys(NO, False),
    **dict.fromkeys(UNKNOWN, None),
}


def standardise_flag(value: Any) -> Any:
    """``True``/``False`` for a yes/no, ``None`` for a blank or an explicit unknown.

    Anything else is returned cleaned but unchanged, for the quality checks to report.
    Numbers count only as 1 and 0.

    >>> [standardise_flag(v) for v in ("Yes", " 0 ", "N", "unknown", "", None, True, "maybe")]
    [True, False, False, None, None, None, True, 'maybe']
    """
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = normalise_text(str(value))
    if not text:
        return None
    return FLAG_WORDS.get(text.lower(), text)


def standardise_flags(flags: Any) -> Any:
    """Every flag of a ``{name: value}`` mapping standardised; blanks and unknowns dropped.

    >>> standardise_flags({"email": "ja", "sms": "unknown", "post": 0})
    {'email': True, 'post': False}
    """
    if not isinstance(flags, dict):
        return flags
    cleaned = {name: standardise_flag(value) for name, value in flags.items()}
    return {name: value for name, value in cleaned.items() if value is not None}
