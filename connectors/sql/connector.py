"""A generic SQL source: one table or read-only query of any database SQLAlchemy reaches."""

from __future__ import annotations

from collections.abc import Sequence

from connectors.sql.client import SqlDatabase
from connectors.sql.settings import SqlSettings
from connectors.sql.streams import SqlStream


class SqlConnector:
    """Reads the rows ``settings`` name; ``source_name`` labels its records."""

    def __init__(self, source_name: str, settings: SqlSettings, database: SqlDatabase) -> None:
        self.name = source_name
        self.settings = settings
        self.database = database
        self._stream = SqlStream(source_name, settings, database)

    def check(self) -> None:
        """Connect and read one row, read-only.

        Unreachable → SourceUnavailable naming the server; wrong user or password →
        SourceRejected; no such database, table or column, or a query that writes →
        ConfigError; no right to read → SourceRejected.
        """
        try:
            self._stream.first_row()
        finally:
            self.database.close()

    def streams(self) -> Sequence[SqlStream]:
        return (self._stream,)
