"""A scored pair: the probability, the total weight and every field's part in it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class FieldComparison:
    """One field's verdict: the level reached, its weight in bits and its TF adjustment.

    ``weight`` is ``log2(m / u)`` of the level; ``tf_adjustment`` the bits added because
    the agreeing value is rare (positive) or common (negative).
    """

    field: str
    level: str
    weight: float
    similarity: float | None = None
    tf_adjustment: float = 0.0
    note: str | None = None

    @property
    def total(self) -> float:
        return self.weight + self.tf_adjustment

    def as_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = {
            "field": self.field,
            "level": self.level,
            "weight": round(self.weight, 3),
            "similarity": None if self.similarity is None else round(self.similarity, 3),
        }
        if self.tf_adjustment:
            found["tf_adjustment"] = round(self.tf_adjustment, 3)
        if self.note:
            found["note"] = self.note
        return found


@dataclass(frozen=True, slots=True)
class PairScore:
    """The comparison of two records: probability, total weight and every field's part.

    ``total_weight`` = ``prior`` + the sum of every field's weight and TF adjustment
    (a guard that caps a score appears as one more field).
    """

    probability: float
    total_weight: float
    fields: tuple[FieldComparison, ...] = field(default_factory=tuple)
    prior: float | None = None

    def explanation(self) -> dict[str, Any]:
        found: dict[str, Any] = {
            "probability": round(self.probability, 4),
            "total_weight": round(self.total_weight, 3),
            "fields": [f.as_dict() for f in self.fields],
        }
        if self.prior is not None:
            found["prior"] = round(self.prior, 3)
        return found

    def describe(self) -> list[str]:
        """The score as lines a steward can read, strongest evidence first.

        >>> score = PairScore(0.97, 5.0, (FieldComparison("email", "exact", 9.0),
        ...                   FieldComparison("birth_date", "else", -2.0, tf_adjustment=0.0)), -2.0)
        >>> print("\\n".join(score.describe()))
        match probability 0.970 (5.00 bits)
          prior                    -2.00 bits
          email          exact     +9.00 bits
          birth_date     else      -2.00 bits
        """
        lines = [f"match probability {self.probability:.3f} ({self.total_weight:.2f} bits)"]
        if self.prior is not None:
            lines.append(f"  {'prior':<24} {self.prior:+.2f} bits")
        for part in sorted(self.fields, key=lambda f: -abs(f.total)):
            if part.level == "null":
                continue
            line = f"  {part.field:<14} {part.level:<9} {part.weight:+.2f} bits"
            if part.tf_adjustment:
                line += f", {part.tf_adjustment:+.2f} for how common the value is"
            if part.note:
                line += f" ({part.note})"
            lines.append(line)
        missing = [f.field for f in self.fields if f.level == "null"]
        if missing:
            lines.append(f"  not compared (missing): {', '.join(missing)}")
        return lines
