"""Reading quarantine page by page, and re-queuing entries: what stewards and retries need.

Listing, exporting and retrying never hold the quarantine in memory: every
read is a keyset page over ``(source, record_key)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from core.store.tables import quarantine
from core.store.upsert import chunked

Position = tuple[str, str]  # (source, record_key)
#: Entries per page when reading the quarantine.
PAGE = 500


class QuarantineReview:
    def __init__(self, connection: sa.Connection) -> None:
        self._c = connection

    def page(
        self,
        *,
        source: str | None = None,
        status: str | None = "open",
        after: Position | None = None,
        limit: int = PAGE,
    ) -> list[sa.Row[Any]]:
        """Entries in ``(source, record_key)`` order, after ``after``."""
        t = quarantine.c
        query = sa.select(quarantine).order_by(t.source, t.record_key).limit(limit)
        if status is not None:
            query = query.where(t.status == status)
        if source is not None:
            query = query.where(t.source == source)
        if after is not None:
            query = query.where(sa.tuple_(t.source, t.record_key) > sa.tuple_(*after))
        return list(self._c.execute(query))

    def entry(self, source: str, record_key: str) -> sa.Row[Any] | None:
        t = quarantine.c
        return self._c.execute(
            sa.select(quarantine).where(t.source == source, t.record_key == record_key)
        ).first()

    def sources_with_open(self) -> list[str]:
        t = quarantine.c
        return [
            str(s)
            for s in self._c.execute(
                sa.select(t.source).where(t.status == "open").distinct().order_by(t.source)
            ).scalars()
        ]

    def unprocessed(self, source: str, run_id: int, limit: int) -> list[sa.Row[Any]]:
        """Open entries of ``source`` that ``run_id`` has not looked at yet."""
        t = quarantine.c
        return list(
            self._c.execute(
                sa.select(quarantine)
                .where(t.source == source, t.status == "open", t.seen_run_id != run_id)
                .order_by(t.record_key)
                .limit(limit)
            )
        )

    def seen_in(
        self, run_id: int, *, after: Position | None = None, limit: int = PAGE
    ) -> list[sa.Row[Any]]:
        """Entries ``run_id`` read (whatever their status now), in key order."""
        t = quarantine.c
        query = (
            sa.select(quarantine)
            .where(t.seen_run_id == run_id)
            .order_by(t.source, t.record_key)
            .limit(limit)
        )
        if after is not None:
            query = query.where(sa.tuple_(t.source, t.record_key) > sa.tuple_(*after))
        return list(self._c.execute(query))

    def requeue(self, rows: Sequence[dict[str, Any]], *, run_id: int, at: datetime) -> None:
        """Keep entries open with the reasons found now, as read by ``run_id``.

        Each row holds ``source``, ``record_key``, ``reasons`` and ``payload_hash``.
        """
        if not rows:
            return
        t = quarantine.c
        statement = (
            sa.update(quarantine)
            .where(t.source == sa.bindparam("b_source"), t.record_key == sa.bindparam("b_key"))
            .values(
                reasons=sa.bindparam("b_reasons", type_=quarantine.c.reasons.type),
                payload_hash=sa.bindparam("b_hash"),
                seen_run_id=run_id,
                seen_at=at,
            )
        )
        self._c.execute(
            statement,
            [
                {
                    "b_source": r["source"],
                    "b_key": r["record_key"],
                    "b_reasons": r["reasons"],
                    "b_hash": r["payload_hash"],
                }
                for r in rows
            ],
        )

    def close(self, source: str, record_keys: Sequence[str]) -> int:
        """Mark entries resolved (their record was staged, or superseded); return how many."""
        t = quarantine.c
        closed = 0
        for chunk in chunked(list(record_keys)):
            result = self._c.execute(
                sa.update(quarantine)
                .where(t.source == source, t.record_key.in_(chunk), t.status == "open")
                .values(status="resolved")
            )
            closed += int(result.rowcount or 0)
        return closed
