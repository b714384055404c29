"""Checks of a run's inputs before anything is written: the files open, the mappings fit.

A spreadsheet that is missing, or a mapping that reads a column its file does
not have (``from: 电子邮箱`` where the file says ``邮箱``), would otherwise make
a run that fails late and noisily, or one that succeeds with every e-mail
empty. Both are configuration errors (exit 2), found here in one line naming
the source, the mapping, the column and the file's columns. Other connectors
are not contacted here: their ``check()`` is ``crmhub sources check``.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from connectors.base import TableConnector
from core.errors import ConfigError
from mappings.coverage import UnfedField, unfed_fields
from pipeline.sources import OpenSource

_COLUMNS_SHOWN = 30


def preflight(sources: Sequence[OpenSource]) -> None:
    """Raise ConfigError, naming the source, for the first whose file or mapping cannot work."""
    for source in sources:
        try:
            check_columns(source)
        except ConfigError as e:
            raise ConfigError(f"source {source.config.name}: {e}") from e


def check_columns(source: OpenSource) -> None:
    """For a table source: its file opens and its mapping file reads only columns it has."""
    connector = source.connector
    if not isinstance(connector, TableConnector):
        return
    columns = connector.columns()
    if source.mapping_file is None:
        return
    unfed = unfed_fields(source.mapping, columns)
    if unfed:
        raise ConfigError(_describe(source, connector.location, columns, unfed))


def _describe(
    source: OpenSource, location: str, columns: tuple[str, ...], unfed: list[UnfedField]
) -> str:
    mapping = source.config.mapping
    reads = "; ".join(field.describe() for field in unfed)
    shown = ", ".join(repr(c) for c in columns[:_COLUMNS_SHOWN])
    if len(columns) > _COLUMNS_SHOWN:
        shown += f", … ({len(columns)} in all)"
    hints = [
        f"{path!r} → {close[0]!r}"
        for field in unfed
        for path in field.paths
        if (close := difflib.get_close_matches(path, columns, n=1, cutoff=0.5))
    ]
    advice = f"; did you mean {', '.join(hints)}?" if hints else ""
    single = len(unfed) == 1 and len(unfed[0].paths) == 1
    missing = "no such column" if single else "none of these columns"
    return (
        f"mapping {mapping} reads {reads}, but {location} has "
        f"{missing} (its columns: {shown}){advice}"
    )
