"""Consent flags: yes and no in their many spellings, and "unknown" meaning no answer."""

from __future__ import annotations

import pytest

from core.standardise import StandardiseOptions, standardise_flag, standardise_flat


@pytest.mark.parametrize(
    ("raw", "flag"),
    [
        ("yes", True), ("Y", True), ("true", True), ("1", True), (1, True), ("Ja", True),
        ("是", True), ("no", False), ("FALSE", False), ("0", False), (0, False), ("nein", False),
        ("否", False), (True, True), (False, False),
    ],
)  # fmt: skip
def test_yes_and_no_become_booleans(raw: object, flag: bool) -> None:
    assert standardise_flag(raw) is flag


@pytest.mark.parametrize("raw", ["unknown", "Unknown", "n/a", "?", "未知", "", "  ", None])
def test_an_explicit_unknown_is_no_answer_like_a_blank(raw: object) -> None:
    assert standardise_flag(raw) is None


def test_a_value_that_is_not_yes_or_no_stays_for_the_checks() -> None:
    assert standardise_flag(" maybe ") == "maybe"


def test_the_flat_record_keeps_only_explicit_consent_answers() -> None:
    flat = {"source_id": "1", "consent": {"email": "yes", "sms": "unknown", "post": "0"}}
    out = standardise_flat(flat, StandardiseOptions())
    assert out["consent"] == {"email": True, "post": False}
