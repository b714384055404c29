"""Blocking keys and match decisions: what the resolver needs to find and remember pairs."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from core.store.rows import MatchDecision, ReviewTask
from core.store.staging import RecordKey
from core.store.tables import block_key, match_decision, review_task, steward_action
from core.store.upsert import chunked, ids_by_source, insert_rows, one_of, upsert


class MatchingRepository:
    def __init__(self, connection: sa.Connection) -> None:
        self._c = connection

    def replace_block_keys(self, keys: dict[RecordKey, Iterable[str]]) -> None:
        """Set the blocking keys of each record to exactly ``keys[record]``."""
        t = block_key.c
        for source, ids in ids_by_source(keys).items():
            self._c.execute(
                sa.delete(block_key).where(t.source == source, one_of(self._c, t.source_id, ids))
            )
        rows = [
            {"blocking_key": k, "source": source, "source_id": source_id}
            for (source, source_id), values in keys.items()
            for k in sorted(set(values))
        ]
        insert_rows(self._c, block_key, rows)  # the record's keys were all deleted above

    def block_members(
        self, values: Iterable[str], cap: int
    ) -> tuple[dict[str, set[RecordKey]], set[str]]:
        """The records under each of ``values``; blocks bigger than ``cap`` are left out.

        Returns the members per key and the keys that were too big (the caller reports them).
        """
        t = block_key.c
        sizes = self.key_counts(values)
        oversized = {k for k, n in sizes.items() if n > cap}
        usable = sorted(k for k in sizes if k not in oversized)
        members: dict[str, set[RecordKey]] = {}
        if not usable:
            return members, oversized
        for row in self._c.execute(
            sa.select(t.blocking_key, t.source, t.source_id).where(
                one_of(self._c, t.blocking_key, usable)
            )
        ):
            members.setdefault(row.blocking_key, set()).add((row.source, row.source_id))
        return members, oversized

    def key_counts(self, values: Iterable[str]) -> dict[str, int]:
        """How many records hold each of ``values`` (keys held by none are left out)."""
        t = block_key.c
        wanted = sorted(set(values))
        if not wanted:
            return {}
        rows = self._c.execute(
            sa.select(t.blocking_key, sa.func.count())
            .where(one_of(self._c, t.blocking_key, wanted))
            .group_by(t.blocking_key)
        )
        return {row[0]: int(row[1]) for row in rows}

    def key_totals(self, prefix: str) -> tuple[int, int, int]:
        """Over the keys starting with ``prefix``: (records counted, sum of squared counts,
        distinct keys), one aggregate over that range of the key index."""
        key: sa.ColumnElement[str] = block_key.c.blocking_key
        if self._c.dialect.name == "postgresql":  # a range of bytes, whatever the locale
            key = key.collate("C")
        upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        per_key = (
            sa.select(sa.func.count().label("n"))
            .where(key >= prefix, key < upper)
            .group_by(block_key.c.blocking_key)
            .subquery()
        )
        n = per_key.c.n
        row = self._c.execute(sa.select(sa.func.sum(n), sa.func.sum(n * n), sa.func.count())).one()
        return int(row[0] or 0), int(row[1] or 0), int(row[2] or 0)

    def pinned(self, pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
        """Steward decisions (``match`` / ``distinct``) for the given ordered pairs."""
        t = match_decision.c
        wanted = set(pairs)
        lefts = sorted({left for left, _ in wanted})
        found: dict[tuple[str, str], str] = {}
        if not lefts:
            return found
        for row in self._c.execute(
            sa.select(t.left_key, t.right_key, t.outcome).where(
                t.pinned.is_(True), one_of(self._c, t.left_key, lefts)
            )
        ):
            if (row.left_key, row.right_key) in wanted:
                found[(row.left_key, row.right_key)] = row.outcome
        return found

    def pinned_distinct(self, record_keys: Sequence[str]) -> list[tuple[str, str]]:
        """Steward "not a match" pairs that involve any of ``record_keys``."""
        t = match_decision.c
        if not record_keys:
            return []
        found = {
            (row.left_key, row.right_key)
            for row in self._c.execute(
                sa.select(t.left_key, t.right_key).where(
                    t.pinned.is_(True),
                    t.outcome == "distinct",
                    sa.or_(
                        one_of(self._c, t.left_key, record_keys),
                        one_of(self._c, t.right_key, record_keys),
                    ),
                )
            )
        }
        return sorted(found)

    def save_decisions(self, rows: Sequence[MatchDecision]) -> None:
        """Store automatic decisions; a pinned (steward) decision is never overwritten."""
        if not rows:
            return
        pinned = self.pinned([(r.left_key, r.right_key) for r in rows])
        upsert(
            self._c,
            match_decision,
            [r for r in rows if (r.left_key, r.right_key) not in pinned],
            key=("left_key", "right_key"),
        )

    def open_review(self, rows: Sequence[ReviewTask]) -> None:
        upsert(self._c, review_task, rows, key=("left_key", "right_key"), update=("score",))

    def review_count(self, status: str = "open") -> int:
        return int(
            self._c.execute(
                sa.select(sa.func.count())
                .select_from(review_task)
                .where(review_task.c.status == status)
            ).scalar_one()
        )

    def pin(
        self,
        left_key: str,
        right_key: str,
        outcome: str,
        *,
        actor: str,
        at: datetime,
        explanation: dict[str, Any] | None = None,
    ) -> None:
        """A steward's decision on a pair: kept over any later automatic decision."""
        left_key, right_key = sorted((left_key, right_key))
        previous = self.decision(left_key, right_key)
        decision = MatchDecision(
            left_key=left_key,
            right_key=right_key,
            score=previous.score if previous is not None else 1.0,
            outcome=outcome,
            explanation=explanation or (dict(previous.explanation) if previous is not None else {}),
            pinned=True,
            decided_by=actor,
            run_id=None,
            decided_at=at,
        )
        upsert(self._c, match_decision, [decision], key=("left_key", "right_key"))

    def decision(self, left_key: str, right_key: str) -> Any:
        left_key, right_key = sorted((left_key, right_key))
        t = match_decision.c
        return self._c.execute(
            sa.select(match_decision).where(t.left_key == left_key, t.right_key == right_key)
        ).first()

    def decisions_among(self, record_keys: Sequence[str]) -> list[Any]:
        """Stored decisions whose both sides are in ``record_keys`` (a golden record's members)."""
        t = match_decision.c
        wanted = set(record_keys)
        found = []
        for chunk in chunked(sorted(wanted)):
            for row in self._c.execute(sa.select(match_decision).where(t.left_key.in_(chunk))):
                if row.right_key in wanted:
                    found.append(row)
        return sorted(found, key=lambda r: (r.left_key, r.right_key))

    def reviews(self, status: str | None = "open", limit: int = 50) -> list[Any]:
        t = review_task.c
        query = sa.select(review_task).order_by(t.score.desc(), t.task_id).limit(limit)
        if status is not None:
            query = query.where(t.status == status)
        return list(self._c.execute(query))

    def review(self, task_id: int) -> Any:
        return self._c.execute(
            sa.select(review_task).where(review_task.c.task_id == task_id)
        ).first()

    def close_review(self, task_id: int, status: str, *, actor: str, at: datetime) -> None:
        self._c.execute(
            sa.update(review_task)
            .where(review_task.c.task_id == task_id)
            .values(status=status, resolved_by=actor, resolved_at=at)
        )

    def audit(
        self, action: str, target: str, *, actor: str, at: datetime, detail: dict[str, Any]
    ) -> int:
        """Record what a steward did; the detail holds keys and IDs, never personal data."""
        result = self._c.execute(
            sa.insert(steward_action).values(
                action=action, actor=actor, target=target, detail=detail, recorded_at=at
            )
        )
        (action_id,) = result.inserted_primary_key or (None,)
        assert action_id is not None
        return int(action_id)

    def audit_trail(self, limit: int = 100) -> list[Any]:
        t = steward_action.c
        return list(
            self._c.execute(sa.select(steward_action).order_by(t.action_id.desc()).limit(limit))
        )
