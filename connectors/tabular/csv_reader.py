"""Stream the rows of a CSV file, whatever its encoding and delimiter.

Opening the file scans it once, in chunks, to check that every line decodes in
the encoding it will be read with (see
:mod:`~connectors.tabular.encoding_choice`) and that no line is absurdly
long; the delimiter is sniffed from the first
:data:`~connectors.tabular.encoding.SAMPLE_SIZE` bytes. The rows are then
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

from connectors.tabular.encoding import SAMPLE_SIZE, decode_error, file_chunks
from connectors.tabular.encoding_choice import choose_encoding
from connectors.tabular.settings import SpreadsheetSettings
from connectors.tabular.table import (
    NumberedRows,
    Row,
    Table,
    column_names,
    file_problem,
    find_header,
    open_bytes,
)
from connectors.tabular.text_scan import TextScan, human_size
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
    encoding, detected, scan = choose_encoding(
        path,
        sample,
        settings.encoding,
        line_limit=settings.max_line_size,
        field_limit=settings.max_field_size,
    )
    text = _decode_sample(path, sample, encoding, detected)
    delimiter = settings.delimiter or sniff_delimiter(text)
    csv.field_size_limit(settings.max_field_size)  # process-wide; every CSV read sets its own
    with open_file(path, encoding) as stream:
        reader = csv.reader(stream, delimiter=delimiter, strict=True)
        records = _CsvRecords(reader, path, encoding, detected)
        records.limits(settings.max_field_size, scan)
        numbered = iter(records)
        line, cells, leftover = find_header(
            path, numbered, settings.header_row, empty="the file is empty (no header, no rows)"
        )
        columns = column_names(path, line, cells)
        records.expect(line, len(columns))
        rows = chain(records.check(leftover), numbered) if leftover else numbered
        below = scan.lines - line if scan is not None and scan.lines >= line else None
        yield Table(columns, line, rows, below)


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
        try:
            counts = Counter(len(row) for row in csv.reader(lines, delimiter=delimiter) if any(row))
        except csv.Error:  # a field past the size limit: the read reports it with its line
            continue
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
        self._field_limit = 0
        self._long_lines: dict[int, int] = {}

    def limits(self, field_limit: int, scan: TextScan | None) -> None:
        """The field size limit in force, and the over-long lines the scan found."""
        self._field_limit = field_limit
        self._long_lines = scan.long_lines if scan is not None else {}

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
            start, end = last + 1, reader.line_num
            if "field larger than" in str(e):
                raise InputFileError(self._path, self._oversized(start, end), start) from e
            raise InputFileError(self._path, _csv_problem(e), start) from e

    def _oversized(self, start: int, end: int) -> str:
        limit = f"{self._field_limit:,} characters (connection.max_field_size)"
        long = [(line, size) for line, size in self._long_lines.items() if start <= line <= end]
        if long:
            line, size = long[0]
            where = "this line" if line == start else f"line {line} of this record"
            return (
                f"{where} is {human_size(size)} long and holds a field over {limit}; "
                "a customer field is never that long: fix the export, or raise the limit"
            )
        return (
            f"a quoted field in this record runs on past {limit}, over lines {start}-{end}: "
            'a quote opened here is probably never closed; double quotes inside a quoted field ("")'
        )

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
    if "expected after" in message:
        return (
            f"not valid CSV ({message}): text follows a closing quote; quote the whole "
            'field and double the quotes inside it ("")'
        )
    return f"not valid CSV: {message}"
