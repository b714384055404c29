"""The one resolver: new records join, bridge or found clusters, and steward decisions hold."""

from __future__ import annotations

from mdm_samples import generated_customers, person

from mdm import Assignment, Cluster, FellegiSunterMatcher, join, resolve_batch

MATCHER = FellegiSunterMatcher()


def test_a_new_record_joins_the_cluster_whose_members_it_matches() -> None:
    scored = [("n", "m1", 0.97), ("n", "m2", 0.95)]
    assert join(["n"], {"m1": "G", "m2": "G"}, scored) == [Assignment(("n",), ("G",))]


def test_a_new_record_does_not_join_a_cluster_whose_other_members_say_no() -> None:
    scored = [("n", "m1", 0.93), ("n", "m2", 0.0001), ("n", "m3", 0.0001)]
    found = join(["n"], {"m1": "G", "m2": "G", "m3": "G"}, scored)
    assert found == [Assignment(("n",), ())]


def test_a_record_matching_two_clusters_well_merges_them() -> None:
    scored = [("n", "a1", 0.999), ("n", "b1", 0.97)]
    found = join(["n"], {"a1": "A", "b1": "B"}, scored, rescore=lambda x, y: 0.8)
    assert found == [Assignment(("n",), ("A", "B"))]


def test_a_record_bridging_two_clearly_different_clusters_joins_only_the_better_one() -> None:
    scored = [("n", "a1", 0.999), ("n", "b1", 0.95)]
    found = join(["n"], {"a1": "A", "b1": "B"}, scored, rescore=lambda x, y: 0.0001)
    assert found == [Assignment(("n",), ("A",))]


def test_an_existing_cluster_is_never_split_by_new_evidence() -> None:
    scored = [("n", "a1", 0.999), ("n", "a2", 0.0001)]
    found = join(["n"], {"a1": "A", "a2": "A"}, scored)
    assert found in ([Assignment(("n",), ("A",))], [Assignment(("n",), ())])


def test_a_record_kept_apart_from_a_cluster_never_joins_it() -> None:
    scored = [("n", "m1", 0.9999)]
    found = join(["n"], {"m1": "G"}, scored, cannot_link=[("n", Cluster("G"))])
    assert found == [Assignment(("n",), ())]


def records() -> dict[int, dict[str, object]]:
    return {
        1: person(given_name="Anna", family_name="Li", email="anna.li@example.cn"),
        2: person(given_name="Anna", family_name="Li", email="Anna.Li@example.cn"),
        3: person(given_name="Ben", family_name="Wu", email="ben.wu@example.cn"),
    }


def test_a_batch_of_new_records_is_blocked_scored_and_clustered() -> None:
    new = records()
    blocks = {k: [] for r in new.values() for k in MATCHER.block_keys(r)}
    for key, record in new.items():
        for value in MATCHER.block_keys(record):
            blocks[value].append(key)
    resolution = resolve_batch(MATCHER, new, {}, {}, blocks)
    assert [a.records for a in resolution.assignments] == [(1, 2), (3,)]
    assert [(p.left, p.right, p.outcome) for p in resolution.pairs] == [(1, 2, "match")]


def test_a_pair_a_steward_pinned_apart_stays_apart_and_a_pinned_match_joins() -> None:
    new = records()
    blocks = {"x": [1, 2, 3]}
    keys = {k: ["x"] for k in new}
    apart = resolve_batch(
        MATCHER, new, {}, {}, blocks, new_keys=keys, pinned={frozenset((1, 2)): "distinct"}
    )
    assert [a.records for a in apart.assignments] == [(1,), (2,), (3,)]
    together = resolve_batch(
        MATCHER, new, {}, {}, blocks, new_keys=keys, pinned={frozenset((2, 3)): "match"}
    )
    assert (2, 3) in [a.records for a in together.assignments]


def test_a_new_record_joins_an_existing_golden_record_through_its_members() -> None:
    new = {3: records()[2]}
    existing = {1: records()[1]}
    blocks = {k: [1] for k in MATCHER.block_keys(existing[1])}
    resolution = resolve_batch(MATCHER, new, existing, {1: "G1"}, blocks)
    assert resolution.assignments == [Assignment((3,), ("G1",))]


def test_a_batch_scores_and_explains_as_the_per_pair_path_with_one_or_two_workers() -> None:

    generated, _ = generated_customers(60, seed=4)
    new = dict(enumerate(generated))
    blocks: dict[str, list[int]] = {}
    for key, record in new.items():
        for value in MATCHER.block_keys(record):
            blocks.setdefault(value, []).append(key)
    one = resolve_batch(MATCHER, new, {}, {}, blocks, workers=1)
    two = resolve_batch(MATCHER, new, {}, {}, blocks, workers=2)
    assert len(one.pairs) > 50
    assert one.pairs == two.pairs
    assert one.assignments == two.assignments
    for pair in one.pairs:
        expected = MATCHER.score(new[pair.left], new[pair.right])
        assert pair.score == expected
        assert pair.probability == expected.probability
        assert pair.outcome == MATCHER.decide(expected)
