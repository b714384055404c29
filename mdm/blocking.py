"""Blocking keys: only records sharing at least one key are ever compared."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.standardise import phone_key


def name_key(record: Mapping[str, Any]) -> str | None:
    """The Latin name form with its tokens sorted, so "Wei Zhang" and 张伟 meet."""
    latin = record.get("name_latin")
    if not latin:
        return None
    tokens = sorted(t for t in str(latin).lower().replace("-", " ").split() if t)
    return " ".join(tokens) or None


def block_keys(record: Mapping[str, Any]) -> set[str]:
    """Every key the record can be found under.

    >>> sorted(block_keys({"email": "a@x.cn", "phone": "+8613800138000"}))
    ['e:a@x.cn', 'p:00138000']
    """
    keys: set[str] = set()
    if email := record.get("email"):
        keys.add(f"e:{email}")
    if (phone := record.get("phone")) and len(key := phone_key(str(phone))) == 8:
        keys.add(f"p:{key}")
    if national_id := record.get("national_id"):
        keys.add(f"i:{national_id}")
    name = name_key(record)
    if name:
        keys.add(f"n:{name}")
        if postcode := record.get("postcode"):
            keys.add(f"np:{name}|{postcode}")
    return {k[:255] for k in keys}
