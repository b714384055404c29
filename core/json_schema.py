"""JSON Schema for the YAML files people write, as editors read it.

Pydantic describes a model as the object it validates. Our files also accept
shorthands a model's ``mode="before"`` validator expands (``phone: most_recent``
for ``{rule: most_recent}``); :func:`or_shorthand` adds them to the model's
schema, so an editor neither flags valid files nor misses the short form.
"""

from __future__ import annotations

from typing import Any

from pydantic import GetJsonSchemaHandler
from pydantic_core import CoreSchema

JsonSchema = dict[str, Any]


def or_shorthand(
    core_schema: CoreSchema,
    handler: GetJsonSchemaHandler,
    *shorthands: JsonSchema,
    drop: tuple[str, ...] = (),
) -> JsonSchema:
    """The model's schema as ``anyOf: [*shorthands, the object]``; ``drop`` removes
    properties a file never writes (ones the validator fills in)."""
    schema = handler(core_schema)
    resolved = handler.resolve_ref_schema(schema)
    whole = dict(resolved)
    if drop:
        whole["properties"] = {k: v for k, v in whole["properties"].items() if k not in drop}
    resolved.clear()
    resolved["anyOf"] = [*shorthands, whole]
    for key in ("title", "description"):
        if key in whole:
            resolved[key] = whole[key]
    return schema
