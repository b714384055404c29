"""Apply a mapping to payloads: compiled once into closures, then run per record.

Compiling turns every field into one function ``run(payload, out, problems)``
with its paths, transforms and target already resolved, so a million records
cost a million short loops over plain functions and no YAML is looked at again.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from core.customer import ADDRESS_KEYS, CANONICAL_COLUMNS
from core.errors import Problem
from mappings.model import COLUMN_TARGETS, LIST_TARGETS, RESERVED_KEYS, FieldSpec, Mapping
from mappings.paths import (
    ConsumedTree,
    compile_path,
    consumed_tree,
    is_blank,
    parse_path,
    unconsumed,
)
from mappings.transforms import TransformFailure, as_text, show, to_bool

Payload = dict[str, Any]
Flat = dict[str, Any]
Runner = Callable[[Payload, Flat, list[Problem]], None]
Writer = Callable[[Any, Flat], None]

_KINDS = ("person", "organisation")
_REGION = re.compile(r"^[A-Z]{2}$")


def _write_column(target: str) -> Writer:
    def write(value: Any, out: Flat) -> None:
        if type(value) is not str:
            value = as_text(value)
        out[target] = value if value and not value.isspace() else None

    return write


def _write_source_id(value: Any, out: Flat) -> None:
    text = as_text(value)
    if text is None or not text.strip():
        raise TransformFailure(f"the source id is empty after its transforms (was {show(value)})")
    out["source_id"] = text


def _write_kind(value: Any, out: Flat) -> None:
    text = as_text(value)
    if text is not None and text not in _KINDS:
        raise TransformFailure(
            f"kind must be person or organisation, got {show(value)} (translate it with lookup)"
        )
    out["kind"] = text or None


def _write_phone_region(value: Any, out: Flat) -> None:
    text = as_text(value)
    if not text:
        return
    if not _REGION.match(text):
        raise TransformFailure(f"{show(value)} is not a two-letter ISO country code like DE or CN")
    out["phone_region"] = text


def _write_tags(value: Any, out: Flat) -> None:
    items = value if isinstance(value, list | tuple) else [value]
    out["tags"] = [as_text(item) for item in items if not is_blank(item)]


def _items(value: Any) -> list[Any]:
    """A list target's value as a flat list: one value is a list of one, lists of lists flatten.

    ``from: [mail, "contacts[*].value"]`` reads ``["a@b.de", ["c@d.de", None]]``.
    """
    if value is None:
        return []
    if not isinstance(value, list | tuple):
        return [value]
    items: list[Any] = []
    for item in value:
        if isinstance(item, list | tuple):
            items.extend(item)
        else:
            items.append(item)
    return items


def _write_text_list(target: str) -> Writer:
    """``emails`` / ``phones``: text values, blanks left out; none at all is ``None``.

    Not an empty list: a blank never wins over a value when golden records merge, ``[]`` would.
    """

    def write(value: Any, out: Flat) -> None:
        texts = []
        for item in _items(value):
            if not is_blank(item):
                text = as_text(item)
                if text is not None and text.strip():
                    texts.append(text)
        out[target] = texts or None

    return write


def _address(item: Any, position: int) -> dict[str, Any] | None:
    if not isinstance(item, dict):
        raise TransformFailure(
            f"address {position} is {show(item)}, not an object with keys {', '.join(ADDRESS_KEYS)}"
        )
    unknown = sorted(key for key in item if key not in ADDRESS_KEYS)
    if unknown:
        raise TransformFailure(
            f"address {position} has keys {', '.join(map(repr, unknown))}; an address holds "
            f"{', '.join(ADDRESS_KEYS)}: rename them, e.g. {{rename: {{street: line1}}}}"
        )
    address = {}
    for key in ADDRESS_KEYS:
        text = as_text(item.get(key))
        address[key] = text if text and not text.isspace() else None
    return address if any(address.values()) else None


def _write_addresses(value: Any, out: Flat) -> None:
    """``addresses``: objects with the keys of ADDRESS_KEYS (all present, blanks as None)."""
    addresses = [_address(item, n) for n, item in enumerate(_items(value)) if item is not None]
    out["addresses"] = [a for a in addresses if a is not None] or None


def _write_consent(name: str) -> Writer:
    def write(value: Any, out: Flat) -> None:
        flag = to_bool(value)
        if flag is not None:
            out["consent"][name] = flag

    return write


def _write_attribute(name: str) -> Writer:
    def write(value: Any, out: Flat) -> None:
        if not is_blank(value):
            out[name] = value

    return write


def _writer(target: str) -> Writer:
    special = {
        "source_id": _write_source_id,
        "kind": _write_kind,
        "phone_region": _write_phone_region,
        "tags": _write_tags,
        "emails": _write_text_list("emails"),
        "phones": _write_text_list("phones"),
        "addresses": _write_addresses,
    }
    if target in special:
        return special[target]
    if target.startswith("consent."):
        return _write_consent(target.removeprefix("consent."))
    if target.startswith("attributes."):
        return _write_attribute(target.removeprefix("attributes."))
    return _write_column(target)


def _reader(spec: FieldSpec) -> Callable[[Payload], Any]:
    if spec.from_ is None:
        constant = spec.constant
        if isinstance(constant, list):
            return lambda payload: list(constant)
        return lambda payload: constant
    if isinstance(spec.from_, str):
        return compile_path(spec.from_)
    getters = [compile_path(path) for path in spec.from_]
    return lambda payload: [get(payload) for get in getters]


def _missing_problem(target: str, spec: FieldSpec) -> Problem:
    paths = spec.paths
    if len(paths) == 1:
        return Problem(target, f"required source field '{paths[0]}' is missing or empty")
    listed = ", ".join(f"'{p}'" for p in paths)
    return Problem(target, f"required source fields {listed} are all missing or empty")


def _single_key(spec: FieldSpec) -> str | None:
    if not isinstance(spec.from_, str):
        return None
    segments = parse_path(spec.from_)
    first = segments[0]
    return first if len(segments) == 1 and isinstance(first, str) else None


def _all_blank(values: list[Any]) -> bool:
    return all(is_blank(value) for value in values)


def compile_field(target: str, spec: FieldSpec) -> Runner:
    """One field as a function that reads, transforms and writes, or records a Problem."""
    read = _reader(spec)
    steps = tuple(step.build() for step in spec.transforms)
    write = _writer(target)
    required = spec.required or target == "source_id"
    missing = _missing_problem(target, spec) if required else None
    is_missing = _all_blank if isinstance(spec.from_, tuple) else is_blank
    has_default, default = spec.has_default, spec.default
    region = spec.phone_region()

    plain = missing is None and not has_default and region is None
    key = _single_key(spec)
    if plain and key is not None and target in COLUMN_TARGETS:
        # The common case of flat files, inlined: one key in, one text column out.
        def run_column(payload: Payload, out: Flat, problems: list[Problem]) -> None:
            value = payload.get(key)
            try:
                for step in steps:
                    value = step(value)
                if type(value) is not str:
                    value = as_text(value)
            except TransformFailure as failure:
                problems.append(Problem(target, failure.reason))
                return
            out[target] = value if value and not value.isspace() else None

        return run_column

    if plain:

        def run_plain(payload: Payload, out: Flat, problems: list[Problem]) -> None:
            value = read(payload)
            try:
                for step in steps:
                    value = step(value)
                write(value, out)
            except TransformFailure as failure:
                problems.append(Problem(target, failure.reason))

        return run_plain

    def run(payload: Payload, out: Flat, problems: list[Problem]) -> None:
        value = read(payload)
        if missing is not None and is_missing(value):
            problems.append(missing)
            return
        try:
            for step in steps:
                value = step(value)
            if has_default and is_blank(value):
                value = default
            write(value, out)
        except TransformFailure as failure:
            problems.append(Problem(target, failure.reason))
            return
        if region is not None and not is_blank(value):
            out["phone_region"] = region

    return run


class CompiledMapping:
    """A mapping ready to run: ``apply(payload) -> (flat, problems)``."""

    __slots__ = ("_consumed", "_keep_unmapped", "_lists", "_reserved", "_runners", "name")

    def __init__(self, mapping: Mapping) -> None:
        self.name = mapping.name
        self._runners: tuple[Runner, ...] = (
            compile_field("source_id", mapping.source_id),
            *(compile_field(target, spec) for target, spec in mapping.fields.items()),
        )
        self._keep_unmapped = mapping.unmapped == "attributes"
        self._lists = tuple(target for target in mapping.fields if target in LIST_TARGETS)
        self._consumed: ConsumedTree = consumed_tree(mapping.source_paths())
        attributes = {
            t.removeprefix("attributes.") for t in mapping.fields if t.startswith("attributes.")
        }
        self._reserved = RESERVED_KEYS | attributes

    def apply(self, payload: Payload) -> tuple[Flat, list[Problem]]:
        out: Flat = dict.fromkeys(CANONICAL_COLUMNS)
        out["consent"] = {}
        out["tags"] = []
        for target in self._lists:
            out[target] = None
        problems: list[Problem] = []
        for run in self._runners:
            run(payload, out, problems)
        if self._keep_unmapped:
            self._carry_unmapped(payload, out)
        return out, problems

    def _carry_unmapped(self, payload: Payload, out: Flat) -> None:
        consumed, reserved = self._consumed, self._reserved
        for key, value in payload.items():
            node = consumed.get(key)
            if node is True:
                continue
            if node is None:
                if not is_blank(value):
                    out[f"raw.{key}" if key in reserved else key] = value
            else:
                unconsumed(value, node, key, out)


def compile_mapping(mapping: Mapping) -> CompiledMapping:
    """The compiled form of ``mapping``, built on first use and kept on the instance."""
    cached = mapping._compiled
    # Keyed by the instance: model_copy() copies private attributes along with the fields.
    if cached is not None and cached[0] == id(mapping):
        return cached[1]
    compiled = CompiledMapping(mapping)
    mapping._compiled = (id(mapping), compiled)
    return compiled


def source_value(mapping: Mapping, target: str, payload: Payload) -> Any:
    """What the mapping reads from ``payload`` for ``target``, before any transform: the
    value a field problem is about (``None`` when nothing was there or no field is mapped).

    >>> from mappings import parse_mapping
    >>> dob = {"from": "dob", "transforms": [{"parse_date": ["%d.%m.%Y"]}]}
    >>> mapping = parse_mapping({"version": 1, "source_id": "id", "fields": {"birth_date": dob}})
    >>> source_value(mapping, "birth_date", {"id": 1, "dob": "31.02.1980"})
    '31.02.1980'
    """
    spec = mapping.fields.get(target)
    if spec is None or spec.from_ is None:
        return None
    value = _reader(spec)(payload)
    if isinstance(value, list):
        present = [v for v in value if not is_blank(v)]
        return present[0] if len(present) == 1 else (present or None)
    return None if is_blank(value) else value


def apply_mapping(mapping: Mapping, payload: Payload) -> tuple[Flat, list[Problem]]:
    """Map one raw payload to the flat canonical form, with every problem found.

    The flat dict always holds every canonical column (``None`` when not
    mapped), ``consent`` (dict of bool) and ``tags`` (list of text); ``kind``
    and ``phone_region`` when the mapping sets them; mapped attributes and,
    unless ``unmapped: drop``, every payload field the mapping does not read.
    A field with a problem stays ``None`` and the others are still mapped, so
    the quarantine sees every reason at once.

    Example:
        >>> from mappings import apply_mapping, parse_mapping
        >>> mapping = parse_mapping({
        ...     "version": 1, "source_id": "id",
        ...     "fields": {"email": {"from": "mail", "transforms": ["trim", "lower"]}},
        ... })
        >>> flat, problems = apply_mapping(mapping, {"id": 7, "mail": " A@B.DE ", "vip": "y"})
        >>> flat["source_id"], flat["email"], flat["vip"], problems
        ('7', 'a@b.de', 'y', [])
    """
    return compile_mapping(mapping).apply(payload)
