"""Stream the rows of a CSV file, whatever its encoding and delimiter.

Only the first :data:`~connectors.spreadsheet.encoding.SAMPLE_SIZE` bytes are
read up front (to detect the encoding and sniff the delimiter); the rest is
streamed by the stdlib ``csv`` module, so quoted fields may hold delimiters,
quotes and line breaks. Line numbers in errors are the physical lines where a
record starts, as a text editor shows them.
"""

from __future__ import annotations

import codecs
import csv
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import chain
from pathlib import Path
from typing import Any, TextIO

from connectors.spreadsheet.encoding import (
    SAMPLE_SIZE,
    decode_error,
    file_chunks,
    resolve_encoding,
)
from connectors.spreadsheet.settings import SpreadsheetSettings
from connectors.spreadsheet.table import (
    NumberedRows,
    Row,
    Table,
    column_names,
    file_problem,
    find_header,
    open_bytes,
)
from core.errors import InputFileError

DELIMITERS = ",;\t|"
_SNIFF_LINES = 200

_MAGIC = (
    (b"PK\x03\x04", "is an XLSX (zip) file, not CSV; set connection.format: xlsx"),
    (b"\xd0\xcf\x11\xe0", "is an old Excel .xls file, not CSV; re-save it as .xlsx or CSV"),
)


@contextmanager
def open_csv(settings: SpreadsheetSettings) -> Iterator[Table]:
    """The file's table; its rows stream from the open file until the block ends."""
    path = settings.path
    sample = read_start(path)
    for magic, problem in _MAGIC:
        if sample.startswith(magic):
            raise InputFileError(path, problem)
    encoding, detected = resolve_encoding(path, sample, settings.encoding)
    text = _decode_sample(path, sample, encoding, detected)
    delimiter = settings.delimiter or sniff_delimiter(text)
    with open_file(path, encoding) as stream:
        reader = csv.reader(stream, delimiter=delimiter, strict=True)
        records = _CsvRecords(reader, path, encoding, detected)
        numbered = iter(records)
        line, cells, leftover = find_header(
            path, numbered, settings.header_row, empty="the file is empty (no header, no rows)"
        )
        columns = column_names(path, line, cells)
        records.expect(line, len(columns))
        rows = chain(records.check(leftover), numbered) if leftover else numbered
        yield Table(columns, line, rows)


def read_start(path: str) -> bytes:
    """The first bytes of ``path``; a missing or unreadable file is an InputFileError."""
    with open_bytes(path) as f:
        return f.read(SAMPLE_SIZE)


def open_file(path: str, encoding: str) -> TextIO:
    try:
        return Path(path).open(encoding=encoding, newline="")
    except OSError as e:
        raise InputFileError(path, file_problem(e)) from e


def sniff_delimiter(text: str) -> str:
    """The delimiter of a CSV sample: one of ``,;\\t|``, or a comma when there is no telling.

    The winner splits the most rows into the same number (above one) of
    fields: a title line or a decimal comma then cannot mislead it, as they do
    ``csv.Sniffer``, which only breaks ties.

    >>> sniff_delimiter("Export, 2024\\nid;name;balance\\n1;Anna;12,50\\n")
    ';'
    """
    lines = text.splitlines(keepends=True)[:_SNIFF_LINES]
    if len(lines) > 1 and not lines[-1].endswith(("\n", "\r")):
        lines.pop()  # cut short by the end of the sample
    scores = {}
    for delimiter in DELIMITERS:
        counts = Counter(len(row) for row in csv.reader(lines, delimiter=delimiter) if any(row))
        agreeing = [(rows, fields) for fields, rows in counts.items() if fields > 1]
        if agreeing:
            scores[delimiter] = max(agreeing)
    if not scores:
        return ","
    best = max(scores.values())
    tied = [d for d, score in scores.items() if score == best]
    if len(tied) > 1:
        try:
            sniffed = csv.Sniffer().sniff("".join(lines), delimiters="".join(tied)).delimiter
        except csv.Error:
            sniffed = tied[0]
        return sniffed if sniffed in tied else tied[0]
    return tied[0]


def _decode_sample(path: str, sample: bytes, encoding: str, detected: bool) -> str:
    complete = len(sample) < SAMPLE_SIZE
    try:
        return codecs.getincrementaldecoder(encoding)().decode(sample, final=complete)
    except UnicodeDecodeError as e:
        raise decode_error(path, encoding, detected, [sample]) from e


class _CsvRecords:
    """``(line where the record starts, fields)`` for each record of a CSV reader.

    Until :meth:`expect` is called every record comes out, blank lines too (the
    header is being looked for); after it, only data rows of the header's width.
    One generator does both so that a row costs one step, not one per layer.
    """

    def __init__(self, reader: Any, path: str, encoding: str, detected: bool) -> None:
        self._reader = reader
        self._path = path
        self._encoding = encoding
        self._detected = detected
        self._width: int | None = None
        self._header_line = 0

    def expect(self, header_line: int, width: int) -> None:
        self._header_line = header_line
        self._width = width

    def check(self, rows: list[tuple[int, Row]]) -> NumberedRows:
        """Rows read before :meth:`expect`, checked as data rows."""
        for line, row in rows:
            if len(row) != self._width and any(row):
                raise InputFileError(self._path, self._ragged(row), line)
            if any(row):
                yield line, row

    def __iter__(self) -> NumberedRows:
        reader = self._reader
        last = 0
        try:
            for row in reader:
                line = last + 1
                last = reader.line_num
                width = self._width
                if width is None:
                    yield line, row
                elif len(row) == width:
                    if any(row):  # rows of empty fields carry nothing
                        yield line, row
                elif any(row):
                    raise InputFileError(self._path, self._ragged(row), line)
        except UnicodeDecodeError as e:  # past the sample: find the line in a second pass
            chunks = file_chunks(self._path)
            raise decode_error(self._path, self._encoding, self._detected, chunks) from e
        except csv.Error as e:
            raise InputFileError(self._path, _csv_problem(e), last + 1) from e

    def _ragged(self, row: Row) -> str:
        return (
            f"{len(row)} fields, but the header (line {self._header_line}) has {self._width} "
            "columns; quote fields that contain the delimiter"
        )


def _csv_problem(error: csv.Error) -> str:
    message = str(error)
    if "unexpected end of data" in message:
        return (
            f"not valid CSV ({message}): a quote opened in this record is never closed; "
            'double quotes inside a quoted field ("")'
        )
    if "field larger than" in message:
        return (
            f"not valid CSV ({message}): a field this long is usually a quote opened in "
            "this record and never closed"
        )
    if "expected after" in message:
        return (
            f"not valid CSV ({message}): text follows a closing quote; quote the whole "
            'field and double the quotes inside it ("")'
        )
    return f"not valid CSV: {message}"
