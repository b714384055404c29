"""From a source's config to a ready connector and mapping."""

from __future__ import annotations

from dataclasses import dataclass

from connectors.base import Connector
from connectors.spreadsheet import SpreadsheetConnector, settings_from_connection
from core.errors import ConfigError
from core.settings import HubConfig, SourceConfig
from mappings import Mapping, identity_mapping, resolve_mapping

SPREADSHEET_KINDS = frozenset({"spreadsheet", "csv", "xlsx"})
KNOWN_KINDS = sorted(SPREADSHEET_KINDS)


@dataclass(frozen=True)
class OpenSource:
    config: SourceConfig
    connector: Connector
    mapping: Mapping


def open_source(config: HubConfig, source: SourceConfig) -> OpenSource:
    """Build the connector and load the mapping; every problem names the source and key."""
    try:
        mapping = resolve_mapping(source.mapping, config.base_dir) or identity_mapping()
        if source.kind in SPREADSHEET_KINDS:
            connection = dict(source.connection)
            id_path = mapping.source_id.from_
            if "id_column" not in connection and isinstance(id_path, str) and _plain(id_path):
                connection["id_column"] = id_path
            settings = settings_from_connection(connection, config.base_dir)
            connector: Connector = SpreadsheetConnector(source.name, settings)
        else:
            raise ConfigError(f"kind: unknown source kind {source.kind!r} (known: {KNOWN_KINDS})")
    except ConfigError as e:
        raise ConfigError(f"source {source.name}: {e}") from e
    return OpenSource(source, connector, mapping)


def _plain(path: str) -> bool:
    return "." not in path and "[" not in path
