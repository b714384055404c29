"""The array path (mdm.scoring) reaches the levels and weights of the per-pair path."""

from __future__ import annotations

import random
import sys
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mdm_samples import OPTIONS  # type: ignore[import-not-found]

from core.standardise import standardise_flat
from mdm.blocking import block_keys
from mdm.candidates import candidate_pairs, index_blocks
from mdm.comparisons import Comparison, ExactMatch
from mdm.dedupe import dedupe
from mdm.model import Model, default_model
from mdm.scoring import PairScorer

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from er_data import generate  # type: ignore[import-not-found]


@cache
def dirty_records() -> list[dict[str, Any]]:
    raw, _ = generate(3_000, seed=5, dirty_fields=0.3)
    return [standardise_flat(r, OPTIONS) for r in raw]


@cache
def trained() -> Model:
    """A model with learned weights and term frequencies, so every TF path is taken."""
    return dedupe(dirty_records()).model


def pairs_to_check(records: list[dict[str, Any]], seed: int = 1) -> np.ndarray:
    """Every candidate pair, plus 20,000 random pairs (mostly strangers)."""
    blocked = candidate_pairs(index_blocks([block_keys(r) for r in records], cap=10_000))
    rng = np.random.default_rng(seed)
    loose = rng.integers(0, len(records), size=(20_000, 2))
    return np.concatenate((blocked, loose[loose[:, 0] != loose[:, 1]]))


def assert_same_as_per_pair(model: Model, records: list[dict[str, Any]], pairs: np.ndarray) -> None:
    prepared = [model.prepare(r) for r in records]
    scorer = PairScorer(model, prepared)
    levels = scorer.levels(pairs[:, 0], pairs[:, 1])
    weights = scorer.total_weights(pairs[:, 0], pairs[:, 1], levels=levels)
    for row, (i, j) in enumerate(pairs.tolist()):
        expected = model.levels(prepared[i], prepared[j])
        assert tuple(levels[row].tolist()) == expected, (records[i], records[j])
        assert weights[row] == model.total_weight(prepared[i], prepared[j]), (i, j)
        explained = model.explain(levels[row], prepared[i], prepared[j])
        assert explained == model.score(prepared[i], prepared[j])
        assert explained.total_weight == weights[row]


def test_generated_dirty_records_reach_the_same_levels_and_weights() -> None:
    records = dirty_records()
    pairs = pairs_to_check(records)
    assert len(pairs) > 20_000
    assert_same_as_per_pair(trained(), records, pairs)


def test_default_model_reaches_the_same_levels_and_weights() -> None:
    records = dirty_records()[:800]
    assert_same_as_per_pair(default_model(), records, pairs_to_check(records, seed=2))


def test_one_and_two_workers_give_identical_weights() -> None:
    model = trained()
    records = dirty_records()
    pairs = pairs_to_check(records)
    scorer = PairScorer(model, [model.prepare(r) for r in records])
    one = np.concatenate([w for _, w in scorer.score(pairs, workers=1, chunk=5_000)])
    two = np.concatenate([w for _, w in scorer.score(pairs, workers=2, chunk=5_000)])
    assert np.array_equal(one, two)
    assert np.array_equal(one, scorer.total_weights(pairs[:, 0], pairs[:, 1], workers=2))


GIVEN = [
    "Bob",
    "Robert",
    "Rob",
    "J",
    "John",
    "Jon",
    "Jonathan",
    "Al",
    "Alan",
    "Albert",
    "Wei",
    "伟",
    "偉",
    "Zhang",
    "张",
    "Li",
    "李",
    "Na",
    "娜",
    "Li Na",
    "Katharina",
    "Kathrin",
    "Catherine",
    "Smith",
    "Schmidt",
    "Jo",
    "Fang",
    "Gang",
    "芳",
    "Ann",
    "Anna",
    "",
    "Ö",
]
FAMILY = [
    "Smith",
    "Smyth",
    "Schmidt",
    "Schmitt",
    "Zhang",
    "张",
    "張",
    "Wei",
    "Li",
    "李",
    "Wang",
    "王",
    "Ouyang",
    "欧阳",
    "John",
    "Bob",
    "Meyer",
    "Maier",
    "",
]
EMAILS = [
    "zhang.wei85@gmail.com",
    "zhangwei85@googlemail.com",
    "zhang.wei85@163.com",
    "zhangwie85@gmail.com",
    "a@x.cn",
    "b@x.cn",
    "ab@x.cn",
    "zhangwei85+shop@gmail.com",
]
DEFECTIVE_EMAILS = ["zhang.wei85@gmail", "zhang.wei85@@163.com", "a@x", "no-at-sign"]
PHONES = [
    "+8613800138000",
    "+861065529988",
    "+8613900138000",
    "+8613800138001",
    "+4930123456",
    "+864006001234",
]
DATES = [
    "1985-03-12",
    "1985-12-03",
    "1986-03-12",
    "1958-03-12",
    "1985-03-13",
    "1985-03-21",
    "2001-01-01",
    "1989-02-21",
]
DEFECTIVE_DATES = ["19890231", "1989-31-02", "31.02.1980"]
STREETS = [
    "12 Main St.",
    "12 main street",
    "12 Mian Street",
    "14 Main Street",
    "3 Elm Road",
    "Main Street",
    "建国路88号",
    "建國路８８號",
    "建国路 90号",
    "Hauptstr. 5",
]


def _maybe(values: list[str]) -> st.SearchStrategy[str | None]:
    return st.one_of(st.none(), st.sampled_from(values))


RECORDS = st.fixed_dictionaries(
    {
        "given_name": _maybe(GIVEN),
        "family_name": _maybe(FAMILY),
        "email": _maybe(EMAILS),
        "emails": st.lists(st.sampled_from(EMAILS), max_size=3),
        "phone": _maybe(PHONES),
        "phones": st.lists(st.sampled_from(PHONES), max_size=2),
        "birth_date": _maybe(DATES),
        "address_line1": _maybe(STREETS),
        "city": _maybe(["北京", "Beijing", "Bejing", "上海", "Hamburg", "Hamburgh"]),
        "postcode": _maybe(["100000", "100001", "200000", "10115"]),
        "national_id": _maybe(["110105198503120011", "110105198503120012", "1234567"]),
        "defective": st.fixed_dictionaries(
            {},
            optional={
                "email": st.lists(st.sampled_from(DEFECTIVE_EMAILS), min_size=1, max_size=2),
                "birth_date": st.lists(st.sampled_from(DEFECTIVE_DATES), min_size=1, max_size=1),
                "phone": st.lists(
                    st.sampled_from(["+1 598 261 8470", "1-598-261-8470"]), min_size=1, max_size=1
                ),
            },
        ),
    }
)


@settings(max_examples=60, deadline=None)
@given(st.lists(RECORDS, min_size=2, max_size=25))
def test_crafted_records_reach_the_same_levels(records: list[dict[str, Any]]) -> None:
    """Nicknames, initials, swaps, scripts, shared and loose addresses: every pair."""
    model = default_model()
    count = len(records)
    pairs = np.array([(i, j) for i in range(count) for j in range(count) if i != j])
    assert_same_as_per_pair(model, records, pairs)


def crafted_records(count: int, seed: int = 0) -> list[dict[str, Any]]:
    """Records drawn from the pools above, so that every kind of near-miss meets."""
    rng = random.Random(seed)

    def pick(values: list[str]) -> str | None:
        return rng.choice([None, *values])

    records = []
    for _ in range(count):
        defective: dict[str, list[str]] = {}
        if rng.random() < 0.2:
            defective["email"] = [rng.choice(DEFECTIVE_EMAILS)]
        if rng.random() < 0.2:
            defective["birth_date"] = [rng.choice(DEFECTIVE_DATES)]
        records.append(
            {
                "given_name": pick(GIVEN),
                "family_name": pick(FAMILY),
                "email": pick(EMAILS),
                "emails": rng.sample(EMAILS, rng.choice((0, 0, 1, 2))),
                "phone": pick(PHONES),
                "phones": rng.sample(PHONES, rng.choice((0, 0, 1, 2))),
                "birth_date": pick(DATES),
                "address_line1": pick(STREETS),
                "city": pick(["北京", "Beijing", "Bejing", "上海", "Hamburg", "Hamburgh"]),
                "postcode": pick(["100000", "100001", "200000", "10115"]),
                "national_id": pick(
                    ["110105198503120011", "110105198503120012", "110105198503121111"]
                ),
                "defective": defective,
            }
        )
    return records


def test_crafted_and_generated_records_reach_every_level_of_every_comparison() -> None:
    """The checked pairs exercise the whole ladder, not only its ends, and agree."""
    model = trained()
    records = crafted_records(300)
    pairs = np.array([(i, j) for i in range(300) for j in range(300) if i != j])
    assert_same_as_per_pair(model, records, pairs)
    levels = PairScorer(model, [model.prepare(r) for r in records]).levels(pairs[:, 0], pairs[:, 1])
    generated = dirty_records()
    more = pairs_to_check(generated)
    found = PairScorer(model, [model.prepare(r) for r in generated]).levels(more[:, 0], more[:, 1])
    crafted = set(records[0]) - {"emails", "phones", "defective"}
    for index, comparison in enumerate(model.comparisons):
        if comparison.field not in crafted:
            continue
        reached = set(levels[:, index].tolist()) | set(found[:, index].tolist())
        assert reached == set(range(len(comparison.levels) + 1)), comparison.name


class Shouting(Comparison):
    """A project's own comparison, without a ladder of its own."""

    kind = "Shouting"
    levels = ("exact", "loud", "else")

    def extract(self, record: Any) -> str | None:
        return record.get("city")

    def level(self, a: str, b: str) -> int:
        return 1 if a == b else 2 if a.upper() == b.upper() else 3


@pytest.mark.parametrize("comparison", [Shouting("city"), ExactMatch("city")])
def test_comparisons_without_a_ladder_of_their_own_are_scored_per_value_pair(
    comparison: Comparison,
) -> None:
    model = default_model((comparison, ExactMatch("country")))
    rng = random.Random(3)
    records = [
        {"city": rng.choice(["a", "A", "b", None]), "country": rng.choice(["cn", None])}
        for _ in range(60)
    ]
    pairs = np.array([(i, j) for i in range(60) for j in range(60) if i != j])
    assert_same_as_per_pair(model, records, pairs)


def test_level_patterns_are_counted_in_the_order_the_per_pair_path_meets_them() -> None:
    """EM sums over the patterns in this order: the same order gives the same floats."""
    model = default_model()
    records = dirty_records()
    pairs = pairs_to_check(records)
    prepared = [model.prepare(r) for r in records]
    expected: Counter[tuple[int, ...]] = Counter()
    for i, j in pairs.tolist():
        expected[model.levels(prepared[i], prepared[j])] += 1
    found = PairScorer(model, prepared).patterns(pairs)
    assert list(found.items()) == list(expected.items())
