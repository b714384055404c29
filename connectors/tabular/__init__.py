"""What every file-of-rows source shares: one CSV or XLSX file read as a stream of rows.

The ``spreadsheet``/``csv``/``xlsx`` source kinds are this reader as it is;
other connectors build on it (``shopify_csv``: Shopify's customer export), the
way the HTTP connectors build on :mod:`connectors.http`.

``SpreadsheetConnector(name, settings_from_connection(source.connection, base_dir))``
for a configured source; :func:`open_csv_records` for a file given on its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from pydantic import ValidationError

from connectors.tabular.connector import SpreadsheetConnector
from connectors.tabular.settings import SpreadsheetSettings, settings_from_connection
from connectors.tabular.streams import SpreadsheetStream
from core.errors import ConfigError
from core.records import RawRecord
from core.validation_errors import problem_message

__all__ = [
    "SpreadsheetConnector",
    "SpreadsheetSettings",
    "open_csv_records",
    "settings_from_connection",
]


def open_csv_records(
    path: str | Path, source: str = "file", id_column: str = "source_id"
) -> Iterator[RawRecord]:
    """The records of one CSV or XLSX file (by its suffix), everything else detected.

    For reading a file without a config (``crmhub dedupe customers.csv``). The
    file's name and settings are checked now; the rows are read as you iterate.
    """
    try:
        settings = SpreadsheetSettings(path=str(path), id_column=id_column)
    except ValidationError as e:
        problems = "; ".join(problem_message(item) for item in e.errors(include_url=False))
        raise ConfigError(f"{path}: {problems}") from e
    return SpreadsheetStream(source, settings).read(None)
