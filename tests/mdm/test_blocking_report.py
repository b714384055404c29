"""The blocking report counts what the candidate pairs hold and what the true pairs share."""

from __future__ import annotations

from itertools import combinations

from mdm_samples import generated_customers  # type: ignore[import-not-found]

from mdm.blocking import block_keys
from mdm.blocking_report import blocking_report, rule_of, truth_pairs
from mdm.candidates import index_blocks


def test_pairs_per_rule_add_up_to_the_block_index_and_recall_to_shared_keys() -> None:
    records, truth = generated_customers(300, seed=6)
    keys = [block_keys(r) for r in records]
    pairs = truth_pairs(truth)
    report = blocking_report(keys, cap=4, true_pairs=pairs)
    index = index_blocks(keys, cap=4)
    assert report.pair_occurrences == index.pair_occurrences
    assert sum(r.capped_blocks for r in report.rules) == len(index.oversized)
    capped = set(index.oversized)
    found = [(a, b) for a, b in pairs if (keys[a] & keys[b]) - capped]
    assert report.recall == len(found) / len(pairs)
    lost = [(a, b) for a, b in pairs if keys[a] & keys[b] and not (keys[a] & keys[b]) - capped]
    assert report.lost_to_caps == len(lost) > 0
    for rule in report.rules:
        mine = [
            p
            for p in found
            if {rule_of(k) for k in (keys[p[0]] & keys[p[1]]) - capped} & {rule.rule}
        ]
        assert rule.recall == len(mine) / len(pairs), rule.rule
    assert any(line.startswith("blocking recall") for line in report.lines())


def test_truth_pairs_are_every_pair_of_one_entity() -> None:
    entities = ["a", "b", "a", "c", "a", "b"]
    expected = {p for p in combinations(range(6), 2) if entities[p[0]] == entities[p[1]]}
    assert set(truth_pairs(entities)) == expected
