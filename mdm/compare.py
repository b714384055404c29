"""The v1 rule ladders (fixed weights), used by :class:`mdm.matcher.RuleMatcher` only.

Each field is compared on an ordered ladder of levels (null → exact → fuzzy
bands → else); each level carries a weight in log-odds (bits) of "same
customer". The total, through a logistic curve, is the match probability.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz
from rapidfuzz.distance import JaroWinkler

from mdm.score import FieldComparison, PairScore

Record = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Level:
    name: str
    weight: float
    minimum: float = 1.0  # similarity needed to reach this level


@dataclass(frozen=True, slots=True)
class Comparison:
    """An ordered ladder of levels for one field; the first level reached wins."""

    field: str
    levels: tuple[Level, ...]
    else_weight: float
    similarity: Callable[[str, str], float]

    def compare(self, a: Record, b: Record) -> FieldComparison:
        left, right = a.get(self.field), b.get(self.field)
        if not left or not right:
            return FieldComparison(self.field, "null", 0.0)
        score = self.similarity(str(left), str(right))
        for level in self.levels:
            if score >= level.minimum:
                return FieldComparison(self.field, level.name, level.weight, score)
        return FieldComparison(self.field, "else", self.else_weight, score)


def exact(a: str, b: str) -> float:
    return 1.0 if a == b else 0.0


def name_similarity(a: str, b: str) -> float:
    """Order-insensitive name similarity: "zhang wei" vs "wei zhang" is 1.0."""
    return max(fuzz.token_sort_ratio(a, b), fuzz.ratio(a, b)) / 100.0


def jaro_winkler(a: str, b: str) -> float:
    return JaroWinkler.similarity(a, b)


def exact_match(field_name: str, agree: float, disagree: float) -> Comparison:
    return Comparison(field_name, (Level("exact", agree),), disagree, exact)


def fuzzy_match(
    field_name: str,
    bands: tuple[tuple[str, float, float], ...],
    else_weight: float,
    similarity: Callable[[str, str], float] = jaro_winkler,
) -> Comparison:
    """``bands`` are (level name, minimum similarity, weight), strongest first."""
    levels = tuple(Level(name, weight, minimum) for name, minimum, weight in bands)
    return Comparison(field_name, levels, else_weight, similarity)


def score_pair(
    a: Record, b: Record, comparisons: tuple[Comparison, ...], prior: float
) -> PairScore:
    parts = tuple(c.compare(a, b) for c in comparisons)
    total = prior + sum(p.weight for p in parts)
    return PairScore(1.0 / (1.0 + math.pow(2.0, -total)), total, parts)
