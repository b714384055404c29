"""Reading the YAML files a person writes (``hub.yaml``, mappings): safely and briefly.

YAML anchors and aliases (``&a`` … ``*a``) let 700 bytes stand for gigabytes
once expanded: a "billion laughs" file takes the memory of whoever loads it or
prints what it holds. Our files have no use for them, so the loader refuses the
first anchor or alias it meets, before anything is expanded, with one line
naming the file and the line. Values quoted in an error are cut to a readable
length (:func:`core.errors.cut`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.composer import ComposerError

from core.errors import ConfigError, cut


class NoAliasLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that refuses anchors and aliases where it meets them."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            kind = "alias" if isinstance(event, yaml.AliasEvent) else "anchor"
            raise ComposerError(
                None,
                None,
                f"YAML {kind}s (&name, *name) are not allowed: write the value out",
                event.start_mark,
            )
        return super().compose_node(parent, index)


def parse_yaml_file(path: Path) -> Any:
    """The data of a YAML file; :class:`ConfigError` naming the file and line otherwise."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as e:
        raise ConfigError(f"{path}: file not found") from e
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"{path}: cannot read ({e})") from e
    try:
        return yaml.load(text, Loader=NoAliasLoader)  # a SafeLoader underneath
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark is not None else ""
        problem = getattr(e, "problem", None) or str(e)
        raise ConfigError(f"{path}{where}: not valid YAML ({cut(problem, 200)})") from e
