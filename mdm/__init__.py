"""Matching and merging: pure functions over records, no I/O.

The pipeline feeds records in and persists what comes out. The v1 matcher
lives behind :class:`~mdm.matcher.Matcher` so a better one can replace it.
"""

from mdm.cluster import UnionFind
from mdm.compare import FieldComparison, PairScore
from mdm.ids import golden_id_for, record_key
from mdm.matcher import Matcher, RuleMatcher
from mdm.survive import Member, survive

__all__ = [
    "FieldComparison",
    "Matcher",
    "Member",
    "PairScore",
    "RuleMatcher",
    "UnionFind",
    "golden_id_for",
    "record_key",
    "survive",
]
