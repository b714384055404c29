"""A defective field is set aside and the record kept; only an unidentifiable or
unprocessable record is stopped (real Great Expectations, the real canonical model)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from quality import BatchValidator
from quality.field_issues import DEFECTIVE, set_aside
from quality.validator import RowOutcome

TODAY = date(2025, 1, 1)


@pytest.fixture(scope="module")
def validator() -> BatchValidator:
    return BatchValidator()


def person(**fields: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "source_id": "p-1",
        "given_name": "Wei",
        "family_name": "Zhang",
        "full_name": "张伟",
        "email": "zhang.wei@example.cn",
        "phone": "+8613800138000",
        "country": "CN",
        "birth_date": "1985-03-02",
    }
    row.update(fields)
    return row


def judge(validator: BatchValidator, row: dict[str, Any]) -> RowOutcome:
    [outcome] = validator.validate([row], source="shop", today=TODAY).outcomes
    return outcome


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("phone", "+1 598 261 8470"),  # a plausible length in a range no carrier holds
        ("email", "zhang.wei@example"),  # the domain has no dot
        ("birth_date", "19890231"),  # no 31 February
        ("birth_date", "1989-31-02"),  # day and month swapped past twelve
        ("country", "XX"),
        ("kind", "robot"),
    ],
)
def test_a_defective_field_keeps_the_record_and_sets_the_value_aside(
    validator: BatchValidator, field: str, value: str
) -> None:
    outcome = judge(validator, person(**{field: value}))

    assert outcome.problems == ()
    [issue] = outcome.field_issues
    assert (issue.field, issue.value) == (field, value)
    assert outcome.record.get(field) is None
    assert outcome.record[DEFECTIVE] == {field: [value]}
    assert outcome.record["full_name"] == "张伟"  # everything else stays


def test_a_record_whose_only_identifier_is_defective_is_stopped_with_every_reason(
    validator: BatchValidator,
) -> None:
    row = {"source_id": "x", "email": "nobody@@nowhere", "city": "Beijing"}

    outcome = judge(validator, row)

    assert [p.field for p in outcome.problems] == ["identity"]
    assert [str(p) for p in outcome.every_problem][1] == (
        "email: 'nobody@@nowhere' is not a valid email address"
    )


def test_a_national_id_alone_identifies_a_customer(validator: BatchValidator) -> None:
    outcome = judge(validator, {"source_id": "x", "national_id": "110105198503021234"})

    assert outcome.problems == ()


def test_a_missing_source_id_still_stops_the_record(validator: BatchValidator) -> None:
    outcome = judge(validator, person(source_id=None, phone="12345"))

    assert [p.field for p in outcome.problems] == ["source_id"]
    assert [i.field for i in outcome.field_issues] == ["phone"]


def test_only_the_defective_entry_of_a_list_is_set_aside(validator: BatchValidator) -> None:
    row = person(
        phone="+8613800138000",
        phones=["+8613800138000", "+1 598 261 8470", "+8613900139000"],
        emails=["zhang.wei@example.cn", "ZW@x"],
    )

    outcome = judge(validator, row)

    assert outcome.problems == ()
    assert outcome.record["phones"] == ["+8613800138000", "+8613900139000"]
    assert outcome.record["emails"] == ["zhang.wei@example.cn"]
    assert outcome.record[DEFECTIVE] == {"phone": ["+1 598 261 8470"], "email": ["ZW@x"]}


def test_a_defective_primary_phone_gives_way_to_the_first_valid_one() -> None:
    record, moved = set_aside({"phone": "+1 598", "phones": ["+1 598", "+4930123456"]}, "phone")

    assert (record["phone"], record["phones"], moved) == (
        "+4930123456",
        ["+4930123456"],
        ["+1 598"],
    )
