"""The ``crmhub`` command tree as typer builds it: walked for help and for the reference.

Typer's help lists a boolean flag with a type (``--dry-run <bool>``) as if it
took a value; :class:`FlagsAsFlags`, the root group's class, blanks the type of
every flag before any help is drawn. The reference generator
(``crmhub.docs_gen``) walks the same tree, so the docs list exactly the
commands and options the program parses.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import typer
import typer.core


def subcommands(command: Any) -> dict[str, Any]:
    """A group's commands by name (none for a plain command)."""
    return dict(getattr(command, "commands", {}) or {})


def walk(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """``(("golden", "show"), command)`` for the root and every command below it, in order."""
    yield path, command
    for name, sub in subcommands(command).items():
        yield from walk(sub, (*path, name))


def parameters(command: Any) -> list[Any]:
    """Every parameter of a command, its ``--help`` option included."""
    return list(command.get_params(typer.Context(command)))


def is_flag(parameter: Any) -> bool:
    return isinstance(parameter, typer.core.TyperOption) and bool(parameter.is_flag)


def show_flags_as_flags(root: Any) -> None:
    """Give every flag an empty metavar: help then shows ``--dry-run``, not ``<bool>``."""
    for _, command in walk(root):
        for parameter in parameters(command):
            if is_flag(parameter):
                parameter.metavar = ""


class FlagsAsFlags(typer.core.TyperGroup):
    """The root group: fixes the tree's flags once before parsing (help included)."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        show_flags_as_flags(self)
        return super().main(*args, **kwargs)
