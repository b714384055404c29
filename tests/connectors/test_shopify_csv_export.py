"""Shopify's customer CSV export imports through ``kind: shopify_csv`` and its mapping."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from connectors.shopify import build_csv_export
from core.errors import ConfigError, InputFileError
from core.settings import HubConfig, SourceConfig
from core.store.tables import source_record
from pipeline.sync import sync

# The columns of the export as Shopify writes it today, in its order.
HEADER = [
    "Customer ID",
    "First Name",
    "Last Name",
    "Email",
    "Accepts Email Marketing",
    "Default Address Company",
    "Default Address Address1",
    "Default Address Address2",
    "Default Address City",
    "Default Address Province Code",
    "Default Address Country Code",
    "Default Address Zip",
    "Default Address Phone",
    "Phone",
    "Accepts SMS Marketing",
    "Total Spent",
    "Total Orders",
    "Note",
    "Tax Exempt",
    "Tags",
]
ROWS = [
    ["'7093289631927", "Anna", "Schmidt", "Anna.Schmidt@Example.de", "yes", "", "Chausseestraße 12",
     "", "Berlin", "BE", "DE", "'10115", "", "'+4930123456", "no", "120.50", "3", "", "no",
     "vip, newsletter"],
    ["'7093289631928", "Wei", "Zhang", "zhang.wei@example.cn", "no", "Acme GmbH", "Hafenstraße 7",
     "2. OG", "Hamburg", "HH", "DE", "'20457", "'+49407654321", "", "no", "0.00", "0", "call first",
     "yes", ""],
    ["'7093289631929", "Maria", "Rossi", "maria@example.it", "no", "", "Via Roma 1", "", "Roma",
     "RM", "IT", "00184", "", "'+390612345678", "yes", "15.00", "1", "", "no", "b2c"],
]  # fmt: skip


@pytest.fixture
def export(tmp_path: Path) -> Path:
    path = tmp_path / "customers_export.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([HEADER, *ROWS])
    return path


def staged_records(config: HubConfig) -> dict[str, dict[str, Any]]:
    engine = sa.create_engine(config.store_url())
    with engine.connect() as connection:
        rows = connection.execute(sa.select(source_record.c.source_id, source_record.c.record))
        found = {row.source_id: row.record for row in rows}
    engine.dispose()
    return found


def test_the_export_imports_with_clean_ids_phones_and_consent(export: Path, store_url: str) -> None:
    source = SourceConfig(name="shop_export", kind="shopify_csv", connection={"path": export.name})
    config = HubConfig(store=store_url, sources=(source,), base_dir=export.parent)
    result = sync(config)
    assert result.ok, result.problems
    assert result.ledger.total("staged") == 3
    records = staged_records(config)
    assert set(records) == {"7093289631927", "7093289631928", "7093289631929"}
    anna = records["7093289631927"]
    assert anna["email"] == "anna.schmidt@example.de"
    assert anna["postcode"] == "10115"
    assert anna["phone"] == "+4930123456"
    assert anna["consent"] == {"email": True, "sms": False}
    assert anna["tags"] == ["vip", "newsletter"]
    assert anna["total_spent"] == "120.50" and anna["orders_count"] == "3"  # attributes
    wei = records["7093289631928"]
    assert wei["company"] == "Acme GmbH" and wei["phone"] == "+49407654321"
    assert wei["tax_exempt"] is True and wei["note"] == "call first"
    assert sync(config).ledger.total("staged") == 0  # a second import adds nothing


def test_the_id_column_defaults_to_customer_id(export: Path) -> None:
    connector = build_csv_export("shop_export", {"path": str(export)}, export.parent)
    assert connector.settings.id_column == "Customer ID"
    connector.check()


def test_an_export_without_customer_ids_is_refused_by_check(tmp_path: Path) -> None:
    old = tmp_path / "old_export.csv"
    old.write_text("First Name,Last Name,Email\nAnna,Schmidt,anna@example.de\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="no column 'Customer ID'"):
        build_csv_export("shop_export", {"path": str(old)}, tmp_path).check()


def test_a_connection_that_is_not_a_mapping_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="expected a mapping with at least path"):
        build_csv_export("shop_export", "customers.csv", tmp_path)
