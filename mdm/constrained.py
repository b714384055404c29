"""Clusters that respect "cannot link" pairs: a steward's "not a match" is never overruled."""

from __future__ import annotations

from collections.abc import Hashable, Iterable


class ConstrainedClusters:
    """Union-find whose unions are refused when they would join a cannot-link pair.

    >>> clusters = ConstrainedClusters(cannot_link=[("a", "c")])
    >>> clusters.union("a", "b"), clusters.union("b", "c")
    (True, False)
    >>> sorted(sorted(g) for g in clusters.groups())
    [['a', 'b'], ['c']]
    """

    def __init__(self, cannot_link: Iterable[tuple[Hashable, Hashable]] = ()) -> None:
        self._parent: dict[Hashable, Hashable] = {}
        self._members: dict[Hashable, set[Hashable]] = {}
        self._apart: dict[Hashable, set[Hashable]] = {}
        for a, b in cannot_link:
            self._apart.setdefault(a, set()).add(b)
            self._apart.setdefault(b, set()).add(a)

    def add(self, item: Hashable) -> None:
        if item not in self._parent:
            self._parent[item] = item
            self._members[item] = {item}

    def find(self, item: Hashable) -> Hashable:
        self.add(item)
        parent = self._parent
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    def union(self, a: Hashable, b: Hashable, *, force: bool = False) -> bool:
        """Join the clusters of ``a`` and ``b``; refuse (return False) if they must stay apart."""
        root_a, root_b = self.find(a), self.find(b)
        if root_a == root_b:
            return True
        small, large = sorted((root_a, root_b), key=lambda r: len(self._members[r]))
        if not force and self._conflict(small, large):
            return False
        self._parent[small] = large
        self._members[large] |= self._members.pop(small)
        return True

    def _conflict(self, small: Hashable, large: Hashable) -> bool:
        for member in self._members[small]:
            for partner in self._apart.get(member, ()):
                if partner in self._parent and self.find(partner) == large:
                    return True
        return False

    def groups(self) -> list[set[Hashable]]:
        return [set(members) for members in self._members.values()]
