"""``docs/reference/hub-yaml.md`` and ``docs/reference/sources.md``, from the models the
loaders validate with (the same JSON Schema ``crmhub config schema`` prints)."""

from __future__ import annotations

import inspect
import sys
from importlib import resources
from typing import Any

from crmhub.docs_gen.markdown import GENERATED, code, table
from crmhub.docs_gen.schema_tables import Block, block, render_block


def hub_yaml_page() -> str:
    from pipeline.config_schema import hub_schema

    schema = hub_schema()
    defs = schema.get("$defs", {})
    top = block("", schema, defs)
    sample = (resources.files("crmhub") / "sample" / "hub.yaml").read_text(encoding="utf-8")
    parts = [
        "# hub.yaml\n\n",
        GENERATED,
        "The one config file. Paths in it are relative to the file; secrets are never written "
        "in it (`${VAR}` in the store URL, `{env: VAR}` in connection settings). Every key is "
        "checked when the file is loaded, and a mistake is reported with its line and column: "
        "`hub.yaml:4:1: unknown key 'default_regoin' (did you mean 'default_region'?)`. "
        "The `connection:` block of each source kind is in [Source kinds](sources.md).\n\n",
        "The demo's config (`crmhub/sample/hub.yaml`), a complete example:\n\n",
        f"```yaml\n{sample}```\n\n",
        render_block(Block("", "", top.rows, []), title="Top-level keys"),
    ]
    for sub in top.blocks:
        parts.append(render_block(sub))
    return "".join(parts)


def sources_page() -> str:
    from pipeline.config_schema import hub_schema
    from pipeline.sources import KINDS, SPREADSHEET, SPREADSHEET_KINDS, connection_model

    defs = hub_schema().get("$defs", {})
    parts = [
        "# Source kinds\n\n",
        GENERATED,
        "A source's `kind:` says which connector reads it; its `connection:` block is checked "
        "by that connector's settings, listed here key by key. A kind with a default mapping "
        "uses it when the source names none.\n\n",
    ]
    aliases = ", ".join(code(k) for k in sorted(SPREADSHEET_KINDS - {"spreadsheet"}))
    kinds: list[tuple[str, Any, str]] = [("spreadsheet", SPREADSHEET, f"Also written {aliases}.")]
    kinds += [(name, kind, "") for name, kind in KINDS.items()]
    for name, kind, note in kinds:
        model = connection_model(name)
        found = block("connection", {"$ref": f"#/$defs/{model.__name__}"}, defs)
        parts.append(f"## {code(name)}\n\n{kind.summary[0].upper()}{kind.summary[1:]}.")
        if note:
            parts.append(f" {note}")
        if kind.default_mapping:
            parts.append(f" Default mapping: {code(kind.default_mapping)}.")
        parts.append("\n\n")
        if found.description:
            parts.append(f"{found.description}\n\n")
        parts.append(render_block(Block("", "", found.rows, []), level=3, title="Connection keys"))
        for sub in found.blocks:
            parts.append(render_block(sub, level=3))
        example = docstring_example(model)
        if example:
            parts.append(f"### Example\n\n```yaml\n{example}\n```\n\n")
    return "".join(parts)


def docstring_example(model: type, module: Any = None) -> str | None:
    """The first literal block (after ``::``) of the docstring of the model's module."""
    module = module or sys.modules[model.__module__]
    text = inspect.cleandoc(module.__doc__ or "")
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if not line.rstrip().endswith("::"):
            continue
        block_lines = []
        for candidate in lines[index + 1 :]:
            if candidate.strip() and not candidate.startswith("    "):
                break
            block_lines.append(candidate[4:])
        return "\n".join(block_lines).strip("\n") or None
    return None


def mapping_page() -> str:
    import mappings
    from mappings import VALID_TARGETS, builtin_mapping_names, builtin_mapping_path, load_mapping
    from pipeline.config_schema import mapping_schema

    schema = mapping_schema()
    defs = schema.get("$defs", {})
    top = block("", schema, defs)
    field = block("fields.<target>", defs["FieldSpec"]["anyOf"][-1], defs)
    example = docstring_example(mappings.Mapping, module=mappings)
    builtins = [
        (code(name), load_mapping(builtin_mapping_path(name)).description or "")
        for name in builtin_mapping_names()
    ]
    parts = [
        "# Mapping files\n\n",
        GENERATED,
        "A mapping turns a source's columns (or JSON paths) into the canonical fields. "
        "Whatever it does not read is kept as an attribute under its own name. A source whose "
        "columns already are the canonical ones needs no mapping. Errors name the file, line "
        "and key: `legacy.yaml:8:5: fields.emial: unknown target 'emial' (did you mean "
        "'email'?)`.\n\n",
        f"Every feature once:\n\n```yaml\n{example}\n```\n\n" if example else "",
        render_block(Block("", "", top.rows, []), title="Top-level keys"),
        render_block(Block("", "", field.rows, []), title="A field"),
        "A bare path is short for `{from: path}`. `from` takes a dotted path with `[n]` list "
        "indexes and `[*]` for every item of a list; several paths, or a `[*]` path, must be "
        "combined (`first_non_empty`, `join`) before they reach a one-value target. The "
        "transforms are listed in [Mapping transforms](transforms.md).\n\n",
        "## Targets\n\nThe keys under `fields`: "
        + ", ".join(code(t) for t in VALID_TARGETS)
        + ".\n\n",
        "## Built-in mappings\n\nNamed by `mapping:` in hub.yaml without a path "
        "(`mappings/sources/NAME.yaml`).\n\n",
        table(("name", "for"), builtins),
    ]
    return "".join(parts)
