"""Shopify's customer CSV export (Customers → Export in the admin), read as a spreadsheet.

The export has one row per customer, keyed by ``Customer ID``, with columns
such as ``First Name``, ``Email``, ``Accepts Email Marketing``, ``Default
Address Address1`` … ``Default Address Zip``, ``Phone``, ``Tags``, ``Total
Spent``. Shopify writes ids, phone numbers and some postcodes with a leading
apostrophe (``'7093289631927``) so that spreadsheet programs keep them as
text; the ``shopify_customer_csv`` mapping strips it.

Example::

    sources:
      - name: shop_export
        kind: shopify_csv
        connection: {path: exports/customers_export.csv}
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from connectors.tabular import SpreadsheetConnector, settings_from_connection
from core.errors import ConfigError

ID_COLUMN = "Customer ID"


def build_csv_export(name: str, connection: Any, base_dir: Path) -> SpreadsheetConnector:
    """A spreadsheet connector over the export, keyed by its ``Customer ID`` column.

    Every spreadsheet option (``encoding``, ``delimiter``, ``header_row`` …)
    still applies; ``id_column`` may be overridden for an edited file.
    """
    if not isinstance(connection, dict):
        raise ConfigError("connection: expected a mapping with at least path: (the export file)")
    settings = settings_from_connection({"id_column": ID_COLUMN, **connection}, base_dir)
    return SpreadsheetConnector(name, settings)
