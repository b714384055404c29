"""Small helpers for pipeline tests: a CSV source, its config, a table's rows."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from core.settings import HubConfig, SourceConfig

COLUMNS = ["source_id", "full_name", "email", "phone", "postcode", "city", "birth_date"]


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows([{c: row.get(c, "") for c in COLUMNS} for row in rows])
    return path


def csv_config(store_url: str, path: Path, **source: Any) -> HubConfig:
    config = SourceConfig(name="crm", kind="spreadsheet", connection={"path": str(path)}, **source)
    return HubConfig(store=store_url, sources=(config,), base_dir=path.parent)


def table(config: HubConfig, name: sa.Table) -> list[Any]:
    engine = sa.create_engine(config.store_url())
    with engine.connect() as connection:
        rows = list(connection.execute(sa.select(name)))
    engine.dispose()
    return rows
