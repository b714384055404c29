"""The resolver: how new records become clusters, in memory and against a store alike.

Every entry point — ``crmhub sync``, ``migrate``, ``dedupe``, the Airflow tasks, the
in-memory :func:`~mdm.dedupe.dedupe` and its :class:`~mdm.incremental.DedupeIndex` —
decides clusters here, so the golden records a store ends up with are the clusters
the benchmarked matcher finds. The caller reads (the store's block index, the
existing clusters' members, steward decisions) and writes; these functions only
compute:

- :func:`resolve_batch` blocks new records against each other and against records
  already clustered, scores every candidate pair (guards included, in the matcher),
  applies steward decisions, and joins;
- :func:`join` clusters new records among themselves and with existing clusters,
  without chaining (:func:`~mdm.cluster.cluster`): an existing cluster is one
  unbreakable core, and a new record joins it — or bridges two of them — only when
  the evidence over every member says so.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from mdm.cluster import cluster
from mdm.frequencies import TermFrequencies
from mdm.matcher import Matcher, Outcome, Thresholds
from mdm.score import PairScore

#: A record key: hashable and orderable (``(source, source_id)`` in a store, a position in
#: memory); new records are given back in key order.
Key = Any

#: A pair a steward pinned, as an unordered pair of record keys → "match" or "distinct".
Pinned = Mapping[frozenset[Key], str]


@dataclass(frozen=True, order=True)
class Cluster:
    """An existing cluster (golden record) as a node of the clustering graph.

    Its members hang on it by unbreakable links, so the cluster is never split, and a
    ``cannot_link`` pair may name it: ``(record, Cluster(golden_id))``.
    """

    id: Any


@dataclass(frozen=True)
class Assignment:
    """One cluster after a join: its new records, and the existing clusters it takes in
    (none: a new cluster; two or more: they merge)."""

    records: tuple[Key, ...]
    clusters: tuple[Key, ...] = ()


@dataclass(frozen=True)
class ScoredPair:
    """A candidate pair, its match probability and the outcome that counts (a steward's, if
    pinned). Its explanation (``score``) is built when read, from the pair's level row."""

    left: Key
    right: Key
    probability: float
    outcome: Outcome
    pinned: bool = False
    explain: Callable[[], PairScore] = field(
        default=lambda: PairScore(0.0, 0.0), repr=False, compare=False
    )

    @cached_property
    def score(self) -> PairScore:
        """Every field's level, weight and TF part (:meth:`Matcher.explain`)."""
        return self.explain()


@dataclass
class Resolution:
    pairs: list[ScoredPair] = field(default_factory=list)
    assignments: list[Assignment] = field(default_factory=list)


#: The probability given to links nothing may break (a member to its cluster, a steward's
#: "match"); clustering clamps it just below 1.
_CERTAIN = 1.0


def _records_only(rescore: Callable[[Key, Key], float]) -> Callable[[Key, Key], float]:
    """``rescore`` for two records; a pair with a cluster in it has no evidence either way."""

    def rescore_records(a: Key, b: Key) -> float:
        if isinstance(a, Cluster) or isinstance(b, Cluster):
            return 0.5
        return rescore(a, b)

    return rescore_records


def join(
    new: Iterable[Key],
    clusters_of: Mapping[Key, Key],
    scored: Iterable[tuple[Key, Key, float]],
    *,
    thresholds: Thresholds = Thresholds(),  # noqa: B008 - frozen, never mutated
    cannot_link: Iterable[tuple[Key, Key]] = (),
    rescore: Callable[[Key, Key], float] | None = None,
) -> list[Assignment]:
    """Cluster ``new`` records with each other and with existing clusters.

    ``clusters_of`` maps records already clustered (new ones too, when a changed record
    keeps its cluster) to their cluster; ``scored`` are ``(a, b, probability)`` for the
    pairs compared, matches and non-matches alike; ``rescore(a, b)`` scores a pair of
    records nobody compared when the evidence between two groups needs it.

    A new record matching a member of cluster 7 joins it; one that only chains onto a
    record which clearly is somebody else does not:

    >>> scored = [("n1", "m1", 0.97), ("n2", "n1", 0.92), ("n2", "m1", 0.0001)]
    >>> join(["n1", "n2"], {"m1": 7}, scored)
    [Assignment(records=('n1',), clusters=(7,)), Assignment(records=('n2',), clusters=())]
    """
    new = list(new)
    fresh = set(new)
    edges = list(scored)
    edges.extend((k, Cluster(c), _CERTAIN) for k, c in clusters_of.items())
    apart = list(cannot_link)

    groups = cluster(
        new,
        edges,
        threshold=thresholds.auto_merge,
        strong=thresholds.strong,
        rescore=_records_only(rescore) if rescore is not None else None,
        cannot_link=apart,
    )
    found = []
    for group in groups:
        records = [n for n in group if n in fresh]
        if records:
            joined = sorted(n.id for n in group if isinstance(n, Cluster))
            found.append(Assignment(tuple(sorted(records)), tuple(joined)))
    return sorted(found, key=lambda a: a.records)


def candidate_pairs(
    new_keys: Mapping[Key, Iterable[str]],
    blocks: Mapping[str, Iterable[Key]],
    comparable: Collection[Key],
) -> list[tuple[Key, Key]]:
    """Pairs of a new record with every ``comparable`` record sharing one of its keys
    (``blocks``: key → records under it, oversized keys left out), each pair once.

    >>> candidate_pairs({1: ["e:a"], 2: ["e:a"]}, {"e:a": [1, 2, 9]}, {1, 2, 9})
    [(1, 2), (1, 9), (2, 9)]
    """
    pairs: set[tuple[Any, Any]] = set()
    for key, values in new_keys.items():
        for value in values:
            for other in blocks.get(value, ()):
                if other == key or other not in comparable:
                    continue
                if other in new_keys and other < key:
                    continue  # the pair is found from the other side
                pairs.add((key, other) if key < other else (other, key))
    return sorted(pairs)


def resolve_batch(
    matcher: Matcher,
    new: Mapping[Key, Mapping[str, Any]],
    existing: Mapping[Key, Mapping[str, Any]],
    clusters_of: Mapping[Key, Key],
    blocks: Mapping[str, Iterable[Key]],
    *,
    new_keys: Mapping[Key, Iterable[str]] | None = None,
    pinned: Pinned | None = None,
    cannot_link: Iterable[tuple[Key, Key]] = (),
    frequencies: TermFrequencies | None = None,
    workers: int | None = None,
) -> Resolution:
    """Match new records against each other and the records of existing clusters.

    ``existing`` holds the records of the clusters the batch may touch (with their
    cluster in ``clusters_of``, as do new records that already belong to one);
    ``blocks`` maps each blocking key of a new record to the records under it
    (``new_keys``: the new records' keys, computed here when not given). A pair a
    steward pinned keeps the steward's outcome: "match" links for good, "distinct"
    keeps the two apart, as ``cannot_link`` does for other pairs. The pairs are scored as
    arrays with ``workers`` threads (default: one per core); explanations are built only
    for the pairs whose ``score`` is read.
    """
    pinned = pinned or {}
    keys = new_keys if new_keys is not None else {k: matcher.block_keys(r) for k, r in new.items()}
    comparable = {*new, *(k for k in existing if k in clusters_of)}
    pairs = candidate_pairs(keys, blocks, comparable)
    prepared: dict[Key, Any] = {}

    def values(key: Key) -> Any:
        found = prepared.get(key)
        if found is None:
            found = prepared[key] = matcher.prepare(new[key] if key in new else existing[key])
        return found

    def score(a: Key, b: Key) -> PairScore:
        return matcher.score_prepared(values(a), values(b), frequencies)

    involved = sorted({k for pair in pairs for k in pair})
    position = {k: n for n, k in enumerate(involved)}
    ordered = [values(k) for k in involved]
    levels, chances = matcher.score_pairs(
        ordered,
        np.array([(position[a], position[b]) for a, b in pairs], dtype=np.int64).reshape(-1, 2),
        frequencies,
        workers=workers,
    )

    def explanation(row: int, a: Key, b: Key) -> Callable[[], PairScore]:
        return lambda: matcher.explain(levels[row], values(a), values(b), frequencies)

    resolution = Resolution()
    edges: list[tuple[Key, Key, float]] = []
    apart = list(cannot_link)
    for row, (left, right) in enumerate(pairs):
        chance = chances[row]
        outcome = matcher.thresholds.decide(chance)
        steward = pinned.get(frozenset((left, right)))
        if steward is not None:
            outcome = "match" if steward == "match" else "distinct"
        resolution.pairs.append(
            ScoredPair(
                left, right, chance, outcome, steward is not None, explanation(row, left, right)
            )
        )
        if steward == "match":
            edges.append((left, right, _CERTAIN))
        elif steward is not None:
            apart.append((left, right))
        else:
            edges.append((left, right, chance))
    resolution.assignments = join(
        new,
        {k: c for k, c in clusters_of.items() if k in new or k in existing},
        edges,
        thresholds=matcher.thresholds,
        cannot_link=apart,
        rescore=lambda a, b: score(a, b).probability,
    )
    return resolution
