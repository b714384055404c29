"""WooCommerce: customers through the REST API v3 (``/wp-json/wc/v3/customers``).

``build`` is the factory of ``kind: woocommerce``; see
:mod:`connectors.woocommerce.settings` for the connection block and
:mod:`connectors.woocommerce.streams` for incremental and full reads.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from connectors.woocommerce.connector import WooCommerceConnector
from connectors.woocommerce.settings import WooCommerceSettings, settings_from_connection

__all__ = ["WooCommerceConnector", "WooCommerceSettings", "build", "settings_from_connection"]


def build(name: str, connection: Any, base_dir: Path) -> WooCommerceConnector:
    """The connector of one configured store; key and secret are read from their variables now."""
    return WooCommerceConnector(name, settings_from_connection(connection))
