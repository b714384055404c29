"""Properties of the mapping interpreter and its transforms over hostile payloads.

Whatever a source sends, mapping returns a flat record and a list of problems: it never
raises, never changes the payload it read, and carries every field it does not read
exactly as it came (unless the mapping says ``unmapped: drop``).
"""

from __future__ import annotations

import copy
import re
from functools import cache
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from properties import (  # type: ignore[import-not-found]
    PROPERTY,
    hostile_text,
    json_values,
    scalar_values,
)

from core.customer import CANONICAL_COLUMNS
from core.errors import Problem
from mappings import apply_mapping, builtin_mapping_names, identity_mapping, load_mapping
from mappings.loading import builtin_mapping_path
from mappings.model import Mapping
from mappings.transforms import TRANSFORMS, TransformFailure

MAPPINGS = ["identity", *builtin_mapping_names()]

#: One valid argument per transform; a new transform must be added here to be covered.
ARGUMENTS: dict[str, Any] = {
    "trim": None,
    "lower": None,
    "upper": None,
    "digits_only": None,
    "null_if": ["", "-", "n/a"],
    "regex_replace": {"pattern": "[^0-9+]", "replace": ""},
    "split": ",",
    "join": " ",
    "first_non_empty": None,
    "split_name": "family",
    "parse_date": ["%d.%m.%Y", "%Y-%m-%d"],
    "to_bool": None,
    "lookup": {"table": {"Deutschland": "DE", "中国": "CN"}, "default": "error"},
    "phone_region": "DE",
    "filter": {"type": ["phone", "mobile"]},
    "pluck": "value",
    "rename": {"address1": "line1", "country.code": "country"},
}
_STEP = re.compile(r"([^.\[\]]+)|\[(\d+|\*)\]")


@cache
def _mapping(name: str) -> Mapping:
    return identity_mapping() if name == "identity" else load_mapping(builtin_mapping_path(name))


def _shaped(path: str, value: Any) -> Any:
    """``value`` placed at ``path``: ``"a.b[0].c"`` → ``{"a": {"b": [{"c": value}]}}``."""
    for key, index in reversed(_STEP.findall(path)):
        value = [value] if index else {key: value}
    return value


def _merge(into: dict[str, Any], more: dict[str, Any]) -> None:
    for key, value in more.items():
        if isinstance(into.get(key), dict) and isinstance(value, dict):
            _merge(into[key], value)
        else:
            into[key] = value


@st.composite
def payloads(draw: st.DrawFn, mapping: Mapping) -> dict[str, Any]:
    """Payloads filling some of the mapping's paths, mostly in the shape they name (sometimes
    not: a list where an object is expected), plus keys the mapping does not know."""
    payload: dict[str, Any] = {}
    paths = sorted(set(mapping.source_paths()))
    for path in draw(st.lists(st.sampled_from(paths), max_size=8, unique=True)):
        choice = draw(st.integers(1, 3))
        value = draw(scalar_values if choice < 3 else json_values)
        _merge(payload, _shaped(path, value) if choice < 3 else {path.partition(".")[0]: value})
    payload.update(draw(st.dictionaries(st.from_regex(r"\Azz_[a-z]{1,6}\Z"), json_values)))
    return payload


def test_every_transform_has_an_argument_to_be_tested_with() -> None:
    assert set(ARGUMENTS) == set(TRANSFORMS)


@pytest.mark.parametrize("name", sorted(ARGUMENTS))
@PROPERTY
@given(value=json_values)
def test_a_transform_returns_or_says_why_it_cannot(name: str, value: Any) -> None:
    definition = TRANSFORMS[name]
    argument = ARGUMENTS[name]
    if definition.argument is not None:
        argument = definition.argument.validate_python(argument)
    step = definition.build(argument)
    before = copy.deepcopy(value)
    try:
        step(value)
    except TransformFailure as e:
        assert e.reason
    assert repr(value) == repr(before)  # nothing read is changed in place


@pytest.mark.parametrize("name", MAPPINGS)
@PROPERTY
@given(data=st.data())
def test_mapping_any_payload_gives_a_flat_record_and_problems_and_keeps_what_it_read(
    name: str, data: st.DataObject
) -> None:
    mapping = _mapping(name)
    payload = data.draw(payloads(mapping))
    unread = data.draw(hostile_text.filter(str.strip))
    payload["zz_unread"] = unread
    before = copy.deepcopy(payload)
    flat, problems = apply_mapping(mapping, payload)
    assert repr(payload) == repr(before)
    assert all(isinstance(p, Problem) and p.field and p.reason for p in problems)
    assert set(CANONICAL_COLUMNS) <= set(flat)
    assert all(flat[c] is None or isinstance(flat[c], str) for c in CANONICAL_COLUMNS)
    assert isinstance(flat["consent"], dict) and isinstance(flat["tags"], list)
    assert all(isinstance(v, bool) for v in flat["consent"].values())
    if mapping.unmapped == "attributes":
        assert flat["zz_unread"] == unread  # carried exactly as read
    again, problems_again = apply_mapping(mapping, copy.deepcopy(payload))
    assert repr(again) == repr(flat) and problems_again == problems
