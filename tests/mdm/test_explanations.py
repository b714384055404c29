"""Every score explains itself: levels, weights, TF adjustments, and they add up."""

from __future__ import annotations

import pytest
from mdm_samples import person

from mdm import FellegiSunterMatcher, train


@pytest.fixture(scope="module")
def matcher(customers) -> FellegiSunterMatcher:
    return FellegiSunterMatcher.from_model(train(customers[0]))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ({"full_name": "张伟", "email": "zw@x.cn"}, {"full_name": "Wei Zhang", "email": "zw@x.cn"}),
        (
            {"full_name": "赵磊", "phone": "(010) 6552 9988"},
            {"full_name": "赵敏", "phone": "010 65529988"},
        ),
        ({"given_name": "Anna", "birth_date": "1980-01-02"}, {"given_name": "Otto"}),
    ],
)
def test_the_parts_of_an_explanation_add_up_to_its_total(
    matcher: FellegiSunterMatcher, a: dict[str, str], b: dict[str, str]
) -> None:
    explanation = matcher.score(person(**a), person(**b)).explanation()
    parts = sum(f["weight"] + f.get("tf_adjustment", 0.0) for f in explanation["fields"])
    assert explanation["total_weight"] == pytest.approx(explanation["prior"] + parts, abs=0.02)


def test_describe_gives_one_readable_line_per_compared_field(matcher: FellegiSunterMatcher) -> None:
    score = matcher.score(person(full_name="张伟", email="zw@x.cn"), person(full_name="張偉"))
    lines = score.describe()
    assert lines[0].startswith("match probability")
    assert any(line.split()[:2] == ["given_name", "exact"] for line in lines)
    assert lines[-1].startswith("  not compared (missing):") and "email" in lines[-1]


def test_a_guarded_pair_says_why_it_was_capped() -> None:
    home = {"phone": "(010) 6552 9988", "address_line1": "建国路88号", "postcode": "100020"}
    score = FellegiSunterMatcher().score(
        person(full_name="赵磊", **home), person(full_name="赵敏", **home)
    )
    guard = [f for f in score.fields if f.field == "guard"]
    assert guard and "given name differs" in (guard[0].note or "")
