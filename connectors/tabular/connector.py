"""A spreadsheet source: one CSV or XLSX file, one stream of rows."""

from __future__ import annotations

from collections.abc import Sequence

from connectors.tabular.settings import SpreadsheetSettings
from connectors.tabular.streams import SpreadsheetStream, key_columns, open_table


class SpreadsheetConnector:
    """Reads the file named by ``settings``; ``source_name`` labels its records."""

    def __init__(self, source_name: str, settings: SpreadsheetSettings) -> None:
        self.name = source_name
        self.settings = settings
        self._stream = SpreadsheetStream(source_name, settings)
        self.location = settings.path

    def check(self) -> None:
        """Open the file and read its header: raises InputFileError naming file and problem.

        Covers a missing or unreadable file, an encoding that does not fit the
        start of the file, a missing or malformed header, an unknown sheet and a
        missing id or updated-at column. Rows are not read.
        """
        self.columns()

    def columns(self) -> tuple[str, ...]:
        """The header's column names (after the checks of :meth:`check`)."""
        with open_table(self.settings) as table:
            key_columns(self.settings, table)
            return table.columns

    def streams(self) -> Sequence[SpreadsheetStream]:
        return (self._stream,)
