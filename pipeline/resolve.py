"""Resolve: match new and changed records, cluster them, merge golden records, publish events.

Only records flagged ``resolve_pending`` are processed, in committed batches,
so the cost follows the size of the change and a killed run picks up where it
stopped. The clusters are decided by :func:`mdm.resolver.resolve_batch`, the
same code the in-memory matcher runs; this module reads what it needs from the
store and writes what it decided. Golden IDs are stable: a golden record keeps
its ID when records join it; a merge keeps the older ID and turns the other
into an alias.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from core.store import UnitOfWork
from core.store.rows import MatchDecision, ReviewTask
from core.store.staging import RecordKey
from mdm import Matcher, TermFrequencies, golden_id_for, record_key
from mdm.ids import parse_record_key
from mdm.resolver import Cluster, Resolution, candidate_pairs, resolve_batch
from mdm.survivorship import SurvivorshipPolicy
from pipeline.clock import Clock
from pipeline.frequencies import batch_frequencies, index_keys, store_frequencies
from pipeline.golden_writer import GoldenCounts, GoldenWriter

log = logging.getLogger(__name__)


@dataclass
class ResolveCounts:
    resolved: int = 0
    reviews: int = 0
    golden: GoldenCounts = field(default_factory=GoldenCounts)
    oversized_blocks: set[str] = field(default_factory=set)

    def add(self, other: ResolveCounts) -> None:
        self.golden.add(other.golden)
        self.reviews += other.reviews
        self.oversized_blocks |= other.oversized_blocks


def resolve_pending(
    engine: Any,
    matcher: Matcher,
    policy: SurvivorshipPolicy,
    *,
    run_id: int,
    clock: Clock,
    batch_size: int = 500,
    block_cap: int = 500,
    progress: Callable[[int], None] | None = None,
    workers: int | None = None,
) -> ResolveCounts:
    """Resolve every pending record, one committed batch at a time.

    The pending records are indexed first (blocking keys and values), so that the
    store's value counts include the whole change before anything is scored. Pairs are
    scored with ``workers`` threads (default: one per core); the result is the same.
    """
    counts = ResolveCounts()
    if not index_pending(engine, matcher):
        return counts
    with UnitOfWork(engine) as uow:
        store = store_frequencies(uow, matcher.term_tables)
        matcher = matcher.for_store(uow.staging.count(), store)
    while True:
        with UnitOfWork(engine) as uow:
            keys = uow.staging.pending_keys(batch_size)
            if not keys:
                break
            batch = resolve_keys(
                uow,
                matcher,
                policy,
                keys,
                store,
                run_id=run_id,
                at=clock(),
                block_cap=block_cap,
                workers=workers,
            )
            uow.runs.add_golden_counts(run_id, **batch.golden.as_run_counts())
            uow.commit()
        counts.add(batch)
        counts.resolved += batch.resolved
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


def index_pending(engine: Any, matcher: Matcher, *, page: int = 2_000) -> int:
    """Index every pending record under its keys (a deleted one under none), committed page
    by page; returns how many records are pending. Re-running it changes nothing."""
    indexed = 0
    after: RecordKey | None = None
    while True:
        with UnitOfWork(engine) as uow:
            keys = uow.staging.pending_keys(page, after)
            if not keys:
                return indexed
            index_records(uow, matcher, keys)
            uow.commit()
        indexed += len(keys)
        after = keys[-1]


def index_records(uow: UnitOfWork, matcher: Matcher, keys: list[RecordKey]) -> None:
    """Index these staged records under their keys (a deleted one under none)."""
    rows = uow.staging.records(keys, payload=False)
    uow.matching.replace_block_keys(
        {
            k: index_keys(matcher, dict(r.record)) if r.status == "active" else ()
            for k, r in rows.items()
        }
    )


def resolve_keys(
    uow: UnitOfWork,
    matcher: Matcher,
    policy: SurvivorshipPolicy,
    keys: list[RecordKey],
    store: TermFrequencies,
    *,
    run_id: int,
    at: datetime,
    block_cap: int = 500,
    workers: int | None = None,
) -> ResolveCounts:
    """Match, cluster and merge one batch of indexed pending records in ``uow`` (not
    committed); the golden records, decisions and events are written, the batch is no
    longer pending."""
    counts = ResolveCounts()
    _Batch(uow, matcher, policy, run_id, at, block_cap, counts, workers).resolve(keys, store)
    counts.resolved = len(keys)
    return counts


class _Batch:
    def __init__(
        self,
        uow: UnitOfWork,
        matcher: Matcher,
        policy: SurvivorshipPolicy,
        run_id: int,
        at: datetime,
        block_cap: int,
        counts: ResolveCounts,
        workers: int | None = None,
    ) -> None:
        self.uow, self.matcher, self.workers = uow, matcher, workers
        self.run_id, self.at, self.block_cap, self.counts = run_id, at, block_cap, counts
        self.writer = GoldenWriter(uow, policy, run_id, at, counts.golden)

    def resolve(self, keys: list[RecordKey], store: TermFrequencies) -> None:
        uow = self.uow
        rows = uow.staging.records(keys, payload=False)
        active = {k: dict(r.record) for k, r in rows.items() if r.status == "active"}
        gone = [k for k, r in rows.items() if r.status != "active"]
        block_keys = {k: self.matcher.block_keys(record) for k, record in active.items()}
        members, oversized = uow.matching.block_members(
            {v for values in block_keys.values() for v in values}, self.block_cap
        )
        self.counts.oversized_blocks |= oversized

        candidates = {m for found in members.values() for m in found} - set(active)
        links = uow.golden.links(candidates | set(keys))
        existing = self._cluster_records({links[k] for k in candidates | set(active) if k in links})
        clusters_of = {k: links[k] for k in active if k in links}
        for golden_id, held in existing.items():
            clusters_of.update((k, golden_id) for k in held)
        records = {k: r for held in existing.values() for k, r in held.items() if k not in active}
        pairs = candidate_pairs(block_keys, members, {*active, *records})
        resolution = resolve_batch(
            self.matcher,
            active,
            records,
            clusters_of,
            members,
            new_keys=block_keys,
            pinned=self._pinned(pairs),
            cannot_link=self._kept_apart(list(active), links),
            frequencies=batch_frequencies(
                uow, self.matcher, store, [*active.values(), *records.values()]
            ),
            workers=self.workers,
        )
        self._save_decisions(resolution)

        touched: set[str] = set()
        unlinked = [k for k in gone if k in links]
        uow.golden.unlink(unlinked)
        for k in unlinked:
            touched.add(links[k])
            self.writer.membership_changed.add(links[k])
        goldens = {g for a in resolution.assignments for g in a.clusters}
        current = uow.golden.get_many(goldens)
        newcomers: list[tuple[RecordKey, str]] = []
        merges: list[tuple[str, str]] = []
        for assignment in resolution.assignments:
            winner, losers = _winner(list(assignment.records), set(assignment.clusters), current)
            merges.extend((loser, winner) for loser in losers)
            touched.add(winner)
            newcomers.extend((k, winner) for k in assignment.records if links.get(k) != winner)
        self.writer.merge_away_many(merges)
        uow.golden.link_many(newcomers, method="auto", run_id=self.run_id, at=self.at)
        self.writer.membership_changed.update(winner for _, winner in newcomers)
        self.writer.rebuild(sorted(touched))
        self.writer.flush()
        uow.staging.clear_pending(keys)

    def _cluster_records(self, golden_ids: set[str]) -> dict[str, dict[RecordKey, dict[str, Any]]]:
        """Every active member of these golden records with its values: a record joins a
        golden record on the evidence of all its members, as in memory."""
        held = self.uow.golden.members(golden_ids)
        rows = self.uow.staging.records((k for keys in held.values() for k in keys), payload=False)
        return {
            golden_id: {
                k: dict(rows[k].record) for k in keys if k in rows and rows[k].status == "active"
            }
            for golden_id, keys in held.items()
        }

    def _pinned(self, pairs: list[tuple[RecordKey, RecordKey]]) -> dict[frozenset[Any], str]:
        named = {(record_key(*a), record_key(*b)): (a, b) for a, b in pairs}
        return {frozenset(named[p]): said for p, said in self.uow.matching.pinned(named).items()}

    def _save_decisions(self, resolution: Resolution) -> None:
        """Store every match and review decision with its explanation; open the reviews."""
        decisions, reviews = [], []
        for pair in resolution.pairs:
            if pair.outcome == "distinct":
                continue
            left, right = record_key(*pair.left), record_key(*pair.right)
            probability = pair.score.probability
            explanation = pair.score.explanation()
            decisions.append(
                MatchDecision(
                    left,
                    right,
                    probability,
                    pair.outcome,
                    explanation,
                    False,
                    "auto",
                    self.run_id,
                    self.at,
                )
            )
            if pair.outcome == "review":
                reviews.append(ReviewTask(left, right, probability, "open", self.run_id))
        self.uow.matching.save_decisions(decisions)
        self.uow.matching.open_review(reviews)
        self.counts.reviews += len(reviews)

    def _kept_apart(
        self, pending: list[RecordKey], links: Mapping[RecordKey, str]
    ) -> list[tuple[Any, Any]]:
        """Cannot-link pairs from steward decisions: the records, and each with the other's
        golden record (so a pending record never joins a golden record holding its opposite)."""
        pairs: list[tuple[Any, Any]] = []
        pinned = self.uow.matching.pinned_distinct([record_key(*k) for k in pending])
        partners = [(parse_record_key(a), parse_record_key(b)) for a, b in pinned]
        partner_links = self.uow.golden.links(k for pair in partners for k in pair)
        for a, b in partners:
            pairs.append((a, b))
            for one, other in ((a, b), (b, a)):
                golden = partner_links.get(other) or links.get(other)
                if golden is not None and partner_links.get(one) != golden:
                    pairs.append((one, Cluster(golden)))
        return pairs


def _winner(
    pending: list[RecordKey], goldens: set[str], existing: Mapping[str, Any]
) -> tuple[str, list[str]]:
    """The golden ID a group ends up under, the oldest one, and the others that merge into it."""
    if not goldens:
        return golden_id_for(*pending[0]), []
    ordered = sorted(goldens, key=lambda g: (existing[g].created_at, g))
    return ordered[0], ordered[1:]
