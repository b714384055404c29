"""Stage a prepared batch: upsert by key, skip unchanged, quarantine the rest with reasons.

Replays (a resumed run reading its boundary record again) are recognised by
having been seen in this very run at the same line, and are not counted twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from core.errors import Problem
from core.store import UnitOfWork
from pipeline.erased_filter import drop_erased
from pipeline.prepare import Accepted, PreparedBatch, Rejected


@dataclass
class StageCounts:
    read: int = 0
    unchanged: int = 0
    staged: int = 0
    quarantined: int = 0
    erased: int = 0  # records of people erased with ``crmhub forget``: dropped, not written
    replayed: int = 0
    restaged: int = 0  # read again in the same run with new content: counted once
    released: int = 0  # quarantine entries closed because the record now passes

    def ledger(self) -> dict[str, int]:
        return {
            "read": self.read,
            "unchanged": self.unchanged,
            "staged": self.staged,
            "quarantined": self.quarantined,
            "erased": self.erased,
        }


@dataclass
class _QuarantineRows:
    rows: list[dict[str, Any]] = field(default_factory=list)
    keys: set[str] = field(default_factory=set)


def stage_batch(
    uow: UnitOfWork, source: str, batch: PreparedBatch, *, run_id: int, at: datetime
) -> StageCounts:
    counts = StageCounts()
    batch, counts.erased = drop_erased(uow, source, batch)
    counts.read += counts.erased
    quarantined = _QuarantineRows()
    states = uow.staging.states(source, [a.source_id for a in batch.accepted])
    staged_rows: list[dict[str, Any]] = []
    touched: list[tuple[str, int | None]] = []
    passed_ids: list[str] = []
    seen_in_batch: dict[str, int | None] = {}
    for item in batch.accepted:
        raw, state = item.raw, states.get(item.source_id)
        if item.source_id in seen_in_batch or (state is not None and state.seen_run_id == run_id):
            first_line = seen_in_batch.get(item.source_id, state.line if state else None)
            same_row = first_line == raw.line
            if same_row and state is not None and state.payload_hash == item.content_hash:
                counts.replayed += 1  # a resumed run reading its boundary record again
                continue
            if not same_row:
                where = f"line {first_line}" if first_line is not None else "an earlier record"
                reason = f"duplicate source id, already read at {where}"
                problem = Problem("source_id", reason, "stage")
                _add_rejected(
                    quarantined, Rejected(raw, item.source_id, (problem,), item.content_hash)
                )
                continue
            if item.source_id not in seen_in_batch:
                # The same record read again in this run with new content (it changed while
                # the run was reading): keep the newer version, count the record once.
                seen_in_batch[item.source_id] = raw.line
                counts.restaged += 1
                staged_rows.append(_staged_row(source, item, run_id, at))
                passed_ids.append(item.source_id)
                continue
        seen_in_batch[item.source_id] = raw.line
        counts.read += 1
        passed_ids.append(item.source_id)
        if (
            state is not None
            and state.payload_hash == item.content_hash
            and state.status == "active"
        ):
            counts.unchanged += 1
            touched.append((item.source_id, raw.line))
            continue
        counts.staged += 1
        staged_rows.append(_staged_row(source, item, run_id, at))
    for rejected in batch.rejected:
        _add_rejected(quarantined, rejected)

    seen_quarantine = uow.quarantine.seen(source, sorted(quarantined.keys))
    rows = []
    for row in quarantined.rows:
        seen_run, seen_line = seen_quarantine.get(row["record_key"], (None, None))
        if seen_run == run_id:
            if seen_line == row["line"]:
                counts.replayed += 1
                continue
            row["record_key"] = f"{row['record_key']}@line{row['line']}"
        row.update(first_run_id=run_id, seen_run_id=run_id, seen_at=at)
        rows.append(row)
    counts.read += len(rows)
    counts.quarantined += len(rows)

    uow.staging.write(staged_rows)
    uow.staging.touch(source, touched, run_id)
    uow.quarantine.write(rows)
    counts.released = uow.quarantine.resolve(source, passed_ids)
    return counts


def _staged_row(source: str, item: Accepted, run_id: int, at: datetime) -> dict[str, Any]:
    raw = item.raw
    return {
        "source": source,
        "source_id": item.source_id,
        "stream": raw.stream,
        "payload": raw.payload,
        "payload_hash": item.content_hash,
        "record": item.record,
        "source_updated_at": _utc(raw.updated_at),
        "status": "active",
        "line": raw.line,
        "first_run_id": run_id,
        "seen_run_id": run_id,
        "changed_run_id": run_id,
        "changed_at": at,
        "resolve_pending": True,
    }


def _add_rejected(into: _QuarantineRows, rejected: Rejected) -> None:
    raw = rejected.raw
    key = rejected.source_id or f"#{rejected.content_hash[:16]}"
    if key in into.keys:
        key = (
            f"{key}@line{raw.line}"
            if raw.line is not None
            else f"{key}@{rejected.content_hash[:8]}"
        )
    into.keys.add(key)
    into.rows.append(
        {
            "source": raw.source,
            "record_key": key,
            "source_id": rejected.source_id,
            "stream": raw.stream,
            "line": raw.line,
            "payload": raw.payload,
            "payload_hash": rejected.content_hash,
            "reasons": [p.as_dict() for p in rejected.problems],
            "status": "open",
        }
    )


def _utc(at: datetime | None) -> datetime | None:
    """The source's change time in UTC: SQLite keeps only the wall time of what it is given,
    and survivorship compares these times across sources."""
    return at.astimezone(UTC) if at is not None and at.tzinfo is not None else at
