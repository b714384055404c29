"""Survivorship: build each golden field by a configurable rule, with per-field provenance.

Rules (names as in ``hub.yaml``): ``source_priority``, ``most_recent``,
``most_complete``, ``most_frequent``, ``longest`` and ``union`` for list fields.
Pure: members in, record and provenance out.

>>> from datetime import datetime
>>> policy = SurvivorshipPolicy(trust={"crm": 80, "shop": 20}, fields={"phone": MostRecent()})
>>> crm = Member("crm", "1", {"phone": "+4930111"}, 80, datetime(2025, 1, 1))
>>> shop = Member("shop", "7", {"phone": "+4930222"}, 20, datetime(2026, 3, 1))
>>> record, provenance = survive([crm, shop], policy)
>>> record["phone"], provenance["phone"]["rule"], provenance["phone"]["at"]
('+4930222', 'most_recent', '2026-03-01T00:00:00+00:00')
"""

from mdm.survivorship.member import Member, is_blank
from mdm.survivorship.policy import (
    DEFAULT_POLICY,
    UNION_FIELDS,
    UNIONABLE,
    SurvivorshipPolicy,
    survive,
    survive_field,
)
from mdm.survivorship.rules import (
    RULES,
    Candidate,
    Longest,
    MostComplete,
    MostFrequent,
    MostRecent,
    Rule,
    SourcePriority,
    Union,
    rule_named,
)

__all__ = [
    "DEFAULT_POLICY",
    "RULES",
    "UNIONABLE",
    "UNION_FIELDS",
    "Candidate",
    "Longest",
    "Member",
    "MostComplete",
    "MostFrequent",
    "MostRecent",
    "Rule",
    "SourcePriority",
    "SurvivorshipPolicy",
    "Union",
    "is_blank",
    "rule_named",
    "survive",
    "survive_field",
]
