"""The survivorship policy: which rule builds which golden field, and the survival itself."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from mdm.survivorship.member import SKIPPED, Member, is_blank
from mdm.survivorship.rules import Candidate, MostRecent, Rule, SourcePriority, Union, trust_rank

#: List fields that always take the union of all members' values, with the single
#: field that holds the primary one (addresses keep their primary in the address columns).
UNION_FIELDS: dict[str, str | None] = {"emails": "email", "phones": "phone", "addresses": None}
#: List fields that may take the union when configured to; otherwise one member's list.
UNIONABLE = frozenset({*UNION_FIELDS, "tags"})
#: Fields derived from another (the full name's script and Latin form): they come from the
#: member that supplied their base field, so that they describe the value shown.
DERIVED: dict[str, str] = {"name_latin": "full_name", "name_script": "full_name"}
#: The flat key holding ``{flag: bool}``; each flag survives on its own as ``consent.<flag>``.
CONSENT = "consent"

Provenance = dict[str, dict[str, Any]]


@dataclass(frozen=True)
class SurvivorshipPolicy:
    """How golden records are built: the sources' trust and a rule per field.

    ``default`` builds every field without a rule of its own; consent flags take
    ``consent`` (the most recent explicit yes/no) unless ``fields`` names
    ``consent`` or ``consent.<flag>``.

    >>> policy = SurvivorshipPolicy(trust={"crm": 80}, fields={"company": MostRecent()})
    >>> policy.rule_for("company").name, policy.rule_for("city").name
    ('most_recent', 'source_priority')
    >>> policy.rule_for("consent.email").name
    'most_recent'
    """

    trust: Mapping[str, int] = field(default_factory=dict)
    default: Rule = field(default_factory=SourcePriority)
    fields: Mapping[str, Rule | Union] = field(default_factory=dict)
    consent: Rule = field(default_factory=MostRecent)

    def __post_init__(self) -> None:
        for name, rule in self.fields.items():
            if isinstance(rule, Union) and name not in UNIONABLE:
                raise ValueError(f"{name}: union is only for {', '.join(sorted(UNIONABLE))}")
            if name in UNION_FIELDS and not isinstance(rule, Union):
                raise ValueError(f"{name}: a list of every member's values, only union fits")

    def trust_of(self, source: str) -> int:
        return self.trust.get(source, 0)

    def rule_for(self, name: str) -> Rule | Union:
        """The rule of flat field ``name`` (``consent.email`` for a consent flag)."""
        if name in self.fields:
            return self.fields[name]
        if name.startswith(f"{CONSENT}."):
            return self.fields.get(CONSENT, self.consent)
        return self.default

    def spec(self) -> dict[str, Any]:
        """Everything that decides a golden record, as plain data."""
        return {
            "trust": dict(sorted(self.trust.items())),
            "default": self.default.spec(),
            "consent": self.consent.spec(),
            "fields": {k: v.spec() for k, v in sorted(self.fields.items())},
        }

    def fingerprint(self) -> str:
        """A digest of :meth:`spec`: equal digests build equal golden records.

        >>> SurvivorshipPolicy().fingerprint() == SurvivorshipPolicy().fingerprint()
        True
        """
        text = json.dumps(self.spec(), sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


DEFAULT_POLICY = SurvivorshipPolicy()


def survive(
    members: Sequence[Member], policy: SurvivorshipPolicy = DEFAULT_POLICY
) -> tuple[dict[str, Any], Provenance]:
    """Build the golden record field by field and say where each value came from.

    A blank never wins over a value, whatever the rule; the same members in any
    order give the same record. Returns the record and, per field, its provenance
    ``{"source", "source_id", "rule"}`` plus what the rule decided on (``at`` for
    ``most_recent``, ``votes`` for ``most_frequent``).

    >>> from datetime import datetime
    >>> crm = Member("crm", "1", {"email": "a@x.cn", "city": None}, 80, datetime(2025, 1, 1))
    >>> shop = Member("shop", "9", {"email": "b@x.cn", "city": "Xi'an",
    ...                             "consent": {"email": False}}, 20, datetime(2026, 1, 1))
    >>> record, provenance = survive([shop, crm])
    >>> record["email"], record["emails"], record["city"], record["consent"]
    ('a@x.cn', ['a@x.cn', 'b@x.cn'], "Xi'an", {'email': False})
    >>> provenance["consent.email"]["rule"], provenance["email"]["source"]
    ('most_recent', 'crm')
    """
    ranked = sorted(members, key=trust_rank, reverse=True)
    record: dict[str, Any] = {}
    provenance: Provenance = {}
    names = {n for m in members for n in m.record} - SKIPPED - set(UNION_FIELDS) - {CONSENT}
    for name in sorted(names - set(DERIVED)):
        _survive_into(record, provenance, name, policy.rule_for(name), ranked)
    for name in sorted(names & set(DERIVED)):
        _survive_derived(record, provenance, name, ranked, policy)
    consent = _survive_consent(ranked, policy, provenance)
    if consent:
        record[CONSENT] = consent
    for name, single in UNION_FIELDS.items():
        values = _union(ranked, name, single, record.get(single) if single else None)
        if len(values) > 1:
            record[name] = values
            provenance[name] = _union_provenance()
    return dict(sorted(record.items())), dict(sorted(provenance.items()))


def survive_field(
    members: Sequence[Member], name: str, rule: Rule
) -> tuple[Any, dict[str, Any]] | None:
    """The value of field ``name`` under ``rule`` and its provenance; ``None`` if all are blank.

    >>> from datetime import datetime
    >>> a = Member("crm", "1", {"phone": ""}, 90, datetime(2026, 1, 1))
    >>> b = Member("erp", "2", {"phone": "+4930123456"}, 10, datetime(2025, 1, 1))
    >>> survive_field([a, b], "phone", SourcePriority())
    ('+4930123456', {'source': 'erp', 'source_id': '2', 'rule': 'source_priority'})
    """
    candidates = [Candidate(m, m.record.get(name)) for m in members]
    return _pick([c for c in candidates if not is_blank(c.value)], rule)


def _pick(candidates: list[Candidate], rule: Rule) -> tuple[Any, dict[str, Any]] | None:
    if not candidates:
        return None
    winner = rule.pick(candidates)
    origin = {"source": winner.member.source, "source_id": winner.member.source_id}
    return winner.value, {**origin, "rule": rule.name, **rule.detail(winner, candidates)}


def _survive_into(
    record: dict[str, Any],
    provenance: Provenance,
    name: str,
    rule: Rule | Union,
    ranked: list[Member],
) -> None:
    if isinstance(rule, Union):
        values = _union(ranked, name, None, None)
        if values:
            record[name], provenance[name] = values, _union_provenance()
        return
    found = survive_field(ranked, name, rule)
    if found is not None:
        record[name], provenance[name] = found


def _survive_derived(
    record: dict[str, Any],
    provenance: Provenance,
    name: str,
    ranked: list[Member],
    policy: SurvivorshipPolicy,
) -> None:
    """``name_latin`` from the member whose ``full_name`` won; by the default rule otherwise."""
    base = DERIVED[name]
    origin = provenance.get(base, {})
    for member in ranked:
        same = (member.source, member.source_id) == (origin.get("source"), origin.get("source_id"))
        if same and not is_blank(member.record.get(name)):
            record[name] = member.record[name]
            provenance[name] = {
                "source": member.source,
                "source_id": member.source_id,
                "rule": f"with {base}",
            }
            return
    _survive_into(record, provenance, name, policy.default, ranked)


def _survive_consent(
    ranked: list[Member], policy: SurvivorshipPolicy, provenance: Provenance
) -> dict[str, bool]:
    """Each consent flag on its own: only an explicit yes/no counts, never a missing flag."""
    holders = [m for m in ranked if isinstance(m.record.get(CONSENT), Mapping)]
    consent: dict[str, bool] = {}
    for flag in sorted({f for m in holders for f in m.record[CONSENT]}):
        key = f"{CONSENT}.{flag}"
        rule = policy.rule_for(key)
        if isinstance(rule, Union):
            continue
        candidates = [Candidate(m, m.record[CONSENT].get(flag)) for m in holders]
        found = _pick([c for c in candidates if isinstance(c.value, bool)], rule)
        if found is not None:
            consent[flag], provenance[key] = found
    return consent


def _union(ranked: list[Member], name: str, single: str | None, primary: Any) -> list[Any]:
    """Every member's values of list ``name`` (or its ``single`` field), best member's first."""
    values: list[Any] = [] if is_blank(primary) else [primary]
    for member in ranked:
        own = member.record.get(name) or ([member.record.get(single)] if single else [])
        for value in own:
            if not is_blank(value) and value not in values:
                values.append(value)
    return values


def _union_provenance() -> dict[str, Any]:
    return {"source": "*", "source_id": "*", "rule": Union.name}
