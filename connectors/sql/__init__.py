"""Generic SQL sources: the rows of a table or of a read-only query, over SQLAlchemy.

``build(name, connection, base_dir)`` is the factory ``pipeline.sources`` calls
for ``kind: sql``. There is no default mapping: a table's columns are the
user's own, so the source names one. The connection block is described in
:mod:`connectors.sql.settings`, the stream, its cursor and state in
:mod:`connectors.sql.streams`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from connectors.sql.client import SqlDatabase
from connectors.sql.connector import SqlConnector
from connectors.sql.settings import SqlSettings, settings_from_connection
from connectors.sql.streams import SqlStream

__all__ = ["SqlConnector", "SqlSettings", "SqlStream", "build"]


def build(name: str, connection: Mapping[str, Any], base_dir: Path) -> SqlConnector:
    """The connector for one configured source; secrets are read from their variables now.

    Nothing is connected yet. A relative SQLite path starts at ``base_dir``.
    """
    settings = settings_from_connection(dict(connection))
    url = settings.resolved_url(base_dir)
    what = (
        f"table {settings.schema_ + '.' if settings.schema_ else ''}{settings.table}"
        if settings.table
        else "the query"
    )
    return SqlConnector(name, settings, SqlDatabase(url, settings.connect_timeout, what))
