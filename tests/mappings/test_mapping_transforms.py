"""Each transform, run the way a mapping runs it: from YAML-shaped data through apply_mapping."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
import yaml

from core.errors import Problem
from mappings import TRANSFORMS, apply_mapping, parse_mapping
from mappings.model import TransformStep


def run(spec: dict[str, Any] | str, payload: dict[str, Any], target: str = "attributes.out"):
    """Map ``payload`` with one field; return the value at ``target`` and the problems."""
    mapping = parse_mapping({"version": 1, "source_id": "id", "fields": {target: spec}}, "t.yaml")
    flat, problems = apply_mapping(mapping, {"id": "1", **payload})
    key = target.removeprefix("attributes.")
    if target.startswith("consent."):
        return flat["consent"].get(target.removeprefix("consent.")), problems
    return flat.get(key), problems


def value_of(spec: dict[str, Any] | str, payload: dict[str, Any], target: str = "attributes.out"):
    value, problems = run(spec, payload, target)
    assert problems == []
    return value


@pytest.mark.parametrize("name", sorted(TRANSFORMS))
def test_every_transform_says_what_it_does_and_its_usage_loads(name: str) -> None:
    definition = TRANSFORMS[name]
    assert definition.summary.strip(), f"{name} has no summary for the reference"
    for usage in definition.usage.split(" or "):
        step = TransformStep.model_validate(yaml.safe_load(usage))
        assert step.name == name


@pytest.mark.parametrize(
    ("transform", "raw", "expected"),
    [
        ("trim", "  Anna  Maria \t", "Anna  Maria"),
        ("lower", "ANNA@EXAMPLE.DE", "anna@example.de"),
        ("upper", "gold", "GOLD"),
        ("digits_only", "+49 (30) 123-45", "493012345"),
        ("trim", 10115, "10115"),
    ],
)
def test_text_transforms_change_text_as_named(transform: str, raw: Any, expected: str) -> None:
    assert value_of({"from": "v", "transforms": [transform]}, {"v": raw}) == expected


def test_text_transforms_pass_a_missing_value_through() -> None:
    spec = {"from": "v", "transforms": ["trim", "lower", "digits_only", {"split_name": "given"}]}
    assert value_of(spec, {}) is None
    assert value_of(spec, {"v": None}) is None
    assert value_of(spec, {"v": float("nan")}) is None


def test_text_transforms_apply_to_each_item_of_a_list() -> None:
    spec = {"from": ["a", "b", "c"], "transforms": ["trim", "upper"]}
    assert value_of(spec, {"a": " x ", "c": "y"}) == ["X", None, "Y"]


def test_null_if_turns_placeholder_values_into_missing_ones() -> None:
    spec = {"from": "v", "transforms": [{"null_if": ["-", "n/a", "00.00.0000"]}]}
    assert value_of(spec, {"v": " n/a "}, target="city") is None
    assert value_of(spec, {"v": "00.00.0000"}, target="city") is None
    assert value_of(spec, {"v": "Berlin"}, target="city") == "Berlin"


def test_split_gives_trimmed_non_empty_parts() -> None:
    assert value_of({"from": "t", "transforms": [{"split": ","}]}, {"t": "vip, new,, b2b "}) == [
        "vip",
        "new",
        "b2b",
    ]


def test_split_then_lower_lowers_every_part() -> None:
    spec = {"from": "t", "transforms": [{"split": ";"}, "lower"]}
    assert value_of(spec, {"t": "VIP;New"}, target="tags") == ["vip", "new"]


def test_split_of_a_list_splits_every_item_into_one_flat_list() -> None:
    spec = {"from": ["a", "b"], "transforms": [{"split": "|"}]}
    assert value_of(spec, {"a": "x|y", "b": "z"}) == ["x", "y", "z"]


def test_join_skips_empty_parts() -> None:
    spec = {"from": ["street", "no", "suffix"], "transforms": [{"join": " "}]}
    assert value_of(spec, {"street": "Hauptstr.", "no": 12, "suffix": "  "}, "address_line1") == (
        "Hauptstr. 12"
    )


def test_join_of_only_empty_parts_is_missing() -> None:
    spec = {"from": ["a", "b"], "transforms": [{"join": " "}]}
    assert value_of(spec, {"a": "", "b": None}, target="address_line1") is None


def test_first_non_empty_takes_the_first_source_holding_a_value() -> None:
    spec = {"from": ["tel", "mobile", "fax"], "transforms": ["first_non_empty"]}
    assert value_of(spec, {"tel": " ", "mobile": "0171 23", "fax": "030 1"}, "phone") == "0171 23"
    assert value_of(spec, {"tel": None}, target="phone") is None


@pytest.mark.parametrize(
    ("name", "given", "family"),
    [
        ("Wei Zhang", "Wei", "Zhang"),
        ("Anna Maria  Müller", "Anna Maria", "Müller"),
        ("Müller, Anna", "Anna", "Müller"),
        ("van der Berg, Jan", "Jan", "van der Berg"),
        ("张伟", "伟", "张"),
        ("王小明", "小明", "王"),
        ("欧阳 娜娜", "娜娜", "欧阳"),
        ("김민준", "민준", "김"),
        ("Madonna", None, "Madonna"),
        ("张", None, "张"),
        ("   ", None, None),
    ],
)
def test_split_name_splits_a_full_name_by_the_simple_rule(
    name: str, given: str | None, family: str | None
) -> None:
    payload = {"name": name}
    given_spec = {"from": "name", "transforms": [{"split_name": "given"}]}
    family_spec = {"from": "name", "transforms": [{"split_name": "family"}]}
    assert value_of(given_spec, payload, target="given_name") == given
    assert value_of(family_spec, payload, target="family_name") == family


@pytest.mark.parametrize(
    ("fmt", "raw", "iso"),
    [
        ("%d.%m.%Y", "17.05.1980", "1980-05-17"),
        ("%d.%m.%Y", " 01.02.1985 ", "1985-02-01"),
        ("%Y-%m-%d", "1990-01-02", "1990-01-02"),
        ("%m/%d/%Y", "12/31/1999", "1999-12-31"),
        ("%Y年%m月%d日", "1990年1月2日", "1990-01-02"),
        ("%Y%m%d", 19800517, "1980-05-17"),
    ],
)
def test_parse_date_gives_an_iso_date(fmt: str, raw: Any, iso: str) -> None:
    assert value_of({"from": "d", "transforms": [{"parse_date": fmt}]}, {"d": raw}) == iso


def test_parse_date_tries_each_format_in_turn() -> None:
    spec = {"from": "d", "transforms": [{"parse_date": ["%d.%m.%Y", "%Y-%m-%d"]}]}
    assert value_of(spec, {"d": "1990-01-02"}, "birth_date") == "1990-01-02"
    assert value_of(spec, {"d": "02.01.1990"}, "birth_date") == "1990-01-02"


def test_parse_date_accepts_dates_a_spreadsheet_reader_already_parsed() -> None:
    spec = {"from": "d", "transforms": [{"parse_date": "%d.%m.%Y"}]}
    assert value_of(spec, {"d": datetime(1980, 5, 17, 0, 0)}, "birth_date") == "1980-05-17"
    assert value_of(spec, {"d": date(1980, 5, 17)}, "birth_date") == "1980-05-17"


def test_parse_date_of_an_empty_value_is_missing_not_a_problem() -> None:
    spec = {"from": "d", "transforms": [{"parse_date": "%d.%m.%Y"}]}
    assert value_of(spec, {"d": "  "}, "birth_date") is None


def test_a_date_not_matching_the_format_is_a_problem_naming_field_value_and_format() -> None:
    spec = {"from": "dob", "transforms": [{"parse_date": "%d.%m.%Y"}]}
    value, problems = run(spec, {"dob": "1980-05-17"}, target="birth_date")
    assert value is None
    assert problems == [
        Problem("birth_date", "'1980-05-17' is not a date in the format '%d.%m.%Y'", "mapping")
    ]


def test_an_impossible_date_is_a_problem_every_time_it_is_seen() -> None:
    mapping = parse_mapping(
        {
            "version": 1,
            "source_id": "id",
            "fields": {"birth_date": {"from": "d", "transforms": [{"parse_date": "%d.%m.%Y"}]}},
        }
    )
    for _ in range(2):
        flat, problems = apply_mapping(mapping, {"id": "1", "d": "31.02.1980"})
        assert flat["birth_date"] is None
        assert [p.field for p in problems] == ["birth_date"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        *[(v, True) for v in ("yes", "YES", " y ", "true", "True", "1", "是", "ja", "on", 1, True)],
        *[(v, False) for v in ("no", "N", "false", "0", "否", "nein", "off", 0, False)],
    ],
)
def test_to_bool_reads_the_usual_spellings_of_yes_and_no(raw: Any, expected: bool) -> None:
    spec = {"from": "v", "transforms": ["to_bool"]}
    assert value_of(spec, {"v": raw}, target="consent.email") is expected


def test_to_bool_of_an_empty_value_leaves_consent_unset() -> None:
    spec = {"from": "v", "transforms": ["to_bool"]}
    assert value_of(spec, {"v": ""}, target="consent.email") is None


@pytest.mark.parametrize("raw", ["unknown", "N/A", "?", "未知"])
def test_to_bool_of_an_explicit_unknown_leaves_consent_unset(raw: str) -> None:
    spec = {"from": "v", "transforms": ["to_bool"]}
    assert value_of(spec, {"v": raw}, target="consent.email") is None


def test_to_bool_of_anything_else_is_a_problem() -> None:
    value, problems = run({"from": "v", "transforms": ["to_bool"]}, {"v": "maybe"}, "consent.sms")
    assert value is None
    assert len(problems) == 1
    assert problems[0].field == "consent.sms"
    assert problems[0].reason.startswith("'maybe' is not a yes/no value")


LAND = {"table": {"Deutschland": "DE", "DE": "DE", "中国": "CN"}}


def test_lookup_translates_values_found_in_the_table() -> None:
    spec = {"from": "land", "transforms": [{"lookup": LAND}]}
    assert value_of(spec, {"land": "Deutschland"}, "country") == "DE"
    assert value_of(spec, {"land": "中国"}, "country") == "CN"


@pytest.mark.parametrize(("default", "expected"), [("keep", "Atlantis"), ("null", None)])
def test_lookup_keeps_or_drops_a_value_not_in_the_table(default: str, expected: Any) -> None:
    spec = {"from": "land", "transforms": [{"lookup": {**LAND, "default": default}}]}
    assert value_of(spec, {"land": "Atlantis"}, "country") == expected


def test_lookup_with_default_error_makes_an_unknown_value_a_problem() -> None:
    spec = {"from": "land", "transforms": [{"lookup": {**LAND, "default": "error"}}]}
    value, problems = run(spec, {"land": "Atlantis"}, "country")
    assert value is None
    assert problems == [
        Problem("country", "'Atlantis' is not in the lookup table (known: Deutschland, DE, 中国)")
    ]


def test_lookup_can_ignore_case() -> None:
    spec = {"from": "land", "transforms": [{"lookup": {**LAND, "ignore_case": True}}]}
    assert value_of(spec, {"land": "DEUTSCHLAND"}, "country") == "DE"
    exact = {"from": "land", "transforms": [{"lookup": LAND}]}
    assert value_of(exact, {"land": "DEUTSCHLAND"}, "country") == "DEUTSCHLAND"


def test_lookup_matches_numbers_against_numeric_keys() -> None:
    spec = {"from": "k", "transforms": [{"lookup": {"table": {1: "person", 2: "organisation"}}}]}
    assert value_of(spec, {"k": 2}, "kind") == "organisation"
    assert value_of(spec, {"k": "1"}, "kind") == "person"


def test_regex_replace_substitutes_with_groups() -> None:
    spec = {
        "from": "v",
        "transforms": [{"regex_replace": {"pattern": r"^0049", "replace": "+49"}}, "digits_only"],
    }
    assert value_of(spec, {"v": "0049 30 1234"}) == "49301234"
    swap = {"regex_replace": {"pattern": r"(\w+) (\w+)", "replace": r"\2 \1"}}
    assert value_of({"from": "v", "transforms": [swap]}, {"v": "Zhang Wei"}) == "Wei Zhang"


def test_phone_region_keeps_the_phone_and_records_its_region() -> None:
    mapping = parse_mapping(
        {
            "version": 1,
            "source_id": "id",
            "fields": {"phone": {"from": "tel", "transforms": ["trim", {"phone_region": "DE"}]}},
        }
    )
    flat, problems = apply_mapping(mapping, {"id": 1, "tel": " 030 123456 "})
    assert (flat["phone"], flat["phone_region"], problems) == ("030 123456", "DE", [])


def test_phone_region_is_not_recorded_without_a_phone() -> None:
    mapping = parse_mapping(
        {
            "version": 1,
            "source_id": "id",
            "fields": {"phone": {"from": "tel", "transforms": [{"phone_region": "DE"}]}},
        }
    )
    flat, _ = apply_mapping(mapping, {"id": 1, "tel": ""})
    assert flat["phone"] is None
    assert "phone_region" not in flat


def test_a_constant_fills_the_target_whatever_the_payload() -> None:
    assert value_of({"constant": "ACME"}, {}, target="company") == "ACME"
    assert value_of({"constant": ["import", "erp"]}, {}, target="tags") == ["import", "erp"]
    assert value_of({"constant": True}, {}, target="consent.post") is True


def test_a_default_fills_an_empty_result_only() -> None:
    spec = {"from": "land", "transforms": ["trim"], "default": "DE"}
    assert value_of(spec, {"land": "  "}, "country") == "DE"
    assert value_of(spec, {}, "country") == "DE"
    assert value_of(spec, {"land": "AT"}, "country") == "AT"


def test_a_default_also_fills_a_value_a_transform_emptied() -> None:
    spec = {"from": "v", "transforms": [{"null_if": ["-"]}], "default": "unknown"}
    assert value_of(spec, {"v": "-"}, "attributes.segment") == "unknown"


def test_transforms_run_in_the_order_written() -> None:
    spec = {"from": "v", "transforms": ["lower", {"lookup": {"table": {"ja": "yes"}}}]}
    assert value_of(spec, {"v": "JA"}) == "yes"
    reversed_spec = {"from": "v", "transforms": [{"lookup": {"table": {"ja": "yes"}}}, "lower"]}
    assert value_of(reversed_spec, {"v": "JA"}) == "ja"
