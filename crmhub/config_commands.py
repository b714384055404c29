"""``crmhub config …``: the config files themselves, for editors and scripts."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from crmhub import console

config_app = typer.Typer(help="The config files: their JSON Schema.", no_args_is_help=True)


class SchemaFor(StrEnum):
    hub = "hub"
    mapping = "mapping"


@config_app.command("schema")
def config_schema(
    which: Annotated[
        SchemaFor,
        typer.Option("--for", help="hub: hub.yaml; mapping: a mapping file."),
    ] = SchemaFor.hub,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file (default: stdout).")
    ] = None,
) -> None:
    """Print the JSON Schema of hub.yaml (or of a mapping file) for an editor's YAML language
    server: completion and checks while typing."""
    from pipeline.config_schema import config_schema as build

    text = json.dumps(build(which.value), indent=2, ensure_ascii=False) + "\n"
    if output is None:
        sys.stdout.write(text)
        return
    output.write_text(text, encoding="utf-8")
    console.err.print(f"schema written to {output}", markup=False, highlight=False, soft_wrap=True)
