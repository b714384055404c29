"""Source paths: where a value sits in a raw payload.

A path is a dotted list of keys with ``[n]`` list indexes: ``email``,
``default_address.city``, ``addresses[0].zip``, ``addresses[-1].zip``. A key
holding a dot or a bracket is quoted inside brackets: ``["Str. Nr"]``. ``[*]``
stands for every item of a list and makes the path read a list:
``contact_mechanisms[*].value`` gives ``["a@b.de", "+49 30 1234567"]``, one
value per item (``None`` where an item lacks the rest of the path), so that
``x[*].type`` and ``x[*].value`` line up; a second ``[*]`` further on flattens
(``orders[*].lines[*].sku`` is one list of every line's sku). A payload
that already carries the whole path as one key (a CSV flattened from JSON with a
``default_address.city`` column) is read by that key first, so one mapping
serves both the nested and the flattened export.

A missing key, an index out of range or a step into a value that is not a
container all yield ``None``: a missing value is not an error unless the field
says ``required: true``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any


class Wildcard:
    """The ``[*]`` segment: every item of a list. Use the one instance, :data:`EVERY`."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "EVERY"


EVERY = Wildcard()

Segment = str | int | Wildcard
Getter = Callable[[dict[str, Any]], Any]

_KEY = re.compile(r"[^.\[\]]+")
_BRACKET = re.compile(r"""\[(?:(?P<index>-?\d+)|(?P<every>\*)|"(?P<dq>[^"]*)"|'(?P<sq>[^']*)')\]""")


def parse_path(path: str) -> tuple[Segment, ...]:
    """Split ``addresses[0].zip`` into ``("addresses", 0, "zip")``; ``ValueError`` if malformed.

    ``[*]`` becomes :data:`EVERY`: ``parse_path("cm[*].value") == ("cm", EVERY, "value")``.
    """
    if not path:
        raise ValueError("a source path must not be empty")
    segments: list[Segment] = []
    pos = 0
    while pos < len(path):
        if path[pos] == "[":
            match = _BRACKET.match(path, pos)
            if match is None:
                raise ValueError(
                    f"bad path {path!r} at position {pos}: "
                    'expected [0], [*] or a quoted key ["key"]'
                )
            index = match.group("index")
            if index is not None or match.group("every") is not None:
                if not segments:
                    raise ValueError(f"bad path {path!r}: it must start with a key, not an index")
                segments.append(int(index) if index is not None else EVERY)
            else:
                quoted = match.group("dq") if match.group("dq") is not None else match.group("sq")
                segments.append(quoted)
            pos = match.end()
            continue
        if segments:
            if path[pos] != ".":
                raise ValueError(f"bad path {path!r} at position {pos}: expected '.' or '['")
            pos += 1
        match = _KEY.match(path, pos)
        if match is None:
            raise ValueError(f"bad path {path!r} at position {pos}: expected a key")
        segments.append(match.group())
        pos = match.end()
    return tuple(segments)


def has_wildcard(path: str) -> bool:
    """Whether ``path`` reads a list through ``[*]``."""
    return EVERY in parse_path(path)


def _walk(value: Any, segments: tuple[Segment, ...], start: int) -> Any:
    """Follow ``segments[start:]`` from ``value``; each ``[*]`` maps the rest over a list."""
    for position in range(start, len(segments)):
        segment = segments[position]
        if segment is EVERY:
            if not isinstance(value, list | tuple):
                return None
            rest = position + 1
            if EVERY not in segments[rest:]:
                return [_walk(item, segments, rest) for item in value]
            found: list[Any] = []
            for item in value:
                found.extend(_walk(item, segments, rest) or ())
            return found
        if type(segment) is int:
            if not isinstance(value, list | tuple) or not -len(value) <= segment < len(value):
                return None
            value = value[segment]
        elif isinstance(value, dict):
            value = value.get(segment)
            if value is None:
                return None
        else:
            return None
    return value


def compile_path(path: str) -> Getter:
    """A function reading ``path`` from a payload, built once per mapping."""
    segments = parse_path(path)
    if EVERY in segments:

        def get_every(payload: dict[str, Any]) -> Any:
            if path in payload:
                return payload[path]
            return _walk(payload, segments, 0)

        return get_every

    if len(segments) == 1 and isinstance(segments[0], str):
        key = segments[0]

        def get_key(payload: dict[str, Any]) -> Any:
            return payload.get(key)

        return get_key

    def get_nested(payload: dict[str, Any]) -> Any:
        if path in payload:
            return payload[path]
        value: Any = payload
        for segment in segments:
            if type(segment) is int:
                if not isinstance(value, list | tuple) or not -len(value) <= segment < len(value):
                    return None
                value = value[segment]
            elif isinstance(value, dict):
                value = value.get(segment)
                if value is None:
                    return None
            else:
                return None
        return value

    return get_nested


# A consumption tree marks what the mapping reads: ``True`` = the whole value,
# a dict = only some of its keys or indexes (recursively); the key ``EVERY`` holds
# what is read of every item of a list.
ConsumedTree = dict[Segment, Any]


def consumed_tree(paths: Iterable[str]) -> ConsumedTree:
    """Which parts of a payload the given paths read, for carrying the rest as attributes."""
    tree: ConsumedTree = {}
    for path in paths:
        segments = parse_path(path)
        if len(segments) > 1:
            tree[path] = True  # the flattened form of the same path
        node = tree
        for segment in segments[:-1]:
            child = node.get(segment)
            if child is True:
                break
            if child is None:
                child = node[segment] = {}
            node = child
        else:
            node[segments[-1]] = True
    return tree


def is_blank(value: Any) -> bool:
    """``None``, an empty string or container, or a float NaN (how pandas spells "empty")."""
    if value is None:
        return True
    if type(value) is str:
        return not value.strip()
    if isinstance(value, list | tuple | dict):
        return not value
    return type(value) is float and value != value


def unconsumed(value: Any, node: ConsumedTree, name: str, out: dict[str, Any]) -> None:
    """Put the parts of ``value`` that ``node`` does not read into ``out``, by their path."""
    if isinstance(value, dict):
        for key, item in value.items():
            child = node.get(key)
            if child is True or is_blank(item):
                continue
            if child is None:
                out[f"{name}.{key}"] = item
            else:
                unconsumed(item, child, f"{name}.{key}", out)
    elif isinstance(value, list | tuple):
        size = len(value)
        every = node.get(EVERY)
        for index, item in enumerate(value):
            child = _merge(_merge(node.get(index), node.get(index - size)), every)
            if child is True or is_blank(item):
                continue
            if child is None:
                out[f"{name}[{index}]"] = item
            else:
                unconsumed(item, child, f"{name}[{index}]", out)
    elif not is_blank(value):
        out[name] = value


def _merge(a: Any, b: Any) -> Any:
    """Two consumption nodes as one: ``True`` wins, dicts are joined key by key."""
    if a is None:
        return b
    if b is None:
        return a
    if a is True or b is True:
        return True
    return {key: _merge(a.get(key), b.get(key)) for key in {*a, *b}}
