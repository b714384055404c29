"""Survivorship rules: each picks the member whose value a golden field takes.

A rule only ever sees candidates that hold a value, so a blank never wins over a
value whatever the rule. Every rule orders candidates by a total key that ends in
the member's trust, recency, completeness, source and source ID: the same members
in any order give the same winner.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, Protocol

from mdm.survivorship.member import Member, value_key

#: A total order of members used to break every tie, best last.
Rank = tuple[int, datetime, int, str, str]


@dataclass(frozen=True, slots=True)
class Candidate:
    """A member and its (non-blank) value of one field."""

    member: Member
    value: Any


def trust_rank(member: Member) -> Rank:
    """Trust, then recency, then completeness, then source and source ID (best last)."""
    return (member.trust, member.recency, member.completeness, member.source, member.source_id)


class Rule(Protocol):
    """Picks the winning candidate of a field and says what it decided on."""

    @property
    def name(self) -> str:
        """The rule's name in ``hub.yaml`` (a class attribute of each rule)."""
        ...

    def pick(self, candidates: Sequence[Candidate]) -> Candidate: ...

    def detail(self, winner: Candidate, candidates: Sequence[Candidate]) -> dict[str, Any]: ...

    def spec(self) -> dict[str, Any]: ...


class _Ranked:
    """A rule that is a sort key over candidates; subclasses give the key."""

    name: ClassVar[str]

    def key(self, candidate: Candidate) -> tuple[Any, ...]:
        raise NotImplementedError

    def pick(self, candidates: Sequence[Candidate]) -> Candidate:
        return max(candidates, key=self.key)

    def detail(self, winner: Candidate, candidates: Sequence[Candidate]) -> dict[str, Any]:
        return {}

    def spec(self) -> dict[str, Any]:
        return {"rule": self.name}


@dataclass(frozen=True)
class SourcePriority(_Ranked):
    """The value of the highest-priority source: the order given, else the sources' trust.

    Sources missing from ``order`` come after those in it, by trust.

    >>> from datetime import datetime
    >>> at = datetime(2026, 1, 1)
    >>> crm, erp = Member("crm", "1", {}, 80, at), Member("erp", "7", {}, 60, at)
    >>> SourcePriority().pick([Candidate(crm, "a"), Candidate(erp, "b")]).value
    'a'
    >>> SourcePriority(("erp", "crm")).pick([Candidate(crm, "a"), Candidate(erp, "b")]).value
    'b'
    """

    order: tuple[str, ...] = ()
    name: ClassVar[str] = "source_priority"

    def key(self, candidate: Candidate) -> tuple[Any, ...]:
        member = candidate.member
        order = self.order
        listed = len(order) - order.index(member.source) if member.source in order else 0
        return (listed, *trust_rank(member))

    def spec(self) -> dict[str, Any]:
        return {"rule": self.name, "sources": list(self.order)}


@dataclass(frozen=True)
class MostRecent(_Ranked):
    """The value of the member changed last; provenance keeps that time.

    >>> from datetime import datetime
    >>> old = Member("crm", "1", {}, 90, datetime(2025, 1, 1))
    >>> new = Member("shop", "9", {}, 10, datetime(2026, 1, 1))
    >>> MostRecent().pick([Candidate(old, True), Candidate(new, False)]).value
    False
    """

    name: ClassVar[str] = "most_recent"

    def key(self, candidate: Candidate) -> tuple[Any, ...]:
        member = candidate.member
        return (member.recency, *trust_rank(member))

    def detail(self, winner: Candidate, candidates: Sequence[Candidate]) -> dict[str, Any]:
        return {"at": winner.member.recency.isoformat()}


@dataclass(frozen=True)
class MostComplete(_Ranked):
    """The value of the member that fills the most fields: its record is the most careful.

    >>> from datetime import datetime
    >>> at = datetime(2026, 1, 1)
    >>> thin = Member("crm", "1", {"city": "Xi'an"}, 90, at)
    >>> full = Member("erp", "2", {"city": "Xian", "postcode": "710000"}, 10, at)
    >>> MostComplete().pick([Candidate(thin, "Xi'an"), Candidate(full, "Xian")]).value
    'Xian'
    """

    name: ClassVar[str] = "most_complete"

    def key(self, candidate: Candidate) -> tuple[Any, ...]:
        member = candidate.member
        return (member.completeness, *trust_rank(member))


@dataclass(frozen=True)
class Longest(_Ranked):
    """The longest value (``"Lisa Marie Müller"`` over ``"L. Müller"``); ties by trust.

    >>> from datetime import datetime
    >>> at = datetime(2026, 1, 1)
    >>> a, b = Member("crm", "1", {}, 90, at), Member("erp", "2", {}, 10, at)
    >>> Longest().pick([Candidate(a, "L. Müller"), Candidate(b, "Lisa Müller")]).value
    'Lisa Müller'
    """

    name: ClassVar[str] = "longest"

    def key(self, candidate: Candidate) -> tuple[Any, ...]:
        value = candidate.value
        length = len(value.strip()) if isinstance(value, str) else len(value_key(value))
        return (length, *trust_rank(candidate.member))


@dataclass(frozen=True)
class MostFrequent(_Ranked):
    """The value most members agree on; a tie goes to the value of the best-ranked member.

    >>> from datetime import datetime
    >>> at = datetime(2026, 1, 1)
    >>> ms = [Member(s, "1", {}, t, at) for s, t in (("crm", 90), ("erp", 10), ("shop", 20))]
    >>> MostFrequent().pick([Candidate(ms[0], "ACME"), Candidate(ms[1], "Acme Ltd"),
    ...                      Candidate(ms[2], "Acme Ltd")]).value
    'Acme Ltd'
    """

    name: ClassVar[str] = "most_frequent"

    def pick(self, candidates: Sequence[Candidate]) -> Candidate:
        votes = Counter(value_key(c.value) for c in candidates)
        return max(candidates, key=lambda c: (votes[value_key(c.value)], *trust_rank(c.member)))

    def detail(self, winner: Candidate, candidates: Sequence[Candidate]) -> dict[str, Any]:
        chosen = value_key(winner.value)
        return {"votes": sum(1 for c in candidates if value_key(c.value) == chosen)}


@dataclass(frozen=True)
class Union:
    """Every member's values of a list field, repeats dropped (the golden primary first)."""

    name: ClassVar[str] = "union"

    def spec(self) -> dict[str, Any]:
        return {"rule": self.name}


#: Rules by their name in ``hub.yaml``.
RULES: dict[str, Callable[[], Rule | Union]] = {
    rule.name: rule
    for rule in (SourcePriority, MostRecent, MostComplete, MostFrequent, Longest, Union)
}


def rule_named(name: str, sources: Sequence[str] = ()) -> Rule | Union:
    """The rule called ``name`` in ``hub.yaml`` (``sources`` only for ``source_priority``).

    >>> rule_named("source_priority", ["erp", "crm"])
    SourcePriority(order=('erp', 'crm'))
    """
    if name not in RULES:
        raise ValueError(f"unknown survivorship rule {name!r} (known: {', '.join(RULES)})")
    if name == SourcePriority.name:
        return SourcePriority(tuple(sources))
    if sources:
        raise ValueError(f"only source_priority takes a list of sources, not {name}")
    return RULES[name]()
