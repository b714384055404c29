"""Survivorship: build the golden record field by field, and say where each value came from."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

#: Fields that are bookkeeping, not customer data.
_SKIPPED = frozenset({"source_id"})
#: List fields that take the union of all members' values (the best member's first).
_UNION = {"emails": "email", "phones": "phone", "addresses": None}


@dataclass(frozen=True, slots=True)
class Member:
    """A source record taking part in a golden record."""

    source: str
    source_id: str
    record: Mapping[str, Any]
    trust: int
    changed_at: datetime


def _rank(member: Member) -> tuple[int, datetime, int, str, str]:
    completeness = sum(1 for v in member.record.values() if v not in (None, ""))
    return (member.trust, member.changed_at, completeness, member.source, member.source_id)


def survive(members: Sequence[Member]) -> tuple[dict[str, Any], dict[str, dict[str, str]]]:
    """Each field takes its value from the most trusted, then most recent, then most complete
    member that has one; a blank never wins over a value.

    Returns the golden record and, per field, the provenance
    ``{"source": ..., "source_id": ..., "rule": "trust>recency>completeness"}``.
    """
    ranked = sorted(members, key=_rank, reverse=True)
    record: dict[str, Any] = {}
    provenance: dict[str, dict[str, str]] = {}
    for member in ranked:
        for name, value in member.record.items():
            if name in _SKIPPED or name in record or value in (None, "", [], {}):
                continue
            record[name] = value
            provenance[name] = {
                "source": member.source,
                "source_id": member.source_id,
                "rule": "trust>recency>completeness",
            }
    for name, single in _UNION.items():
        values: list[Any] = []
        for member in ranked:
            own = member.record.get(name) or ([member.record.get(single)] if single else [])
            for value in own:
                if value not in (None, "") and value not in values:
                    values.append(value)
        if len(values) > 1:
            record[name] = values
            provenance[name] = {"source": "*", "source_id": "*", "rule": "union"}
        else:
            record.pop(name, None)
            provenance.pop(name, None)
    return dict(sorted(record.items())), dict(sorted(provenance.items()))
