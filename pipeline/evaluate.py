"""How good a deduplication is, against a file of known truth: pairwise precision, recall, F1.

Pairwise, because that is how duplicates hurt: every pair of records put together
that belong apart is a wrong merge, every pair left apart that belongs together a
missed one. Pairs are counted per (cluster, true entity) cell, so the cost is one
pass over the records however large the clusters are.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from core.errors import InputFileError


@dataclass(frozen=True)
class PairwiseScore:
    """``found`` pairs put together, ``true`` pairs that belong together, ``correct`` both."""

    found: int
    true: int
    correct: int
    records: int

    @property
    def precision(self) -> float:
        return self.correct / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.true if self.true else 1.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def _pairs(sizes: Iterable[int]) -> int:
    return sum(n * (n - 1) // 2 for n in sizes)


def pairwise_score(found: Mapping[str, str], truth: Mapping[str, str]) -> PairwiseScore:
    """Score clusters (record → cluster) against the truth (record → entity), over the
    records both know.

    >>> score = pairwise_score({"1": "a", "2": "a", "3": "a"}, {"1": "x", "2": "x", "3": "y"})
    >>> score.found, score.true, score.correct, round(score.f1, 3)
    (3, 1, 1, 0.5)
    """
    shared = [r for r in found if r in truth]
    clusters = Counter(found[r] for r in shared)
    entities = Counter(truth[r] for r in shared)
    cells = Counter((found[r], truth[r]) for r in shared)
    return PairwiseScore(
        _pairs(clusters.values()), _pairs(entities.values()), _pairs(cells.values()), len(shared)
    )


def read_clusters(path: Path, key: str = "source_id") -> dict[str, str]:
    """``key`` → the first other column of a CSV: ``source_id,person`` (a truth file) or
    ``source_id,golden_id`` (what ``crmhub dedupe`` writes)."""
    try:
        with path.open(newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            columns = [c for c in reader.fieldnames or () if c != key]
            if key not in (reader.fieldnames or ()) or not columns:
                raise InputFileError(str(path), f"expected a {key} column and an entity column")
            return {row[key]: row[columns[0]] for row in reader}
    except OSError as e:
        raise InputFileError(str(path), f"cannot read it ({e.strerror})") from e
