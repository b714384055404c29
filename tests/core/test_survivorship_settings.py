"""The ``survivorship:`` block of hub.yaml: what it accepts and how it says what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import ConfigError
from core.settings import load_config

SOURCES = """\
sources:
  - {name: crm, kind: spreadsheet, trust: 80}
  - {name: erp, kind: spreadsheet, trust: 60}
"""


def config_with(tmp_path: Path, block: str) -> Path:
    path = tmp_path / "hub.yaml"
    path.write_text(SOURCES + "survivorship:\n" + block, encoding="utf-8")
    return path


def refusal(tmp_path: Path, block: str) -> str:
    with pytest.raises(ConfigError) as caught:
        load_config(config_with(tmp_path, block))
    return str(caught.value)


def test_without_the_block_every_field_takes_source_priority(tmp_path: Path) -> None:
    path = tmp_path / "hub.yaml"
    path.write_text(SOURCES, encoding="utf-8")
    settings = load_config(path).survivorship
    assert settings.default.rule == "source_priority" and settings.fields == {}


def test_rules_are_read_in_short_and_long_form(tmp_path: Path) -> None:
    block = """\
  default: most_recent
  fields:
    phone: most_frequent
    company: {rule: source_priority, sources: [erp, crm]}
    tags: union
    consent.email: source_priority
    attributes.tier: longest
"""
    settings = load_config(config_with(tmp_path, block)).survivorship
    assert settings.default.rule == "most_recent"
    assert settings.fields["company"].sources == ("erp", "crm")
    assert {n: r.rule for n, r in settings.fields.items()} == {
        "phone": "most_frequent",
        "company": "source_priority",
        "tags": "union",
        "consent.email": "source_priority",
        "attributes.tier": "longest",
    }


def test_an_unknown_rule_is_named_with_the_known_ones(tmp_path: Path) -> None:
    message = refusal(tmp_path, "  fields:\n    phone: newest\n")
    assert "survivorship.fields.phone.rule: unknown survivorship rule 'newest'" in message
    assert "most_recent" in message and "most_frequent" in message


def test_an_unknown_field_is_named(tmp_path: Path) -> None:
    message = refusal(tmp_path, "  fields:\n    emial: most_recent\n")
    assert "survivorship.fields: emial: unknown field" in message and "email" in message


def test_an_unknown_key_in_the_block_is_refused(tmp_path: Path) -> None:
    message = refusal(tmp_path, "  defaults: most_recent\n")
    assert "survivorship: unknown key 'defaults' (did you mean 'default'?)" in message


def test_a_priority_list_must_name_configured_sources(tmp_path: Path) -> None:
    message = refusal(
        tmp_path, "  fields:\n    company: {rule: source_priority, sources: [shop]}\n"
    )
    assert "survivorship.fields.company.sources: no source named shop (known: crm, erp)" in message


def test_only_source_priority_takes_a_list_of_sources(tmp_path: Path) -> None:
    message = refusal(tmp_path, "  fields:\n    company: {rule: longest, sources: [crm]}\n")
    assert "survivorship.fields.company" in message and "only source_priority" in message


def test_union_is_only_for_list_fields_and_list_fields_only_take_union(tmp_path: Path) -> None:
    assert "city: union is only for" in refusal(tmp_path, "  fields:\n    city: union\n")
    assert "emails: holds every member's values" in refusal(
        tmp_path, "  fields:\n    emails: most_recent\n"
    )
    assert "survivorship.default: union is only for list fields" in refusal(
        tmp_path, "  default: union\n"
    )
