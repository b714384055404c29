"""Resolve: match new and changed records, cluster them, merge golden records, publish events.

Only records flagged ``resolve_pending`` are processed, in committed batches,
so the cost follows the size of the change and a killed run picks up where it
stopped. Golden IDs are stable: a golden record keeps its ID when records join
it; a merge keeps the older ID and turns the other into an alias.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from core.store import UnitOfWork
from core.store.staging import RecordKey
from mdm import Matcher, Member, UnionFind, golden_id_for, record_key, survive
from pipeline.clock import Clock

log = logging.getLogger(__name__)

_GOLDEN = "golden\x00"


@dataclass
class ResolveCounts:
    resolved: int = 0
    created: int = 0
    updated: int = 0
    merged: int = 0
    deleted: int = 0
    events: int = 0
    reviews: int = 0
    oversized_blocks: set[str] = field(default_factory=set)

    def golden_counts(self) -> dict[str, int]:
        return {
            "golden_created": self.created,
            "golden_updated": self.updated,
            "golden_merged": self.merged,
            "golden_deleted": self.deleted,
            "events": self.events,
        }

    def add(self, other: ResolveCounts) -> None:
        self.created += other.created
        self.updated += other.updated
        self.merged += other.merged
        self.deleted += other.deleted
        self.events += other.events
        self.reviews += other.reviews
        self.oversized_blocks |= other.oversized_blocks


def resolve_pending(
    engine: Any,
    matcher: Matcher,
    trust: Mapping[str, int],
    *,
    run_id: int,
    clock: Clock,
    batch_size: int = 500,
    block_cap: int = 500,
    progress: Callable[[int], None] | None = None,
) -> ResolveCounts:
    """Resolve every pending record, one committed batch at a time."""
    counts = ResolveCounts()
    while True:
        with UnitOfWork(engine) as uow:
            keys = uow.staging.pending_keys(batch_size)
            if not keys:
                break
            batch = ResolveCounts()
            _Batch(uow, matcher, trust, run_id, clock(), block_cap, batch).resolve(keys)
            uow.runs.add_golden_counts(run_id, **batch.golden_counts())
            uow.commit()
        counts.add(batch)
        counts.resolved += len(keys)
        if progress is not None:
            progress(len(keys))
    if counts.oversized_blocks:
        log.warning(
            "%d blocking keys had more than %d records and were not used for matching: %s",
            len(counts.oversized_blocks),
            block_cap,
            ", ".join(sorted(counts.oversized_blocks)[:5]),
        )
    return counts


class _Batch:
    def __init__(
        self,
        uow: UnitOfWork,
        matcher: Matcher,
        trust: Mapping[str, int],
        run_id: int,
        at: datetime,
        block_cap: int,
        counts: ResolveCounts,
    ) -> None:
        self.uow, self.matcher, self.trust = uow, matcher, trust
        self.run_id, self.at, self.block_cap, self.counts = run_id, at, block_cap, counts
        self.membership_changed: set[str] = set()
        self.absorbed: dict[str, list[str]] = {}
        self.merged_away: set[str] = set()
        self.golden_rows: list[dict[str, Any]] = []
        self.history_rows: list[dict[str, Any]] = []
        self.events: list[dict[str, Any]] = []

    def resolve(self, keys: list[RecordKey]) -> None:
        uow = self.uow
        rows = uow.staging.records(keys)
        active = {k: dict(r.record) for k, r in rows.items() if r.status == "active"}
        gone = [k for k, r in rows.items() if r.status != "active"]
        block_keys = {k: self.matcher.block_keys(record) for k, record in active.items()}
        uow.matching.replace_block_keys({**block_keys, **{k: () for k in gone}})
        members, oversized = uow.matching.block_members(
            {v for values in block_keys.values() for v in values}, self.block_cap
        )
        self.counts.oversized_blocks |= oversized

        candidates = {m for found in members.values() for m in found} - set(active)
        links = uow.golden.links(candidates | set(keys))
        linked = {k for k in candidates if k in links}
        records = dict(active)
        for k, row in uow.staging.records(linked).items():
            if row.status == "active":
                records[k] = dict(row.record)

        clusters = UnionFind(active)
        for k in records:
            if k in links:
                clusters.union(k, _GOLDEN + links[k])
        self._match(active, block_keys, members, records, clusters)

        touched: set[str] = set()
        unlinked = [k for k in gone if k in links]
        uow.golden.unlink(unlinked)
        for k in unlinked:
            touched.add(links[k])
            self.membership_changed.add(links[k])
        groups = []
        for group in clusters.groups():
            pending = sorted(n for n in group if isinstance(n, tuple) and n in active)
            if pending:
                goldens = {str(n)[len(_GOLDEN) :] for n in group if isinstance(n, str)}
                groups.append((pending, goldens))
        existing = uow.golden.get_many(g for _, goldens in groups for g in goldens)
        newcomers: list[tuple[RecordKey, str]] = []
        for pending, goldens in groups:
            winner = self._winner(pending, goldens, existing)
            touched.add(winner)
            newcomers.extend((k, winner) for k in pending if links.get(k) != winner)
        uow.golden.link_many(newcomers, method="auto", run_id=self.run_id, at=self.at)
        self.membership_changed.update(winner for _, winner in newcomers)
        self._rebuild(sorted(touched))
        self.flush()
        uow.staging.clear_pending(keys)

    def _match(
        self,
        active: Mapping[RecordKey, dict[str, Any]],
        block_keys: Mapping[RecordKey, set[str]],
        members: Mapping[str, set[RecordKey]],
        records: Mapping[RecordKey, dict[str, Any]],
        clusters: UnionFind,
    ) -> None:
        pairs: set[tuple[RecordKey, RecordKey]] = set()
        for key in active:
            for value in block_keys[key]:
                for other in members.get(value, ()):
                    if other != key and other in records and (other not in active or key < other):
                        pairs.add((key, other) if key < other else (other, key))
        named = {pair: (record_key(*pair[0]), record_key(*pair[1])) for pair in pairs}
        pinned = self.uow.matching.pinned(named.values())
        decisions, reviews = [], []
        for pair in sorted(pairs):
            left, right = named[pair]
            score = self.matcher.score(records[pair[0]], records[pair[1]])
            outcome = self.matcher.decide(score)
            if (left, right) in pinned:
                outcome = "match" if pinned[(left, right)] == "match" else "distinct"
            if outcome == "match":
                clusters.union(*pair)
            if outcome == "distinct":
                continue
            decisions.append(
                {
                    "left_key": left,
                    "right_key": right,
                    "score": score.probability,
                    "outcome": outcome,
                    "explanation": score.explanation(),
                    "pinned": False,
                    "decided_by": "auto",
                    "run_id": self.run_id,
                    "decided_at": self.at,
                }
            )
            if outcome == "review":
                reviews.append(
                    {
                        "left_key": left,
                        "right_key": right,
                        "score": score.probability,
                        "status": "open",
                        "created_run_id": self.run_id,
                    }
                )
        self.uow.matching.save_decisions(decisions)
        self.uow.matching.open_review(reviews)
        self.counts.reviews += len(reviews)

    def _winner(
        self, pending: list[RecordKey], goldens: set[str], existing: Mapping[str, Any]
    ) -> str:
        """The golden ID a group ends up under: the oldest one; the others merge into it."""
        if not goldens:
            return golden_id_for(*pending[0])
        ordered = sorted(goldens, key=lambda g: (existing[g].created_at, g))
        for loser in ordered[1:]:
            self._merge_away(loser, ordered[0])
        return ordered[0]

    def _merge_away(self, loser: str, winner: str) -> None:
        golden = self.uow.golden
        row = golden.get(loser)
        if row is None or row.status != "active":
            return
        moved = golden.members([loser]).get(loser, [])
        golden.link_many(
            [(k, winner) for k in moved], method="merge", run_id=self.run_id, at=self.at
        )
        self._write(
            loser,
            row,
            "merged_away",
            "merged",
            dict(row.record),
            dict(row.provenance),
            moved,
            merged_into=winner,
        )
        self.absorbed.setdefault(winner, []).append(loser)
        self.membership_changed.add(winner)
        self.counts.merged += 1

    def _rebuild(self, golden_ids: list[str]) -> None:
        """Re-survive golden records from their members; write a version only where one changed."""
        golden = self.uow.golden
        golden_ids = [g for g in golden_ids if g not in self.merged_away]
        currents = golden.get_many(golden_ids)
        member_keys = golden.members(golden_ids)
        rows = self.uow.staging.records(k for keys in member_keys.values() for k in keys)
        for golden_id in golden_ids:
            current = currents.get(golden_id)
            keys = member_keys.get(golden_id, [])
            if not keys:
                if current is not None and current.status == "active":
                    record = dict(current.record)
                    self._write(golden_id, current, "delete", "deleted", record, {}, [])
                    self.counts.deleted += 1
                continue
            members = [
                Member(
                    k[0], k[1], dict(rows[k].record), self.trust.get(k[0], 0), rows[k].changed_at
                )
                for k in keys
                if k in rows
            ]
            record, provenance = survive(members)
            if current is None or current.status != "active":
                self._write(golden_id, current, "create", "active", record, provenance, keys)
                self.counts.created += 1
                continue
            same = dict(current.record) == record and dict(current.provenance) == provenance
            if same and golden_id not in self.membership_changed:
                continue
            kind = "merge" if golden_id in self.absorbed else "update"
            self._write(golden_id, current, kind, "active", record, provenance, keys)
            self.counts.updated += 1

    def _write(
        self,
        golden_id: str,
        current: Any,
        kind: str,
        status: str,
        record: dict[str, Any],
        provenance: dict[str, Any],
        members: list[RecordKey],
        merged_into: str | None = None,
    ) -> None:
        """Queue the new version, its history row and its change event (flushed per batch)."""
        version = 1 if current is None else current.version + 1
        self.golden_rows.append(
            {
                "golden_id": golden_id,
                "status": status,
                "merged_into": merged_into,
                "record": record,
                "provenance": provenance,
                "version": version,
                "created_run_id": self.run_id if current is None else current.created_run_id,
                "updated_run_id": self.run_id,
                "created_at": self.at if current is None else current.created_at,
                "updated_at": self.at,
            }
        )
        self.history_rows.append(
            {
                "golden_id": golden_id,
                "version": version,
                "change": kind,
                "status": status,
                "record": record,
                "provenance": provenance,
                "members": [list(m) for m in members],
                "run_id": self.run_id,
                "recorded_at": self.at,
            }
        )
        detail: dict[str, Any] = {"members": len(members)}
        if merged_into is not None:
            detail["merged_into"] = merged_into
            self.merged_away.add(golden_id)
        if golden_id in self.absorbed:
            detail["absorbed"] = sorted(self.absorbed[golden_id])
        self.events.append(
            {
                "golden_id": golden_id,
                "kind": kind,
                "version": version,
                "run_id": self.run_id,
                "detail": detail,
                "recorded_at": self.at,
            }
        )
        self.counts.events += 1

    def flush(self) -> None:
        golden = self.uow.golden
        golden.save_many(self.golden_rows)
        golden.record_history(self.history_rows)
        golden.emit_many(self.events)
