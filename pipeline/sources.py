"""From a source's config to a ready connector and mapping.

Each kind names the connector package's factory and the mapping used when the
config names none. Packages are imported only when a source of their kind is
configured, so a spreadsheet-only hub never loads the IMAP or ERP clients.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel

from connectors.base import Connector, ConnectorFactory
from connectors.tabular import SpreadsheetConnector, settings_from_connection
from core.errors import ConfigError
from core.settings import HubConfig, SourceConfig
from core.standardise import StandardiseOptions
from mappings import Mapping, identity_mapping, mapping_file, resolve_mapping


@dataclass(frozen=True)
class Kind:
    factory: str  # "package:function"
    default_mapping: str | None = None
    #: "module:Model" of the ``connection:`` block (its reference and JSON Schema)
    settings: str = ""
    summary: str = ""  # what such a source is, for the reference


_EMAIL = "connectors.email.settings"
_SPREADSHEET_SETTINGS = "connectors.tabular.settings:SpreadsheetSettings"
KINDS: dict[str, Kind] = {
    "imap": Kind(
        "connectors.email:build_imap",
        "email_contacts",
        settings=f"{_EMAIL}:ImapSettings",
        summary="the contacts of an IMAP mailbox (headers and signatures), read by UID",
    ),
    "mbox": Kind(
        "connectors.email:build_mbox",
        "email_contacts",
        settings=f"{_EMAIL}:MailFileSettings",
        summary="the contacts of an mbox file",
    ),
    "eml": Kind(
        "connectors.email:build_eml",
        "email_contacts",
        settings=f"{_EMAIL}:MailFileSettings",
        summary="the contacts of a folder of .eml files (searched recursively)",
    ),
    "tryton": Kind(
        "connectors.tryton:build",
        "tryton_party",
        settings="connectors.tryton.settings:TrytonSettings",
        summary="the parties of a Tryton ERP, over its JSON-RPC interface",
    ),
    "sql": Kind(
        "connectors.sql:build",
        settings="connectors.sql.settings:SqlSettings",
        summary="the rows of a table or read-only query in any database SQLAlchemy reaches",
    ),
    "shopify": Kind(
        "connectors.shopify:build",
        "shopify_customer",
        settings="connectors.shopify.settings:ShopifySettings",
        summary="the customers of a Shopify store, over the Admin REST API",
    ),
    "shopify_csv": Kind(
        "connectors.shopify:build_csv_export",
        "shopify_customer_csv",
        settings=_SPREADSHEET_SETTINGS,
        summary="Shopify's customer CSV export, keyed by its Customer ID column",
    ),
    "woocommerce": Kind(
        "connectors.woocommerce:build",
        "woocommerce_customer",
        settings="connectors.woocommerce.settings:WooCommerceSettings",
        summary="the customers of a WooCommerce store, over its REST API",
    ),
}
SPREADSHEET_KINDS = frozenset({"spreadsheet", "csv", "xlsx"})
#: What ``spreadsheet`` (and its aliases ``csv``, ``xlsx``) is, as :data:`KINDS` says of others.
SPREADSHEET = Kind(
    "connectors.tabular:SpreadsheetConnector",
    settings=_SPREADSHEET_SETTINGS,
    summary="a CSV or XLSX file; csv and xlsx are other names for it",
)


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


def kind_of(name: str) -> Kind:
    """The registration of a source kind (spreadsheet aliases share one)."""
    if name in SPREADSHEET_KINDS:
        return SPREADSHEET
    if name in KINDS:
        return KINDS[name]
    raise ConfigError(f"kind: unknown source kind {name!r} (known: {known_kinds()})")


def connection_model(name: str) -> type[BaseModel]:
    """The pydantic model of a kind's ``connection:`` block (imported only when asked)."""
    module, _, model = kind_of(name).settings.partition(":")
    found: type[BaseModel] = getattr(importlib.import_module(module), model)
    return found


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
        raise ConfigError(_located(config, source, str(e))) from e
    return OpenSource(source, connector, mapping, mapping_file(source.mapping, config.base_dir))


_CONNECTION_KEY = re.compile(r"^connection((?:\.[^:\s]+)*): ")


def _located(config: HubConfig, source: SourceConfig, message: str) -> str:
    """Each line named by its source and, for a ``connection.KEY`` problem, where the key
    (or, when missing, its block) was written: ``hub.yaml:12:7: source erp: connection…``."""
    index = config.sources.index(source) if source in config.sources else None
    lines = []
    for line in message.splitlines():
        found = _CONNECTION_KEY.match(line)
        where = None
        if found is not None and index is not None:
            keys = tuple(k for k in found.group(1).split(".") if k)
            within = ("sources", index, "connection")
            where = config.written_at((*within, *keys), within=within)
        lines.append(
            f"{where}: source {source.name}: {line}" if where else f"source {source.name}: {line}"
        )
    return "\n".join(lines)


def _factory(kind: Kind) -> ConnectorFactory:
    module, _, function = kind.factory.partition(":")
    factory: ConnectorFactory = getattr(importlib.import_module(module), function)
    return factory


def _spreadsheet(source: SourceConfig, mapping: Mapping, config: HubConfig) -> Connector:
    """A spreadsheet's id column defaults to the column the mapping reads the source id from."""
    connection = dict(source.connection)
    id_path = mapping.source_id.from_
    if "id_column" not in connection and isinstance(id_path, str) and _plain(id_path):
        connection["id_column"] = id_path
    return SpreadsheetConnector(source.name, settings_from_connection(connection, config.base_dir))


def _plain(path: str) -> bool:
    return "." not in path and "[" not in path
