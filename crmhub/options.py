"""Command-line options shared by every ``crmhub`` command module."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, TypeVar

import typer

ConfigOption = Annotated[
    Path,
    typer.Option(
        "--config",
        "-c",
        envvar="CRMHUB_CONFIG",
        help="hub.yaml to use (default: ./hub.yaml, or $CRMHUB_CONFIG).",
    ),
]
DEFAULT_CONFIG = Path("hub.yaml")

ActorOption = Annotated[
    str,
    typer.Option("--by", envvar="USER", help="Who decides (recorded in the audit trail)."),
]

RawOption = Annotated[
    bool,
    typer.Option(
        "--raw",
        help="Write CSV cells untouched (by default a cell a spreadsheet would run as a "
        "formula, like =HYPERLINK(…), gets a leading ').",
    ),
]

WaitOption = Annotated[
    float,
    typer.Option(
        "--wait",
        min=0,
        metavar="SECONDS",
        envvar="CRMHUB_WAIT",
        help="If another process is writing the store, wait up to this long for it (default: "
        "fail at once, naming it).",
    ),
]

WorkersOption = Annotated[
    int | None,
    typer.Option(
        "--workers",
        min=1,
        metavar="N",
        help="Processes that standardise, validate and score in parallel (default: workers "
        "in hub.yaml, else the machine's cores); the result is the same for any number.",
    ),
]

Choice = TypeVar("Choice", bound=str)


def one_of(value: str, choices: tuple[Choice, ...]) -> Choice | None:
    """``value`` as the choice it names (typed as that choice), or None if it names none."""
    return next((choice for choice in choices if choice == value), None)
