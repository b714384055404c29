"""Email addresses in one spelling, so that the same mailbox is one blocking key."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

# Dots a Chinese or Japanese keyboard types in a domain: 。 and ｡ (NFKC already turns ． into .).
_DOTS = str.maketrans({"\u3002": ".", "\uff61": "."})
_MAILTO = "mailto:"


def standardise_email(value: str | None) -> str | None:
    """Normalise an address; ``None`` when blank. Never raises: checking is quality's job.

    Trims, takes the address out of ``<…>`` (also ``"Jane" <jane@x.org>``) and
    ``mailto:``, folds full-width characters (NFKC), lowercases, and writes an
    internationalised domain in punycode, leaving the local part in Unicode:
    ``standardise_email(" <MAILTO:Jane@Example.COM> ")`` is ``"jane@example.com"``,
    ``standardise_email("用户@例子.中国")`` is ``"用户@xn--fsqu00a.xn--fiqs8s"``.
    A value that does not look like one address comes back cleaned but otherwise as
    it is (``"n/a"`` stays ``"n/a"``) so the quality checks can report it.
    """
    if value is None:
        return None
    text = value if value.isascii() else unicodedata.normalize("NFKC", value)
    text = _unwrap(text.strip()).lower()
    if not text:
        return None
    local, at, domain = text.rpartition("@")
    if not at or not local or not domain or domain.isascii():
        return text
    if any(char.isspace() for char in domain):  # not a domain: punycode would hide the spaces
        return text
    ascii_domain = _punycode(domain)
    return text if ascii_domain is None else f"{local}@{ascii_domain}"


@lru_cache(maxsize=4096)
def _punycode(domain: str) -> str | None:
    """An internationalised domain in ASCII (a few domains serve most mailboxes), or
    ``None`` for an empty or over-long label: not a domain we can encode."""
    try:
        return domain.translate(_DOTS).encode("idna").decode("ascii")
    except UnicodeError:
        return None


def _unwrap(text: str) -> str:
    """Peel ``<…>`` and ``mailto:`` layers, however many: ``"<mailto:a@b.org>"`` → ``"a@b.org"``."""
    while True:
        if text.endswith(">") and "<" in text:
            text = text[text.rindex("<") + 1 : -1].strip()
        elif text[: len(_MAILTO)].lower() == _MAILTO:
            text = text[len(_MAILTO) :].partition("?")[0].strip()
        else:
            return text
