"""The matcher interface and the Fellegi–Sunter matcher behind it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

import numpy as np

from mdm.blocking import block_keys
from mdm.frequencies import TermFrequencies, term_values
from mdm.model import Model, Prepared, default_model
from mdm.score import PairScore
from mdm.scoring import probabilities, score_pairs

Outcome = Literal["match", "review", "distinct"]


class Matcher(Protocol):
    """What the resolver needs from a matcher; swap the implementation, keep the pipeline.

    The store counts the values each record holds (``term_values``, per table in
    ``term_tables``) and hands the counts back: once for the whole store
    (``for_store``) and, for the records a batch compares, as ``frequencies``.
    """

    @property
    def term_tables(self) -> tuple[str, ...]: ...

    @property
    def thresholds(self) -> Thresholds: ...

    def block_keys(self, record: Mapping[str, Any]) -> set[str]: ...

    def term_values(self, record: Mapping[str, Any]) -> list[tuple[str, str]]: ...

    def for_store(self, count: int, frequencies: TermFrequencies) -> Matcher: ...

    def prepare(self, record: Mapping[str, Any]) -> Any: ...

    def score_prepared(
        self, a: Any, b: Any, frequencies: TermFrequencies | None = None
    ) -> PairScore: ...

    def score_pairs(
        self,
        prepared: Sequence[Any],
        pairs: np.ndarray,
        frequencies: TermFrequencies | None = None,
        *,
        workers: int | None = None,
    ) -> tuple[np.ndarray, list[float]]: ...

    def explain(
        self, levels: Sequence[int], a: Any, b: Any, frequencies: TermFrequencies | None = None
    ) -> PairScore: ...

    def score(
        self,
        a: Mapping[str, Any],
        b: Mapping[str, Any],
        frequencies: TermFrequencies | None = None,
    ) -> PairScore: ...

    def decide(self, score: PairScore) -> Outcome: ...


@dataclass(frozen=True)
class Thresholds:
    """Match probabilities: at or above ``auto_merge`` merge, at or above ``review`` ask a
    steward, below that distinct. ``strong`` is what clustering trusts without checking.

    >>> Thresholds(auto_merge=0.7, review=0.8)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: thresholds must satisfy 0 < review <= auto_merge <= strong < 1, got review=0.8, ...
    """

    auto_merge: float = 0.9
    review: float = 0.75
    strong: float = 0.99

    def __post_init__(self) -> None:
        if not 0.0 < self.review <= self.auto_merge <= self.strong < 1.0:
            raise ValueError(
                "thresholds must satisfy 0 < review <= auto_merge <= strong < 1, got "
                f"review={self.review}, auto_merge={self.auto_merge}, strong={self.strong}"
            )

    def decide(self, probability: float) -> Outcome:
        if probability >= self.auto_merge:
            return "match"
        if probability >= self.review:
            return "review"
        return "distinct"


@dataclass(frozen=True)
class FellegiSunterMatcher:
    """Probabilistic matcher: multi-key blocking, level ladders, EM-learned weights with
    term-frequency adjustment, and a household guard.

    Build it from a trained model (``FellegiSunterMatcher.from_model(train(records))``)
    or use the defaults for a cold start. ``frequencies`` overrides the model's own
    term frequencies (e.g. counts over the whole store, see :mod:`mdm.frequencies`).

    >>> m = FellegiSunterMatcher()
    >>> a = {"given_name": "伟", "family_name": "张", "email": "zw@example.cn"}
    >>> m.decide(m.score(a, {"given_name": "Zhang", "family_name": "Wei",
    ...                      "email": "zw@example.cn"}))
    'match'
    """

    model: Model = field(default_factory=default_model)
    thresholds: Thresholds = field(default_factory=Thresholds)
    frequencies: TermFrequencies | None = None

    @classmethod
    def from_model(
        cls,
        model: Model | Mapping[str, Any],
        thresholds: Thresholds | tuple[float, float] = (0.9, 0.75),
        frequencies: TermFrequencies | None = None,
    ) -> FellegiSunterMatcher:
        """From a model or its saved ``to_dict()``; thresholds as (auto_merge, review)."""
        if not isinstance(model, Model):
            model = Model.from_dict(model)
        if not isinstance(thresholds, Thresholds):
            auto_merge, review = thresholds
            thresholds = Thresholds(auto_merge, review, strong=max(0.99, auto_merge))
        return cls(model, thresholds, frequencies)

    @property
    def term_tables(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.model.comparisons)

    def block_keys(self, record: Mapping[str, Any]) -> set[str]:
        """The record's keys under the model's blocking rules."""
        return block_keys(record, self.model.blocking)

    def for_store(self, count: int, frequencies: TermFrequencies) -> FellegiSunterMatcher:
        """This matcher for a store of ``count`` records with these value counts
        (see :meth:`mdm.model.Model.for_store`)."""
        return FellegiSunterMatcher(self.model.for_store(count, frequencies), self.thresholds)

    def prepare(self, record: Mapping[str, Any]) -> Prepared:
        """A record's comparison values, extracted once to be scored against many others."""
        return self.model.prepare(record)

    def score_prepared(
        self, a: Prepared, b: Prepared, frequencies: TermFrequencies | None = None
    ) -> PairScore:
        return self.model.score(a, b, frequencies or self.frequencies)

    def score_pairs(
        self,
        prepared: Sequence[Prepared],
        pairs: np.ndarray,
        frequencies: TermFrequencies | None = None,
        *,
        workers: int | None = None,
    ) -> tuple[np.ndarray, list[float]]:
        """The level row and match probability of every pair (positions into ``prepared``),
        scored as arrays (:func:`mdm.scoring.score_pairs`) with ``workers`` threads."""
        levels, weights = score_pairs(
            self.model, prepared, pairs, frequencies or self.frequencies, workers=workers
        )
        return levels, probabilities(weights)

    def explain(
        self,
        levels: Sequence[int],
        a: Prepared,
        b: Prepared,
        frequencies: TermFrequencies | None = None,
    ) -> PairScore:
        """The explanation of a pair scored by :meth:`score_pairs`, from its level row."""
        return self.model.explain(levels, a, b, frequencies or self.frequencies)

    def score(
        self,
        a: Mapping[str, Any],
        b: Mapping[str, Any],
        frequencies: TermFrequencies | None = None,
    ) -> PairScore:
        prepare = self.model.prepare
        return self.model.score(prepare(a), prepare(b), frequencies or self.frequencies)

    def decide(self, score: PairScore) -> Outcome:
        return self.thresholds.decide(score.probability)

    def term_values(self, record: Mapping[str, Any]) -> list[tuple[str, str]]:
        """The (comparison, value) pairs this record adds to the store's term frequencies."""
        return term_values(self.model.prepare(record), self.model.comparisons)
