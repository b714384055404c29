"""Stream the rows of one sheet of an XLSX workbook as text.

openpyxl's read-only mode parses the sheet as it goes, so memory stays flat;
it also keeps the file open, which is why the workbook is closed when the
``with`` block ends, however it ends. Values become the text a person would
type: ``13800138000.0`` becomes ``"13800138000"`` (Excel stores every number as
a float, so phone numbers and ids would otherwise grow a ``.0``), a date cell
``"2024-01-05"``, a date-time ``"2024-01-05T14:30:00"``, an empty cell None.
A formula reads as the value Excel last computed for it; a formula without one
(a file written by a program and never opened in Excel) reads as empty with a
field problem naming the sheet and cell (see :mod:`~connectors.tabular.xlsx_cells`).
Before openpyxl opens the file, its zip directory is checked against the limits
of :mod:`~connectors.tabular.xlsx_limits`; a damaged zip, truncated part
or malformed XML is reported as such, whenever it shows up.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from itertools import chain
from typing import Any
from xml.etree.ElementTree import ParseError
from zipfile import BadZipFile, LargeZipFile

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from connectors.tabular.settings import SpreadsheetSettings
from connectors.tabular.table import (
    NumberedRows,
    Table,
    UnreadCell,
    column_names,
    find_header,
    is_blank,
    open_bytes,
)
from connectors.tabular.xlsx_cells import sheet_rows
from connectors.tabular.xlsx_limits import ReadBudget, XlsxLimits, check_archive
from core.errors import InputFileError

#: What a damaged workbook raises from inside openpyxl and the zip reader.
_DAMAGED = (BadZipFile, LargeZipFile, zlib.error, EOFError, ParseError, KeyError, ValueError)


@contextmanager
def open_xlsx(settings: SpreadsheetSettings) -> Iterator[Table]:
    """The table of the chosen sheet; its rows stream until the block ends."""
    path = settings.path
    limits = xlsx_limits(settings)
    with open_bytes(path) as file:
        check_archive(path, file, limits)
        try:
            workbook = load_workbook(file, read_only=True, data_only=True)
        except (InvalidFileException, *_DAMAGED) as e:
            raise InputFileError(
                path,
                f"is not a readable xlsx workbook ({_reason(e)}); if it is a CSV file, "
                "set connection.format: csv",
            ) from e
        try:
            sheet = _select_sheet(path, workbook.worksheets, settings.sheet)
            budget = ReadBudget(path, sheet.title, limits)
            rows = _damage_reported(path, sheet.title, sheet_rows(sheet, budget))
            line, cells, leftover = find_header(
                path, rows, settings.header_row, empty=f"sheet {sheet.title!r} is empty"
            )
            cells = list(cells)
            while cells and is_blank(cells[-1]):
                cells.pop()
            for cell in cells:
                if isinstance(cell, UnreadCell):
                    raise InputFileError(path, f"the header has {cell.problem}", line)
            columns = column_names(path, line, [cell_text(cell) for cell in cells])
            rest = chain(leftover, rows)
            data = _data_rows(rest, path, sheet.title, len(columns))
            below = sheet.max_row - line if isinstance(sheet.max_row, int) else None
            yield Table(columns, line, data, below if below is not None and below >= 0 else None)
        finally:
            workbook.close()


def xlsx_limits(settings: SpreadsheetSettings) -> XlsxLimits:
    return XlsxLimits(
        uncompressed=settings.max_uncompressed_size,
        ratio=settings.max_compression_ratio,
        cells=settings.max_cells,
        seconds=settings.max_read_seconds,
    )


def _damage_reported(path: str, sheet: str, rows: NumberedRows) -> NumberedRows:
    line = 0
    try:
        for line, row in rows:
            yield line, row
    except _DAMAGED as e:
        raise InputFileError(
            path,
            f"sheet {sheet!r} is damaged after row {line} ({_reason(e)}); "
            "open and re-save the workbook, or export it as CSV",
        ) from e


def _reason(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text if len(text) <= 200 else text[:200] + "…"


def _select_sheet(path: str, sheets: list[Any], wanted: str | int | None) -> Any:
    names = [sheet.title for sheet in sheets]
    listing = ", ".join(repr(name) for name in names) or "none"
    if not sheets:
        raise InputFileError(path, "the workbook has no worksheets")
    if wanted is None:
        return sheets[0]
    if isinstance(wanted, int):
        if wanted < len(sheets):
            return sheets[wanted]
        hint = ""
        if str(wanted) in names:
            hint = f"; for the sheet named '{wanted}' write sheet: '{wanted}'"
        raise InputFileError(
            path, f"has no sheet number {wanted} (0-based; its sheets: {listing}){hint}"
        )
    for sheet in sheets:
        if sheet.title == wanted:
            return sheet
    raise InputFileError(path, f"has no sheet named {wanted!r} (its sheets: {listing})")


def cell_text(value: Any) -> str | None:
    """A cell value as text: integral numbers without ``.0``, dates in ISO 8601, empty as None."""
    if value is None or type(value) is str:
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, datetime):
        midnight = value.time() == time(0) and value.tzinfo is None
        return value.date().isoformat() if midnight else value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


def _data_rows(
    rows: NumberedRows, path: str, sheet: str, width: int
) -> Iterator[tuple[int, list[str | UnreadCell | None]]]:
    for line, row in rows:
        values: list[str | UnreadCell | None] = [
            value if type(value) is UnreadCell else cell_text(value) for value in row[:width]
        ]
        if len(row) > width:
            for column, value in enumerate(row[width:], start=width + 1):
                if not is_blank(value):
                    raise InputFileError(
                        path,
                        f"sheet {sheet!r}, column {get_column_letter(column)} holds "
                        f"{cell_text(value)!r} but has no name in the header; name the column",
                        line,
                    )
        if all(value is None or value == "" for value in values):
            continue
        if len(values) < width:
            values.extend([None] * (width - len(values)))
        yield line, values
