"""Stage a prepared batch: upsert by key, skip unchanged, quarantine the rest with reasons.

A source id read twice in one run keeps its last copy; the earlier ones are
quarantined as repeats (see :mod:`pipeline.repeats` for why the last).

Replays (a resumed run reading its boundary record again) are recognised by
having been seen in this very run at the same line, and are not counted twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from core.customer import DEFECTIVE
from core.records import RawRecord
from core.store import UnitOfWork
from core.store.rows import QuarantineEntry, StagedRecord
from pipeline.erased_filter import drop_erased
from pipeline.field_issue_rows import issue_rows
from pipeline.prepare import Accepted, PreparedBatch, Rejected
from pipeline.repeats import is_repeat, repeat_problem, split_repeats

#: The time of an entry not written yet (``stage_batch`` sets the run's).
_UNSET = datetime.min.replace(tzinfo=UTC)


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
    with_field_issues: int = 0  # staged records carrying a defective value set aside

    def ledger(self) -> dict[str, int]:
        return {
            "read": self.read,
            "unchanged": self.unchanged,
            "staged": self.staged,
            "quarantined": self.quarantined,
            "erased": self.erased,
            "with_field_issues": self.with_field_issues,
        }


@dataclass
class _QuarantineRows:
    """Entries to quarantine, keyed apart; the run and time are set when they are written."""

    rows: list[QuarantineEntry] = field(default_factory=list)
    keys: set[str] = field(default_factory=set)


def stage_batch(
    uow: UnitOfWork, source: str, batch: PreparedBatch, *, run_id: int, at: datetime
) -> StageCounts:
    """Write ``batch``: staged, unchanged or quarantined, each record counted once.

    A source id read twice in one run keeps its last copy (:mod:`pipeline.repeats`):
    when the copy staged by an earlier batch of the run is the older line, it moves to
    quarantine and out of the ledger column it was counted in.
    """
    counts = StageCounts()
    batch, counts.erased = drop_erased(uow, source, batch)
    counts.read += counts.erased
    quarantined = _QuarantineRows()
    accepted, earlier = split_repeats(batch.accepted, _accepted_id, _accepted_line)
    for item, problem in earlier:
        _add_rejected(
            quarantined, Rejected(item.raw, item.source_id, (problem,), item.content_hash)
        )
    states = uow.staging.states(source, [a.source_id for a in accepted])
    read_before = [i for i, state in states.items() if state.seen_run_id == run_id]
    copies = uow.staging.records((source, i) for i in read_before) if read_before else {}
    staged_rows: list[StagedRecord] = []
    staged_items: list[Accepted] = []
    touched: list[tuple[str, int | None]] = []
    passed_ids: list[str] = []
    superseded: list[QuarantineEntry] = []
    for item in accepted:
        raw, state = item.raw, states.get(item.source_id)
        column = "unchanged"  # where an unchanged copy is counted
        if state is not None and state.seen_run_id == run_id:
            if state.line == raw.line:
                if state.payload_hash == item.content_hash:
                    counts.replayed += 1  # a resumed run reading its boundary record again
                    continue
                # The same record read again in this run with new content (it changed while
                # the run was reading): keep the newer version, count the record once.
                counts.restaged += 1
                staged_rows.append(_staged_row(source, item, run_id, at))
                staged_items.append(item)
                passed_ids.append(item.source_id)
                continue
            copy = copies[(source, item.source_id)]
            if not _is_later(raw, copy):
                problem = repeat_problem(copy.line)
                _add_rejected(
                    quarantined, Rejected(raw, item.source_id, (problem,), item.content_hash)
                )
                continue
            column = "staged" if state.changed_run_id == run_id else "unchanged"
            setattr(counts, column, getattr(counts, column) - 1)
            if column == "staged" and DEFECTIVE in (copy.record or {}):
                counts.with_field_issues -= 1  # the superseded copy carried field issues
            counts.quarantined += 1
            superseded.append(_superseded_row(copy, raw.line, run_id, at))
        counts.read += 1
        passed_ids.append(item.source_id)
        if (
            state is not None
            and state.payload_hash == item.content_hash
            and state.status == "active"
        ):
            setattr(counts, column, getattr(counts, column) + 1)
            touched.append((item.source_id, raw.line))
            continue
        counts.staged += 1
        counts.with_field_issues += bool(item.field_issues)
        staged_rows.append(_staged_row(source, item, run_id, at))
        staged_items.append(item)
    for rejected in batch.rejected:
        _add_rejected(quarantined, rejected)

    seen_quarantine = uow.quarantine.seen(source, sorted(quarantined.keys))
    rows = []
    for row in quarantined.rows:
        seen_run, seen_line = seen_quarantine.get(row.record_key, (None, None))
        key = row.record_key
        if seen_run == run_id:
            if seen_line == row.line:
                counts.replayed += 1
                continue
            key = f"{key}@line{row.line}"
        rows.append(
            replace(row, record_key=key, first_run_id=run_id, seen_run_id=run_id, seen_at=at)
        )
    counts.read += len(rows)
    counts.quarantined += len(rows)

    uow.staging.write(staged_rows)
    uow.staging.touch(source, touched, run_id)
    _write_field_issues(uow, source, staged_items, touched, run_id, at)
    uow.quarantine.write(rows)
    uow.quarantine.write(superseded)
    counts.released = uow.quarantine.resolve(source, passed_ids)
    counts.released += uow.quarantine.resolve_repeats(source, passed_ids, before_run=run_id)
    return counts


def _accepted_id(item: Accepted) -> str:
    return item.source_id


def _accepted_line(item: Accepted) -> int | None:
    return item.raw.line


def _is_later(raw: RawRecord, copy: StagedRecord) -> bool:
    """Is ``raw`` a later line than the ``copy`` staged before it in this run?

    Lines decide when both are known and in one stream (a resumed run may read an
    older line again after a newer one); otherwise the copy read last is the later.
    """
    if copy.stream != raw.stream or copy.line is None or raw.line is None:
        return True
    return bool(raw.line > copy.line)


def _superseded_row(
    copy: StagedRecord, kept_line: int | None, run_id: int, at: datetime
) -> QuarantineEntry:
    """The quarantine entry of a staged copy that a later line of the same id replaced."""
    return QuarantineEntry(
        source=copy.source,
        record_key=_repeat_key(copy.source_id, copy.line, copy.payload_hash),
        source_id=copy.source_id,
        stream=copy.stream,
        line=copy.line,
        payload=copy.payload or {},
        payload_hash=copy.payload_hash,
        reasons=[repeat_problem(kept_line).as_dict()],
        status="open",
        first_run_id=run_id,
        seen_run_id=run_id,
        seen_at=at,
    )


def _repeat_key(source_id: str, line: int | None, digest: str) -> str:
    """Never the bare id: that key is closed as soon as the kept copy passes."""
    return f"{source_id}@line{line}" if line is not None else f"{source_id}@{digest[:8]}"


def _write_field_issues(
    uow: UnitOfWork,
    source: str,
    staged: list[Accepted],
    touched: list[tuple[str, int | None]],
    run_id: int,
    at: datetime,
) -> None:
    """A staged record's issues are replaced by what its new content has (none: gone);
    an unchanged record's issues were seen again."""
    rows = [row for item in staged for row in issue_rows(source, item, run_id, at)]
    uow.field_issues.replace(source, [item.source_id for item in staged], rows)
    uow.field_issues.touch(source, [source_id for source_id, _ in touched], run_id)


def _staged_row(source: str, item: Accepted, run_id: int, at: datetime) -> StagedRecord:
    raw = item.raw
    return StagedRecord(
        source=source,
        source_id=item.source_id,
        stream=raw.stream,
        payload=raw.payload,
        payload_hash=item.content_hash,
        record=item.record,
        source_updated_at=_utc(raw.updated_at),
        status="active",
        line=raw.line,
        first_run_id=run_id,
        seen_run_id=run_id,
        changed_run_id=run_id,
        changed_at=at,
        resolve_pending=True,
    )


def _add_rejected(into: _QuarantineRows, rejected: Rejected) -> None:
    raw = rejected.raw
    key = rejected.source_id or f"#{rejected.content_hash[:16]}"
    if rejected.source_id and is_repeat(rejected.problems):
        key = _repeat_key(rejected.source_id, raw.line, rejected.content_hash)
    if key in into.keys:
        key = (
            f"{key}@line{raw.line}"
            if raw.line is not None
            else f"{key}@{rejected.content_hash[:8]}"
        )
    into.keys.add(key)
    into.rows.append(
        QuarantineEntry(
            source=raw.source,
            record_key=key,
            source_id=rejected.source_id,
            stream=raw.stream,
            line=raw.line,
            payload=raw.payload,
            payload_hash=rejected.content_hash,
            reasons=[p.as_dict() for p in rejected.problems],
            status="open",
            first_run_id=0,  # set when written
            seen_run_id=0,
            seen_at=_UNSET,
        )
    )


def _utc(at: datetime | None) -> datetime | None:
    """The source's change time in UTC: SQLite keeps only the wall time of what it is given,
    and survivorship compares these times across sources."""
    return at.astimezone(UTC) if at is not None and at.tzinfo is not None else at
