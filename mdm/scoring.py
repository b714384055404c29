"""Score arrays of candidate pairs at once: levels, weights, TF adjustments and guards.

:class:`PairScorer` encodes a model's comparison values of many prepared records once
(:mod:`mdm.ladders`) and then gives, for arrays of left and right record positions, the
level matrix and the total weights, summed as vectors in the order
:meth:`Model.total_weight <mdm.model.Model.total_weight>` sums them — so the weight of a
pair is the same float either way, and explanations (:meth:`Model.explain
<mdm.model.Model.explain>`) are rebuilt exactly from a row of the level matrix.

``workers`` is the number of threads rapidfuzz and the scorer's own chunks use; the
result does not depend on it.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

from mdm.comparisons import Comparison
from mdm.frequencies import TermFrequencies
from mdm.ladders import Ladder, new_ladder
from mdm.model import Model, Prepared, probability_of

#: Pairs scored per numpy pass: large enough to amortise the calls, small enough for cache.
CHUNK = 250_000


def default_workers() -> int:
    """One worker per core."""
    return os.cpu_count() or 1


class Encoder:
    """Encodes prepared records one by one into each comparison's ladder, so that a
    million records need not be kept: only their codes are.

    >>> from mdm.model import default_model
    >>> model = default_model()
    >>> encoder = Encoder(model.comparisons)
    >>> for record in ({"email": "a@x.cn"}, {"email": "A@x.cn"}):
    ...     encoder.add(model.prepare(record))
    >>> scorer = PairScorer(model, ladders=encoder.finish())
    >>> scorer.levels(np.array([0]), np.array([1]))[0, 4].tolist()
    1
    """

    def __init__(self, comparisons: Sequence[Comparison]) -> None:
        shared: dict[str, Any] = {}
        self.ladders = tuple(new_ladder(c, shared) for c in comparisons)
        self.size = 0

    def add(self, prepared: Prepared) -> None:
        for ladder, value in zip(self.ladders, prepared, strict=True):
            ladder.add(value)
        self.size += 1

    def finish(self) -> tuple[Ladder, ...]:
        for ladder in self.ladders:
            ladder.finish()
        return self.ladders


class PairScorer:
    """A model's comparisons over many prepared records, scoring arrays of pairs.

    >>> from mdm.model import default_model
    >>> model = default_model()
    >>> people = [model.prepare(r) for r in ({"given_name": "Bob", "family_name": "Smith"},
    ...           {"given_name": "Robert", "family_name": "Smith"})]
    >>> scorer = PairScorer(model, people)
    >>> scorer.levels(np.array([0]), np.array([1]))[0, :2].tolist()
    [2, 1]
    >>> float(scorer.total_weights(np.array([0]), np.array([1]))[0]) == model.total_weight(*people)
    True
    """

    def __init__(
        self,
        model: Model,
        prepared: Iterable[Prepared] = (),
        ladders: tuple[Ladder, ...] | None = None,
    ) -> None:
        self.model = model
        if ladders is None:
            encoder = Encoder(model.comparisons)
            for values in prepared:
                encoder.add(values)
            ladders = encoder.finish()
        self.ladders = ladders
        self._weights = [np.asarray(w, dtype=np.float64) for w in model.weights]
        self._tf_levels = [
            np.asarray(sorted(c.tf_levels), dtype=np.int8) for c in model.comparisons
        ]
        self._adjustments: dict[int, tuple[TermFrequencies, list[np.ndarray]]] = {}

    def for_model(self, model: Model) -> PairScorer:
        """The same encoded records scored with another model of the same comparisons (a
        trained one): levels depend on the comparisons only."""
        if tuple(model.comparisons) != tuple(self.model.comparisons):
            raise ValueError("the model compares other fields: encode the records for it")
        return PairScorer(model, ladders=self.ladders)

    def levels(self, left: np.ndarray, right: np.ndarray, workers: int = 1) -> np.ndarray:
        """The level of every comparison for every pair: shape (pairs, comparisons)."""
        left, right = np.asarray(left, dtype=np.int64), np.asarray(right, dtype=np.int64)
        found = np.zeros((len(left), len(self.ladders)), dtype=np.int8)
        for index, ladder in enumerate(self.ladders):
            found[:, index] = ladder.levels(left, right, workers)
        return found

    def patterns(self, pairs: np.ndarray, workers: int = 1) -> Counter[tuple[int, ...]]:
        """How many ``pairs`` reach each level pattern, patterns in order of first
        appearance (as counting :meth:`Model.levels` pair by pair gives them)."""
        if len(pairs) == 0:
            return Counter()
        levels = self.levels(pairs[:, 0], pairs[:, 1], workers)
        base = int(levels.max()) + 1
        if base ** levels.shape[1] >= 2**62:  # too many comparisons for one integer
            keys = np.unique(levels, axis=0, return_inverse=True)[1].reshape(-1)
        else:
            keys = levels.astype(np.int64) @ (base ** np.arange(levels.shape[1], dtype=np.int64))
        _, first, counts = np.unique(keys, return_index=True, return_counts=True)
        order = np.argsort(first)
        return Counter({tuple(levels[first[k]].tolist()): int(counts[k]) for k in order.tolist()})

    def total_weights(
        self,
        left: np.ndarray,
        right: np.ndarray,
        frequencies: TermFrequencies | None = None,
        *,
        workers: int = 1,
        levels: np.ndarray | None = None,
    ) -> np.ndarray:
        """Every pair's total weight in bits, guards applied (:meth:`Model.total_weight`)."""
        left, right = np.asarray(left, dtype=np.int64), np.asarray(right, dtype=np.int64)
        if levels is None:
            levels = self.levels(left, right, workers)
        frequencies = frequencies or self.model.frequencies
        total = np.full(len(left), self.model._prior_bits, dtype=np.float64)
        for index, comparison in enumerate(self.model.comparisons):
            level = levels[:, index]
            total += self._weights[index][level]
            taking = np.flatnonzero(np.isin(level, self._tf_levels[index]))
            if len(taking):
                adjustment = np.zeros(len(left), dtype=np.float64)
                adjustment[taking] = self._adjustment(
                    index, comparison.tf_tables, frequencies, left[taking], right[taking]
                )
                total += adjustment
        for compiled in self.model._guards:
            applies = np.ones(len(left), dtype=bool)
            if compiled.when:
                applies = np.zeros(len(left), dtype=bool)
                for position, ok in compiled.when:
                    applies |= np.isin(levels[:, position], list(ok))
            for position, ok in compiled.unless:
                applies &= ~np.isin(levels[:, position], list(ok))
            cap = compiled.guard.cap
            total = np.where(applies & (cap < total), cap, total)
        return total

    def _adjustment(
        self,
        index: int,
        tables: tuple[str, ...],
        frequencies: TermFrequencies,
        left: np.ndarray,
        right: np.ndarray,
    ) -> np.ndarray:
        """TF bits of each pair's agreeing value, each distinct value looked up once."""
        ladder = self.ladders[index]
        codes = np.asarray(ladder.tf_codes(left, right), dtype=np.int64)
        vocabulary = ladder.tf_vocabulary
        held = self._adjustments.get(id(frequencies))
        if held is None or held[0] is not frequencies:
            held = self._adjustments[id(frequencies)] = (
                frequencies,
                [np.full(0, np.nan) for _ in self.ladders],
            )
        known = held[1][index]
        if len(known) < len(vocabulary):
            known = held[1][index] = np.concatenate(
                (known, np.full(len(vocabulary) - len(known), np.nan))
            )
        present = codes >= 0
        wanted = np.unique(codes[present])
        unknown = wanted[np.isnan(known[wanted])]
        if len(unknown):
            least = frequencies.least_adjustment
            known[unknown] = [least(tables, vocabulary[c]) for c in unknown.tolist()]
        found = np.zeros(len(codes), dtype=np.float64)
        found[present] = known[codes[present]]
        return found

    def score(
        self,
        pairs: np.ndarray,
        frequencies: TermFrequencies | None = None,
        *,
        workers: int | None = None,
        chunk: int = CHUNK,
    ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """``(pairs, total weights)`` for an (n, 2) array of pairs, chunk by chunk, in order;
        with two or more ``workers`` chunks are scored side by side in threads."""
        workers = default_workers() if workers is None else max(1, workers)
        pieces = [pairs[start : start + chunk] for start in range(0, len(pairs), chunk)]

        def one(piece: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            return piece, self.total_weights(piece[:, 0], piece[:, 1], frequencies)

        if workers == 1 or len(pieces) < 2:
            yield from map(one, pieces)
            return
        with ThreadPoolExecutor(workers) as pool:
            yield from pool.map(one, pieces)


def probabilities(weights: np.ndarray) -> list[float]:
    """:func:`mdm.model.probability_of` of each weight (exactly, as the per-pair path)."""
    return [probability_of(w) for w in weights.tolist()]


def score_pairs(
    model: Model,
    prepared: Sequence[Prepared],
    pairs: Sequence[tuple[int, int]] | np.ndarray,
    frequencies: TermFrequencies | None = None,
    *,
    workers: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Levels and total weights of ``pairs`` (positions into ``prepared``), for callers that
    score one batch: only the records the pairs name are encoded."""
    array = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    if len(array) == 0:
        return np.zeros((0, len(model.comparisons)), dtype=np.int8), np.zeros(0)
    used, inverse = np.unique(array, return_inverse=True)
    local = inverse.reshape(-1, 2)
    scorer = PairScorer(model, [prepared[i] for i in used.tolist()])
    workers = default_workers() if workers is None else max(1, workers)
    levels = scorer.levels(local[:, 0], local[:, 1], workers)
    weights = scorer.total_weights(local[:, 0], local[:, 1], frequencies, levels=levels)
    return levels, weights
