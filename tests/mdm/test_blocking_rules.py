"""Blocking rules are data: named readably, saved with the model, used by the matcher."""

from __future__ import annotations

import json

import pytest
from mdm_samples import person  # type: ignore[import-not-found]

from mdm import FellegiSunterMatcher
from mdm.blocking import DEFAULT_BLOCKING, block_keys, block_on, shared_rules
from mdm.dedupe import dedupe
from mdm.model import Model, default_model

ANNA = person(
    given_name="Anna",
    family_name="Li",
    email="anna.li@example.cn",
    birth_date="1985-03-12",
    postcode="100000",
)
ANNA_AGAIN = person(
    given_name="Anna",
    family_name="Li",
    email="anna.li@example.cn",
    birth_date="1985-03-12",
    postcode="100000",
)


def test_every_default_rule_has_a_readable_name_and_writes_the_keys_stores_hold() -> None:
    assert str(DEFAULT_BLOCKING[0]) == "block_on('email')"
    assert block_on("birth_date", "postcode") in DEFAULT_BLOCKING
    keys = block_keys(ANNA, [block_on("birth_date", "postcode")])
    assert keys == {"dp:19850312|100000"}
    assert block_keys(ANNA) == set().union(*(block_keys(ANNA, [r]) for r in DEFAULT_BLOCKING))


def test_an_unknown_rule_names_the_known_ones() -> None:
    with pytest.raises(ValueError, match=r"block_on\('email'\)"):
        block_on("shoe_size")


def test_the_rules_are_saved_with_the_model_and_old_models_load_with_the_defaults() -> None:
    rules = (block_on("email"), block_on("birth_date", "postcode"))
    model = Model.from_dict({**default_model().to_dict(), "blocking": [r.to_dict() for r in rules]})
    saved = json.loads(json.dumps(model.to_dict()))
    assert saved["blocking"] == [{"on": ["email"]}, {"on": ["birth_date", "postcode"]}]
    assert Model.from_dict(saved).blocking == rules
    old = {k: v for k, v in default_model().to_dict().items() if k != "blocking"}
    assert Model.from_dict(old).blocking == DEFAULT_BLOCKING


def test_the_matcher_and_dedupe_block_with_the_models_rules() -> None:
    only_phone = Model.from_dict({**default_model().to_dict(), "blocking": [{"on": ["phone"]}]})
    matcher = FellegiSunterMatcher(only_phone)
    assert matcher.block_keys(ANNA) == set()
    assert [str(r) for r in shared_rules(ANNA, ANNA_AGAIN, only_phone.blocking)] == []
    assert dedupe([ANNA, ANNA_AGAIN], model=only_phone).candidate_pairs == 0
    assert dedupe([ANNA, ANNA_AGAIN], model=default_model()).candidate_pairs == 1
