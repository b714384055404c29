"""The lookup keys of a golden record: what the read API may search it by.

Emails and phones are stored standardised already (lower-case address, E.164);
names are folded here (NFKC, whitespace, case) so that a lookup compares like
with like. The same function builds the query side (:func:`name_key`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.standardise import fold_to_ascii, normalise_text

#: Longest value the ``golden_key.value`` column holds; longer values are not indexed.
MAX_KEY_LENGTH = 320


def name_key(name: str) -> str:
    return normalise_text(name).casefold()


def latin_name_key(name: str) -> str:
    return fold_to_ascii(normalise_text(name)).casefold()


def golden_keys(golden_id: str, record: Mapping[str, Any]) -> list[dict[str, str]]:
    """One row per distinct (kind, value) of ``record``, ready for ``golden_key``."""
    found: set[tuple[str, str]] = set()
    for kind, single, many in (("email", "email", "emails"), ("phone", "phone", "phones")):
        for value in [record.get(single), *(record.get(many) or [])]:
            if isinstance(value, str) and value:
                found.add((kind, value))
    for field, fold in (("full_name", name_key), ("name_latin", latin_name_key)):
        value = record.get(field)
        if isinstance(value, str) and value.strip():
            found.add(("name", fold(value)))
    return [
        {"kind": kind, "value": value, "golden_id": golden_id}
        for kind, value in sorted(found)
        if len(value) <= MAX_KEY_LENGTH
    ]
