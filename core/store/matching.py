"""Blocking keys and match decisions: what the resolver needs to find and remember pairs."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa

from core.store.staging import RecordKey
from core.store.tables import block_key, match_decision, review_task
from core.store.upsert import chunked, ids_by_source, upsert


class MatchingRepository:
    def __init__(self, connection: sa.Connection) -> None:
        self._c = connection

    def replace_block_keys(self, keys: dict[RecordKey, Iterable[str]]) -> None:
        """Set the blocking keys of each record to exactly ``keys[record]``."""
        t = block_key.c
        for source, ids in ids_by_source(keys).items():
            for chunk in chunked(ids):
                self._c.execute(
                    sa.delete(block_key).where(t.source == source, t.source_id.in_(chunk))
                )
        rows = [
            {"blocking_key": k, "source": source, "source_id": source_id}
            for (source, source_id), values in keys.items()
            for k in sorted(set(values))
        ]
        upsert(self._c, block_key, rows, key=("blocking_key", "source", "source_id"), update=())

    def block_members(
        self, values: Iterable[str], cap: int
    ) -> tuple[dict[str, set[RecordKey]], set[str]]:
        """The records under each of ``values``; blocks bigger than ``cap`` are left out.

        Returns the members per key and the keys that were too big (the caller reports them).
        """
        t = block_key.c
        wanted = sorted(set(values))
        sizes: dict[str, int] = {}
        for chunk in chunked(wanted):
            for row in self._c.execute(
                sa.select(t.blocking_key, sa.func.count())
                .where(t.blocking_key.in_(chunk))
                .group_by(t.blocking_key)
            ):
                sizes[row[0]] = int(row[1])
        oversized = {k for k, n in sizes.items() if n > cap}
        usable = [k for k in wanted if k in sizes and k not in oversized]
        members: dict[str, set[RecordKey]] = {}
        for chunk in chunked(usable):
            for row in self._c.execute(
                sa.select(t.blocking_key, t.source, t.source_id).where(t.blocking_key.in_(chunk))
            ):
                members.setdefault(row.blocking_key, set()).add((row.source, row.source_id))
        return members, oversized

    def pinned(self, pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
        """Steward decisions (``match`` / ``distinct``) for the given ordered pairs."""
        t = match_decision.c
        wanted = set(pairs)
        lefts = sorted({left for left, _ in wanted})
        found: dict[tuple[str, str], str] = {}
        for chunk in chunked(lefts):
            for row in self._c.execute(
                sa.select(t.left_key, t.right_key, t.outcome).where(
                    t.pinned.is_(True), t.left_key.in_(chunk)
                )
            ):
                if (row.left_key, row.right_key) in wanted:
                    found[(row.left_key, row.right_key)] = row.outcome
        return found

    def save_decisions(self, rows: Sequence[dict[str, Any]]) -> None:
        """Store automatic decisions; a pinned (steward) decision is never overwritten."""
        if not rows:
            return
        keys = [(r["left_key"], r["right_key"]) for r in rows]
        pinned = self.pinned(keys)
        upsert(
            self._c,
            match_decision,
            [r for r in rows if (r["left_key"], r["right_key"]) not in pinned],
            key=("left_key", "right_key"),
        )

    def open_review(self, rows: Sequence[dict[str, Any]]) -> None:
        upsert(self._c, review_task, rows, key=("left_key", "right_key"), update=("score",))

    def review_count(self, status: str = "open") -> int:
        return int(
            self._c.execute(
                sa.select(sa.func.count())
                .select_from(review_task)
                .where(review_task.c.status == status)
            ).scalar_one()
        )
