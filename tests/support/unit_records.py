"""Prepared records for the unit tests: standardised as the pipeline does, no validator run."""

from __future__ import annotations

from typing import Any

from core.errors import Problem
from core.records import RawRecord
from core.standardise import StandardiseOptions, standardise_flat
from pipeline.hashing import content_hash
from pipeline.prepare import Accepted, PreparedBatch, Rejected
from quality.field_issues import FieldIssue

OPTIONS = StandardiseOptions(default_region="DE", date_order="ymd")


def accepted(
    source_id: str,
    line: int,
    *,
    source: str = "crm",
    issues: tuple[FieldIssue, ...] = (),
    **values: Any,
) -> Accepted:
    payload = {"source_id": source_id, **values}
    record = standardise_flat(payload, OPTIONS)
    raw = RawRecord(source=source, stream="rows", source_id=source_id, payload=payload, line=line)
    return Accepted(raw, source_id, record, content_hash(payload, record), issues)


def rejected(source_id: str, line: int, reason: str, *, source: str = "crm") -> Rejected:
    payload = {"source_id": source_id}
    raw = RawRecord(source=source, stream="rows", source_id=source_id, payload=payload, line=line)
    problem = Problem("email", reason, "expect_column_values_to_match_regex")
    return Rejected(raw, source_id, (problem,), content_hash(payload, {}))


def batch(*items: Accepted | Rejected) -> PreparedBatch:
    return PreparedBatch(
        [i for i in items if isinstance(i, Accepted)], [i for i in items if isinstance(i, Rejected)]
    )
