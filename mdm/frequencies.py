"""Term frequencies: an agreement on a common value is weaker evidence than on a rare one.

Two records that both say "Smith" (or 张伟) agree far more often by chance than two
that both say "Zylstra". Fellegi–Sunter weights are averages over all values;
the term-frequency (TF) adjustment corrects an exact agreement by how common the
agreeing value is: ``log2(agreement / frequency(value))`` bits, where
``agreement`` is the chance two random records agree on the field at all.

What the pipeline supplies (see :meth:`TermFrequencies.from_counts`): per
comparison name, the count of each value (``Comparison.values`` of each active
record; :func:`term_values` lists them for one record), the total number counted
and the sum of squared counts, all of which can be kept up to date with +1/-1 as
records come and go. Without them, the frequencies stored in the trained model
(its most common values) are used.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from mdm.comparisons import Comparison

#: The adjustment is kept within these bits: a value's frequency is an estimate.
TF_MIN_BITS = -8.0
TF_MAX_BITS = 6.0


@dataclass(frozen=True)
class FieldFrequencies:
    """One comparison's value counts: ``counts`` of known values, ``total`` counted,
    ``squares`` (sum of squared counts over all values, known or not) and ``distinct``."""

    counts: Mapping[str, int]
    total: int
    squares: int
    distinct: int
    _unlisted: float = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        rest_total = max(self.total - sum(self.counts.values()), 1)
        rest_distinct = max(self.distinct - len(self.counts), 1)
        object.__setattr__(self, "_unlisted", max(rest_total / rest_distinct, 1.0))

    @property
    def agreement(self) -> float:
        """The chance that two random values agree: sum of squared frequencies."""
        return self.squares / (self.total * self.total) if self.total else 0.0

    def frequency(self, value: str) -> float:
        """The share of records with ``value``; an unknown value gets the average share
        of the values not listed (at least one record)."""
        count = self.counts.get(value, self._unlisted)
        return count / self.total if self.total else 0.0

    def adjustment(self, value: str) -> float:
        """Bits added to an exact agreement on ``value``; negative for common values."""
        frequency = self.frequency(value)
        if frequency <= 0.0 or self.agreement <= 0.0:
            return 0.0
        bits = math.log2(self.agreement / frequency)
        return min(max(bits, TF_MIN_BITS), TF_MAX_BITS)


@dataclass(frozen=True)
class TermFrequencies:
    """Value frequencies per comparison name.

    >>> tf = TermFrequencies.from_counts({"family_name": Counter(smith=50, zylstra=1, jones=49)})
    >>> tf.adjustment("family_name", "smith") < 0 < tf.adjustment("family_name", "zylstra")
    True
    """

    fields: Mapping[str, FieldFrequencies] = field(default_factory=dict)
    _memo: dict[tuple[str, str], float] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @classmethod
    def from_counts(
        cls,
        counts: Mapping[str, Mapping[str, int]],
        totals: Mapping[str, int] | None = None,
        squares: Mapping[str, int] | None = None,
        distinct: Mapping[str, int] | None = None,
    ) -> TermFrequencies:
        """Build from counted values. ``totals``/``squares``/``distinct`` default to what
        ``counts`` holds, which is right when it holds every value; a pipeline passing
        only the values of its current batch must pass the store-wide figures."""
        built = {}
        for name, values in counts.items():
            total = (totals or {}).get(name, sum(values.values()))
            square = (squares or {}).get(name, sum(c * c for c in values.values()))
            different = (distinct or {}).get(name, len(values))
            built[name] = FieldFrequencies(dict(values), total, square, different)
        return cls(built)

    @classmethod
    def from_records(
        cls,
        prepared: Iterable[Sequence[Any]],
        comparisons: Sequence[Comparison],
        *,
        keep: int | None = None,
    ) -> TermFrequencies:
        """Count the values of prepared records (tuples of extracted values, one per
        comparison); ``keep`` keeps only the most common values of each comparison
        (a saved model keeps its top values, and estimates the others)."""
        counters: list[Counter[str]] = [Counter() for _ in comparisons]
        for features in prepared:
            for index, comparison in enumerate(comparisons):
                value = features[index]
                if value is not None:
                    counters[index].update(comparison.values(value))
        built = {}
        for comparison, counter in zip(comparisons, counters, strict=True):
            if not counter:
                continue
            total = sum(counter.values())
            squares = sum(c * c for c in counter.values())
            kept = dict(counter.most_common(keep)) if keep is not None else dict(counter)
            built[comparison.name] = FieldFrequencies(kept, total, squares, len(counter))
        return cls(built)

    def adjustment(self, name: str, value: str | None) -> float:
        """Bits to add to an exact agreement of comparison ``name`` on ``value`` (0 if unknown)."""
        if value is None:
            return 0.0
        found = self._memo.get((name, value))
        if found is None:
            frequencies = self.fields.get(name)
            found = 0.0 if frequencies is None else frequencies.adjustment(value)
            if len(self._memo) < 1_000_000:
                self._memo[(name, value)] = found
        return found

    def least_adjustment(self, names: tuple[str, ...], value: str | None) -> float:
        """The smallest adjustment over several tables: the value's most common reading.

        >>> tf = TermFrequencies.from_counts({"given_name": {"zhang": 1, "wei": 99},
        ...                                   "family_name": {"zhang": 90, "li": 10}})
        >>> tf.least_adjustment(("given_name", "family_name"), "zhang") < 0
        True
        """
        if len(names) == 1:
            return self.adjustment(names[0], value)
        least = None
        for name in names:
            if name in self.fields:
                bits = self.adjustment(name, value)
                least = bits if least is None or bits < least else least
        return least or 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            name: {
                "total": f.total,
                "squares": f.squares,
                "distinct": f.distinct,
                "counts": dict(f.counts),
            }
            for name, f in self.fields.items()
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TermFrequencies:
        return cls(
            {
                name: FieldFrequencies(
                    dict(f["counts"]), int(f["total"]), int(f["squares"]), int(f["distinct"])
                )
                for name, f in data.items()
            }
        )


def term_values(
    features: Sequence[Any], comparisons: Sequence[Comparison]
) -> list[tuple[str, str]]:
    """The ``(comparison name, value)`` pairs one prepared record adds to the counts."""
    found: list[tuple[str, str]] = []
    for value, comparison in zip(features, comparisons, strict=True):
        if value is not None:
            found.extend((comparison.name, v) for v in comparison.values(value))
    return found
