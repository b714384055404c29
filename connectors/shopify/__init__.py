"""Shopify: customers through the REST Admin API, or from the admin's CSV export.

``build`` is the factory of ``kind: shopify`` (see :mod:`connectors.shopify.settings`
for the connection block), ``build_csv_export`` that of ``kind: shopify_csv``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from connectors.shopify.connector import ShopifyConnector
from connectors.shopify.csv_export import build_csv_export
from connectors.shopify.settings import ShopifySettings, settings_from_connection

__all__ = [
    "ShopifyConnector",
    "ShopifySettings",
    "build",
    "build_csv_export",
    "settings_from_connection",
]


def build(name: str, connection: Any, base_dir: Path) -> ShopifyConnector:
    """The connector of one configured shop; the token is read from its variable now."""
    return ShopifyConnector(name, settings_from_connection(connection))
