"""The one stream of a spreadsheet source: its rows, read in full on every run.

A file has no change time per row, so the stream is a full refresh
(``cursor_field = None``) that the pipeline diffs against what it staged. Its
state only serves to resume an interrupted read of the same file::

    {"fingerprint": "52:1717171717000000000:9f…", "row": 1200, "complete": False}

``row`` counts data records from 1. A read given that state skips records 1 to
1199 and yields 1200 again (resumption is inclusive; the pipeline's upsert drops
the replayed record). A different fingerprint (the file was replaced, or is read
from another sheet) or ``complete: True`` reads from the first record.
"""

from __future__ import annotations

import difflib
import logging
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any

from connectors.base import StreamState
from connectors.tabular.csv_reader import open_csv
from connectors.tabular.fingerprint import file_fingerprint
from connectors.tabular.settings import ROW_NUMBER_ID, SpreadsheetSettings
from connectors.tabular.table import Table, UnreadCell
from connectors.tabular.xlsx_reader import open_xlsx
from core.errors import InputFileError, Problem
from core.records import RawRecord

log = logging.getLogger(__name__)

STREAM_NAME = "rows"
#: The ``check`` of the field problems a reader finds (see RawRecord.problems).
READER_CHECK = "reader"


def open_table(settings: SpreadsheetSettings) -> AbstractContextManager[Table]:
    """The file's table, as a context manager that closes the file when done."""
    return open_xlsx(settings) if settings.file_format == "xlsx" else open_csv(settings)


def key_columns(settings: SpreadsheetSettings, table: Table) -> tuple[int | None, int | None]:
    """Positions of the id column (None: the row number is the id) and the updated-at column."""
    columns = table.columns
    if settings.id_column in columns:
        id_index: int | None = columns.index(settings.id_column)
    elif settings.id_column == ROW_NUMBER_ID:
        id_index = None
    else:
        raise InputFileError(
            settings.path,
            _missing_column(settings.id_column, columns)
            + "; set connection.id_column to the column that identifies each record, "
            'or to "row" to use row numbers (only safe if the file is never re-sorted)',
            table.header_line,
        )
    updated_index = None
    if settings.updated_at_column is not None:
        if settings.updated_at_column not in columns:
            raise InputFileError(
                settings.path,
                _missing_column(settings.updated_at_column, columns)
                + "; fix or remove connection.updated_at_column",
                table.header_line,
            )
        updated_index = columns.index(settings.updated_at_column)
    return id_index, updated_index


def _missing_column(name: str, columns: tuple[str, ...]) -> str:
    shown = ", ".join(repr(c) for c in columns[:30]) + (", …" if len(columns) > 30 else "")
    problem = f"no column {name!r} in the header (its columns: {shown})"
    close = difflib.get_close_matches(name, columns, n=1, cutoff=0.6)
    folded = [c for c in columns if c.casefold().replace(" ", "_") == name.casefold()]
    if folded or close:
        problem += f"; did you mean {(folded or close)[0]!r}?"
    return problem


class SpreadsheetStream:
    """Every data row of one file (one sheet), in file order, as a :class:`RawRecord`.

    ``payload`` maps every column to its text as read (blank CSV fields stay
    ``""``, empty XLSX cells are None); ``source_id`` is the id column's value,
    stripped, None if blank; ``line`` is the line (CSV) or sheet row (XLSX).
    """

    name = STREAM_NAME
    cursor_field: str | None = None

    def __init__(self, source: str, settings: SpreadsheetSettings) -> None:
        self.source = source
        self.settings = settings
        self.primary_key: tuple[str, ...] = (settings.id_column,)
        self._read_to_end: tuple[str, int] | None = None
        #: once a read has started: the most records it will yield (for progress bars)
        self.expected_records: int | None = None

    def fingerprint(self) -> str:
        s = self.settings
        return file_fingerprint(s.path, s.file_format, s.sheet, s.header_row)

    def read(self, state: StreamState | None) -> Iterator[RawRecord]:
        fingerprint = self.fingerprint()
        first = self._first_row(state, fingerprint)
        source, settings = self.source, self.settings
        with open_table(settings) as table:
            id_index, updated_index = key_columns(settings, table)
            columns = table.columns
            below = table.rows_below
            self.expected_records = None if below is None else max(below - (first - 1), 0)
            index = 0
            for line, cells in table.rows:
                index += 1
                if index < first:
                    continue
                values, problems = _readable(columns, cells)
                raw_id = str(line) if id_index is None else values[id_index]
                updated = values[updated_index] if updated_index is not None else None
                yield RawRecord(
                    source=source,
                    stream=STREAM_NAME,
                    source_id=(raw_id.strip() or None) if raw_id is not None else None,
                    updated_at=_timestamp(settings, updated, line) if updated else None,
                    payload=dict(zip(columns, values, strict=True)),
                    position={"fingerprint": fingerprint, "row": index, "complete": False},
                    line=line,
                    problems=problems,
                )
        self._read_to_end = (fingerprint, index)

    def completed_state(self, state: StreamState | None) -> StreamState:
        fingerprint = self.fingerprint()
        if self._read_to_end is not None and self._read_to_end[0] == fingerprint:
            total = self._read_to_end[1]
        else:
            total = self.count_rows()
        return {"fingerprint": fingerprint, "row": total, "complete": True}

    def count_rows(self) -> int:
        """How many data records the file holds (reads it through)."""
        with open_table(self.settings) as table:
            return sum(1 for _ in table.rows)

    def _first_row(self, state: StreamState | None, fingerprint: str) -> int:
        if not state:
            return 1
        path = self.settings.path
        if state.get("fingerprint") != fingerprint:
            log.info("%s: not the file of the saved state; reading from the first row", path)
            return 1
        row: Any = state.get("row")
        if state.get("complete") or not isinstance(row, int) or row < 1:
            return 1
        log.info("%s: resuming an interrupted read at data row %d", path, row)
        return row


def _readable(
    columns: tuple[str, ...], cells: Sequence[str | UnreadCell | None]
) -> tuple[list[str | None], tuple[Problem, ...]]:
    """The row's values, its unread cells empty (None), and the problems of those cells."""
    problems = tuple(
        Problem(columns[i], cell.problem, READER_CHECK)
        for i, cell in enumerate(cells)
        if isinstance(cell, UnreadCell)
    )
    return [None if isinstance(cell, UnreadCell) else cell for cell in cells], problems


def _timestamp(settings: SpreadsheetSettings, value: str, line: int) -> datetime | None:
    text = value.strip()
    if not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise InputFileError(
            settings.path,
            f"column {settings.updated_at_column!r}: {value!r} is not a date-time; "
            "write it in ISO 8601 (e.g. 2024-01-05 14:30:00) or remove "
            "connection.updated_at_column",
            line,
        ) from None
