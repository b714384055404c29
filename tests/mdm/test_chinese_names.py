"""The same person in characters (simplified or traditional) and in pinyin, either order."""

from __future__ import annotations

from itertools import combinations

import pytest
from mdm_samples import person

from mdm import FellegiSunterMatcher, block_keys

MATCHER = FellegiSunterMatcher()
SPELLINGS = [
    {"full_name": "张伟"},
    {"full_name": "張偉"},
    {"full_name": "Zhang Wei"},
    {"full_name": "Wei Zhang"},
    {"full_name": "ZHANG WEI"},
    {"given_name": "Wei", "family_name": "Zhang"},
]


@pytest.mark.parametrize("shared", [{"email": "zw1985@163.com"}, {"phone": "138 0013 8000"}])
def test_every_spelling_of_zhang_wei_links_with_a_shared_email_or_phone(
    shared: dict[str, str],
) -> None:
    records = [person(**names, **shared) for names in SPELLINGS]
    for a, b in combinations(records, 2):
        assert block_keys(a) & block_keys(b)
        score = MATCHER.score(a, b)
        assert MATCHER.decide(score) == "match", "\n".join(score.describe())


def test_traditional_and_simplified_characters_are_the_same_name() -> None:
    score = MATCHER.score(person(full_name="張偉"), person(full_name="张伟"))
    levels = {f.field: f.level for f in score.fields}
    assert levels["given_name"] == "exact" and levels["family_name"] == "exact"


def test_a_swapped_pinyin_name_is_compared_swapped_back_and_says_so() -> None:
    score = MATCHER.score(person(full_name="ZHANG WEI"), person(full_name="张伟"))
    given = next(f for f in score.fields if f.field == "given_name")
    assert given.level == "exact"
    assert given.note == "given and family name swapped"


def test_two_different_zhang_weis_with_other_birth_dates_and_phones_stay_distinct() -> None:
    a = person(full_name="张伟", birth_date="1985-03-12", phone="13800138000", city="北京")
    b = person(full_name="張偉", birth_date="1991-08-08", phone="13912345678", city="北京")
    assert MATCHER.decide(MATCHER.score(a, b)) == "distinct"


def test_homophones_in_characters_are_weaker_than_the_same_characters() -> None:
    same = MATCHER.score(person(full_name="张伟"), person(full_name="张伟"))
    homophone = MATCHER.score(person(full_name="张伟"), person(full_name="张玮"))
    assert homophone.total_weight < same.total_weight
    assert {f.field: f.level for f in homophone.fields}["given_name"] == "alias"
