"""Nicknames, typos, households and shared common names."""

from __future__ import annotations

from mdm_samples import person

from mdm import FellegiSunterMatcher

MATCHER = FellegiSunterMatcher()


def outcome(a: dict[str, object], b: dict[str, object]) -> str:
    return MATCHER.decide(MATCHER.score(a, b))


def test_bob_and_robert_smith_with_the_same_birth_date_and_postcode_link() -> None:
    a = person(given_name="Bob", family_name="Smith", birth_date="1970-04-02", postcode="10115")
    b = person(given_name="Robert", family_name="Smith", birth_date="1970-04-02", postcode="10115")
    assert outcome(a, b) == "match"
    assert {f.field: f.level for f in MATCHER.score(a, b).fields}["given_name"] == "alias"


def test_a_household_sharing_surname_address_and_landline_stays_distinct() -> None:
    home = {
        "address_line1": "Hauptstraße 5",
        "postcode": "10115",
        "city": "Berlin",
        "phone": "+49 30 1234567",
        "family_name": "Schmidt",
    }
    father = person(given_name="Klaus", birth_date="1960-01-01", **home)
    daughter = person(given_name="Lea", birth_date="1995-06-30", **home)
    score = MATCHER.score(father, daughter)
    assert outcome(father, daughter) == "distinct", "\n".join(score.describe())


def test_a_chinese_household_without_birth_dates_stays_distinct() -> None:
    home = {
        "phone": "(010) 6552 9988",
        "postcode": "100020",
        "city": "北京",
        "address_line1": "建国路88号",
    }
    assert outcome(person(full_name="赵磊", **home), person(full_name="赵敏", **home)) == "distinct"


def test_a_household_guard_is_lifted_by_a_shared_personal_email() -> None:
    home = {"phone": "(010) 6552 9988", "postcode": "100020", "email": "zhao.lei@qq.com"}
    score = MATCHER.score(person(full_name="赵磊", **home), person(full_name="赵敏", **home))
    assert all(f.field != "guard" for f in score.fields)


def test_a_typo_in_the_family_name_with_the_same_birth_date_and_phone_links() -> None:
    a = person(
        given_name="Katharina",
        family_name="Hoffmann",
        birth_date="1980-07-14",
        phone="+49 151 23456789",
    )
    b = person(
        given_name="Katharina",
        family_name="Hofmann",
        birth_date="1980-07-14",
        phone="0151 23456789",
    )
    assert outcome(a, b) == "match"


def test_day_and_month_swapped_is_a_weaker_level_than_the_same_date() -> None:
    base = {"given_name": "Anna", "family_name": "Li"}
    same = MATCHER.score(
        person(birth_date="1985-03-04", **base), person(birth_date="1985-03-04", **base)
    )
    swap = MATCHER.score(
        person(birth_date="1985-03-04", **base), person(birth_date="1985-04-03", **base)
    )
    assert {f.field: f.level for f in swap.fields}["birth_date"] == "swapped"
    assert 0 < swap.total_weight < same.total_weight


def test_names_and_a_postcode_alone_go_to_review_not_to_a_merge() -> None:
    a = person(full_name="陈晓东", postcode="100512", city="北京", email="xd.chen@gmail.com")
    b = person(full_name="陈晓东", postcode="100512", city="北京", phone="13811494588")
    score = MATCHER.score(a, b)
    assert MATCHER.decide(score) == "review"
    assert [f.level for f in score.fields if f.field == "guard"] == ["uncorroborated"]


def test_chinese_characters_and_pinyin_in_either_order_match_with_a_shared_phone() -> None:
    a = person(full_name="张伟", phone="138 0013 8000")
    b = person(given_name="Wei", family_name="Zhang", phone="0086 138-0013-8000")
    assert outcome(a, b) == "match"


def test_the_same_common_name_with_different_email_and_birth_date_stays_distinct() -> None:
    a = person(full_name="张伟", email="zhang.wei@example.cn", birth_date="1985-03-12")
    b = person(full_name="Wei Zhang", email="zhangwei88@example.com", birth_date="1991-08-08")
    assert outcome(a, b) == "distinct"
