"""The identifiers an erasure tombstones, and the same identifiers of a record being read.

A person is recognised by their source record key, any of their email
addresses, or a phone number together with their name. A phone alone is not
enough: a household shares its landline, and erasing one member must not keep
the others out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from core.standardise import standardise_email
from core.store.lookup_keys import name_key

SOURCE_KEY, EMAIL, NAME_PHONE = "source_key", "email", "name_phone"

_EMAIL_IN_TEXT = re.compile(r"[^\s<>\"',;:()\[\]]+@[^\s<>\"',;:()\[\]]+\.[^\s<>\"',;:()\[\]]+")


def source_key(source: str, source_id: str) -> tuple[str, str]:
    return SOURCE_KEY, f"{source}\x1f{source_id}"


def emails_of(record: Mapping[str, Any]) -> set[str]:
    values = [record.get("email"), *(record.get("emails") or [])]
    return {v for v in values if isinstance(v, str) and v}


def phones_of(record: Mapping[str, Any]) -> set[str]:
    values = [record.get("phone"), *(record.get("phones") or [])]
    return {v for v in values if isinstance(v, str) and v}


def record_identifiers(record: Mapping[str, Any]) -> set[tuple[str, str]]:
    """Email and name+phone identifiers of a standardised record (staged or golden)."""
    found = {(EMAIL, email) for email in emails_of(record)}
    names = {
        name_key(v)
        for v in (record.get("full_name"), record.get("name_latin"))
        if isinstance(v, str) and v.strip()
    }
    found |= {(NAME_PHONE, f"{n}\x1f{p}") for n in names for p in phones_of(record)}
    return found


def emails_in_payload(payload: Any) -> set[str]:
    """Email addresses written anywhere in a raw payload (for records that failed mapping)."""
    found: set[str] = set()
    for text in strings_in(payload):
        for match in _EMAIL_IN_TEXT.findall(text):
            email = standardise_email(match)
            if email:
                found.add(email)
    return found


def strings_in(value: Any) -> Iterable[str]:
    """Every string in a raw payload, however deeply nested."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from strings_in(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from strings_in(item)
