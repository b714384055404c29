"""``crmhub forget``: erasure of one person on request."""

from __future__ import annotations

from typing import Annotated

import typer

from core.settings import load_config
from crmhub import console
from crmhub.options import DEFAULT_CONFIG, ActorOption, ConfigOption, WaitOption


def register(app: typer.Typer) -> None:
    app.command()(forget)


def forget(
    email: Annotated[str | None, typer.Option("--email", help="Erase whoever has it.")] = None,
    golden_id: Annotated[
        str | None, typer.Option("--golden-id", help="Erase this golden record's person.")
    ] = None,
    source: Annotated[
        str | None, typer.Option("--source", help="With --source-id: a source record.")
    ] = None,
    source_id: Annotated[str | None, typer.Option("--source-id")] = None,
    actor: ActorOption = "unknown",
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
    config: ConfigOption = DEFAULT_CONFIG,
    wait: WaitOption = 0,
) -> None:
    """Erase a person from every table; later syncs drop their records (tombstones)."""
    from pipeline.forget import ForgetRequest, forget
    from pipeline.store import store_writer

    request = ForgetRequest(email=email, golden_id=golden_id, source=source, source_id=source_id)
    request.selector()  # a usage error before anything else
    if not yes:
        typer.confirm("Erase this person from the store? This cannot be undone.", abort=True)
    with store_writer(load_config(config), "forget", wait=wait) as engine:
        result = forget(engine, request, actor=actor)
    console.out.print(result.summary(), markup=False, highlight=False, soft_wrap=True)
