"""Mapping files: every shipped file validates, and a broken file is named with its key."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
import yaml

import mappings
from core.errors import ConfigError
from mappings import (
    VALID_TARGETS,
    Mapping,
    builtin_mapping_names,
    builtin_mapping_path,
    load_mapping,
    resolve_mapping,
)

PACKAGE_DIR = Path(mappings.__file__).parent
SHIPPED = sorted(PACKAGE_DIR.rglob("*.yaml"))


def write(tmp_path: Path, text: str, name: str = "shop.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def load_error(tmp_path: Path, text: str) -> str:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_mapping(path)
    message = str(caught.value)
    assert message.startswith(str(path)), message
    return message


def test_the_package_ships_the_two_sample_mappings() -> None:
    assert {"erp_legacy", "webshop"} <= set(builtin_mapping_names())
    assert all(p.parent.name == "sources" for p in SHIPPED)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_mapping_file_in_the_package_validates(path: Path) -> None:
    mapping = load_mapping(path)
    assert mapping.name == path.stem
    assert mapping.fields


def test_the_example_in_the_package_docstring_validates() -> None:
    doc = mappings.__doc__ or ""
    block = doc.split("::\n\n", 1)[1].split("\n\n**", 1)[0]
    mapping = mappings.parse_mapping(yaml.safe_load(textwrap.dedent(block)), "docstring")
    assert len(mapping.fields) >= 15


def test_a_builtin_mapping_is_found_by_name() -> None:
    assert builtin_mapping_path("webshop") == PACKAGE_DIR / "sources" / "webshop.yaml"


@pytest.mark.parametrize("name", ["nope", "../sources/webshop", "Webshop"])
def test_an_unknown_builtin_name_is_refused_listing_the_known_ones(name: str) -> None:
    with pytest.raises(ConfigError, match=r"no built-in mapping named .*built-in: .*erp_legacy"):
        builtin_mapping_path(name)


def test_resolve_mapping_prefers_a_file_next_to_the_config(tmp_path: Path) -> None:
    write(tmp_path, "version: 1\nsource_id: nr\nfields: {email: mail}\n", "webshop.yaml")
    assert resolve_mapping("webshop.yaml", tmp_path).source_id.from_ == "nr"
    (tmp_path / "maps").mkdir()
    write(tmp_path, "version: 1\nsource_id: key\n", "maps/custom.yaml")
    assert resolve_mapping("maps/custom.yaml", tmp_path).source_id.from_ == "key"


def test_resolve_mapping_falls_back_to_a_builtin_name(tmp_path: Path) -> None:
    mapping = resolve_mapping("erp_legacy", tmp_path)
    assert mapping is not None
    assert mapping.name == "erp_legacy"


def test_resolve_mapping_of_nothing_is_nothing(tmp_path: Path) -> None:
    assert resolve_mapping(None, tmp_path) is None


def test_resolve_mapping_of_an_unknown_reference_names_both_places_it_looked(
    tmp_path: Path,
) -> None:
    with pytest.raises(ConfigError) as caught:
        resolve_mapping("maps/missing.yaml", tmp_path)
    message = str(caught.value)
    assert str(tmp_path / "maps" / "missing.yaml") in message
    assert "built-in: " + ", ".join(builtin_mapping_names()) in message


def test_a_mapping_without_a_name_is_named_after_its_file(tmp_path: Path) -> None:
    assert load_mapping(write(tmp_path, "version: 1\nsource_id: id\n")).name == "shop"


def test_a_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found"):
        load_mapping(tmp_path / "absent.yaml")


def test_invalid_yaml_is_reported_with_its_line(tmp_path: Path) -> None:
    message = load_error(tmp_path, "version: 1\nsource_id: id\nfields:\n  email: [mail\n")
    assert "not valid YAML" in message
    assert re.search(r"shop\.yaml:5:1: not valid YAML", message)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "empty; a mapping needs at least version and source_id"),
        ("- a\n- b\n", "expected a mapping of keys at the top level"),
        ("source_id: id\n", "version: Field required"),
        ("version: 2\nsource_id: id\n", "version: Input should be 1"),
        ("version: 1\n", "source_id: Field required"),
        ("version: 1\nsource_id: id\nunmapped: keep\n", "unmapped: Input should be 'attributes'"),
        ("version: 1\nsource_id: id\nextra: 1\n", "3:1: unknown key 'extra' (known: version, name"),
    ],
)
def test_a_broken_top_level_names_the_key(tmp_path: Path, text: str, expected: str) -> None:
    assert expected in load_error(tmp_path, text)


def test_an_unknown_target_names_the_file_the_key_and_the_valid_targets(tmp_path: Path) -> None:
    message = load_error(
        tmp_path,
        """
        version: 1
        source_id: id
        fields:
          emial: {from: mail}
        """,
    )
    assert "shop.yaml:5:3: fields.emial: unknown target 'emial' (did you mean 'email'?)" in message
    assert "valid targets: given_name, family_name" in message
    assert all(target in message for target in VALID_TARGETS)


def test_an_unknown_transform_names_its_position_and_the_known_transforms(tmp_path: Path) -> None:
    message = load_error(
        tmp_path,
        """
        version: 1
        source_id: id
        fields:
          birth_date: {from: dob, transforms: [trim, parse_dat]}
        """,
    )
    assert (
        "shop.yaml:5:46: fields.birth_date.transforms[1]: unknown transform 'parse_dat'" in message
    )
    assert "did you mean 'parse_date'?" in message
    assert "known transforms: digits_only, first_non_empty, join, lookup, lower" in message


@pytest.mark.parametrize(
    ("step", "expected"),
    [
        ("{parse_date: 12}", "parse_date: Input should be a valid string"),
        ("{parse_date: dd.mm.yyyy}", "expected a strptime format such as %d.%m.%Y"),
        ("{parse_date: []}", "parse_date:"),
        ("{split_name: first}", "split_name: Input should be 'given' or 'family'"),
        ("{join: [1]}", 'write it as {join: " "}'),
        ("join", 'join needs an argument; write it as {join: " "}'),
        ("{trim: true}", "trim takes no argument; write it as trim"),
        ('{split: ""}', "split: String should have at least 1 character"),
        ("{phone_region: de}", "expected a two-letter ISO country code in capitals (DE)"),
        ("{lookup: {DE: DE}}", "lookup: Field required; write it as {lookup: {table:"),
        ("{lookup: {table: {a: b}, default: nope}}", "lookup: default: Input should be 'keep'"),
        ("{lookup: {table: {NO: NO}}}", "was read by YAML as a yes/no value; quote it"),
        ("{lookup: {DE: DE}, default: keep}", "lookup and its options belong in one key"),
        ("{regex_replace: {pattern: '('}}", "pattern: Input should be a valid regular expression"),
        ("{regex_replace: {pattern: a, replace: '\\2'}}", "bad replacement"),
        ("{trim: null, lower: null}", "a transform is its name (trim) or a one-key mapping"),
        ("[trim]", "a transform is its name"),
    ],
)
def test_a_bad_transform_argument_says_what_was_expected(
    tmp_path: Path, step: str, expected: str
) -> None:
    text = f"version: 1\nsource_id: id\nfields:\n  city: {{from: v, transforms: [{step}]}}\n"
    message = load_error(tmp_path, text)
    assert "fields.city.transforms[0]: " in message
    assert expected in message


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("city: {form: ort}", "4:10: fields.city: unknown key 'form' (did you mean 'from'?)"),
        ("city: {transforms: [trim]}", "fields.city: give a source path (from: ...) or a fixed"),
        ("city: {from: a, constant: b}", "fields.city: give either from or constant, not both"),
        ("city: {from: a, required: true, default: x}", "cannot have a default"),
        ("city: {constant: a, required: true}", "required applies to a source path"),
        ("city: {from: 'a[0'}", "fields.city.from: bad path 'a[0' at position 1"),
        ("city: {from: 12}", "fields.city.from: expected a source path or a list of paths"),
        ("city: {from: v, transforms: trim}", "fields.city.transforms: expected a list of"),
        ("city: {constant: {a: 1}}", "fields.city.constant: expected text, a number"),
        ("phone: {from: [tel, mobile]}", "phone holds one value but reads 2 sources"),
        ("source_id: nr", "fields: source_id is set by the top-level key source_id"),
        ("attributes.email: x", "attributes.email would overwrite the output key 'email'"),
        ("consent.: x", "fields.consent.: unknown target"),
    ],
)
def test_a_bad_field_names_its_key_and_the_fix(tmp_path: Path, field: str, expected: str) -> None:
    message = load_error(tmp_path, f"version: 1\nsource_id: id\nfields:\n  {field}\n")
    assert expected in message


def test_a_source_id_must_come_from_the_payload(tmp_path: Path) -> None:
    message = load_error(tmp_path, "version: 1\nsource_id: {constant: x}\n")
    assert "source_id: the source id must come from the payload" in message
    message = load_error(tmp_path, "version: 1\nsource_id: {from: id, default: x}\n")
    assert "source_id: the source id cannot have a default" in message


def test_phone_region_may_be_set_only_once(tmp_path: Path) -> None:
    message = load_error(
        tmp_path,
        """
        version: 1
        source_id: id
        fields:
          phone: {from: tel, transforms: [{phone_region: DE}]}
          phone_region: {from: country}
        """,
    )
    assert "phone_region is set by the field phone_region and by the phone_region step" in message


def test_every_problem_in_a_file_is_reported_at_once(tmp_path: Path) -> None:
    message = load_error(
        tmp_path,
        """
        version: 1
        source_id: id
        fields:
          emial: mail
          birth_date: {from: dob, transforms: [{parse_date: 1}]}
          city: {form: ort}
        """,
    )
    lines = message.splitlines()
    assert len(lines) == 3
    assert [line.split(": ")[1] for line in lines] == [
        "fields.emial",
        "fields.birth_date.transforms[0]",
        "fields.city",
    ]
    assert lines[2].endswith("unknown key 'form' (did you mean 'from'?)")


def test_a_bare_path_is_short_for_from(tmp_path: Path) -> None:
    path = write(tmp_path, "version: 1\nsource_id: nr\nfields: {city: ort, tags: [tags]}\n")
    with pytest.raises(ConfigError, match=r"fields\.tags: expected a source path or a mapping"):
        load_mapping(path)
    mapping = load_mapping(write(tmp_path, "version: 1\nsource_id: nr\nfields: {city: ort}\n"))
    assert mapping.fields["city"].from_ == "ort"


def test_mapping_models_refuse_assignment() -> None:
    mapping = Mapping.model_validate({"version": 1, "source_id": "id"})
    with pytest.raises(ValueError, match="frozen"):
        mapping.unmapped = "drop"  # type: ignore[misc]
