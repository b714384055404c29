"""Deduplicate records in memory: block → candidate pairs → score → cluster.

The pure driver behind the benchmarks and ``crmhub dedupe``-sized jobs. Records are
prepared once (only their comparison values are kept), blocking keys are hashed
into compact arrays, candidate pairs are generated and scored one partition at a
time, and only pairs above the review threshold are kept as edges.
"""

from __future__ import annotations

import time
from array import array
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from mdm.blocking import block_keys
from mdm.candidates import index_hashed, name_oversized, partition_count, partitions
from mdm.frequencies import TermFrequencies
from mdm.incremental import DedupeIndex
from mdm.library import CUSTOMER_COMPARISONS
from mdm.matcher import Thresholds
from mdm.model import Model, Prepared, bits, default_model, probability_of
from mdm.resolver import join
from mdm.scoring import PairScorer, default_workers
from mdm.train import USource, train_prepared


@dataclass
class DedupeResult:
    """Clusters of record positions (input order), the model used and what it took."""

    clusters: list[list[int]]
    model: Model
    candidate_pairs: int = 0
    match_edges: int = 0
    review_edges: int = 0
    oversized_blocks: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    index: DedupeIndex | None = None
    block_cap: int = 200

    def labels(self) -> list[int]:
        """A cluster number per record, in input order."""
        found = [0] * sum(len(c) for c in self.clusters)
        for number, members in enumerate(self.clusters):
            for position in members:
                found[position] = number
        return found


def dedupe(
    records: Iterable[Mapping[str, Any]],
    *,
    model: Model | None = None,
    learn: bool = True,
    thresholds: Thresholds = Thresholds(),  # noqa: B008 - frozen, never mutated
    block_cap: int = 200,
    seed: int = 0,
    max_training_pairs: int = 200_000,
    training_records: int = 100_000,
    keep_values: int = 5_000,
    coherent: bool = True,
    u_source: USource = "random",
    keep_index: bool = False,
    workers: int | None = None,
) -> DedupeResult:
    """Find the duplicates among standardised flat records.

    Without a ``model``, one is learned from the records themselves (EM over a sample of
    their candidate pairs, no labels) unless ``learn=False``, which uses the defaults.
    ``keep_index=True`` keeps what later records are matched against
    (:class:`~mdm.incremental.DedupeIndex`, as ``result.index``). Candidate pairs are
    scored as arrays (:class:`~mdm.scoring.PairScorer`) with ``workers`` threads (default:
    one per core); the result does not depend on ``workers``.

    >>> people = [
    ...     {"given_name": "Robert", "family_name": "Smith", "birth_date": "1980-02-01",
    ...      "postcode": "10115"},
    ...     {"given_name": "Bob", "family_name": "Smith", "birth_date": "1980-02-01",
    ...      "postcode": "10115"},
    ...     {"given_name": "Anna", "family_name": "Smith", "birth_date": "1955-07-30",
    ...      "postcode": "10115"},
    ... ]
    >>> sorted(dedupe(people, learn=False).clusters)
    [[0, 1], [2]]
    """
    clock = time.perf_counter()
    seconds: dict[str, float] = {}
    base = model or default_model(CUSTOMER_COMPARISONS)
    prepared: list[Prepared] = []
    hashes: array[int] = array("q")
    counts: array[int] = array("q")
    for record in records:
        prepared.append(base.prepare(record))
        keys = block_keys(record)
        hashes.extend(hash(k) for k in keys)
        counts.append(len(keys))
    seconds["prepare"] = time.perf_counter() - clock

    clock = time.perf_counter()
    index = index_hashed(hashes, counts, block_cap)
    kept = (hashes, counts) if keep_index else None
    del hashes, counts
    if index.oversized and isinstance(records, Sequence):
        index = name_oversized(index, lambda position: block_keys(records[position]))
    seconds["block"] = time.perf_counter() - clock

    workers = default_workers() if workers is None else max(1, workers)
    clock = time.perf_counter()
    scorer = PairScorer(default_model(base.comparisons), prepared)
    seconds["encode"] = time.perf_counter() - clock
    chunks = partitions(index)
    first = next(chunks, np.zeros((0, 2), dtype=np.int64))
    if model is None and learn:
        clock = time.perf_counter()
        base = _learn(
            base,
            prepared,
            first,
            scorer=scorer,
            workers=workers,
            blocked_pairs=len(first) * partition_count(index),
            seed=seed,
            max_pairs=max_training_pairs,
            training_records=training_records,
            keep_values=keep_values,
            u_source=u_source,
        )
        seconds["train"] = time.perf_counter() - clock

    clock = time.perf_counter()
    review_bits = bits(thresholds.review)
    match_bits = bits(thresholds.auto_merge)
    edges: list[tuple[int, int, float]] = []
    scored = matches = 0
    scorer = scorer.for_model(base)
    for chunk in _chain(first, chunks):
        scored += len(chunk)
        for pairs, weights in scorer.score(chunk, workers=workers):
            above = np.flatnonzero(weights >= review_bits)
            for (i, j), weight in zip(pairs[above].tolist(), weights[above].tolist(), strict=True):
                edges.append((i, j, probability_of(weight)))
                matches += weight >= match_bits
    del scorer
    seconds["score"] = time.perf_counter() - clock
    total_weight = base.total_weight

    clock = time.perf_counter()

    def rescore(i: Any, j: Any) -> float:
        return probability_of(total_weight(prepared[i], prepared[j]))

    joined = join(
        range(len(prepared)),
        {},
        edges,
        thresholds=thresholds
        if coherent
        else Thresholds(thresholds.auto_merge, thresholds.review, thresholds.auto_merge),
        rescore=rescore if coherent else None,
    )
    seconds["cluster"] = time.perf_counter() - clock
    clusters = sorted(list(a.records) for a in joined)
    result = DedupeResult(
        clusters,
        base,
        scored,
        matches,
        len(edges) - matches,
        dict(index.oversized),
        seconds,
        block_cap=block_cap,
    )
    if kept is not None:
        result.index = DedupeIndex.build(
            base,
            prepared,
            *kept,
            result.labels(),
            thresholds=thresholds,
            block_cap=block_cap,
        )
    return result


def _chain(first: np.ndarray, rest: Iterable[np.ndarray]) -> Iterable[np.ndarray]:
    yield first
    yield from rest


def _learn(
    base: Model,
    prepared: list[Prepared],
    pairs: np.ndarray,
    *,
    blocked_pairs: int,
    seed: int,
    max_pairs: int,
    training_records: int,
    keep_values: int,
    u_source: USource,
    scorer: PairScorer,
    workers: int,
) -> Model:
    rng = np.random.default_rng(seed)
    if len(prepared) > training_records:
        sample = rng.choice(len(prepared), training_records, replace=False)
        counted: Iterable[Prepared] = (prepared[i] for i in sample.tolist())
    else:
        counted = prepared
    frequencies = TermFrequencies.from_records(counted, base.comparisons, keep=keep_values)
    return train_prepared(
        prepared,
        pairs,
        frequencies,
        comparisons=base.comparisons,
        seed=seed,
        max_pairs=max_pairs,
        u_source=u_source,
        blocked_pairs=blocked_pairs,
        scorer=scorer,
        workers=workers,
    )
