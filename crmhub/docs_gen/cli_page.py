"""``docs/reference/cli.md``: every command and option, read from the typer app itself."""

from __future__ import annotations

import inspect
from pathlib import PurePath
from typing import Any

import typer
from typer.main import get_command

from crmhub.command_tree import is_flag, parameters, subcommands, walk
from crmhub.docs_gen.markdown import GENERATED, code, table


def cli_page() -> str:
    from crmhub.cli import app

    root = get_command(app)
    parts = [
        "# Command line\n\n",
        GENERATED,
        f"{_help(root)}\n\n",
        "Exit codes: `0` success, `1` the run failed (a source failed, the ledger does not add "
        "up or an `error` quality check failed), `2` a usage, config or input-file error. "
        "`crmhub COMMAND --help` prints the same as this page.\n\n",
        _options(root, ()),
    ]
    for path, command in walk(root):
        if not path:
            continue
        parts.append(_command(path, command))
    return "".join(parts)


def _help(command: Any) -> str:
    return inspect.cleandoc(command.help or "").strip()


def _command(path: tuple[str, ...], command: Any) -> str:
    depth = "#" * min(len(path) + 1, 4)
    lines = [f"{depth} crmhub {' '.join(path)}\n\n"]
    if help_text := _help(command):
        lines.append(f"{help_text}\n\n")
    children = subcommands(command)
    if children:
        listed = ", ".join(code(name) for name in children)
        lines.append(f"Commands: {listed}.\n\n")
        return "".join(lines)
    lines.append(f"```\n{_usage(path, command)}\n```\n\n")
    lines.append(_options(command, path))
    return "".join(lines)


def _usage(path: tuple[str, ...], command: Any) -> str:
    arguments = [_argument_name(p) for p in parameters(command) if p.param_type_name == "argument"]
    return " ".join(["crmhub", *path, "[OPTIONS]", *arguments])


def _argument_name(parameter: Any) -> str:
    name = parameter.metavar or parameter.name.upper()
    return name if parameter.required else f"[{name}]"


def _options(command: Any, path: tuple[str, ...]) -> str:
    ctx = typer.Context(command, info_name=" ".join(("crmhub", *path)))
    rows = []
    for parameter in parameters(command):
        if getattr(parameter, "hidden", False):
            continue
        rows.append(
            (
                _names(parameter),
                _value(parameter, ctx),
                _default(parameter),
                _description(parameter),
            )
        )
    if not rows:
        return ""
    return table(("option", "value", "default", "what it does"), rows) + "\n"


def _names(parameter: Any) -> str:
    if parameter.param_type_name == "argument":
        return code(_argument_name(parameter))
    names = [*parameter.opts, *parameter.secondary_opts]
    return " / ".join(code(name) for name in names)


def _value(parameter: Any, ctx: Any) -> str:
    if is_flag(parameter):
        return "flag"
    if parameter.param_type_name == "option" and parameter.metavar:
        return code(parameter.metavar)
    shown = parameter.display_type(ctx)
    return code(shown.strip("<>")) if shown else ""


def _default(parameter: Any) -> str:
    default = parameter.default
    if parameter.required:
        return "required"
    if default is None or (is_flag(parameter) and default is False) or default == []:
        return ""
    if isinstance(default, PurePath):
        default = str(default)
    if is_flag(parameter) and default is True and parameter.secondary_opts:
        return code(parameter.opts[0])
    return code(getattr(default, "value", default))


def _description(parameter: Any) -> str:
    text = getattr(parameter, "help", None) or ""
    envvar = getattr(parameter, "envvar", None)
    if envvar:
        text += f" (env: `${envvar}`)"
    return text
