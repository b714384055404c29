"""Clustering: which records end up together, without chaining strangers through one bad link.

Union-find on the match edges alone lets one false link fuse two people's records,
and two more make a chain. :func:`cluster` first joins records on match edges, then
checks each group of three or more: the records held together by *strong* edges form
cores, and two cores are joined only when the evidence across them — every scored
pair between their members, not just the one link — adds up in favour. Pairs that
must stay apart (a steward's "not a match") are never in one core and never joined.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable
from itertools import combinations

Edge = tuple[Hashable, Hashable, float]


class UnionFind:
    """Disjoint sets with path halving and union by size; unions that would put a
    ``cannot_link`` pair into one set are refused.

    >>> uf = UnionFind(cannot_link=[("a", "c")])
    >>> uf.union("a", "b"), uf.union("b", "c"), uf.find("a") == uf.find("b")
    (True, False, True)
    """

    def __init__(
        self,
        items: Iterable[Hashable] = (),
        cannot_link: Iterable[tuple[Hashable, Hashable]] = (),
    ) -> None:
        self._parent: dict[Hashable, Hashable] = {}
        self._size: dict[Hashable, int] = {}
        self._apart: dict[Hashable, set[Hashable]] = {}
        self._members: dict[Hashable, set[Hashable]] = {}
        for a, b in cannot_link:
            self._apart.setdefault(a, set()).add(b)
            self._apart.setdefault(b, set()).add(a)
        for item in items:
            self.add(item)

    def add(self, item: Hashable) -> None:
        if item not in self._parent:
            self._parent[item] = item
            self._size[item] = 1
            if self._apart:
                self._members[item] = {item}

    def __contains__(self, item: object) -> bool:
        return item in self._parent

    def find(self, item: Hashable) -> Hashable:
        self.add(item)
        parent = self._parent
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    def union(self, a: Hashable, b: Hashable) -> bool:
        """Join the sets of ``a`` and ``b``; False (and nothing joined) if they must stay apart."""
        root_a, root_b = self.find(a), self.find(b)
        if root_a == root_b:
            return True
        if self._size[root_a] < self._size[root_b]:
            root_a, root_b = root_b, root_a
        if self._apart:
            if self._conflict(root_b, root_a):
                return False
            self._members[root_a] |= self._members.pop(root_b)
        self._parent[root_b] = root_a
        self._size[root_a] += self._size[root_b]
        return True

    def _conflict(self, small: Hashable, large: Hashable) -> bool:
        for member in self._members[small]:
            for partner in self._apart.get(member, ()):
                if partner in self._parent and self.find(partner) == large:
                    return True
        return False

    def groups(self) -> list[list[Hashable]]:
        by_root: dict[Hashable, list[Hashable]] = {}
        for item in self._parent:
            by_root.setdefault(self.find(item), []).append(item)
        return list(by_root.values())


def _bits(probability: float) -> float:
    probability = min(max(probability, 1e-9), 1 - 1e-9)
    return math.log2(probability / (1 - probability))


def _pair(a: Hashable, b: Hashable) -> frozenset[Hashable]:
    return frozenset((a, b))


#: The evidence of a cannot-link pair: no sum of other pairs outweighs it.
_APART = -math.inf


class _Coherence:
    """Splits one group into cores and re-joins the cores the evidence supports."""

    def __init__(
        self,
        known: dict[frozenset[Hashable], float],
        rescore: Callable[[Hashable, Hashable], float] | None,
        budget: int,
    ) -> None:
        self.known, self.rescore, self.budget = known, rescore, budget

    def evidence(self, left: set[Hashable], right: set[Hashable]) -> float:
        total = 0.0
        for a in left:
            for b in right:
                bits = self.known.get(_pair(a, b))
                if bits is None and self.rescore is not None and self.budget > 0:
                    self.budget -= 1
                    bits = self.known[_pair(a, b)] = _bits(self.rescore(a, b))
                total += bits or 0.0
        return total

    def split(
        self,
        group: list[Hashable],
        match: list[Edge],
        strong: float,
        cannot_link: Iterable[tuple[Hashable, Hashable]],
    ) -> list[set[Hashable]]:
        cores = UnionFind(group, cannot_link)
        for a, b, p in sorted(match, key=lambda edge: -edge[2]):
            if p >= strong:
                cores.union(a, b)
        parts = [set(g) for g in cores.groups()]
        if len(parts) == 1:
            return parts
        while len(parts) > 1:
            owner = {n: i for i, part in enumerate(parts) for n in part}
            linked = {tuple(sorted((owner[a], owner[b]))) for a, b, _ in match}
            best, best_pair = 0.0, None
            for i, j in sorted(linked):
                if i == j:
                    continue
                score = self.evidence(parts[i], parts[j])
                if score > best:
                    best, best_pair = score, (i, j)
            if best_pair is None:
                break
            i, j = best_pair
            parts[i] |= parts[j]
            del parts[j]
        return parts


def cluster(
    nodes: Iterable[Hashable],
    scored_edges: Iterable[Edge],
    *,
    threshold: float = 0.9,
    strong: float = 0.99,
    rescore: Callable[[Hashable, Hashable], float] | None = None,
    rescore_budget: int = 100_000,
    cannot_link: Iterable[tuple[Hashable, Hashable]] = (),
) -> list[set[Hashable]]:
    """Group nodes by match edges, then split groups that only a weak link holds.

    ``scored_edges`` are ``(a, b, probability)``, matches and non-matches alike (a
    non-match between two groups is evidence against joining them). Edges at or
    above ``threshold`` join; within a group, edges at or above ``strong`` form
    cores, and cores are re-joined, best first, while the summed log-odds of every
    pair across them is positive. ``rescore(a, b)`` scores pairs nobody scored yet
    (at most ``rescore_budget`` of them); without it they count as no evidence.
    A ``cannot_link`` pair never ends up in one cluster, whatever links it.

    A chain A–B (strong), B–C (just over the threshold) where C is clearly not A:

    >>> edges = [("a", "b", 0.999), ("b", "c", 0.92), ("a", "c", 0.001)]
    >>> sorted(sorted(g) for g in cluster("abc", edges))
    [['a', 'b'], ['c']]
    >>> sorted(sorted(g) for g in cluster("abc", [("a", "b", 0.999), ("b", "c", 0.92)]))
    [['a', 'b', 'c']]
    >>> edges = [("a", "b", 0.999), ("b", "c", 0.999)]
    >>> sorted(sorted(g) for g in cluster("abc", edges, cannot_link=[("a", "c")]))
    [['a', 'b'], ['c']]
    """
    apart = [(a, b) for a, b in cannot_link if a != b]
    everything = UnionFind(nodes)
    known: dict[frozenset[Hashable], float] = {}
    match: list[Edge] = []
    for a, b, probability in scored_edges:
        everything.add(a)
        everything.add(b)
        known[_pair(a, b)] = _bits(probability)
        if probability >= threshold:
            match.append((a, b, probability))
            everything.union(a, b)
    for a, b in apart:
        known[_pair(a, b)] = _APART
    match = [(a, b, p) for a, b, p in match if known[_pair(a, b)] != _APART]
    by_group: dict[Hashable, list[Edge]] = {}
    for edge in match:
        by_group.setdefault(everything.find(edge[0]), []).append(edge)
    constrained = {everything.find(a) for pair in apart for a in pair if a in everything}
    coherence = _Coherence(known, rescore, rescore_budget)
    clusters: list[set[Hashable]] = []
    for group in everything.groups():
        root = everything.find(group[0])
        if len(group) < 3 and root not in constrained:
            clusters.append(set(group))
            continue
        inside = set(group)
        rules = [(a, b) for a, b in apart if a in inside and b in inside]
        clusters.extend(coherence.split(group, by_group.get(root, []), strong, rules))
    return clusters


def pairs_within(clusters: Iterable[set[Hashable]]) -> Iterable[tuple[Hashable, Hashable]]:
    """Every unordered pair inside the same cluster (for pairwise precision and recall)."""
    for group in clusters:
        yield from combinations(sorted(group, key=str), 2)
