"""Staged source records, keyed by (source, source_id) with a payload hash."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from core.store.rows import StagedRecord
from core.store.tables import source_record, xref
from core.store.upsert import ids_by_source, one_of, upsert

RecordKey = tuple[str, str]

#: What staging a record again replaces: everything but its key and the run that first
#: staged it.
_REWRITTEN = tuple(
    c.name for c in source_record.c if c.name not in ("source", "source_id", "first_run_id")
)


@dataclass(frozen=True, slots=True)
class StagedState:
    payload_hash: str
    status: str
    seen_run_id: int
    changed_run_id: int
    line: int | None


class StagingRepository:
    def __init__(self, connection: sa.Connection) -> None:
        self._c = connection

    def states(self, source: str, source_ids: Sequence[str]) -> dict[str, StagedState]:
        t = source_record.c
        if not source_ids:
            return {}
        rows = self._c.execute(
            sa.select(
                t.source_id, t.payload_hash, t.status, t.seen_run_id, t.changed_run_id, t.line
            ).where(t.source == source, one_of(self._c, t.source_id, source_ids))
        )
        return {
            row.source_id: StagedState(
                row.payload_hash, row.status, row.seen_run_id, row.changed_run_id, row.line
            )
            for row in rows
        }

    def payloads(self, source: str, source_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """The staged payload of each active record among ``source_ids``."""
        t = source_record.c
        if not source_ids:
            return {}
        rows = self._c.execute(
            sa.select(t.source_id, t.payload).where(
                t.source == source, one_of(self._c, t.source_id, source_ids), t.status == "active"
            )
        )
        return {row.source_id: dict(row.payload) for row in rows}

    def write(self, rows: Sequence[StagedRecord]) -> None:
        """Insert or replace staged records (first_run_id is kept on update)."""
        upsert(self._c, source_record, rows, key=("source", "source_id"), update=_REWRITTEN)

    def touch(self, source: str, seen: Sequence[tuple[str, int | None]], run_id: int) -> None:
        """Note that unchanged records were seen by ``run_id`` at these lines.

        Full-refresh diffing needs the run; telling a replayed row from a
        duplicate id needs the line.
        """
        if not seen:
            return
        t = source_record.c
        statement = (
            sa.update(source_record)
            .where(t.source == sa.bindparam("b_source"), t.source_id == sa.bindparam("b_id"))
            .values(seen_run_id=run_id, line=sa.bindparam("b_line"))
        )
        self._c.execute(
            statement,
            [{"b_source": source, "b_id": source_id, "b_line": line} for source_id, line in seen],
        )

    def mark_vanished(self, source: str, run_id: int, at: datetime) -> int:
        """Mark deleted the active records of ``source`` not seen by ``run_id``; return how many."""
        t = source_record.c
        result = self._c.execute(
            sa.update(source_record)
            .where(t.source == source, t.status == "active", t.seen_run_id != run_id)
            .values(status="deleted", resolve_pending=True, changed_run_id=run_id, changed_at=at)
        )
        return int(result.rowcount or 0)

    def pending_keys(self, limit: int, after: RecordKey | None = None) -> list[RecordKey]:
        """The first ``limit`` pending records in key order (after ``after``, to page on)."""
        t = source_record.c
        query = sa.select(t.source, t.source_id).where(t.resolve_pending.is_(True))
        if after is not None:
            query = query.where(sa.tuple_(t.source, t.source_id) > sa.tuple_(*after))
        rows = self._c.execute(query.order_by(t.source, t.source_id).limit(limit))
        return [(r.source, r.source_id) for r in rows]

    def pending_count(self, source: str | None = None) -> int:
        t = source_record.c
        query = sa.select(sa.func.count()).where(t.resolve_pending.is_(True))
        if source is not None:
            query = query.where(t.source == source)
        return int(self._c.execute(query).scalar_one())

    def clear_pending(self, keys: Iterable[RecordKey]) -> None:
        t = source_record.c
        for source, ids in ids_by_source(keys).items():
            self._c.execute(
                sa.update(source_record)
                .where(t.source == source, one_of(self._c, t.source_id, ids))
                .values(resolve_pending=False)
            )

    def records(
        self, keys: Iterable[RecordKey], *, payload: bool = True
    ) -> dict[RecordKey, StagedRecord]:
        """The staged records for ``keys`` (those that exist); without their payloads as
        read unless ``payload`` (matching and survivorship need only the records)."""
        t = source_record.c
        columns = [c if c.name != "payload" or payload else sa.null() for c in source_record.c]
        found: dict[RecordKey, StagedRecord] = {}
        for source, ids in ids_by_source(keys).items():
            for row in self._c.execute(
                sa.select(*columns).where(t.source == source, one_of(self._c, t.source_id, ids))
            ):
                record = StagedRecord(*row)
                found[(record.source, record.source_id)] = record
        return found

    def count(self, source: str | None = None, status: str | None = "active") -> int:
        t = source_record.c
        query = sa.select(sa.func.count()).select_from(source_record)
        if source is not None:
            query = query.where(t.source == source)
        if status is not None:
            query = query.where(t.status == status)
        return int(self._c.execute(query).scalar_one())

    def run_counts(self, source: str, run_id: int) -> tuple[int, int]:
        """(staged, unchanged) as the store sees them for ``run_id``: the ledger's cross-check."""
        t = source_record.c
        seen = sa.and_(t.source == source, t.seen_run_id == run_id, t.status == "active")
        staged = sa.func.sum(sa.case((t.changed_run_id == run_id, 1), else_=0))
        row = self._c.execute(sa.select(sa.func.count(), staged).where(seen)).one()
        total, changed = int(row[0]), int(row[1] or 0)
        return changed, total - changed

    def unlinked_count(self, source: str) -> int:
        """Active records of ``source`` that no golden record holds (must be 0 after resolve)."""
        t = source_record.c
        linked = sa.exists().where(xref.c.source == t.source, xref.c.source_id == t.source_id)
        query = (
            sa.select(sa.func.count())
            .select_from(source_record)
            .where(t.source == source, t.status == "active", ~linked)
        )
        return int(self._c.execute(query).scalar_one())
