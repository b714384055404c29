"""Deduplicate records in memory: block → candidate pairs → score → cluster.

The pure driver behind the benchmarks and ``crmhub dedupe``-sized jobs. Records are
prepared once (only their comparison values are kept), blocking keys are hashed
into compact arrays, candidate pairs are generated and scored one partition at a
time, and only pairs above the review threshold are kept as edges.
"""

from __future__ import annotations

import time
from array import array
from collections.abc import Iterable, Mapping, Sequence, Sized
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
from mdm.scoring import Encoder, PairScorer, default_workers
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
    partition_size: int = 20_000_000,
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
    learning = model is None and learn
    sample = _training_sample(records, training_records, seed) if learning else None
    keep_all = keep_index or (learning and sample is None)
    prepared: list[Prepared] = []
    sampled: dict[int, Prepared] = {}
    encoder = Encoder(base.comparisons)
    hashes: array[int] = array("q")
    counts: array[int] = array("q")
    for position, record in enumerate(records):
        values = base.prepare(record)
        encoder.add(values)
        if keep_all:
            prepared.append(values)
        elif sample is not None and position in sample:
            sampled[position] = values
        keys = block_keys(record, base.blocking)
        hashes.extend(hash(k) for k in keys)
        counts.append(len(keys))
    size = encoder.size
    seconds["prepare"] = time.perf_counter() - clock

    clock = time.perf_counter()
    index = index_hashed(hashes, counts, block_cap)
    kept = (hashes, counts) if keep_index else None
    del hashes, counts
    if index.oversized_hashes and isinstance(records, Sequence):
        index = name_oversized(index, lambda position: block_keys(records[position], base.blocking))
    seconds["block"] = time.perf_counter() - clock

    workers = default_workers() if workers is None else max(1, workers)
    clock = time.perf_counter()
    scorer = PairScorer(default_model(base.comparisons), ladders=encoder.finish())
    del encoder
    seconds["encode"] = time.perf_counter() - clock
    chunks = partitions(index, max_occurrences=partition_size)
    first = next(chunks, np.zeros((0, 2), dtype=np.int64))
    if learning:
        clock = time.perf_counter()
        base = _learn(
            base,
            prepared if keep_all else sampled,
            size,
            first,
            scorer=scorer,
            workers=workers,
            blocked_pairs=len(first) * partition_count(index, partition_size),
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
    seconds["score"] = time.perf_counter() - clock

    clock = time.perf_counter()

    def rescore(i: Any, j: Any) -> float:
        weight = scorer.total_weights(np.array([i]), np.array([j]))
        return probability_of(float(weight[0]))

    joined = join(
        range(size),
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
        index.oversized_by_key(),
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


def _training_sample(records: Iterable[Any], count: int, seed: int) -> set[int] | None:
    """The records whose values are counted for the term frequencies (the draw
    :func:`_learn` makes); ``None`` when the records' number is not known before reading
    them (they are then all kept)."""
    if not isinstance(records, Sized):
        return None
    if len(records) <= count:
        return set(range(len(records)))
    rng = np.random.default_rng(seed)
    chosen: list[int] = rng.choice(len(records), count, replace=False).tolist()
    return set(chosen)


def _learn(
    base: Model,
    prepared: Sequence[Prepared] | Mapping[int, Prepared],
    size: int,
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
    if size > training_records:
        sample = rng.choice(size, training_records, replace=False)
        counted: Iterable[Prepared] = (prepared[i] for i in sample.tolist())
    else:
        counted = (prepared[i] for i in range(size))
    frequencies = TermFrequencies.from_records(counted, base.comparisons, keep=keep_values)
    return train_prepared(
        None,
        pairs,
        frequencies,
        comparisons=base.comparisons,
        seed=seed,
        max_pairs=max_pairs,
        u_source=u_source,
        blocked_pairs=blocked_pairs,
        scorer=scorer,
        workers=workers,
        records=size,
    )
