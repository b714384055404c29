"""The JSON Schema of ``hub.yaml`` and of a mapping file, for editors and checks.

Both come from the pydantic models the loaders validate with, so the schema
cannot disagree with the loader about a key. ``hub.yaml``'s schema also knows
each source kind's ``connection:`` block (from the connector's settings model),
so an editor completes ``id_column`` under a spreadsheet source and flags
``id_colum``. A YAML language server reads it from a modeline::

    # yaml-language-server: $schema=hub.schema.json
"""

from __future__ import annotations

from typing import Any, Literal

from core.json_schema import JsonSchema
from core.settings import HubConfig
from mappings import Mapping
from pipeline.sources import connection_model, kind_of, known_kinds

DIALECT = "https://json-schema.org/draft/2020-12/schema"
SchemaFor = Literal["hub", "mapping"]


def config_schema(which: SchemaFor) -> JsonSchema:
    """``hub``: the schema of hub.yaml; ``mapping``: that of a mapping file."""
    return hub_schema() if which == "hub" else mapping_schema()


def mapping_schema() -> JsonSchema:
    schema = Mapping.model_json_schema()
    return {"$schema": DIALECT, **schema, "title": "crm-hub mapping file"}


def hub_schema() -> JsonSchema:
    schema = HubConfig.model_json_schema()
    schema["properties"].pop("base_dir", None)  # set from where the file is, never written
    definitions: dict[str, Any] = schema.setdefault("$defs", {})
    source = definitions["SourceConfig"]
    kinds = known_kinds()
    source["properties"]["kind"] = {
        "enum": kinds,
        "description": "; ".join(f"{k}: {kind_of(k).summary}" for k in kinds),
    }
    source["properties"]["mapping"]["description"] = (
        "a built-in mapping name or a path to a mapping file, relative to hub.yaml"
    )
    rules = []
    for kind in kinds:
        model = connection_model(kind)
        connection = model.model_json_schema(ref_template="#/$defs/{model}")
        for name, definition in connection.pop("$defs", {}).items():
            definitions.setdefault(name, definition)
        definitions.setdefault(model.__name__, connection)
        rules.append(
            {
                "if": {"properties": {"kind": {"const": kind}}, "required": ["kind"]},
                "then": {"properties": {"connection": {"$ref": f"#/$defs/{model.__name__}"}}},
            }
        )
    source["allOf"] = rules
    return {"$schema": DIALECT, **schema, "title": "crm-hub hub.yaml"}
