"""Key tables from a JSON Schema (the one pydantic writes for a settings model).

Reading the schema rather than the models keeps one description of every key:
the one the editor shows (``crmhub config schema``) is the one the docs print.
"""

from __future__ import annotations

import inspect
import json
import re
from dataclasses import dataclass
from typing import Any

from crmhub.docs_gen.markdown import code, table

JsonSchema = dict[str, Any]


@dataclass(frozen=True)
class Block:
    """One object of the file: its dotted key, what it is, its scalar keys, its sub-blocks."""

    key: str
    description: str
    rows: list[tuple[str, str, str, str]]
    blocks: list[Block]


def resolve(schema: JsonSchema, defs: JsonSchema) -> JsonSchema:
    """Follow a ``$ref`` (and ``X | None``) to the schema it names."""
    if "$ref" in schema:
        return resolve(defs[schema["$ref"].rsplit("/", 1)[-1]], defs)
    options = [o for o in schema.get("anyOf", []) if o.get("type") != "null"]
    if len(options) == 1 and "$ref" in options[0]:
        return resolve(options[0], defs)
    return schema


def is_block(schema: JsonSchema, defs: JsonSchema) -> bool:
    target = resolve(schema, defs)
    return "properties" in target and "anyOf" not in target


def block(key: str, schema: JsonSchema, defs: JsonSchema) -> Block:
    target = resolve(schema, defs)
    rows, blocks = [], []
    required = set(target.get("required", []))
    for name, prop in target.get("properties", {}).items():
        dotted = f"{key}.{name}" if key else name
        if is_block(prop, defs):
            blocks.append(block(dotted, prop, defs))
            rows.append((dotted, "block", "", _first_line(resolve(prop, defs))))
            continue
        items = prop.get("items")
        if prop.get("type") == "array" and items and is_block(items, defs):
            blocks.append(block(f"{dotted}[]", items, defs))
            rows.append((dotted, "list of blocks", "", _first_line(resolve(items, defs))))
            continue
        default = "required" if name in required else _default(prop)
        rows.append((dotted, type_text(prop, defs), default, _description(prop, defs)))
        long_form = _long_form(prop, defs)
        if long_form is not None:  # a shorthand or a block: the block's keys too
            rows += block(dotted, long_form, defs).rows
    return Block(key, _described(target), rows, blocks)


def render_block(found: Block, level: int = 2, title: str | None = None) -> str:
    heading = "#" * min(level, 6)
    parts = [f"{heading} {title or code(found.key)}\n\n"]
    if found.description:
        parts.append(f"{found.description}\n\n")
    if found.rows:
        parts.append(
            table(
                ("key", "type", "default", "what it is"),
                [(code(k), t, d, w) for k, t, d, w in found.rows],
            )
            + "\n"
        )
    for sub in found.blocks:
        parts.append(render_block(sub, level + 1))
    return "".join(parts)


def all_keys(found: Block) -> list[str]:
    """Every dotted key of a block and its sub-blocks."""
    keys = [k for k, *_ in found.rows]
    for sub in found.blocks:
        keys += all_keys(sub)
    return keys


def _long_form(schema: JsonSchema, defs: JsonSchema) -> JsonSchema | None:
    """The block a key also takes when its value may be written short (``most_recent``)."""
    target = resolve(schema, defs)
    for option in target.get("anyOf", []):
        if "properties" in option:
            return option
    return None


def type_text(schema: JsonSchema, defs: JsonSchema) -> str:
    if "$ref" in schema:
        target = resolve(schema, defs)
        if "anyOf" in target:
            return type_text(target, defs)
        return "block" if "properties" in target else type_text(target, defs)
    if "enum" in schema:
        return "one of " + ", ".join(code(v) for v in schema["enum"])
    if "const" in schema:
        return code(schema["const"])
    if "anyOf" in schema:
        options = [type_text(o, defs) for o in schema["anyOf"] if o.get("type") != "null"]
        nullable = len(options) < len(schema["anyOf"])
        return " or ".join(dict.fromkeys(options)) + (" (optional)" if nullable else "")
    kind = schema.get("type")
    if kind == "array":
        items = schema.get("items")
        return f"list of {type_text(items, defs)}" if items else "list"
    if kind == "object":
        if "properties" in schema:
            return "block"
        values = schema.get("additionalProperties")
        names = schema.get("propertyNames", {}).get("enum")
        keys = f" (keys: {', '.join(code(n) for n in names)})" if names else ""
        if isinstance(values, dict):
            return f"map of {type_text(values, defs)}{keys}"
        return f"map{keys}"
    if kind is None and "format" not in schema:
        return "any value"
    return _constrained(str(kind or schema.get("format")), schema)


def _constrained(kind: str, schema: JsonSchema) -> str:
    words = {"string": "text", "integer": "integer", "number": "number", "boolean": "true/false"}
    text = words.get(kind, kind)
    bounds = []
    for key, sign in (("minimum", "≥"), ("exclusiveMinimum", ">")):
        if key in schema:
            bounds.append(f"{sign} {schema[key]}")
    for key, sign in (("maximum", "≤"), ("exclusiveMaximum", "<")):
        if key in schema:
            bounds.append(f"{sign} {schema[key]}")
    if "pattern" in schema:
        bounds.append(f"matching {code(schema['pattern'])}")
    if schema.get("minLength") == 1:
        bounds.append("not empty")
    return f"{text} ({', '.join(bounds)})" if bounds else text


def _default(schema: JsonSchema) -> str:
    if "default" not in schema:
        return ""
    value = schema["default"]
    if value is None or value == [] or value == {}:
        return ""
    return code(json.dumps(value, ensure_ascii=False))


def _description(schema: JsonSchema, defs: JsonSchema) -> str:
    if "description" in schema:
        return _described(schema)
    return _first_line(resolve(schema, defs)) if "$ref" in schema else ""


def _described(schema: JsonSchema) -> str:
    text = inspect.cleandoc(schema.get("description", ""))
    text = re.sub(r"(^|; )None: ", r"\1unset: ", text)
    return text.replace("::\n", ":\n")


def _first_line(schema: JsonSchema) -> str:
    return _described(schema).split("\n\n")[0].replace("\n", " ")
