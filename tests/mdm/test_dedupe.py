"""The in-memory driver: block, score, cluster, learning its weights from the data."""

from __future__ import annotations

from itertools import combinations

from mdm_samples import generated_customers  # type: ignore[import-not-found]

from mdm import dedupe


def pairs(labels: list[int]) -> set[tuple[int, int]]:
    by: dict[int, list[int]] = {}
    for position, label in enumerate(labels):
        by.setdefault(label, []).append(position)
    return {p for members in by.values() for p in combinations(members, 2)}


def test_dedupe_finds_the_generated_duplicates_without_labels(customers) -> None:
    records, truth = customers
    result = dedupe(records)
    found, expected = pairs(result.labels()), pairs(truth)
    precision = len(found & expected) / len(found)
    recall = len(found & expected) / len(expected)
    assert precision > 0.97 and recall > 0.95, (precision, recall)
    assert result.model.training["source"] == "em"


def test_dedupe_reports_oversized_blocks_by_key(customers) -> None:
    records, _ = customers
    result = dedupe(records, learn=False, block_cap=4)
    assert result.oversized_blocks
    assert all(size > 4 for size in result.oversized_blocks.values())


def test_one_and_two_workers_find_identical_clusters_and_model() -> None:
    records, _ = generated_customers(300, seed=9)
    one = dedupe(records, workers=1)
    two = dedupe(records, workers=2)
    assert one.clusters == two.clusters
    assert one.model.to_dict() == two.model.to_dict()
    assert (one.match_edges, one.review_edges) == (two.match_edges, two.review_edges)
