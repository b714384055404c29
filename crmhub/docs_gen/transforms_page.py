"""``docs/reference/transforms.md``: every mapping transform, from the registry itself."""

from __future__ import annotations

from crmhub.docs_gen.markdown import GENERATED, code, table
from crmhub.docs_gen.schema_tables import type_text


def transforms_page() -> str:
    from mappings.transforms import TRANSFORMS

    parts = [
        "# Mapping transforms\n\n",
        GENERATED,
        "A field's `transforms:` run in order. A step is written as its name (`trim`) or as a "
        'one-key mapping from its name to its argument (`{join: " "}`). Arguments are checked '
        "when the mapping is loaded. Text transforms apply to each item of a list and pass a "
        "missing value through; a value a transform cannot handle becomes a field issue.\n\n",
    ]
    rows = [(code(t.name), _argument(t), t.summary, code(t.usage)) for t in TRANSFORMS.values()]
    parts.append(table(("transform", "argument", "does", "written"), rows) + "\n")
    for definition in TRANSFORMS.values():
        parts.append(f"## {code(definition.name)}\n\n{definition.summary[0].upper()}")
        parts.append(f"{definition.summary[1:]}.")
        if definition.combines:
            parts.append(" Combines a list into one value, as a one-value field needs.")
        if definition.on_objects:
            parts.append(" Works on lists of objects (JSON sources).")
        parts.append(f"\n\nArgument: {_argument(definition)}.\n\n")
        examples = definition.usage.split(" or ")
        steps = examples
        first = "" if definition.name == "trim" else "trim, "
        shown = "\n".join(f"    transforms: [{first}{step}]" for step in steps)
        parts.append(f"```yaml\nfields:\n  some_field:\n    from: column\n{shown}\n```\n\n")
    return "".join(parts)


def _argument(definition: object) -> str:
    adapter = getattr(definition, "argument", None)
    if adapter is None:
        return "none"
    schema = adapter.json_schema()
    if "properties" in schema:
        required = set(schema.get("required", []))
        keys = [
            f"{code(k)}{'' if k in required else ' (optional)'}: {type_text(v, {})}"
            for k, v in schema["properties"].items()
        ]
        return "a block of " + "; ".join(keys)
    return type_text(schema, {})
