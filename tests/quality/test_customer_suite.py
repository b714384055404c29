"""The customer suite and the frame it reads, checked without running a validation."""

from __future__ import annotations

import re

import pytest

from core.customer import E164, EMAIL
from quality.suites import build_customer_suite, country_codes, customer_frame, ge_pattern


def test_country_codes_are_the_iso_alpha_2_set() -> None:
    codes = country_codes()

    assert {"CN", "DE", "US", "TW", "HK"} <= codes
    assert not {"XX", "UK", "cn", "DEU"} & codes
    assert len(codes) == 249


@pytest.mark.parametrize(
    "value",
    ["+8613800138000", "+4930123456;ext=12", "+44 20 7946 0958", "8613800138000", "+86138\n"],
)
def test_the_ge_phone_pattern_agrees_with_the_model_but_rejects_a_trailing_newline(
    value: str,
) -> None:
    expected = bool(E164.match(value)) and not value.endswith("\n")

    assert bool(re.search(ge_pattern(E164), value)) is expected


@pytest.mark.parametrize(
    "value", ["bob@example.com", "bob@@example.com", "bob@example", "a b@example.com", "b@x.io\n"]
)
def test_the_ge_email_pattern_agrees_with_the_model_but_rejects_a_trailing_newline(
    value: str,
) -> None:
    expected = bool(EMAIL.match(value)) and not value.endswith("\n")

    assert bool(re.search(ge_pattern(EMAIL), value)) is expected


def test_the_frame_names_the_first_identifying_field_and_parses_birth_dates() -> None:
    frame = customer_frame(
        [
            {"source_id": "1", "company": "ACME", "phone": "+4930123456", "birth_date": "x"},
            {"source_id": "2", "full_name": "  ", "email": "a@b.io", "birth_date": "1985-03-02"},
            {"source_id": "3", "given_name": "Wei", "birth_date": "2023-02-30"},
        ]
    )

    assert frame["_identity"].tolist() == ["company", "email", None]
    assert frame["_birth_date"].isna().tolist() == [True, False, True]
    assert frame.index.tolist() == [0, 1, 2]


def test_every_expectation_names_its_field_rule_and_reason() -> None:
    suite = build_customer_suite()

    metas = [expectation.meta for expectation in suite.expectations]

    assert all({"field", "rule", "reason"} <= meta.keys() for meta in metas)
    assert len({meta["rule"] for meta in metas}) == len(metas)
