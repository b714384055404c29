"""BatchValidator against real Great Expectations and the real canonical model (no mocks)."""

from __future__ import annotations

import logging
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from core.customer import IDENTIFYING_COLUMNS
from core.errors import Problem
from quality import BatchResult, BatchValidator, validate_rows
from quality.validator import shared_validator

TODAY = date(2025, 1, 1)
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def validator() -> BatchValidator:
    validator = BatchValidator()
    validator.validate([clean_row()], source="warm-up", today=TODAY)
    return validator


def clean_row(source_id: str = "c-1", **overrides: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "source_id": source_id,
        "given_name": "Wei",
        "family_name": "Zhang",
        "full_name": "张伟",
        "name_latin": "zhang wei",
        "name_script": "Hani",
        "company": None,
        "email": "zhang.wei@example.cn",
        "phone": "+8613800138000",
        "address_line1": "1 Chang'an Avenue",
        "address_line2": None,
        "city": "Beijing",
        "region": None,
        "postcode": "100000",
        "country": "CN",
        "birth_date": "1985-03-02",
        "national_id": None,
        "loyalty_tier": "gold",
    }
    row.update(overrides)
    return row


def check(validator: BatchValidator, *rows: dict[str, Any], today: date = TODAY) -> BatchResult:
    return validator.validate(list(rows), source="shop", today=today)


def test_a_clean_batch_passes_with_no_problems(validator: BatchValidator) -> None:
    rows = [
        clean_row("c-1"),
        clean_row("c-2", phone="+4930123456;ext=12", country="DE", email="anna@example.de"),
        clean_row("c-3", full_name=None, given_name=None, family_name=None, company="ACME GmbH"),
    ]

    result = check(validator, *rows)

    assert result.problems == [[], [], []]
    assert result.failed_count == 0
    assert all(s.success for s in result.statistics)


@pytest.mark.parametrize(
    ("field", "value", "check_name", "words"),
    [
        ("email", "bob@@example", "expect_column_values_to_match_regex", "not a valid email"),
        ("email", "bob@example.com\n", "expect_column_values_to_match_regex", "not a valid email"),
        ("phone", "138 0013 8000", "expect_column_values_to_match_regex", "E.164"),
        ("phone", "+8613800138000;ext=", "expect_column_values_to_match_regex", "E.164"),
        ("country", "Germany", "expect_column_values_to_be_in_set", "ISO 3166"),
        ("country", "XX", "expect_column_values_to_be_in_set", "ISO 3166"),
        ("birth_date", "12/03/1985", "expect_column_values_to_match_regex", "YYYY-MM-DD"),
        ("birth_date", "1899-12-31", "expect_column_values_to_be_between", "plausible birth"),
        ("birth_date", "2025-01-02", "expect_column_values_to_be_between", "plausible birth"),
        ("kind", "robot", "expect_column_values_to_be_in_set", "person or organisation"),
    ],
)
def test_each_rule_catches_its_bad_value_and_names_the_field_and_the_value(
    validator: BatchValidator, field: str, value: str, check_name: str, words: str
) -> None:
    result = check(validator, clean_row("ok"), clean_row("bad", **{field: value}))

    assert result.problems[0] == []
    [problem] = result.problems[1]
    assert problem.field == field
    assert problem.check == check_name
    assert words in problem.reason
    assert f"'{value.strip()}" in problem.reason


def test_the_birth_date_range_ends_at_the_date_the_caller_passes(
    validator: BatchValidator,
) -> None:
    row = clean_row(birth_date="2024-06-30")

    assert check(validator, row, today=date(2024, 6, 30)).problems == [[]]
    [problem] = check(validator, row, today=date(2024, 6, 29)).problems[0]
    assert "2024-06-29" in problem.reason


def test_duplicate_source_ids_flag_every_row_that_shares_the_id(
    validator: BatchValidator,
) -> None:
    rows = [clean_row("dup"), clean_row("single"), clean_row("dup"), clean_row("dup")]

    result = check(validator, *rows)

    assert [len(p) for p in result.problems] == [1, 0, 1, 1]
    for position in (0, 2, 3):
        [problem] = result.problems[position]
        assert problem == Problem(
            "source_id",
            "'dup' is the source id of more than one record in this batch",
            "expect_column_values_to_be_unique",
        )


@pytest.mark.parametrize("source_id", [None, "", "   "])
def test_a_missing_source_id_is_caught(validator: BatchValidator, source_id: str | None) -> None:
    result = check(validator, clean_row(source_id))

    assert result.problems == [
        [Problem("source_id", "the source id is missing", "expect_column_values_to_not_be_null")]
    ]


def test_a_row_failing_several_rules_gets_every_reason(validator: BatchValidator) -> None:
    row = clean_row(
        email="bob@@example", phone="12345", country="Germany", birth_date="1850-01-01", kind="x"
    )

    [problems] = check(validator, row).problems

    assert [p.field for p in problems] == ["email", "phone", "country", "birth_date", "kind"]
    assert all(p.check.startswith("expect_") for p in problems)
    assert "'1850-01-01' is not a plausible birth date" in problems[3].reason


def test_a_row_with_no_identifying_field_is_caught(validator: BatchValidator) -> None:
    row = clean_row(**dict.fromkeys(IDENTIFYING_COLUMNS), given_name="Wei", city="Beijing")

    [problems] = check(validator, row).problems

    assert [p.field for p in problems] == ["identity"]
    assert all(column in problems[0].reason for column in IDENTIFYING_COLUMNS)


@pytest.mark.parametrize("column", IDENTIFYING_COLUMNS)
def test_any_one_identifying_field_is_enough(validator: BatchValidator, column: str) -> None:
    only = {"email": "li@example.com", "phone": "+4915112345678"}.get(column, "Li")
    row = {"source_id": "one", column: only}

    assert check(validator, row).problems == [[]]


def test_nulls_and_blanks_in_optional_fields_are_fine(validator: BatchValidator) -> None:
    nothing_optional = {
        "source_id": "bare",
        "company": "ACME",
        "email": None,
        "phone": "",
        "country": "  ",
        "birth_date": None,
        "kind": None,
    }

    result = check(validator, nothing_optional, {"source_id": "keys-absent", "email": "a@b.io"})

    assert result.problems == [[], []]


def test_problems_follow_the_order_of_the_input_rows(validator: BatchValidator) -> None:
    bad_values = ["e0@@x", None, "e2@@x", None, None, "e5@@x"]
    rows = [
        clean_row(f"r{i}", email=value) if value else clean_row(f"r{i}")
        for i, value in enumerate(bad_values)
    ]

    result = check(validator, *rows)

    assert len(result.problems) == len(rows)
    for value, problems in zip(bad_values, result.problems, strict=True):
        assert [p.reason for p in problems] == (
            [f"'{value}' is not a valid email address"] if value else []
        )


def test_pydantic_catches_what_the_expectations_let_through(validator: BatchValidator) -> None:
    impossible_date = clean_row("feb30", birth_date="2023-02-30")
    capital_email = clean_row("caps", email="Zhang.Wei@Example.CN")

    result = check(validator, impossible_date, capital_email)

    [date_problem] = result.problems[0]
    assert date_problem.field == "birth_date"
    assert date_problem.check == "pydantic"
    assert "'2023-02-30'" in date_problem.reason
    assert "valid date" in date_problem.reason
    [email_problem] = result.problems[1]
    assert email_problem == Problem(
        "email", "'Zhang.Wei@Example.CN' is not a normalised email address", "pydantic"
    )


def test_a_row_with_a_field_set_aside_is_still_checked_by_the_model_for_the_rest(
    validator: BatchValidator,
) -> None:
    [outcome] = check(validator, clean_row(phone="12345", birth_date="2023-02-30")).outcomes

    assert outcome.problems == ()
    assert [(i.field, i.check) for i in outcome.field_issues] == [
        ("phone", "expect_column_values_to_match_regex"),
        ("birth_date", "pydantic"),
    ]
    assert outcome.record["defective"] == {"phone": ["12345"], "birth_date": ["2023-02-30"]}


def test_rows_stopped_by_an_expectation_are_not_also_given_model_problems(
    validator: BatchValidator,
) -> None:
    row = clean_row(None, birth_date="2023-02-30")

    [problems] = check(validator, row).problems

    assert [p.check for p in problems] == ["expect_column_values_to_not_be_null"]


def test_an_empty_batch_returns_empty_results(validator: BatchValidator) -> None:
    result = check(validator)

    assert result.problems == []
    assert result.failed_count == 0
    assert {s.evaluated for s in result.statistics} == {0}
    assert {s.unexpected for s in result.statistics} == {0}


def test_statistics_count_evaluated_and_unexpected_values(validator: BatchValidator) -> None:
    rows = [
        clean_row("a", email="bad@@x", phone=None),
        clean_row("a", email=None, country="Narnia"),
        clean_row("b", birth_date="2023-02-30"),
        clean_row("c", email=None),
    ]

    result = check(validator, *rows)

    stats = {s.rule: (s.evaluated, s.unexpected, s.success) for s in result.statistics}
    assert stats == {
        "source_id_present": (4, 0, True),
        "source_id_unique": (4, 2, False),
        "identity_present": (4, 0, True),
        "email_format": (2, 1, False),
        "phone_format": (3, 0, True),
        "country_code": (4, 1, False),
        "birth_date_format": (4, 0, True),
        "birth_date_range": (3, 0, True),
        "kind_known": (0, 0, True),
        "customer_model": (2, 1, False),
    }
    assert result.failed_count == 2  # the repeated ids; the others only have field issues


def test_long_and_unprintable_values_are_shortened_in_reasons(
    validator: BatchValidator,
) -> None:
    long_email = "x" * 200 + "@@example.com"

    [[problem]] = check(validator, clean_row(email=long_email)).problems
    [[tabbed]] = check(validator, clean_row(phone="+86\t138")).problems

    assert len(problem.reason) < 120
    assert "x" * 59 + "…'" in problem.reason
    assert "'+86\\t138'" in tabbed.reason


def test_validate_rows_shares_one_validator_per_process() -> None:
    result = validate_rows([clean_row("a"), clean_row("b", email="no")], source="shop", today=TODAY)

    assert result.problems[0] == []
    assert [p.field for p in result.problems[1]] == ["email"]
    assert shared_validator() is shared_validator()


def test_validation_prints_no_progress_bars_and_no_info_logs(
    validator: BatchValidator, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        check(validator, *(clean_row(str(i)) for i in range(50)))

    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == ""
    assert not [r for r in caplog.records if r.name.startswith("great_expectations")]


def test_importing_quality_does_not_import_great_expectations() -> None:
    code = "import sys, quality; print('great_expectations' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )

    assert done.stdout.strip() == "False"
