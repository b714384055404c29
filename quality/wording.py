"""Numbers as the check messages say them: ``12 of 100 records (12.0%)``."""

from __future__ import annotations


def pct(share: float | None) -> str:
    """A share as a percentage with one decimal.

    >>> pct(0.123456), pct(None)
    ('12.3%', 'n/a')
    """
    return "n/a" if share is None else f"{share * 100:.1f}%"


def plural(count: int, word: str, many: str | None = None) -> str:
    """A count with its noun.

    >>> plural(1, "record"), plural(3, "record"), plural(2, "pair")
    ('1 record', '3 records', '2 pairs')
    """
    return f"{count} {word if count == 1 else (many or word + 's')}"


def number(value: float) -> str:
    """Integers without decimals, others with at most two.

    >>> number(100.0), number(2.5), number(1 / 3)
    ('100', '2.5', '0.33')
    """
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".")


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None
