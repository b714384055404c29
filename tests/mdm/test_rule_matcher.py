"""The v1 rule matcher (still the pipeline's), union-find, golden IDs and survivorship."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.standardise import StandardiseOptions, standardise_flat
from mdm import Member, RuleMatcher, UnionFind, golden_id_for, survive
from mdm.blocking import legacy_block_keys

OPTIONS = StandardiseOptions(default_region="CN", date_order="dmy")
MATCHER = RuleMatcher()


def person(**fields: str) -> dict[str, object]:
    return standardise_flat({"source_id": "x", **fields}, OPTIONS)


def outcome(a: dict[str, object], b: dict[str, object]) -> str:
    return MATCHER.decide(MATCHER.score(a, b))


def test_chinese_characters_and_pinyin_in_either_order_match_with_a_shared_phone() -> None:
    a = person(full_name="张伟", phone="138 0013 8000")
    b = person(given_name="Wei", family_name="Zhang", phone="0086 138-0013-8000")
    assert outcome(a, b) == "match"


def test_same_name_different_person_stays_distinct() -> None:
    a = person(full_name="张伟", email="zhang.wei@example.cn", birth_date="1985-03-12")
    b = person(full_name="Wei Zhang", email="zhangwei88@example.com", birth_date="1991-08-08")
    assert outcome(a, b) == "distinct"


def test_a_household_sharing_landline_and_address_stays_distinct() -> None:
    shared = {"phone": "(010) 6552 9988", "postcode": "100020", "city": "北京"}
    assert outcome(person(full_name="赵磊", **shared), person(full_name="赵敏", **shared)) == (
        "distinct"
    )


def test_name_and_birth_date_alone_ask_a_steward() -> None:
    a = person(full_name="Anna Schmidt", birth_date="1982-05-05")
    b = person(full_name="Anna Schmidt", birth_date="05.05.1982")
    assert outcome(a, b) == "review"


def test_every_score_explains_itself_field_by_field() -> None:
    a = person(full_name="Anna Schmidt", email="anna@example.de")
    b = person(full_name="Anna Schmitt", email="anna@example.de")
    explanation = MATCHER.score(a, b).explanation()
    levels = {f["field"]: f["level"] for f in explanation["fields"]}
    assert levels["email"] == "exact"
    assert levels["name_latin"] in {"close", "similar"}
    assert levels["phone"] == "null"
    assert explanation["total_weight"] == pytest.approx(
        -7.0 + sum(f["weight"] for f in explanation["fields"]), abs=0.01
    )


def test_block_keys_let_native_script_and_latin_names_meet() -> None:
    assert legacy_block_keys(person(full_name="张伟")) & legacy_block_keys(
        person(full_name="Wei ZHANG")
    )


def test_union_find_keeps_unrelated_items_apart() -> None:
    clusters = UnionFind(["a", "b", "c", "d"])
    clusters.union("a", "b")
    clusters.union("c", "d")
    clusters.union("b", "a")
    assert sorted(sorted(g) for g in clusters.groups()) == [["a", "b"], ["c", "d"]]


def test_golden_ids_are_stable_and_distinct() -> None:
    assert golden_id_for("crm", "1") == golden_id_for("crm", "1")
    assert golden_id_for("crm", "1") != golden_id_for("crm", "2")
    assert golden_id_for("crm", "12") != golden_id_for("crm1", "2")


def test_survivorship_prefers_trust_then_recency_and_never_blanks_a_value() -> None:
    old, new = datetime(2020, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC)
    members = [
        Member("webshop", "W1", {"email": "new@x.cn", "phone": "+8613800138000"}, 40, new),
        Member("crm", "C1", {"email": "old@x.cn", "phone": None}, 70, old),
    ]
    record, provenance = survive(members)
    assert record == {
        "email": "old@x.cn",
        "emails": ["old@x.cn", "new@x.cn"],
        "phone": "+8613800138000",
    }
    assert provenance["email"]["source"] == "crm"
    assert provenance["phone"] == {
        "source": "webshop",
        "source_id": "W1",
        "rule": "source_priority",
    }
