"""Helpers for quality tests: CSV sources with any columns, configs with a quality block.

The customers themselves come from :mod:`sample_people`.
"""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from core.settings import HubConfig, QualitySettings, SourceConfig


def write_rows(path: Path, rows: list[dict[str, Any]], columns: list[str] | None = None) -> Path:
    """A CSV with ``columns`` (default: every key, in first-seen order)."""
    if columns is None:
        columns = list(dict.fromkeys(key for row in rows for key in row))
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=columns)
        writer.writeheader()
        writer.writerows([{c: row.get(c, "") for c in columns} for row in rows])
    return path


def hub(
    store_url: str,
    path: Path,
    *,
    name: str = "crm",
    mapping: str | None = None,
    connection: dict[str, Any] | None = None,
    **quality: Any,
) -> HubConfig:
    source = SourceConfig(
        name=name,
        kind="spreadsheet",
        mapping=mapping,
        connection={"path": str(path), **(connection or {})},
    )
    return HubConfig(
        store=store_url,
        sources=(source,),
        base_dir=path.parent,
        quality=QualitySettings(**quality),
    )


class Clock:
    """A clock that advances one minute per call, starting at ``start``."""

    def __init__(self, start: datetime = datetime(2026, 3, 1, 8, tzinfo=UTC)) -> None:
        self.now = start

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now
