"""New records matched against a finished dedupe end where a dedupe of everything puts them."""

from __future__ import annotations

from itertools import combinations

from mdm import dedupe


def pairs(labels: list[int]) -> set[tuple[int, int]]:
    by: dict[int, list[int]] = {}
    for position, label in enumerate(labels):
        by.setdefault(label, []).append(position)
    return {p for members in by.values() for p in combinations(members, 2)}


def test_new_records_join_their_people_without_redoing_the_dedupe(customers) -> None:
    records, truth = customers
    held = [p for p in range(len(records)) if p % 10 == 9]
    kept = [p for p in range(len(records)) if p % 10 != 9]
    index = dedupe([records[p] for p in kept], keep_index=True).index
    assert index is not None
    added = index.add([records[p] for p in held])
    labels = [index.label(n) for n in range(len(records))]
    order = kept + held
    found = pairs(labels)
    expected = pairs([truth[p] for p in order])
    precision = len(found & expected) / len(found)
    recall = len(found & expected) / len(expected)
    assert precision > 0.97 and recall > 0.95, (precision, recall)
    old_labels = set(index.labels[: len(kept)])
    assert sum(1 for label in added if label in old_labels) > len(held) // 4


def test_adding_nothing_changes_nothing(customers) -> None:
    records, _ = customers
    index = dedupe(records, keep_index=True).index
    assert index is not None
    before = list(index.labels)
    assert index.add([]) == []
    assert index.labels == before
