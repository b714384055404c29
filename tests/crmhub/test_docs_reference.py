"""The reference pages are generated from the code and list all of it: a command, option,
hub.yaml key, connection key or transform missing from them fails here."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml
from pydantic import BaseModel
from typer.main import get_command

from core.settings import HubConfig
from crmhub.cli import app
from crmhub.command_tree import parameters, walk
from crmhub.docs_gen import render_pages
from crmhub.docs_gen.config_pages import docstring_example
from mappings import TRANSFORMS, Mapping, parse_mapping
from pipeline.sources import KINDS, SPREADSHEET_KINDS, connection_model, known_kinds


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    return render_pages()


def model_keys(model: type[BaseModel], prefix: str = "") -> list[str]:
    """Every key a file may write for ``model``, nested blocks as dotted keys."""
    keys = []
    for name, info in model.model_fields.items():
        written = info.alias or name
        if info.exclude or written.startswith("__"):
            continue
        keys.append(f"{prefix}{written}")
        nested = info.annotation
        if isinstance(nested, type) and issubclass(nested, BaseModel):
            keys += model_keys(nested, f"{prefix}{written}.")
    return keys


def kind_sections(page: str) -> dict[str, str]:
    parts = re.split(r"^## `([a-z_]+)`$", page, flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_every_command_and_option_of_the_cli_is_in_the_reference(pages: dict[str, str]) -> None:
    page = pages["reference/cli.md"]
    commands = list(walk(get_command(app)))
    assert len(commands) > 40
    for path, command in commands:
        if path and getattr(command, "commands", None):
            assert re.search(rf"^#+ crmhub {' '.join(path)}$", page, re.MULTILINE), path
            continue  # a group: its page lists its commands
        if path:
            assert re.search(rf"^#+ crmhub {' '.join(path)}$", page, re.MULTILINE), path
        section = page if not path else page.split(f" crmhub {' '.join(path)}\n", 1)[1]
        section = re.split(r"^#+ crmhub ", section, maxsplit=1, flags=re.MULTILINE)[0]
        for parameter in parameters(command):
            for name in [*parameter.opts, *parameter.secondary_opts]:
                if parameter.param_type_name == "option":
                    assert f"`{name}`" in section, (path, name)


def test_every_hub_yaml_key_is_in_the_reference(pages: dict[str, str]) -> None:
    page = pages["reference/hub-yaml.md"]
    keys = model_keys(HubConfig)
    assert {"default_region", "quality.volume.band", "sources"} <= set(keys)
    for key in keys:
        assert f"`{key}`" in page, key
    for key in model_keys(HubConfig.model_fields["sources"].annotation.__args__[0]):  # type: ignore[union-attr]
        assert f"`sources[].{key}`" in page, key


def test_every_source_kind_lists_every_connection_key(pages: dict[str, str]) -> None:
    sections = kind_sections(pages["reference/sources.md"])
    assert set(sections) == {"spreadsheet", *KINDS}
    assert set(known_kinds()) == set(sections) | SPREADSHEET_KINDS
    for kind, section in sections.items():
        keys = model_keys(connection_model(kind))
        assert keys, kind
        for key in keys:
            assert f"`connection.{key}`" in section, (kind, key)


@pytest.mark.parametrize("kind", ["spreadsheet", *KINDS])
def test_every_source_kind_has_an_example_that_validates(kind: str) -> None:
    model = connection_model(kind)
    example = docstring_example(model)
    assert example, f"the module of {model.__name__} has no example"
    data = yaml.safe_load(example)
    blocks = _connections(data, model)
    assert blocks, f"{model.__name__}'s example has no connection block"
    for block in blocks:
        model.model_validate(block)


def _connections(data: Any, model: type[BaseModel]) -> list[dict[str, Any]]:
    """The example's connection blocks for ``model`` (one example may show several kinds)."""
    if "sources" in data:
        return [
            s["connection"]
            for s in data["sources"]
            if "connection" in s and connection_model(s["kind"]) is model
        ]
    return [data["connection"]] if "connection" in data else []


def test_every_transform_is_in_the_reference_with_its_usage(pages: dict[str, str]) -> None:
    page = pages["reference/transforms.md"]
    assert len(TRANSFORMS) >= 17
    for name, definition in TRANSFORMS.items():
        assert f"## `{name}`" in page, name
        assert definition.usage in page, name
        assert definition.summary[1:] in page, name


def test_the_mapping_reference_lists_every_key_and_its_example_loads(
    pages: dict[str, str],
) -> None:
    page = pages["reference/mapping.md"]
    for key in model_keys(Mapping):
        assert f"`{key}`" in page, key
    import mappings

    example = docstring_example(Mapping, module=mappings)
    assert example and example in page
    parse_mapping(yaml.safe_load(example), "the documented example")


def test_the_readme_command_table_names_every_command() -> None:
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("## The command line") :]
    table = table[: table.index("\n\n", table.index("| command |"))]
    for path, command in walk(get_command(app)):
        if path and not getattr(command, "commands", None):
            assert f"`crmhub {' '.join(path)}" in table, path


def test_the_readme_opens_with_the_two_commands() -> None:
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert readme.splitlines()[2:6] == [
        "```sh",
        "make demo    # creates .venv, installs, runs the bundled sample into SQLite, prints "
        "where results are",
        "make test    # creates/updates .venv and runs the whole test suite (SQLite and "
        "PostgreSQL)",
        "```",
    ]
