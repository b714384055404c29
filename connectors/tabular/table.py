"""What the CSV and XLSX readers share: a table of named columns, and how its header is found.

A header is found the way a person finds it: blank rows and title rows (a single
filled cell such as a merged "Customer export 2024") are skipped, and the first
row with two or more filled cells, all of them text, names the columns. A row
that looks like data there (numbers, e-mail addresses, dates) means the file has
no header at all, which is reported rather than guessed around.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from core.customer import CANONICAL_COLUMNS
from core.errors import InputFileError

#: How far down a header is looked for when ``header_row`` is not set.
HEADER_SEARCH_ROWS = 20

Row = Sequence[Any]
NumberedRows = Iterator[tuple[int, Row]]

_DATA_LIKE = re.compile(r"^[+\-(]?\d[\d\s.,:/()+\-]*$|^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True, slots=True)
class UnreadCell:
    """A cell whose value the reader could not read faithfully; ``problem`` says where and why.

    The record still goes on: the field reads as empty and carries the problem.
    """

    problem: str


@dataclass(frozen=True)
class Table:
    """A header and the data rows under it.

    ``rows`` yields ``(line, values)``: the line (CSV) or sheet row (XLSX) where
    the row starts, and one value per column (``str``, or None for an empty
    XLSX cell, or an :class:`UnreadCell` where an XLSX cell could not be read).
    Blank rows are already left out.
    """

    columns: tuple[str, ...]
    header_line: int
    rows: Iterator[tuple[int, Sequence[str | UnreadCell | None]]]
    #: lines (CSV) or sheet rows (XLSX) below the header, when known without reading them:
    #: the most data rows there can be (blank rows and multi-line cells make fewer)
    rows_below: int | None = None


def open_bytes(path: str) -> BinaryIO:
    """``path`` opened for reading bytes; a missing or unreadable file is an InputFileError."""
    try:
        return Path(path).open("rb")
    except OSError as e:
        raise InputFileError(path, file_problem(e)) from e


def file_problem(error: OSError) -> str:
    """What a person should read when a file cannot be opened."""
    if isinstance(error, FileNotFoundError):
        return "file not found"
    if isinstance(error, IsADirectoryError):
        return "is a directory, not a file"
    if isinstance(error, PermissionError):
        return "cannot be read: permission denied"
    return f"cannot be read: {error.strerror or error}"


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def find_header(
    path: str, rows: NumberedRows, header_row: int | None, *, empty: str
) -> tuple[int, Row, list[tuple[int, Row]]]:
    """``(line, header cells, rows read past the header)``; ``rows`` goes on after those.

    ``empty`` is the problem to report when there are no rows at all. With
    ``header_row`` set, that row is the header, whatever it holds.
    """
    if header_row is not None:
        return _given_header(path, rows, header_row, empty)
    seen: list[tuple[int, Row]] = []
    for line, row in rows:
        filled = [value for value in row if not is_blank(value)]
        if not filled:
            continue
        seen.append((line, row))
        if len(filled) >= 2 and all(isinstance(value, str | UnreadCell) for value in filled):
            _refuse_data_row(path, line, [value for value in filled if isinstance(value, str)])
            return line, row, []
        if line >= HEADER_SEARCH_ROWS:
            break
    if not seen:
        raise InputFileError(path, empty)
    # No row qualified; a single-column file's header has one cell.
    line, first = seen[0]
    filled = [value for value in first if not is_blank(value)]
    if len(filled) == 1 and isinstance(filled[0], str) and not _DATA_LIKE.match(filled[0].strip()):
        return line, first, seen[1:]
    raise InputFileError(
        path,
        f"no header row: none of the first {HEADER_SEARCH_ROWS} rows names the columns "
        "(a header has text in every filled cell); add one, or set connection.header_row",
        line,
    )


def _given_header(
    path: str, rows: NumberedRows, header_row: int, empty: str
) -> tuple[int, Row, list[tuple[int, Row]]]:
    last = 0
    for line, row in rows:
        last = line
        if line < header_row:
            continue
        if line == header_row and not all(is_blank(value) for value in row):
            return line, row, []
        break
    if last == 0:
        raise InputFileError(path, empty)
    problem = f"ends at row {last}" if last < header_row else "is empty there"
    raise InputFileError(
        path, f"no header row: connection.header_row is {header_row} but the file {problem}"
    )


def _refuse_data_row(path: str, line: int, filled: list[str]) -> None:
    names = {value.strip() for value in filled}
    if names & set(CANONICAL_COLUMNS):
        return
    data = [value for value in filled if _DATA_LIKE.match(value.strip())]
    if data:
        raise InputFileError(
            path,
            f"no header row: this row looks like data ({data[0]!r}); "
            "add a header row naming the columns, or set connection.header_row",
            line,
        )


def column_names(path: str, line: int, cells: Row) -> tuple[str, ...]:
    """The header's cells as column names, stripped; blank or repeated names are an error."""
    names = ["" if cell is None else str(cell).strip().lstrip("\ufeff").strip() for cell in cells]
    blank = [str(i) for i, name in enumerate(names, start=1) if not name]
    if blank:
        raise InputFileError(
            path,
            f"the header has no name for column {', '.join(blank)}; "
            "name every column (or delete the empty ones)",
            line,
        )
    positions: dict[str, list[int]] = {}
    for i, name in enumerate(names, start=1):
        positions.setdefault(name, []).append(i)
    repeated = [
        f"{name!r} (columns {', '.join(map(str, where))})"
        for name, where in positions.items()
        if len(where) > 1
    ]
    if repeated:
        raise InputFileError(
            path, f"the header repeats column names: {'; '.join(repeated)}; rename them", line
        )
    return tuple(names)
