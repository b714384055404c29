"""Matching and merging: pure functions over records, no I/O.

The pipeline feeds records in and persists what comes out. Matching is behind
:class:`~mdm.matcher.Matcher`: :class:`~mdm.matcher.FellegiSunterMatcher` (blocking
on many keys, level ladders, EM-learned weights with term-frequency adjustment).
:func:`~mdm.train.train` learns a model without labels, :func:`~mdm.cluster.cluster`
groups scored pairs without chaining, :mod:`mdm.resolver` is the one way new records
join clusters (for the store's pipeline and in memory alike), and
:func:`~mdm.dedupe.dedupe` runs all of it in memory. :func:`~mdm.survivorship.survive`
builds a golden record from its members field by field, by the rules of a
:class:`~mdm.survivorship.SurvivorshipPolicy`.
"""

from mdm.blocking import block_keys
from mdm.cluster import cluster
from mdm.comparisons import (
    Comparison,
    DamerauLevenshteinAtThresholds,
    ExactMatch,
    JaroWinklerAtThresholds,
)
from mdm.contact import AddressComparison, EmailComparison, PhoneComparison
from mdm.dedupe import DedupeResult, dedupe
from mdm.frequencies import TermFrequencies
from mdm.guards import CORROBORATION, HOUSEHOLD, Guard
from mdm.ids import golden_id_for, record_key
from mdm.library import CUSTOMER_COMPARISONS
from mdm.matcher import FellegiSunterMatcher, Matcher, Thresholds
from mdm.model import Model, default_model
from mdm.person import DateComparison, NameComparison
from mdm.resolver import Assignment, Cluster, Resolution, join, resolve_batch
from mdm.score import FieldComparison, PairScore
from mdm.survivorship import Member, SurvivorshipPolicy, survive
from mdm.train import train

__all__ = [
    "CORROBORATION",
    "CUSTOMER_COMPARISONS",
    "HOUSEHOLD",
    "AddressComparison",
    "Assignment",
    "Cluster",
    "Comparison",
    "DamerauLevenshteinAtThresholds",
    "DateComparison",
    "DedupeResult",
    "EmailComparison",
    "ExactMatch",
    "FellegiSunterMatcher",
    "FieldComparison",
    "Guard",
    "JaroWinklerAtThresholds",
    "Matcher",
    "Member",
    "Model",
    "NameComparison",
    "PairScore",
    "PhoneComparison",
    "Resolution",
    "SurvivorshipPolicy",
    "TermFrequencies",
    "Thresholds",
    "block_keys",
    "cluster",
    "dedupe",
    "default_model",
    "golden_id_for",
    "join",
    "record_key",
    "resolve_batch",
    "survive",
    "train",
]
