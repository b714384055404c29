"""Text clean-up shared by every standardiser: one Unicode form, one kind of space."""

from __future__ import annotations

import unicodedata

# Invisible characters that survive NFKC and split otherwise equal values:
# zero-width space, word joiner, byte order mark, soft hyphen.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u2060\ufeff\u00ad"))

# Latin letters that NFKD does not decompose into a base letter plus marks.
_LATIN_SPECIALS = str.maketrans(
    {
        "ß": "ss",
        "ẞ": "SS",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ø": "o",
        "Ø": "O",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "ł": "l",
        "Ł": "L",
        "þ": "th",
        "Þ": "TH",
        "ı": "i",
    }
)


def normalise_text(value: str) -> str:
    """Return ``value`` in NFKC with whitespace collapsed to single spaces and trimmed.

    Sources disagree on the bytes of the same text: a GBK form sends full-width
    ``"１３８"`` and ideographic spaces, a Word export sends non-breaking spaces.
    NFKC folds full-width characters to their half-width form, so
    ``normalise_text("　张　伟 ")`` is ``"张 伟"`` and ``normalise_text("ＡＢＣ")`` is
    ``"ABC"``. Zero-width spaces and BOMs are dropped.
    """
    if not value.isascii():
        # Invisible characters go first: between a letter and its mark they would keep
        # NFKC from composing the two, and the result would change on a second pass.
        value = unicodedata.normalize("NFKC", value.translate(_INVISIBLE))
    return " ".join(value.split())


def fold_to_ascii(value: str) -> str:
    """Spell Latin letters in ASCII so that ``"Jörg Ødegård"`` meets ``"Jorg Odegard"``.

    Only marks on Latin letters go: other scripts keep theirs (``"ド"`` keeps its
    dakuten, Hangul is untouched).
    """
    if value.isascii():
        return value
    decomposed = unicodedata.normalize("NFKD", value.translate(_LATIN_SPECIALS))
    kept: list[str] = []
    base_is_latin = True  # a mark with no letter before it belongs to no script: it goes
    for char in decomposed:
        if unicodedata.combining(char):
            if base_is_latin:
                continue
        else:
            base_is_latin = char < "\u0250"
        kept.append(char)
    return unicodedata.normalize("NFC", "".join(kept))
