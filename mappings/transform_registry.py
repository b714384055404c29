"""The registry of mapping transforms: how a transform is registered, checked and applied.

:mod:`mappings.transforms` and :mod:`mappings.item_transforms` both register
into it; it imports neither, so the two modules do not import each other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from pydantic import TypeAdapter

Step = Callable[[Any], Any]


class TransformFailure(Exception):
    """A value a transform cannot handle; becomes a Problem on the field being mapped."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class TransformDef:
    """A registered transform: how to check its argument and build its step function."""

    name: str
    build: Callable[[Any], Step]
    usage: str
    summary: str  # what it does, for the reference (docs/reference/transforms.md)
    argument: TypeAdapter[Any] | None = None
    combines: bool = False  # turns a list of values into one value
    on_objects: bool = False  # works on lists of objects (filter, pluck, rename)


TRANSFORMS: dict[str, TransformDef] = {}


def register(
    name: str,
    usage: str,
    argument: Any = None,
    *,
    summary: str,
    each: Literal["text", "value", None] = "text",
    combines: bool = False,
    on_objects: bool = False,
) -> Callable[[Callable[[Any], Step]], Callable[[Any], Step]]:
    """Register ``build(argument) -> step``.

    ``each="text"``: the step gets one value as text (lists are mapped item by
    item, ``None`` and NaN pass through); ``each="value"``: the same but the
    value as it is; ``None``: the step gets the whole value, lists included.
    ``on_objects`` lists the transform apart in error messages.
    """

    def add(build: Callable[[Any], Step]) -> Callable[[Any], Step]:
        wrap = {"text": _each_text, "value": _each_value, None: lambda step: step}[each]
        TRANSFORMS[name] = TransformDef(
            name=name,
            build=lambda arg: wrap(build(arg)),
            usage=usage,
            summary=summary,
            argument=None if argument is None else TypeAdapter(argument),
            combines=combines,
            on_objects=on_objects,
        )
        return build

    return add


def is_missing(value: Any) -> bool:
    return value is None or (type(value) is float and value != value)


def _each_value(step: Step) -> Step:
    def apply(value: Any) -> Any:
        if type(value) is list:
            return [None if is_missing(item) else step(item) for item in value]
        return None if is_missing(value) else step(value)

    return apply


def _each_text(step: Step) -> Step:
    def one(value: Any) -> Any:
        if type(value) is str:
            return step(value)
        text = as_text(value)
        return None if text is None else step(text)

    def apply(value: Any) -> Any:
        if type(value) is str:
            return step(value)
        if type(value) is list:
            return [one(item) for item in value]
        return one(value)

    return apply


def show(value: Any, limit: int = 60) -> str:
    """A value quoted for a problem message, cut short when long."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def as_text(value: Any) -> str | None:
    """One source value as text: numbers without a spurious ``.0``, dates as ISO dates.

    >>> as_text(10115.0), as_text(datetime(1980, 5, 17, 0, 0))
    ('10115', '1980-05-17')
    """
    kind = type(value)
    if kind is str or value is None:
        return value
    if kind is int:
        return str(value)
    if kind is float:
        if value != value:  # NaN: pandas' empty cell
            return None
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if kind is bool:
        raise TransformFailure(f"expected text, got the yes/no value {value}")
    if isinstance(value, list | tuple):
        raise TransformFailure(
            f"expected one value, got a list of {len(value)} ({show(value)}); "
            "combine it with first_non_empty or join"
        )
    if isinstance(value, dict):
        raise TransformFailure(f"expected one value, got an object with keys {sorted(value)}")
    return str(value)
