"""Records that failed mapping or validation, kept with every reason until fixed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from core.store.rows import QuarantineEntry
from core.store.tables import quarantine
from core.store.upsert import one_of, upsert

#: The check of a "repeated source id" reason (``pipeline.repeats`` writes it).
REPEAT_CHECK = "repeat"
_REWRITTEN = tuple(
    c.name for c in quarantine.c if c.name not in ("source", "record_key", "first_run_id")
)


class QuarantineRepository:
    def __init__(self, connection: sa.Connection) -> None:
        self._c = connection

    def seen(self, source: str, record_keys: Sequence[str]) -> dict[str, tuple[int, int | None]]:
        """For open entries: the run that last saw each key, and at which line."""
        t = quarantine.c
        if not record_keys:
            return {}
        rows = self._c.execute(
            sa.select(t.record_key, t.seen_run_id, t.line).where(
                t.source == source, one_of(self._c, t.record_key, record_keys), t.status == "open"
            )
        )
        return {row.record_key: (row.seen_run_id, row.line) for row in rows}

    def write(self, rows: Sequence[QuarantineEntry]) -> None:
        """Hold records back (an entry seen again keeps the run that first quarantined it)."""
        upsert(self._c, quarantine, rows, key=("source", "record_key"), update=_REWRITTEN)

    def resolve(self, source: str, record_keys: Sequence[str]) -> int:
        """Close open entries whose record now passed; return how many were closed."""
        t = quarantine.c
        if not record_keys:
            return 0
        result = self._c.execute(
            sa.update(quarantine)
            .where(
                t.source == source, one_of(self._c, t.record_key, record_keys), t.status == "open"
            )
            .values(status="resolved")
        )
        return int(result.rowcount or 0)

    def resolve_repeats(self, source: str, source_ids: Sequence[str], *, before_run: int) -> int:
        """Close open "repeated source id" entries of ``source_ids`` last seen before
        ``before_run``: the id was read again and passed, so an old repeat is stale (a repeat
        still in the source is quarantined again later in the same run)."""
        t = quarantine.c
        repeat = sa.cast(t.reasons, sa.Text).like(f'%"check": "{REPEAT_CHECK}"%')
        if not source_ids:
            return 0
        result = self._c.execute(
            sa.update(quarantine)
            .where(
                t.source == source,
                one_of(self._c, t.source_id, source_ids),
                t.status == "open",
                t.seen_run_id < before_run,
                repeat,
            )
            .values(status="resolved")
        )
        return int(result.rowcount or 0)

    def open_entries(self, source: str | None = None, limit: int | None = None) -> list[Any]:
        t = quarantine.c
        query = sa.select(quarantine).where(t.status == "open").order_by(t.source, t.record_key)
        if source is not None:
            query = query.where(t.source == source)
        if limit is not None:
            query = query.limit(limit)
        return list(self._c.execute(query))

    def count(self, source: str | None = None, status: str = "open") -> int:
        t = quarantine.c
        query = sa.select(sa.func.count()).select_from(quarantine).where(t.status == status)
        if source is not None:
            query = query.where(t.source == source)
        return int(self._c.execute(query).scalar_one())

    def seen_count(self, source: str, run_id: int) -> int:
        """Entries of ``source`` seen by ``run_id``: the ledger's cross-check."""
        t = quarantine.c
        query = (
            sa.select(sa.func.count())
            .select_from(quarantine)
            .where(t.source == source, t.seen_run_id == run_id)
        )
        return int(self._c.execute(query).scalar_one())
