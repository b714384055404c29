"""``crmhub config schema``: the JSON Schema an editor checks hub.yaml and mappings with."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from typer.testing import CliRunner

from crmhub.cli import app
from mappings.loading import BUILTIN_DIR

ROOT = Path(__file__).resolve().parents[2]
DEMO_HUB = ROOT / "crmhub" / "sample" / "hub.yaml"
MAPPINGS = sorted(BUILTIN_DIR.glob("*.yaml"))


def schema(which: str) -> dict[str, Any]:
    result = CliRunner().invoke(app, ["config", "schema", "--for", which])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def problems(which: str, text: str) -> list[str]:
    validator = jsonschema.Draft202012Validator(schema(which))
    return [error.message for error in validator.iter_errors(yaml.safe_load(text))]


def check_jsonschema(schema_file: Path, *files: Path) -> subprocess.CompletedProcess[str]:
    command = Path(sys.executable).with_name("check-jsonschema")
    return subprocess.run(
        [str(command), "--schemafile", str(schema_file), *map(str, files)],
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize("which", ["hub", "mapping"])
def test_the_schema_is_a_valid_draft_2020_12_schema(which: str) -> None:
    printed = schema(which)
    assert printed["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(printed)


def test_check_jsonschema_accepts_the_demo_config_and_every_bundled_mapping(
    tmp_path: Path,
) -> None:
    hub_file, mapping_file = tmp_path / "hub.schema.json", tmp_path / "mapping.schema.json"
    runner = CliRunner()
    assert runner.invoke(app, ["config", "schema", "-o", str(hub_file)]).exit_code == 0
    written = runner.invoke(app, ["config", "schema", "--for", "mapping", "-o", str(mapping_file)])
    assert written.exit_code == 0
    assert MAPPINGS, "no bundled mappings found"
    for checked in (
        check_jsonschema(hub_file, DEMO_HUB),
        check_jsonschema(mapping_file, *MAPPINGS),
    ):
        assert checked.returncode == 0, checked.stdout + checked.stderr


def test_check_jsonschema_rejects_a_misspelt_key(tmp_path: Path) -> None:
    hub_file = tmp_path / "hub.schema.json"
    assert CliRunner().invoke(app, ["config", "schema", "-o", str(hub_file)]).exit_code == 0
    typo = tmp_path / "hub.yaml"
    typo.write_text(
        DEMO_HUB.read_text(encoding="utf-8").replace("default_region", "default_regoin")
    )
    checked = check_jsonschema(hub_file, typo)
    assert checked.returncode == 1
    assert "default_regoin" in checked.stdout


@pytest.mark.parametrize(
    ("which", "text", "expected"),
    [
        ("hub", "default_regoin: DE\n", "'default_regoin' was unexpected"),
        ("hub", "sources: [{name: a, kind: spredsheet}]\n", "'spredsheet' is not one of"),
        (
            "hub",
            "sources: [{name: a, kind: spreadsheet, connection: {path: x.csv, id_colum: nr}}]\n",
            "'id_colum' was unexpected",
        ),
        (
            "hub",
            "sources: [{name: m, kind: imap, connection: {host: h, user: u, own_domain: [x]}}]\n",
            "'own_domain' was unexpected",
        ),
        ("hub", "quality: {severity: {volum: error}}\n", "'volum' is not one of"),
        ("hub", "survivorship: {fields: {phone: most_recnt}}\n", "is not valid under any"),
        ("mapping", "version: 1\nsource_id: id\nfields: {city: {form: ort}}\n", "is not valid"),
        ("mapping", "version: 1\nsource_id: id\nfields: {emial: mail}\n", "'emial' is not valid"),
        (
            "mapping",
            "version: 1\nsource_id: {from: id, transforms: [lowr]}\n",
            "is not valid under any",
        ),
    ],
)
def test_the_schema_rejects_what_the_loader_rejects(which: str, text: str, expected: str) -> None:
    found = problems(which, text)
    assert any(expected in message for message in found), found


def test_the_schema_accepts_the_short_forms_the_loader_accepts() -> None:
    hub = "survivorship: {default: most_recent, fields: {company: {rule: source_priority}}}\n"
    assert problems("hub", hub) == []
    mapping = (
        "version: 1\nsource_id: nr\n"
        "fields:\n  city: ort\n"
        "  birth_date: {from: dob, transforms: [trim, {parse_date: '%d.%m.%Y'}]}\n"
        "  attributes.tier: tier\n  consent.email: {from: optin, transforms: [to_bool]}\n"
    )
    assert problems("mapping", mapping) == []
