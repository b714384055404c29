"""From a source's config to a ready connector and mapping.

Each kind names the connector package's factory and the mapping used when the
config names none. Packages are imported only when a source of their kind is
configured, so a spreadsheet-only hub never loads the IMAP or ERP clients.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path

from connectors.base import Connector, ConnectorFactory
from connectors.spreadsheet import SpreadsheetConnector, settings_from_connection
from core.errors import ConfigError
from core.settings import HubConfig, SourceConfig
from core.standardise import StandardiseOptions
from mappings import Mapping, identity_mapping, mapping_file, resolve_mapping


@dataclass(frozen=True)
class Kind:
    factory: str  # "package:function"
    default_mapping: str | None = None


KINDS: dict[str, Kind] = {
    "imap": Kind("connectors.email:build_imap", "email_contacts"),
    "mbox": Kind("connectors.email:build_mbox", "email_contacts"),
    "eml": Kind("connectors.email:build_eml", "email_contacts"),
    "tryton": Kind("connectors.tryton:build", "tryton_party"),
    "sql": Kind("connectors.sql:build"),
    "shopify": Kind("connectors.shopify:build", "shopify_customer"),
    "shopify_csv": Kind("connectors.shopify:build_csv_export", "shopify_customer_csv"),
    "woocommerce": Kind("connectors.woocommerce:build", "woocommerce_customer"),
}
SPREADSHEET_KINDS = frozenset({"spreadsheet", "csv", "xlsx"})


@dataclass(frozen=True)
class OpenSource:
    config: SourceConfig
    connector: Connector
    mapping: Mapping
    #: the user's mapping file (None: a built-in or the identity mapping)
    mapping_file: Path | None = None


def standardise_options(config: HubConfig, source: SourceConfig) -> StandardiseOptions:
    """The hub's defaults, with the source's own phone region when it names one."""
    return StandardiseOptions(config.default_region, config.date_order, source.phone_region)


def known_kinds() -> list[str]:
    return sorted({*SPREADSHEET_KINDS, *KINDS})


def open_source(config: HubConfig, source: SourceConfig) -> OpenSource:
    """Build the connector and load the mapping; every problem names the source and key."""
    try:
        if source.kind in SPREADSHEET_KINDS:
            mapping = resolve_mapping(source.mapping, config.base_dir) or identity_mapping()
            connector = _spreadsheet(source, mapping, config)
        elif source.kind in KINDS:
            kind = KINDS[source.kind]
            reference = source.mapping or kind.default_mapping
            mapping = resolve_mapping(reference, config.base_dir) or identity_mapping()
            connector = _factory(kind)(source.name, source.connection, config.base_dir)
        else:
            raise ConfigError(f"kind: unknown source kind {source.kind!r} (known: {known_kinds()})")
    except ConfigError as e:
        raise ConfigError(f"source {source.name}: {e}") from e
    return OpenSource(source, connector, mapping, mapping_file(source.mapping, config.base_dir))


def _factory(kind: Kind) -> ConnectorFactory:
    module, _, function = kind.factory.partition(":")
    return getattr(importlib.import_module(module), function)  # type: ignore[no-any-return]


def _spreadsheet(source: SourceConfig, mapping: Mapping, config: HubConfig) -> Connector:
    """A spreadsheet's id column defaults to the column the mapping reads the source id from."""
    connection = dict(source.connection)
    id_path = mapping.source_id.from_
    if "id_column" not in connection and isinstance(id_path, str) and _plain(id_path):
        connection["id_column"] = id_path
    return SpreadsheetConnector(source.name, settings_from_connection(connection, config.base_dir))


def _plain(path: str) -> bool:
    return "." not in path and "[" not in path
