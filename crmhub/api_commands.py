"""``crmhub serve`` and ``crmhub token …``: the read API and its tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer

from core.errors import ConfigError
from core.settings import load_config
from crmhub import console
from crmhub.options import DEFAULT_CONFIG, ConfigOption

token_app = typer.Typer(help="Tokens for the read API.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add ``serve`` and ``token`` to the ``crmhub`` command line."""
    app.command()(serve)
    app.add_typer(token_app, name="token")


def serve(
    config: ConfigOption = DEFAULT_CONFIG,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
) -> None:
    """Serve the read API (golden records, lookups, change feed) over HTTP until stopped."""
    from crmhub.api.server import prepare_server

    server, listening = prepare_server(load_config(config), host, port)
    with listening:
        console.err.print(f"read API on http://{host}:{port} (OpenAPI at /openapi.json)")
        server.run(sockets=[listening])


@token_app.command("create")
def token_create(
    name: Annotated[str, typer.Option("--name", help="Who uses it, e.g. billing-app.")],
    scope: Annotated[
        list[str], typer.Option("--scope", help="What it may do (repeatable): read.")
    ] = ["read"],  # noqa: B006 - typer reads the default, never mutates it
    config: ConfigOption = DEFAULT_CONFIG,
) -> None:
    """Create a token; it is printed once and only its hash is kept."""
    from pipeline.store import open_store
    from pipeline.tokens import API_SCOPES, create_token, unchecked_scopes

    issued = create_token(open_store(load_config(config), "write"), name, scope)
    for unused in unchecked_scopes(issued.info.scopes):
        console.err.print(
            f"warning: no route checks the scope {unused!r} yet (known: {', '.join(API_SCOPES)})"
        )
    console.err.print(
        f"token {issued.info.name!r} ({', '.join(issued.info.scopes)}) created; "
        "copy it now, it is not shown again:"
    )
    console.out.print(issued.token, markup=False, highlight=False)


@token_app.command("list")
def token_list(config: ConfigOption = DEFAULT_CONFIG) -> None:
    """Tokens by name with scopes and dates (never the tokens themselves)."""
    from rich.table import Table

    from pipeline.store import open_store
    from pipeline.tokens import list_tokens

    tokens = list_tokens(open_store(load_config(config), "read"))
    if not tokens:
        console.nothing("no API tokens (crmhub token create --name APP --scope read makes one)")
        return
    table = Table(title="API tokens")
    for column in ("name", "scopes", "created", "last used", "revoked"):
        table.add_column(column)
    for info in tokens:
        table.add_row(
            info.name,
            ", ".join(info.scopes),
            _when(info.created_at),
            _when(info.last_used_at),
            _when(info.revoked_at),
        )
    console.out.print(table)


@token_app.command("revoke")
def token_revoke(
    name: Annotated[str, typer.Argument(metavar="NAME")],
    config: ConfigOption = DEFAULT_CONFIG,
) -> None:
    """Revoke a token now: its next request is refused."""
    from pipeline.store import open_store
    from pipeline.tokens import revoke_token

    if not name:
        raise ConfigError("name the token to revoke")
    info, was_active = revoke_token(open_store(load_config(config), "write"), name)
    state = "revoked" if was_active else "was already revoked"
    console.out.print(f"token {info.name!r} {state} ({_when(info.revoked_at)})")


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S UTC") if value is not None else "-"
