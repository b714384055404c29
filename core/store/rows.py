"""Typed rows the repositories take and return: the store's columns, named and typed.

Each class lists the columns of its table in table order, so that a repository writes a
batch of them with one statement (``core.store.upsert``) and a caller builds them without
knowing the table or the SQL behind it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class StagedRecord:
    """A source record as staged (``source_record``); ``payload`` is None when a read
    did not ask for it (resolve needs the standardised record only)."""

    source: str
    source_id: str
    stream: str
    payload: Mapping[str, Any] | None
    payload_hash: str
    record: Mapping[str, Any]
    source_updated_at: datetime | None
    status: str
    line: int | None
    first_run_id: int
    seen_run_id: int
    changed_run_id: int
    changed_at: datetime
    resolve_pending: bool


@dataclass(frozen=True, slots=True)
class QuarantineEntry:
    """A record held back with its reasons (``quarantine``)."""

    source: str
    record_key: str
    source_id: str | None
    stream: str
    line: int | None
    payload: Mapping[str, Any]
    payload_hash: str
    reasons: list[dict[str, Any]]
    status: str
    first_run_id: int
    seen_run_id: int
    seen_at: datetime


@dataclass(frozen=True, slots=True)
class FieldIssueRow:
    """One defective value set aside from a staged record, already masked (``field_issue``)."""

    source: str
    source_id: str
    field: str
    value_key: str
    value: str
    reason: str
    check: str
    first_run_id: int
    seen_run_id: int
    seen_at: datetime


@dataclass(frozen=True, slots=True)
class GoldenVersion:
    """The current version of a golden record (``golden_record``)."""

    golden_id: str
    status: str
    merged_into: str | None
    record: Mapping[str, Any]
    provenance: Mapping[str, Any]
    version: int
    created_run_id: int
    updated_run_id: int
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """Every version a golden record had, with its members (``golden_history``)."""

    golden_id: str
    version: int
    change: str
    status: str
    record: Mapping[str, Any]
    provenance: Mapping[str, Any]
    members: list[list[str]]
    run_id: int
    recorded_at: datetime


@dataclass(frozen=True, slots=True)
class ChangeEvent:
    """An event of the change feed before it is written (the store numbers it: ``seq``)."""

    golden_id: str
    kind: str
    version: int
    run_id: int
    detail: Mapping[str, Any]
    recorded_at: datetime


@dataclass(frozen=True, slots=True)
class MatchDecision:
    """A decision on a pair of records, automatic or a steward's (``match_decision``)."""

    left_key: str
    right_key: str
    score: float
    outcome: str
    explanation: Mapping[str, Any]
    pinned: bool
    decided_by: str
    run_id: int | None
    decided_at: datetime


@dataclass(frozen=True, slots=True)
class ReviewTask:
    """A pair opened for a steward to decide (``review_task``, without its id and outcome)."""

    left_key: str
    right_key: str
    score: float
    status: str
    created_run_id: int
