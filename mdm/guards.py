"""Guards: rules on top of the weights, for what independent field weights get wrong.

Fellegi–Sunter adds up fields as if they were independent evidence, but a household
shares surname, address, postcode and landline all at once, and two strangers named
张伟 in one postcode agree on everything a name and a place can say. A guard caps the
total weight of a pair when it applies (``when``: any of these levels reached; empty:
always) and nothing lifts it (``unless``: any of these levels reached). A capped pair
shows the guard in its explanation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mdm.comparisons import Comparison

Condition = tuple[str, tuple[str, ...]]  # (comparison name, level names)

_PERSONAL: tuple[Condition, ...] = (
    ("email", ("exact",)),
    ("national_id", ("exact", "dl<=1")),
    ("birth_date", ("exact",)),
)


@dataclass(frozen=True)
class Guard:
    """Cap a pair at ``cap`` bits when ``when`` holds and ``unless`` does not.

    >>> HOUSEHOLD.name, HOUSEHOLD.cap
    ('household', -2.0)
    """

    name: str
    cap: float
    when: tuple[Condition, ...] = ()
    unless: tuple[Condition, ...] = ()
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "cap": self.cap,
            "when": [[n, list(lv)] for n, lv in self.when],
            "unless": [[n, list(lv)] for n, lv in self.unless],
            "reason": self.reason,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Guard:
        def conditions(key: str) -> tuple[Condition, ...]:
            return tuple((str(n), tuple(lv)) for n, lv in data.get(key, ()))

        return cls(
            str(data["name"]),
            float(data["cap"]),
            conditions("when"),
            conditions("unless"),
            str(data.get("reason", "")),
        )


#: Different given names at one address are different people — a household —
#: unless a personal identifier or the birth date says otherwise (an English name beside a
#: Chinese one is more common than twins).
HOUSEHOLD = Guard(
    "household",
    cap=-2.0,
    when=(("given_name", ("else",)),),
    unless=_PERSONAL,
    reason="the given name differs and no personal identifier agrees",
)

#: Names and places alone never auto-merge: something personal must agree too. The cap
#: (probability 0.85) sends such pairs to review with the default thresholds.
CORROBORATION = Guard(
    "uncorroborated",
    cap=2.5,
    unless=(
        ("email", ("exact", "local", "close")),
        ("phone", ("exact", "landline", "tail")),
        ("national_id", ("exact", "dl<=1", "dl<=2")),
        ("birth_date", ("exact", "swapped", "close")),
        ("address_line1", ("exact", "close")),
        ("address_line2", ("exact", "jw>=0.92")),
    ),
    reason="only names and places agree",
)

DEFAULT_GUARDS: tuple[Guard, ...] = (HOUSEHOLD, CORROBORATION)


@dataclass(frozen=True)
class CompiledGuard:
    """A guard with its conditions turned into (comparison position, level numbers)."""

    guard: Guard
    when: tuple[tuple[int, frozenset[int]], ...]
    unless: tuple[tuple[int, frozenset[int]], ...]

    def applies(self, levels: Sequence[int]) -> bool:
        if self.when and not any(levels[i] in ok for i, ok in self.when):
            return False
        return not any(levels[i] in ok for i, ok in self.unless)


def compile_guards(
    guards: Sequence[Guard], comparisons: Sequence[Comparison]
) -> tuple[CompiledGuard, ...]:
    """Resolve names to positions; conditions on comparisons the model lacks never hold.

    A ``when`` that names only missing comparisons leaves the guard inert.
    """
    names = [c.name for c in comparisons]

    def resolve(conditions: Sequence[Condition]) -> tuple[tuple[int, frozenset[int]], ...]:
        found = []
        for name, levels in conditions:
            if name in names:
                comparison = comparisons[names.index(name)]
                known = [comparison.levels.index(x) + 1 for x in levels if x in comparison.levels]
                found.append((names.index(name), frozenset(known)))
        return tuple(found)

    compiled = []
    for guard in guards:
        when = resolve(guard.when)
        if guard.when and not when:
            continue
        compiled.append(CompiledGuard(guard, when, resolve(guard.unless)))
    return tuple(compiled)


def first_cap(
    compiled: Sequence[CompiledGuard], levels: Sequence[int], total: float
) -> Guard | None:
    """The guard with the lowest cap that applies and is below ``total``; ``None`` if none."""
    found = None
    for entry in compiled:
        lower = found is None or entry.guard.cap < found.cap
        if entry.guard.cap < total and lower and entry.applies(levels):
            found = entry.guard
    return found
