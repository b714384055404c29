"""Transforms over lists of objects: keep some items, take one key of each, rename keys.

Sources that hold several of a thing (an ERP party's addresses, its contact
mechanisms) hand over lists of objects. These three steps turn such a list into
what a list target wants, without code::

    phones: {from: contact_mechanisms,
             transforms: [{filter: {type: [phone, mobile]}}, {pluck: value}]}
    addresses: {from: addresses,
                transforms: [{rename: {street: line1, "country.code": country}}]}

Keys are source paths (:mod:`mappings.paths`), so a nested value is reached with
``country.code``. A single object is taken as a list of one by ``filter``; ``pluck``
and ``rename`` keep its shape (one object in, one value or object out). ``None``
passes through; anything else that is not an object is a problem on the field.

=================  =============================  ===========================================
name               argument                       does
=================  =============================  ===========================================
filter             {path: [values]}               keep items whose value at each path is one
                                                  of the given values (compared as given:
                                                  YAML's ``1`` is a number, ``"1"`` text)
pluck              path                           objects → the value at ``path`` of each
rename             {path: new_key}                objects → objects holding only the new keys
=================  =============================  ===========================================
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, Field

from mappings.paths import compile_path, parse_path
from mappings.transform_registry import Step, TransformFailure, register, show


def _valid_path(path: str) -> str:
    parse_path(path)  # raises ValueError naming the position
    return path


def _distinct_keys(renames: dict[str, str]) -> dict[str, str]:
    targets: dict[str, str] = {}
    for source, target in renames.items():
        if target in targets:
            raise ValueError(
                f"{targets[target]!r} and {source!r} are both renamed to {target!r}; "
                "keep one (combine them in a field of their own if both matter)"
            )
        targets[target] = source
    return renames


PathText = Annotated[str, Field(min_length=1), AfterValidator(_valid_path)]
Scalar = str | int | float | bool
Condition = Annotated[dict[PathText, Scalar | list[Scalar]], Field(min_length=1)]
Renames = Annotated[
    dict[PathText, Annotated[str, Field(min_length=1)]],
    Field(min_length=1),
    AfterValidator(_distinct_keys),
]


def _objects(name: str, value: Any) -> list[dict[str, Any]]:
    """``value`` as a list of objects (``None`` items skipped), or a TransformFailure."""
    items = [value] if isinstance(value, dict) else value
    if not isinstance(items, list | tuple):
        raise TransformFailure(f"{name} expects a list of objects, got {show(value)}")
    objects = []
    for index, item in enumerate(items):
        if isinstance(item, dict):
            objects.append(item)
        elif item is not None:
            raise TransformFailure(
                f"{name} expects a list of objects, but item {index} is {show(item)}"
            )
    return objects


@register(
    "filter",
    "{filter: {type: [email]}}",
    Condition,
    summary="keep the objects of a list whose values at the paths are among those given",
    each=None,
    on_objects=True,
)
def _filter(condition: dict[str, Any]) -> Step:
    tests = [
        (compile_path(path), tuple(allowed) if isinstance(allowed, list) else (allowed,))
        for path, allowed in condition.items()
    ]

    def keep(value: Any) -> Any:
        if value is None:
            return None
        return [
            item
            for item in _objects("filter", value)
            if all(get(item) in allowed for get, allowed in tests)
        ]

    return keep


@register(
    "pluck",
    "{pluck: value}",
    PathText,
    summary="list of objects → list of the value at one path of each",
    each=None,
    on_objects=True,
)
def _pluck(path: str) -> Step:
    get = compile_path(path)

    def pluck(value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, dict):
            return get(value)
        return [get(item) for item in _objects("pluck", value)]

    return pluck


@register(
    "rename",
    '{rename: {street: line1, "country.code": country}}',
    Renames,
    summary="objects → objects holding only the renamed keys (paths read, new names written)",
    each=None,
    on_objects=True,
)
def _rename(renames: dict[str, str]) -> Step:
    moves = [(compile_path(source), target) for source, target in renames.items()]

    def rename_one(item: dict[str, Any]) -> dict[str, Any]:
        return {target: get(item) for get, target in moves}

    def rename(value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, dict):
            return rename_one(value)
        return [rename_one(item) for item in _objects("rename", value)]

    return rename
