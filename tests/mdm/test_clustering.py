"""Clusters hold together through strong links and do not chain through a weak bad one."""

from __future__ import annotations

from mdm import cluster
from mdm.cluster import UnionFind


def as_sorted(groups: list[set[object]]) -> list[list[object]]:
    return sorted(sorted(map(str, g)) for g in groups)


def test_a_weak_bad_link_between_two_clusters_does_not_merge_them() -> None:
    strong = [("a1", "a2", 0.999), ("a2", "a3", 0.998), ("c1", "c2", 0.999), ("c2", "c3", 0.997)]
    bad_link = [("a3", "c1", 0.93)]
    disagree = [("a1", "c1", 0.01), ("a2", "c2", 0.001), ("a3", "c3", 0.02)]
    groups = cluster([], strong + bad_link + disagree)
    assert as_sorted(groups) == [["a1", "a2", "a3"], ["c1", "c2", "c3"]]


def test_a_chain_a_b_c_splits_where_a_and_c_are_clearly_different() -> None:
    def rescore(x: object, y: object) -> float:
        return 0.0001 if {x, y} == {"A", "C"} else 0.5

    groups = cluster("ABC", [("A", "B", 0.995), ("B", "C", 0.91)], rescore=rescore)
    assert as_sorted(groups) == [["A", "B"], ["C"]]


def test_a_weak_link_that_the_other_pairs_support_is_kept() -> None:
    def rescore(x: object, y: object) -> float:
        return 0.8

    groups = cluster("ABC", [("A", "B", 0.995), ("B", "C", 0.91)], rescore=rescore)
    assert as_sorted(groups) == [["A", "B", "C"]]


def test_links_below_the_threshold_never_join_and_every_node_is_kept() -> None:
    groups = cluster(["x", "y", "z"], [("x", "y", 0.6)])
    assert as_sorted(groups) == [["x"], ["y"], ["z"]]


def test_union_find_keeps_unrelated_items_apart() -> None:
    clusters = UnionFind(["a", "b", "c", "d"])
    clusters.union("a", "b")
    clusters.union("c", "d")
    clusters.union("b", "a")
    assert as_sorted(clusters.groups()) == [["a", "b"], ["c", "d"]]  # type: ignore[arg-type]


def test_a_cannot_link_pair_is_split_even_when_strong_links_chain_them() -> None:
    edges = [("a", "b", 0.999), ("b", "c", 0.999), ("c", "d", 0.999)]
    groups = cluster("abcd", edges, cannot_link=[("a", "d")])
    assert len(groups) == 2
    assert not any({"a", "d"} <= g for g in groups)
    assert sorted(len(g) for g in groups) == [1, 3] or sorted(len(g) for g in groups) == [2, 2]


def test_a_cannot_link_pair_with_a_direct_match_edge_stays_apart() -> None:
    groups = cluster("ab", [("a", "b", 0.9999)], cannot_link=[("b", "a")])
    assert as_sorted(groups) == [["a"], ["b"]]
