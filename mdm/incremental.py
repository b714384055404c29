"""Match new records against a finished in-memory dedupe, without redoing it.

A dedupe leaves behind what later records need: every record's comparison values,
its blocking keys (hashed, sorted, so that a key's records are found by binary
search) and its cluster. New records are looked up under their own keys, scored
against the records found and each other, and join, merge or found clusters; the
cost follows the number of new records and the blocks they touch, not the store.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from mdm.blocking import block_keys
from mdm.matcher import Thresholds
from mdm.model import Model, Prepared, probability_of
from mdm.resolver import join
from mdm.scoring import probabilities, score_pairs


@dataclass
class DedupeIndex:
    """A deduplicated set of records, ready to take more.

    ``hashes`` are the blocking-key hashes sorted, ``owners`` the record of each;
    ``labels`` the cluster of each record (a cluster keeps its label for good).

    >>> from mdm.dedupe import dedupe
    >>> people = [{"given_name": "Anna", "family_name": "Li", "email": "anna@x.cn"},
    ...           {"given_name": "Ben", "family_name": "Wu", "email": "ben@x.cn"}]
    >>> index = dedupe(people, learn=False, keep_index=True).index
    >>> index.add([{"given_name": "Anna", "family_name": "Li", "email": "Anna@x.cn"}])
    [0]
    """

    model: Model
    prepared: list[Prepared]
    hashes: np.ndarray
    owners: np.ndarray
    labels: list[int]
    thresholds: Thresholds = field(default_factory=Thresholds)
    block_cap: int = 200
    merged: dict[int, int] = field(default_factory=dict)  # label → label it merged into

    @classmethod
    def build(
        cls,
        model: Model,
        prepared: list[Prepared],
        hashes: Sequence[int],
        counts: Sequence[int],
        labels: list[int],
        **options: Any,
    ) -> DedupeIndex:
        """From the hashed keys of each record (``counts[i]`` hashes belong to record i)."""
        flat = np.asarray(hashes, dtype=np.int64)
        owners = np.repeat(np.arange(len(counts), dtype=np.int64), np.asarray(counts))
        order = np.argsort(flat, kind="stable")
        return cls(model, prepared, flat[order], owners[order], labels, **options)

    def label(self, position: int) -> int:
        """The cluster of a record now (following merges)."""
        found = self.labels[position]
        while found in self.merged:
            found = self.merged[found]
        return found

    def add(self, records: Iterable[Mapping[str, Any]], *, workers: int | None = None) -> list[int]:
        """Match standardised records against the index and each other, add them, and
        return the cluster label of each (a new label for someone not seen before). The
        pairs are scored as arrays (:func:`mdm.scoring.score_pairs`, ``workers`` threads)."""
        start = len(self.prepared)
        model = self.model
        batch = list(records)  # read twice: prepared, then keyed
        new = [model.prepare(r) for r in batch]
        keys = [{hash(k) for k in block_keys(r, model.blocking)} for r in batch]
        pairs = list(self._pairs(start, keys))
        self.prepared.extend(new)
        _, weights = score_pairs(model, self.prepared, pairs, workers=workers)
        edges = [(i, j, p) for (i, j), p in zip(pairs, probabilities(weights), strict=True)]
        return self._join(start, len(new), keys, edges)

    def _pairs(self, start: int, keys: list[set[int]]) -> set[tuple[int, int]]:
        """Candidate pairs (old, new) and (new, new) over keys not grown past the cap."""
        among_new: dict[int, list[int]] = {}
        for offset, hashed in enumerate(keys):
            for h in hashed:
                among_new.setdefault(h, []).append(start + offset)
        wanted = np.fromiter(among_new, dtype=np.int64, count=len(among_new))
        lows = np.searchsorted(self.hashes, wanted, side="left")
        highs = np.searchsorted(self.hashes, wanted, side="right")
        pairs: set[tuple[int, int]] = set()
        for h, low, high in zip(wanted.tolist(), lows.tolist(), highs.tolist(), strict=True):
            fresh = among_new[h]
            if high - low + len(fresh) > self.block_cap or high - low + len(fresh) < 2:
                continue
            old = self.owners[low:high].tolist()
            for n, i in enumerate(fresh):
                pairs.update((j, i) for j in old)
                pairs.update((i, k) for k in fresh[n + 1 :])
        return pairs

    def _join(
        self, start: int, count: int, keys: list[set[int]], edges: list[tuple[int, int, float]]
    ) -> list[int]:
        """Cluster new records with the clusters they matched (:func:`mdm.resolver.join`,
        as the store's pipeline does); extend the index."""
        model, prepared = self.model, self.prepared
        olds = {i for i, _, _ in edges if i < start}
        assignments = join(
            range(start, start + count),
            {i: self.label(i) for i in olds},
            edges,
            thresholds=self.thresholds,
            rescore=lambda a, b: probability_of(model.total_weight(prepared[a], prepared[b])),
        )
        next_label = max(self.labels, default=-1) + 1
        found = [0] * count
        for assignment in assignments:
            if assignment.clusters:
                label = assignment.clusters[0]
                for other in assignment.clusters[1:]:
                    self.merged[other] = label
            else:
                label, next_label = next_label, next_label + 1
            for position in assignment.records:
                found[position - start] = label
        self.labels.extend(found)
        self._extend(start, keys)
        return found

    def _extend(self, start: int, keys: list[set[int]]) -> None:
        counts = Counter({start + k: len(h) for k, h in enumerate(keys)})
        hashes = np.fromiter((h for hs in keys for h in hs), dtype=np.int64)
        owners = np.repeat(
            np.arange(start, start + len(keys), dtype=np.int64),
            [counts[start + k] for k in range(len(keys))],
        )
        merged = np.concatenate((self.hashes, hashes))
        order = np.argsort(merged, kind="stable")
        self.hashes = merged[order]
        self.owners = np.concatenate((self.owners, owners))[order]
