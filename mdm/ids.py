"""Stable identifiers: the same founding record always yields the same golden ID."""

from __future__ import annotations

import base64
import hashlib


def record_key(source: str, source_id: str) -> str:
    """``"crm:42"`` — how decisions and explanations name a source record."""
    return f"{source}:{source_id}"


def parse_record_key(key: str) -> tuple[str, str]:
    """``"crm:42"`` → ``("crm", "42")`` (source names never hold a colon; ids may)."""
    source, _, source_id = key.partition(":")
    return source, source_id


def golden_id_for(source: str, source_id: str) -> str:
    """A golden ID derived from the record that founded the golden record.

    Deterministic, so a run killed half-way and re-run creates the very same IDs.

    >>> golden_id_for("crm", "42")
    'GBJ3KQJAU2O5AZVS'
    """
    digest = hashlib.sha256(f"{source}\x1f{source_id}".encode()).digest()
    return "G" + base64.b32encode(digest).decode()[:15]
