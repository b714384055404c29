"""A Fellegi–Sunter model: per comparison level, how often matches (m) and non-matches
(u) reach it; a level's weight is ``log2(m / u)`` bits, and a pair's total weight,
``prior + Σ weights + Σ TF adjustments``, is the log-odds that it is a match.

``m``, ``u`` and the prior are learned without labels (:func:`mdm.train.train`);
:func:`default_model` holds sensible values for a cold start or tiny data. A model
is plain data: :meth:`Model.to_dict` / :meth:`Model.from_dict` store and reload it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from mdm.blocking import DEFAULT_BLOCKING, BlockingRule
from mdm.comparisons import Comparison, Record
from mdm.frequencies import TermFrequencies
from mdm.guards import DEFAULT_GUARDS, CompiledGuard, Guard, compile_guards, first_cap
from mdm.library import CUSTOMER_COMPARISONS, comparison_from_dict
from mdm.score import FieldComparison, PairScore

Prepared = tuple[Any, ...]
#: One comparison as the fast scoring loop reads it: level, level weights, TF levels,
#: TF tables, TF value.
_FastComparison = tuple[
    Callable[[Any, Any], int],
    tuple[float, ...],
    frozenset[int],
    tuple[str, ...],
    Callable[[Any, Any], str | None],
]
FORMAT = "crm-hub/fellegi-sunter/1"


def _monotone(m: Sequence[float], u: Sequence[float]) -> tuple[float, ...]:
    """Level weights, a weaker level never above the strongest level before it: blocking can
    make exact agreements common among candidate non-matches, and near-misses look
    stronger than they are."""
    weights = [math.log2(mi / ui) for mi, ui in zip(m, u, strict=True)]
    best = weights[0]
    for index in range(1, len(weights)):
        weights[index] = min(weights[index], best)
        best = max(best, weights[index])
    return (0.0, *weights)


def bits(probability: float) -> float:
    """Log-odds in bits: ``bits(0.5)`` is 0, ``bits(0.9)`` is about 3.17."""
    probability = min(max(probability, 1e-12), 1 - 1e-12)
    return math.log2(probability / (1 - probability))


def probability_of(weight: float) -> float:
    """The probability for a total weight in bits: the inverse of :func:`bits`."""
    if weight > 60:
        return 1.0
    return 1.0 / (1.0 + math.pow(2.0, -weight))


@dataclass(frozen=True)
class Model:
    """Comparisons with their learned m and u per level, the prior and term frequencies.

    ``prior`` is the probability that a candidate pair (two records sharing a blocking
    key) is a match. ``m[i][j]`` and ``u[i][j]`` belong to level ``j + 1`` of
    comparison ``i`` (level 0, a missing value, has no weight).

    >>> model = default_model()
    >>> a = model.prepare({"given_name": "Bob", "family_name": "Smith", "birth_date": "1980-02-01"})
    >>> b = model.prepare({"given_name": "Robert", "family_name": "Smith",
    ...                    "birth_date": "1980-02-01"})
    >>> model.score(a, b).probability > 0.9
    True
    """

    comparisons: tuple[Comparison, ...]
    m: tuple[tuple[float, ...], ...]
    u: tuple[tuple[float, ...], ...]
    prior: float
    frequencies: TermFrequencies = field(default_factory=TermFrequencies)
    guards: tuple[Guard, ...] = DEFAULT_GUARDS
    training: Mapping[str, Any] = field(default_factory=dict)
    blocking: tuple[BlockingRule, ...] = DEFAULT_BLOCKING
    # Derived in __post_init__ for the scoring loops; not part of the model's data.
    _weights: tuple[tuple[float, ...], ...] = field(init=False, repr=False, compare=False)
    _prior_bits: float = field(init=False, repr=False, compare=False)
    _guards: tuple[CompiledGuard, ...] = field(init=False, repr=False, compare=False)
    _fast: tuple[_FastComparison, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not 0.0 < self.prior < 1.0:
            raise ValueError(f"prior {self.prior} must lie strictly between 0 and 1")
        for comparison, m, u in zip(self.comparisons, self.m, self.u, strict=True):
            if len(m) != len(comparison.levels) or len(u) != len(comparison.levels):
                raise ValueError(
                    f"{comparison.name}: give one m and one u per level {comparison.levels}"
                )
            if min(m) <= 0.0 or min(u) <= 0.0:
                raise ValueError(f"{comparison.name}: every m and u must be above 0")
        weights = tuple(_monotone(m, u) for m, u in zip(self.m, self.u, strict=True))
        object.__setattr__(self, "_weights", weights)
        object.__setattr__(self, "_prior_bits", bits(self.prior))
        object.__setattr__(self, "_guards", compile_guards(self.guards, self.comparisons))
        fast = tuple(
            (c.level, w, c.tf_levels, c.tf_tables, c.tf_value)
            for c, w in zip(self.comparisons, weights, strict=True)
        )
        object.__setattr__(self, "_fast", fast)

    @property
    def weights(self) -> tuple[tuple[float, ...], ...]:
        """Per comparison, the weight in bits of each level (index 0 = missing, 0 bits)."""
        return self._weights

    def prepare(self, record: Record) -> Prepared:
        """Extract every comparison's value once; score prepared records many times."""
        return tuple(c.extract(record) for c in self.comparisons)

    def levels(self, a: Prepared, b: Prepared) -> tuple[int, ...]:
        """The level each comparison reaches (0 = a value is missing)."""
        return tuple(
            0 if x is None or y is None else c.level(x, y)
            for c, x, y in zip(self.comparisons, a, b, strict=True)
        )

    def total_weight(
        self, a: Prepared, b: Prepared, frequencies: TermFrequencies | None = None
    ) -> float:
        """The total weight in bits, without building an explanation (the fast path)."""
        adjustment = (frequencies or self.frequencies).least_adjustment
        total = self._prior_bits
        levels = [0] * len(a)
        fast = self._fast
        for index, (level_of, weights, tf_levels, tables, tf_value) in enumerate(fast):
            x, y = a[index], b[index]
            if x is not None and y is not None:
                level = levels[index] = level_of(x, y)
                total += weights[level]
                if level in tf_levels:
                    total += adjustment(tables, tf_value(x, y))
        if self._guards:
            guard = first_cap(self._guards, levels, total)
            if guard is not None:
                return guard.cap
        return total

    def score(
        self, a: Prepared, b: Prepared, frequencies: TermFrequencies | None = None
    ) -> PairScore:
        """Score two prepared records, keeping every field's level, weight and TF part."""
        return self.explain(self.levels(a, b), a, b, frequencies)

    def explain(
        self,
        levels: Sequence[int],
        a: Prepared,
        b: Prepared,
        frequencies: TermFrequencies | None = None,
    ) -> PairScore:
        """The score of two prepared records whose ``levels`` are known (a row of
        :meth:`mdm.scoring.PairScorer.levels`): every field's level, weight and TF part.
        The total is summed in :meth:`total_weight`'s order, so it is the same float."""
        frequencies = frequencies or self.frequencies
        prior = self._prior_bits
        total = prior
        parts = []
        for comparison, weights, level, x, y in zip(
            self.comparisons,
            self._weights,
            levels,
            a,
            b,
            strict=True,
        ):
            level = int(level)
            if level == 0:
                parts.append(FieldComparison(comparison.name, "null", 0.0))
                continue
            total += weights[level]
            adjustment = 0.0
            if level in comparison.tf_levels:
                value = comparison.tf_value(x, y)
                adjustment = frequencies.least_adjustment(comparison.tf_tables, value)
                total += adjustment
            parts.append(
                FieldComparison(
                    comparison.name,
                    comparison.levels[level - 1],
                    weights[level],
                    tf_adjustment=adjustment,
                    note=comparison.note(x, y),
                )
            )
        guard = first_cap(self._guards, [int(x) for x in levels], total)
        if guard is not None:
            parts.append(FieldComparison("guard", guard.name, guard.cap - total, note=guard.reason))
            total = guard.cap
        return PairScore(probability_of(total), total, tuple(parts), prior)

    def with_frequencies(self, frequencies: TermFrequencies) -> Model:
        """The same model using other term frequencies (e.g. the whole store's)."""
        return replace(self, frequencies=frequencies)

    def for_records(self, count: int) -> Model:
        """The model for a store of ``count`` records. A prior learned against all pairs
        of the training records shrinks as the store grows (each record has about the
        same number of duplicates, the number of pairs grows with the square).

        >>> model = Model.from_dict({**default_model().to_dict(),
        ...     "training": {"u_source": "random", "records": 1000}})
        >>> round(model.for_records(4000).prior / model.prior, 3)
        0.25
        """
        trained = int(self.training.get("records") or 0)
        if self.training.get("u_source") != "random" or trained < 2 or count < 2:
            return self
        prior = self.prior * (trained - 1) / (count - 1)
        return replace(self, prior=prior)

    def for_store(self, count: int, frequencies: TermFrequencies) -> Model:
        """The model for a store of ``count`` records whose value counts are ``frequencies``.

        The prior is scaled to the store (:meth:`for_records`). A model that learned an exact
        level's u from the value counts of its training records (``u_source="random"``)
        takes it from the store's counts instead: the chance that two random records share
        an e-mail address falls as the store grows, as the prior does, and scaling one
        without the other would weaken every identifier agreement. The store's counts also
        become the model's term frequencies.

        >>> from collections import Counter
        >>> model = Model.from_dict({**default_model().to_dict(),
        ...     "training": {"u_source": "random", "records": 1000}})
        >>> store = TermFrequencies.from_counts({"email": Counter({f"{n}@x.cn": 1
        ...                                                        for n in range(4000)})})
        >>> scaled = model.for_store(4000, store)
        >>> scaled.u[4][0] == 1 / 4000, round(scaled.prior / model.prior, 3)
        (True, 0.25)
        """
        scaled = self.for_records(count)
        u = self.u
        if self.training.get("u_source") == "random":
            u = tuple(
                exact_u_from_counts(row, frequencies.fields[c.name].agreement)
                if c.name in frequencies.fields and frequencies.fields[c.name].agreement > 0
                else row
                for c, row in zip(self.comparisons, self.u, strict=True)
            )
        return replace(self, u=u, prior=scaled.prior, frequencies=frequencies)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data: comparisons, m/u per level, prior, frequencies, guards and
        the blocking rules."""
        return {
            "format": FORMAT,
            "prior": self.prior,
            "comparisons": [
                {
                    **c.to_dict(),
                    "levels": list(c.levels),
                    "m": list(m),
                    "u": list(u),
                }
                for c, m, u in zip(self.comparisons, self.m, self.u, strict=True)
            ],
            "frequencies": self.frequencies.to_dict(),
            "guards": [g.to_dict() for g in self.guards],
            "training": dict(self.training),
            "blocking": [r.to_dict() for r in self.blocking],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Model:
        """Reload a model saved with :meth:`to_dict`."""
        if data.get("format") != FORMAT:
            raise ValueError(f"not a saved matching model (format {data.get('format')!r})")
        comparisons, m, u = [], [], []
        for entry in data["comparisons"]:
            spec = {k: v for k, v in entry.items() if k not in ("levels", "m", "u")}
            comparison = comparison_from_dict(spec)
            if list(comparison.levels) != list(entry["levels"]):
                raise ValueError(f"{comparison.name}: saved levels differ from this version's")
            comparisons.append(comparison)
            m.append(tuple(float(x) for x in entry["m"]))
            u.append(tuple(float(x) for x in entry["u"]))
        guards = tuple(Guard.from_dict(g) for g in data.get("guards", ()))
        saved = data.get("blocking")  # models saved before the rules were data: the defaults
        blocking = DEFAULT_BLOCKING if saved is None else tuple(map(BlockingRule.from_dict, saved))
        return cls(
            tuple(comparisons),
            tuple(m),
            tuple(u),
            float(data["prior"]),
            TermFrequencies.from_dict(data.get("frequencies") or {}),
            guards,
            dict(data.get("training") or {}),
            blocking,
        )


def exact_u_from_counts(row: Sequence[float], agreement: float) -> tuple[float, ...]:
    """u per level with the exact level's set to ``agreement`` (the chance that two random
    values agree, from value counts: far more precise than a sample of pairs), the other
    levels keeping their shares of the rest.

    >>> [round(u, 5) for u in exact_u_from_counts((0.2, 0.3, 0.5), 0.01)]
    [0.01, 0.37125, 0.61875]
    """
    exact = min(agreement, 0.5)
    rest = sum(row[1:]) or 1.0
    raised = [max(x, 1e-7) for x in (exact, *(x * (1.0 - exact) / rest for x in row[1:]))]
    total = sum(raised)
    return tuple(x / total for x in raised)


#: Cold-start m and u per level for candidate pairs (records sharing a blocking key).
DEFAULT_PARAMETERS: dict[str, tuple[tuple[float, ...], tuple[float, ...]]] = {
    "given_name": ((0.85, 0.05, 0.01, 0.04, 0.03, 0.02), (0.1, 0.01, 0.005, 0.02, 0.05, 0.815)),
    "family_name": ((0.88, 0.03, 0.04, 0.03, 0.02), (0.15, 0.01, 0.02, 0.05, 0.77)),
    "birth_date": ((0.9, 0.02, 0.05, 0.03), (0.01, 0.0005, 0.01, 0.9795)),
    "national_id": ((0.9, 0.05, 0.02, 0.03), (0.005, 0.001, 0.002, 0.992)),
    "email": ((0.7, 0.05, 0.05, 0.2), (0.01, 0.002, 0.002, 0.986)),
    "phone": ((0.6, 0.15, 0.05, 0.2), (0.01, 0.02, 0.005, 0.965)),
    "address_line1": ((0.7, 0.1, 0.05, 0.15), (0.02, 0.005, 0.02, 0.955)),
    "address_line2": ((0.7, 0.1, 0.05, 0.15), (0.02, 0.01, 0.03, 0.94)),
    "postcode": ((0.85, 0.05, 0.1), (0.05, 0.05, 0.9)),
    "city": ((0.85, 0.05, 0.1), (0.1, 0.02, 0.88)),
    "region": ((0.9, 0.1), (0.3, 0.7)),
    "country": ((0.97, 0.03), (0.7, 0.3)),
    "company": ((0.6, 0.1, 0.1, 0.2), (0.01, 0.01, 0.03, 0.95)),
}
DEFAULT_PRIOR = 0.02


def default_parameters(comparison: Comparison) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Cold-start m and u for a comparison: the table's, else a generic ladder.

    >>> from mdm.comparisons import ExactMatch
    >>> default_parameters(ExactMatch("loyalty_id"))
    ((0.9, 0.1), (0.05, 0.95))
    """
    known = DEFAULT_PARAMETERS.get(comparison.name)
    if known is not None and len(known[0]) == len(comparison.levels):
        return known
    count = len(comparison.levels)
    if count == 2:
        return (0.9, 0.1), (0.05, 0.95)
    middle = (0.1 / (count - 2),) * (count - 2)
    return (0.8, *middle, 0.1), (0.02, *(0.02 / (count - 2),) * (count - 2), 0.96)


def default_model(comparisons: Sequence[Comparison] = CUSTOMER_COMPARISONS) -> Model:
    """The untrained model: sensible weights for a cold start, no term frequencies."""
    parameters = [default_parameters(c) for c in comparisons]
    return Model(
        tuple(comparisons),
        tuple(m for m, _ in parameters),
        tuple(u for _, u in parameters),
        DEFAULT_PRIOR,
        training={"source": "defaults"},
    )
