"""Properties of the CSV and XLSX readers: whatever the cells hold, they come back as written.

Hypothesis generates the cell text; the files are written by the stdlib CSV
writer and by openpyxl, then read back through the spreadsheet stream. The
only exceptions allowed are crm-hub's own errors.
"""

import contextlib
import csv
import io
from pathlib import Path
from tempfile import TemporaryDirectory

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from connectors.tabular.settings import SpreadsheetSettings
from connectors.tabular.streams import SpreadsheetStream
from core.errors import HubError, InputFileError

HEADER = ["source_id", "name", "note"]
CELLS = st.text(max_size=40)
ROWS = st.lists(st.tuples(CELLS, CELLS), min_size=1, max_size=15)
# What an XLSX cell can hold at all: XML forbids most control characters, and XML
# parsers turn a carriage return into a line feed (Excel writes it as _x000D_).
XLSX_CELLS = st.text(max_size=40).filter(lambda t: not ILLEGAL_CHARACTERS_RE.search(t))
XLSX_CELLS = XLSX_CELLS.map(lambda t: t.replace("\r", ""))
PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def read(path: Path, **options: object) -> list[dict[str, object]]:
    stream = SpreadsheetStream("s", SpreadsheetSettings(path=str(path), **options))
    return [record.payload for record in stream.read(None)]


def csv_bytes(rows: list[tuple[str, str]], quoting: int = csv.QUOTE_ALL) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, quoting=quoting)
    writer.writerow(HEADER)
    for i, (name, note) in enumerate(rows, start=1):
        writer.writerow([str(i), name, note])
    return out.getvalue().encode("utf-8")


def expected(rows: list[tuple[str, str]]) -> list[dict[str, object]]:
    return [{"source_id": str(i), "name": n, "note": t} for i, (n, t) in enumerate(rows, start=1)]


@PROPERTY
@given(ROWS)
def test_any_csv_cell_text_comes_back_unaltered(rows: list[tuple[str, str]]) -> None:
    with TemporaryDirectory() as folder:
        path = Path(folder) / "c.csv"
        path.write_bytes(csv_bytes(rows))
        try:
            payloads = read(path, delimiter=",")
        except InputFileError as e:
            # NUL is refused on purpose: a text file does not hold it.
            assert "NUL" in e.problem and any("\x00" in n + t for n, t in rows)
            return
        assert payloads == expected(rows)


@PROPERTY
@given(ROWS, st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC]))
def test_a_sniffed_csv_raises_nothing_but_our_own_errors(
    rows: list[tuple[str, str]], quoting: int
) -> None:
    with TemporaryDirectory() as folder:
        path = Path(folder) / "c.csv"
        path.write_bytes(csv_bytes(rows, quoting))
        with contextlib.suppress(HubError):
            read(path)


@PROPERTY
@given(st.binary(max_size=300))
def test_arbitrary_bytes_as_csv_raise_nothing_but_our_own_errors(data: bytes) -> None:
    with TemporaryDirectory() as folder:
        path = Path(folder) / "c.csv"
        path.write_bytes(b"source_id,name\n" + data)
        with contextlib.suppress(HubError):
            read(path, id_column="row")


@PROPERTY
@given(st.lists(st.tuples(XLSX_CELLS, XLSX_CELLS), min_size=1, max_size=10))
def test_any_xlsx_cell_text_comes_back_unaltered(rows: list[tuple[str, str]]) -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Customers")
    sheet.append(HEADER)
    for i, (name, note) in enumerate(rows, start=1):
        cells = []
        for value in (str(i), name, note):
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"  # text as typed, even "=1+1"
            cells.append(cell)
        sheet.append(cells)
    with TemporaryDirectory() as folder:
        path = Path(folder) / "c.xlsx"
        workbook.save(path)
        payloads = read(path)
    want = [{k: (v if v != "" else None) for k, v in row.items()} for row in expected(rows)]
    assert payloads == want
