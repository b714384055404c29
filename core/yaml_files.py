"""Reading the YAML files a person writes (``hub.yaml``, mappings): safely and briefly.

YAML anchors and aliases (``&a`` … ``*a``) let 700 bytes stand for gigabytes
once expanded: a "billion laughs" file takes the memory of whoever loads it or
prints what it holds. Our files have no use for them, so the loader refuses the
first anchor or alias it meets, before anything is expanded, with one line
naming the file and the line. Values quoted in an error are cut to a readable
length (:func:`core.errors.cut`).

Every key and list item keeps the line and column it was written at
(:class:`YamlDocument`), so that a validation error can point at it the way a
compiler does: ``hub.yaml:4:1: unknown key 'default_regoin'``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import ComposerError

from core.errors import ConfigError, cut

#: Where a key or item starts: 1-based line and column.
Position = tuple[int, int]
#: A key path as pydantic reports it: ``("sources", 0, "kind")``.
KeyPath = tuple[str | int, ...]


class NoAliasLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that refuses anchors and aliases where it meets them."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()  # type: ignore[no-untyped-call]  # unannotated in types-PyYAML
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            kind = "alias" if isinstance(event, yaml.AliasEvent) else "anchor"
            raise ComposerError(
                None,
                None,
                f"YAML {kind}s (&name, *name) are not allowed: write the value out",
                event.start_mark,
            )
        return super().compose_node(parent, index)


@dataclass(frozen=True)
class YamlDocument:
    """The data of a YAML file and where each of its keys and list items was written."""

    data: Any
    positions: dict[KeyPath, Position] = field(default_factory=dict)

    def position(self, path: Sequence[str | int]) -> Position | None:
        """Where ``path`` was written, else where its nearest written parent was.

        A missing key has no place of its own: the error then points at the block
        that lacks it.
        """
        parts = tuple(path)
        while parts:
            found = self.positions.get(parts)
            if found is not None:
                return found
            parts = parts[:-1]
        return None


def _positions(node: yaml.Node, path: KeyPath, found: dict[KeyPath, Position]) -> None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                continue
            key = (*path, key_node.value)
            found[key] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            if key_node.tag == "tag:yaml.org,2002:int" and key_node.value.isdigit():
                found[(*path, int(key_node.value))] = found[key]  # pydantic says 1, not "1"
            _positions(value_node, key, found)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            found[(*path, index)] = (item.start_mark.line + 1, item.start_mark.column + 1)
            _positions(item, (*path, index), found)


def read_yaml_document(path: Path) -> YamlDocument:
    """The data of a YAML file with the position of every key; ConfigError naming the
    file and line otherwise."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as e:
        raise ConfigError(f"{path}: file not found") from e
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"{path}: cannot read ({e})") from e
    loader = NoAliasLoader(text)  # a SafeLoader underneath
    try:
        node = loader.get_single_node()
        if node is None:
            return YamlDocument(None)
        data = loader.construct_document(node)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f":{mark.line + 1}:{mark.column + 1}" if mark is not None else ""
        problem = getattr(e, "problem", None) or str(e)
        raise ConfigError(f"{path}{where}: not valid YAML ({cut(problem, 200)})") from e
    finally:
        loader.dispose()
    found: dict[KeyPath, Position] = {}
    _positions(node, (), found)
    return YamlDocument(data, found)


def parse_yaml_file(path: Path) -> Any:
    """The data of a YAML file; :class:`ConfigError` naming the file and line otherwise."""
    return read_yaml_document(path).data
