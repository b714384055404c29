"""Wildcard paths and the transforms over lists of objects, on their own, and how a broken
use is reported when the mapping file is loaded."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from core.errors import ConfigError
from mappings import TRANSFORMS, parse_mapping
from mappings.paths import EVERY, compile_path, consumed_tree, parse_path, unconsumed
from mappings.transforms import TransformFailure

ORDERS = {
    "orders": [
        {"no": 1, "lines": [{"sku": "A"}, {"sku": "B"}]},
        {"no": 2, "lines": []},
        {"no": 3},
        {"no": 4, "lines": [{"sku": "C"}]},
    ],
}


def step(name: str, argument: Any = None) -> Any:
    definition = TRANSFORMS[name]
    if definition.argument is not None:
        argument = definition.argument.validate_python(argument)
    return definition.build(argument)


def test_a_star_in_brackets_is_a_wildcard_segment() -> None:
    assert parse_path("cm[*].value") == ("cm", EVERY, "value")
    assert parse_path("a[*][0]") == ("a", EVERY, 0)
    assert parse_path('a["*"]') == ("a", "*")


def test_a_path_cannot_start_with_a_wildcard() -> None:
    with pytest.raises(ValueError, match="must start with a key"):
        parse_path("[*].a")


def test_a_wildcard_gives_one_value_per_item_with_none_where_the_rest_is_missing() -> None:
    assert compile_path("orders[*].no")(ORDERS) == [1, 2, 3, 4]
    assert compile_path("orders[*].lines[0].sku")(ORDERS) == ["A", None, None, "C"]


def test_a_second_wildcard_flattens() -> None:
    assert compile_path("orders[*].lines[*].sku")(ORDERS) == ["A", "B", "C"]


def test_a_wildcard_over_a_missing_list_is_none_and_over_an_empty_one_empty() -> None:
    get = compile_path("cm[*].value")
    assert get({}) is None
    assert get({"cm": None}) is None
    assert get({"cm": "not a list"}) is None
    assert get({"cm": []}) == []


def test_the_consumed_tree_marks_every_item_and_leaves_the_rest() -> None:
    tree = consumed_tree(["orders[*].no", "orders[0].lines"])
    out: dict[str, Any] = {}
    unconsumed(ORDERS["orders"], tree["orders"], "orders", out)
    assert out == {"orders[3].lines": [{"sku": "C"}]}


def test_filter_keeps_the_objects_whose_value_is_one_of_the_given_ones() -> None:
    keep = step("filter", {"type": ["phone", "mobile"]})
    items = [{"type": "email"}, {"type": "phone"}, None, {"type": "mobile"}, {}]
    assert keep(items) == [{"type": "phone"}, {"type": "mobile"}]
    assert keep(None) is None
    assert keep({"type": "phone"}) == [{"type": "phone"}]


def test_filter_takes_one_value_nested_paths_and_every_condition_must_hold() -> None:
    keep = step("filter", {"country.code": "DE", "active": [True]})
    items = [
        {"country": {"code": "DE"}, "active": True},
        {"country": {"code": "DE"}, "active": False},
        {"country": {"code": "FR"}, "active": True},
    ]
    assert keep(items) == [items[0]]


def test_pluck_takes_one_key_of_each_object() -> None:
    pluck = step("pluck", "value")
    assert pluck([{"value": "a"}, {"other": 1}]) == ["a", None]
    assert pluck({"value": "a"}) == "a"
    assert step("pluck", "country.code")([{"country": {"code": "DE"}}]) == ["DE"]


def test_rename_keeps_only_the_renamed_keys_and_reads_nested_ones() -> None:
    rename = step("rename", {"street": "line1", "country.code": "country"})
    assert rename([{"street": "A 1", "country": {"code": "DE"}, "id": 3}]) == [
        {"line1": "A 1", "country": "DE"}
    ]
    assert rename({"street": "B 2"}) == {"line1": "B 2", "country": None}


@pytest.mark.parametrize("name", ["filter", "pluck", "rename"])
def test_a_list_of_other_things_is_a_transform_failure_naming_the_item(name: str) -> None:
    argument = {"filter": {"type": "x"}, "pluck": "value", "rename": {"a": "b"}}[name]
    with pytest.raises(TransformFailure, match=rf"{name} expects a list of objects, but item 1"):
        step(name, argument)([{"a": 1}, "text"])
    with pytest.raises(TransformFailure, match=rf"{name} expects a list of objects, got 'text'"):
        step(name, argument)("text")


def load_error(fields: str) -> str:
    with pytest.raises(ConfigError) as caught:
        parse_mapping(
            {"version": 1, "source_id": "id", "fields": yaml.safe_load(fields)}, "party.yaml"
        )
    return str(caught.value)


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("{email: 'cm[*].value'}", "email holds one value but 'cm[*].value' reads a list ([*])"),
        ("{phones: {from: cm, transforms: [{filter: {}}]}}", "filter: Dictionary should have"),
        ("{phones: {from: cm, transforms: [{filter: {'a[': [x]}}]}}", "bad path 'a['"),
        ("{phones: {from: cm, transforms: [{filter: {type: [null]}}]}}", "{filter: {type:"),
        ("{phones: {from: cm, transforms: [pluck]}}", "pluck needs an argument"),
        ("{phones: {from: cm, transforms: [{pluck: ''}]}}", "at least 1 character"),
        (
            "{addresses: {from: a, transforms: [{rename: {street: line1, road: line1}}]}}",
            "'street' and 'road' are both renamed to 'line1'",
        ),
        ("{emials: x}", "unknown target 'emials' (did you mean 'emails'?)"),
        ("{city: {from: v, transforms: [filtr]}}", "on lists of objects: filter, pluck, rename"),
    ],
)
def test_a_broken_list_field_names_its_key_and_the_fix(field: str, expected: str) -> None:
    message = load_error(field)
    assert message.startswith("party.yaml: fields."), message
    assert expected in message


def test_a_wildcard_into_a_one_value_target_is_fine_once_combined() -> None:
    mapping = parse_mapping(
        {
            "version": 1,
            "source_id": "id",
            "fields": {"email": {"from": "cm[*].value", "transforms": ["first_non_empty"]}},
        }
    )
    assert mapping.fields["email"].from_ == "cm[*].value"
