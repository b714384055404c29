"""The shape of a source's raw payloads in one run, and how it drifted since the last run.

A mapping is written against the fields a source sends. When the source
renames a column, adds one or starts sending numbers where it sent text, the
mapping silently reads nothing or the wrong thing: the profile makes that
visible. It is built in one streaming pass (memory grows with the number of
distinct fields, never with the records) and stored per run and source.

Nested objects are flattened to dotted paths (``default_address.city``); a
list is one field of type ``array`` (its items are not profiled).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

MAX_DEPTH = 4


class FieldStats(BaseModel):
    """One payload field over one run: the types seen (``null`` excluded) and counts."""

    model_config = ConfigDict(frozen=True)

    types: list[str] = Field(default_factory=list)
    present: int = 0  # records holding the key at all
    filled: int = 0  # records holding a non-empty value


class PayloadProfile(BaseModel):
    """Every field of the payloads read in one run.

    Example:
        >>> p = profile_payloads([{"id": 1, "email": "a@b.cn"}, {"id": "2", "email": ""}])
        >>> p.records, p.fields["id"].types, p.fill_rate("email")
        (2, ['integer', 'string'], 0.5)
    """

    model_config = ConfigDict(frozen=True)

    records: int = 0
    fields: dict[str, FieldStats] = Field(default_factory=dict)

    def fill_rate(self, name: str) -> float:
        stats = self.fields.get(name)
        return stats.filled / self.records if stats is not None and self.records else 0.0


@dataclass
class _Counting:
    types: set[str] = field(default_factory=set)
    present: int = 0
    filled: int = 0


class ProfileBuilder:
    """Accumulates a :class:`PayloadProfile` one payload at a time."""

    def __init__(self) -> None:
        self.records = 0
        self._fields: dict[str, _Counting] = {}

    def add(self, payload: Mapping[str, Any]) -> None:
        self.records += 1
        for name, value in _flatten(payload, "", 0):
            stats = self._fields.setdefault(name, _Counting())
            stats.present += 1
            kind = json_type(value)
            if kind != "null":
                stats.types.add(kind)
            if not _empty(value):
                stats.filled += 1

    def build(self) -> PayloadProfile:
        return PayloadProfile(
            records=self.records,
            fields={
                name: FieldStats(types=sorted(s.types), present=s.present, filled=s.filled)
                for name, s in sorted(self._fields.items())
            },
        )


def profile_payloads(payloads: Iterable[Mapping[str, Any]]) -> PayloadProfile:
    builder = ProfileBuilder()
    for payload in payloads:
        builder.add(payload)
    return builder.build()


@dataclass(frozen=True)
class SchemaDrift:
    """Fields new since the previous profile, gone from it, or now holding another type.

    ``missing`` lists fields *every* previous record had and *no* record has now: a
    sparse optional field that happens to be absent from a small incremental run is
    not drift, a column that left the export is.
    """

    new: list[str]
    missing: list[str]
    retyped: dict[str, tuple[list[str], list[str]]]

    @property
    def count(self) -> int:
        return len(self.new) + len(self.missing) + len(self.retyped)


def compare_profiles(previous: PayloadProfile, current: PayloadProfile) -> SchemaDrift:
    """How ``current`` differs from ``previous`` (both of the same source).

    Example:
        >>> before = profile_payloads([{"id": "1", "zip": "10115"}])
        >>> after = profile_payloads([{"id": "2", "zip": 10115, "tier": "gold"}])
        >>> drift = compare_profiles(before, after)
        >>> drift.new, drift.missing, drift.retyped
        (['tier'], [], {'zip': (['string'], ['integer'])})
    """
    if current.records == 0:
        return SchemaDrift([], [], {})
    new = sorted(set(current.fields) - set(previous.fields))
    missing = sorted(
        name
        for name, stats in previous.fields.items()
        if previous.records and stats.present == previous.records and name not in current.fields
    )
    retyped: dict[str, tuple[list[str], list[str]]] = {}
    for name, stats in current.fields.items():
        before = previous.fields.get(name)
        if before is None or not before.types or not stats.types:
            continue
        if set(stats.types) - set(before.types):
            retyped[name] = (list(before.types), list(stats.types))
    return SchemaDrift(new, missing, retyped)


def json_type(value: Any) -> str:
    """The JSON type name of a payload value (``bool`` before ``int``: it is one in Python).

    >>> [json_type(v) for v in (None, True, 3, 2.5, "x", [], {})]
    ['null', 'boolean', 'integer', 'number', 'string', 'array', 'object']
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list | tuple):
        return "array"
    if isinstance(value, Mapping):
        return "object"
    return type(value).__name__


def _flatten(payload: Mapping[str, Any], prefix: str, depth: int) -> Iterable[tuple[str, Any]]:
    for key, value in payload.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping) and value and depth < MAX_DEPTH:
            yield from _flatten(value, f"{name}.", depth + 1)
        else:
            yield name, value


def _empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple | Mapping):
        return not value
    return False
