"""Pydantic's validation errors as lines a person can act on.

``hub.yaml:4:1: unknown key 'default_regoin' (did you mean 'default_region'?)``:
the file, the line and column the key was written at, the key, and what was
expected. Keys and messages are cut to a readable length and at most
:data:`PROBLEMS_SHOWN` problems are listed: a hostile file must not turn its
error into megabytes.
"""

from __future__ import annotations

import difflib
import types
from collections.abc import Iterable, Sequence
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from core.errors import cut
from core.yaml_files import YamlDocument

#: The most problems one validation error lists.
PROBLEMS_SHOWN = 20


def key_text(loc: Sequence[str | int]) -> str:
    """``("sources", 0, "kind")`` → ``sources[0].kind``."""
    key = ""
    for part in loc:
        key += f"[{part}]" if isinstance(part, int) else (f".{part}" if key else str(part))
    return key


def describe_validation_error(
    origin: str,
    error: ValidationError,
    *,
    document: YamlDocument | None = None,
    model: type[BaseModel] | None = None,
) -> str:
    """One line per problem: ``hub.yaml:7:5: sources[1].kind: Field required``.

    With the parsed ``document`` each line names where the key was written; with the
    validated ``model`` an unknown key gets the nearest known one as a suggestion.
    """
    lines = []
    problems = error.errors()
    located = [
        (document.position(item["loc"]) if document is not None else None, item)
        for item in problems[:PROBLEMS_SHOWN]
    ]
    located.sort(key=lambda pair: pair[0] or (0, 0))  # in the order the file is read
    for position, item in located:
        loc = tuple(item["loc"])
        where = f"{origin}:{position[0]}:{position[1]}" if position else origin
        if item["type"] == "extra_forbidden" and loc:
            parent = key_text(loc[:-1])
            problem = unknown_key(str(loc[-1]), keys_at(model, loc[:-1]) if model else [])
            lines.append(
                f"{where}: {cut(parent, 120)}: {problem}" if parent else f"{where}: {problem}"
            )
            continue
        message = problem_message(item)
        lines.append(f"{where}: {cut(key_text(loc), 120) or '(top level)'}: {cut(message, 300)}")
    if len(problems) > PROBLEMS_SHOWN:
        lines.append(f"{origin}: … and {len(problems) - PROBLEMS_SHOWN} more problems")
    return "\n".join(lines)


def unknown_key(name: str, known: Sequence[str]) -> str:
    """``unknown key 'bnd' (did you mean 'band'?)``, else the keys that are known."""
    close = difflib.get_close_matches(name, known, n=1)
    if close:
        return f"unknown key {cut(name, 60)!r} (did you mean {close[0]!r}?)"
    if known:
        return f"unknown key {cut(name, 60)!r} (known: {', '.join(known)})"
    return f"unknown key {cut(name, 60)!r}"


def keys_at(model: type[BaseModel], path: Sequence[str | int]) -> list[str]:
    """The keys the model allows at ``path`` (``("quality", "volume")`` → band, runs)."""
    annotation: Any = model
    for part in path:
        annotation = _step(annotation, part)
        if annotation is None:
            return []
    found = _model_of(annotation)
    return [] if found is None else written_keys(found)


def written_keys(model: type[BaseModel]) -> list[str]:
    """The keys of ``model`` as a file writes them (aliases; internal fields left out)."""
    keys = []
    for name, info in model.model_fields.items():
        written = info.alias or name
        if info.exclude or written.startswith("__"):
            continue
        keys.append(written)
    return keys


def _model_of(annotation: Any) -> type[BaseModel] | None:
    for candidate in _alternatives(annotation):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


def _alternatives(annotation: Any) -> list[Any]:
    """``X | None`` → ``[X, None]``; ``Annotated[X, …]`` → ``[X]``; else ``[annotation]``."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _alternatives(get_args(annotation)[0])
    if origin is Union or origin is types.UnionType:
        return [alt for arg in get_args(annotation) for alt in _alternatives(arg)]
    return [annotation]


def _step(annotation: Any, part: str | int) -> Any:
    """The annotation one key (or list index) below ``annotation``, or None."""
    for candidate in _alternatives(annotation):
        model = _model_of(candidate)
        if model is not None and isinstance(part, str):
            for name, info in model.model_fields.items():
                if part in (name, info.alias):
                    return info.annotation
            continue
        origin, args = get_origin(candidate), get_args(candidate)
        if origin in (tuple, list) and isinstance(part, int) and args:
            return args[0]
        if origin is dict and len(args) == 2:
            return args[1]
    return None


def problem_message(item: ErrorDetails) -> str:
    """What pydantic found, without its "Value error, " prefix (and never the input)."""
    return item["msg"].removeprefix("Value error, ")


def describe_block_error(
    within: str, error: ValidationError, *, allowed: Iterable[str] | None = None
) -> str:
    """One line per problem of a block validated on its own, such as a source's
    ``connection:``: ``connection.port: Input should be greater than 0``; a misspelt key
    lists the ``allowed`` ones and the nearest of them.

    Pydantic's own text is never used: it repeats the input, which may hold a password.
    """
    names = list(allowed) if allowed is not None else None
    known = ", ".join(names) if names is not None else None
    lines = []
    problems = error.errors(include_url=False)
    for item in problems[:PROBLEMS_SHOWN]:
        key = key_text(item["loc"])
        if item["type"] == "extra_forbidden" and known is not None and names is not None:
            message = f"unknown key (allowed: {known})"
            close = difflib.get_close_matches(str(item["loc"][-1]), names, n=1)
            if close:
                message += f"; did you mean {close[0]!r}?"
        else:
            message = problem_message(item)
        path = f"{within}.{cut(key, 120)}" if key else within
        lines.append(f"{path}: {cut(message, 300)}")
    if len(problems) > PROBLEMS_SHOWN:
        lines.append(f"{within}: … and {len(problems) - PROBLEMS_SHOWN} more problems")
    return "\n".join(lines)
