"""The matcher interface and the v1 rule-weighted matcher behind it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from mdm.blocking import block_keys
from mdm.compare import (
    Comparison,
    PairScore,
    exact_match,
    fuzzy_match,
    jaro_winkler,
    name_similarity,
    score_pair,
)

Outcome = Literal["match", "review", "distinct"]


class Matcher(Protocol):
    """What the resolver needs from a matcher; swap the implementation, keep the pipeline."""

    def block_keys(self, record: Mapping[str, Any]) -> set[str]: ...

    def score(self, a: Mapping[str, Any], b: Mapping[str, Any]) -> PairScore: ...

    def decide(self, score: PairScore) -> Outcome: ...


#: Weights are log2-odds of "same customer"; the prior says most pairs in a block are not.
DEFAULT_COMPARISONS: tuple[Comparison, ...] = (
    exact_match("national_id", agree=12.0, disagree=-10.0),
    exact_match("email", agree=9.0, disagree=-1.0),
    exact_match("phone", agree=8.0, disagree=-1.0),
    fuzzy_match(
        "name_latin",
        (("exact", 0.99, 5.0), ("close", 0.92, 3.0), ("similar", 0.85, 1.0)),
        else_weight=-5.0,
        similarity=name_similarity,
    ),
    exact_match("birth_date", agree=5.0, disagree=-6.0),
    exact_match("postcode", agree=2.0, disagree=-0.5),
    fuzzy_match("city", (("close", 0.95, 1.0),), else_weight=-0.5, similarity=jaro_winkler),
    fuzzy_match("company", (("close", 0.9, 1.5),), else_weight=0.0, similarity=name_similarity),
)
DEFAULT_PRIOR = -7.0


@dataclass(frozen=True)
class RuleMatcher:
    """Fixed-weight evidence matcher: exact keys plus rapidfuzz name similarity.

    >>> m = RuleMatcher()
    >>> a = {"name_latin": "zhang wei", "email": "zw@x.cn"}
    >>> m.decide(m.score(a, {"name_latin": "wei zhang", "email": "zw@x.cn"}))
    'match'
    """

    auto_merge: float = 0.90
    review: float = 0.75
    comparisons: tuple[Comparison, ...] = DEFAULT_COMPARISONS
    prior: float = DEFAULT_PRIOR

    def block_keys(self, record: Mapping[str, Any]) -> set[str]:
        return block_keys(record)

    def score(self, a: Mapping[str, Any], b: Mapping[str, Any]) -> PairScore:
        return score_pair(a, b, self.comparisons, self.prior)

    def decide(self, score: PairScore) -> Outcome:
        if score.probability >= self.auto_merge:
            return "match"
        if score.probability >= self.review:
            return "review"
        return "distinct"
