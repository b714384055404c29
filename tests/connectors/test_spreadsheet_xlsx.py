"""XLSX workbooks: header detection below title rows, cell values as text, sheets."""

from datetime import date, datetime, time
from pathlib import Path

import pytest
from openpyxl import Workbook

from connectors.tabular.settings import SpreadsheetSettings
from connectors.tabular.streams import SpreadsheetStream
from connectors.tabular.xlsx_reader import cell_text
from core.errors import InputFileError
from core.records import RawRecord

HEADER = ["source_id", "full_name", "phone", "birth_date", "updated", "note"]


def customers_workbook(path: Path) -> Path:
    """A typical export: a merged title, a blank row, the header, rows, and a second sheet."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Customers"
    sheet.append(["Customer export 2024"])
    sheet.merge_cells("A1:F1")
    sheet.append([])
    sheet.append(HEADER)
    sheet.append([1001.0, "张伟", 13800138000.0, date(1985, 3, 1), datetime(2024, 1, 5, 14, 30)])
    sheet.append([])
    sheet.append([1002, "Anna Schmidt", None, datetime(1990, 12, 24), None, 2.5])
    archive = workbook.create_sheet("Archive")
    archive.append(["source_id", "full_name"])
    archive.append(["A-1", "Old Customer"])
    workbook.save(path)
    return path


def read(path: Path, **settings: object) -> list[RawRecord]:
    stream = SpreadsheetStream("crm", SpreadsheetSettings(path=str(path), **settings))
    return list(stream.read(None))


def read_error(path: Path, **settings: object) -> InputFileError:
    with pytest.raises(InputFileError) as caught:
        read(path, **settings)
    return caught.value


def test_header_is_found_below_a_merged_title_row(tmp_path: Path) -> None:
    records = read(customers_workbook(tmp_path / "c.xlsx"))
    assert list(records[0].payload) == HEADER
    assert [r.line for r in records] == [4, 6]


def test_cells_become_the_text_a_person_would_type(tmp_path: Path) -> None:
    first, second = read(customers_workbook(tmp_path / "c.xlsx"))
    assert first.payload == {
        "source_id": "1001",
        "full_name": "张伟",
        "phone": "13800138000",
        "birth_date": "1985-03-01",
        "updated": "2024-01-05T14:30:00",
        "note": None,
    }
    assert second.payload["source_id"] == "1002"
    assert second.payload["birth_date"] == "1990-12-24"
    assert second.payload["phone"] is None
    assert second.payload["note"] == "2.5"


def test_integral_float_ids_are_source_ids_without_a_decimal_point(tmp_path: Path) -> None:
    assert [r.source_id for r in read(customers_workbook(tmp_path / "c.xlsx"))] == ["1001", "1002"]


def test_updated_at_column_is_parsed_from_date_cells(tmp_path: Path) -> None:
    records = read(customers_workbook(tmp_path / "c.xlsx"), updated_at_column="updated")
    assert records[0].updated_at == datetime(2024, 1, 5, 14, 30)
    assert records[1].updated_at is None


def test_sheet_is_selected_by_name(tmp_path: Path) -> None:
    records = read(customers_workbook(tmp_path / "c.xlsx"), sheet="Archive")
    assert [(r.source_id, r.payload["full_name"], r.line) for r in records] == [
        ("A-1", "Old Customer", 2)
    ]


def test_sheet_is_selected_by_zero_based_index(tmp_path: Path) -> None:
    path = customers_workbook(tmp_path / "c.xlsx")
    assert [r.source_id for r in read(path, sheet=1)] == ["A-1"]
    assert [r.source_id for r in read(path, sheet=0)] == ["1001", "1002"]


def test_unknown_sheet_error_lists_the_sheets(tmp_path: Path) -> None:
    path = customers_workbook(tmp_path / "c.xlsx")
    error = read_error(path, sheet="Kunden")
    assert (
        error.message == f"{path}: has no sheet named 'Kunden' (its sheets: 'Customers', 'Archive')"
    )


def test_sheet_index_out_of_range_lists_the_sheets(tmp_path: Path) -> None:
    error = read_error(customers_workbook(tmp_path / "c.xlsx"), sheet=2)
    assert "has no sheet number 2 (0-based; its sheets: 'Customers', 'Archive')" in error.message


def test_header_row_can_be_given(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["exported", datetime(2024, 1, 5)])
    sheet.append(["by", "admin"])
    sheet.append(["source_id", "full_name"])
    sheet.append(["1", "Anna"])
    path = tmp_path / "c.xlsx"
    workbook.save(path)
    assert read(path, header_row=3)[0].payload == {"source_id": "1", "full_name": "Anna"}


def test_metadata_rows_with_dates_or_numbers_above_the_header_are_skipped(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Exported on", datetime(2024, 1, 5)])
    sheet.append(["Rows", 2])
    sheet.append(["source_id", "full_name"])
    sheet.append(["1", "Anna"])
    path = tmp_path / "c.xlsx"
    workbook.save(path)
    records = read(path)
    assert [(r.line, r.payload) for r in records] == [(4, {"source_id": "1", "full_name": "Anna"})]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, None),
        ("  kept as is ", "  kept as is "),
        (True, "true"),
        (42, "42"),
        (13800138000.0, "13800138000"),
        (-0.0, "0"),
        (2.5, "2.5"),
        (date(2024, 2, 29), "2024-02-29"),
        (datetime(2024, 2, 29), "2024-02-29"),
        (datetime(2024, 2, 29, 8, 5, 1), "2024-02-29T08:05:01"),
        (time(8, 30), "08:30:00"),
    ],
)
def test_cell_values_become_text(value: object, text: str | None) -> None:
    assert cell_text(value) == text


def test_value_in_a_column_without_header_is_reported(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["source_id", "full_name"])
    sheet.append(["1", "Anna", None, "stray"])
    path = tmp_path / "c.xlsx"
    workbook.save(path)
    error = read_error(path)
    assert error.line == 2
    assert "column D holds 'stray' but has no name in the header" in error.message


def test_sheet_without_a_header_is_reported(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    for i in range(3):
        sheet.append([1000 + i, f"name {i}", f"n{i}@example.com"])
    path = tmp_path / "c.xlsx"
    workbook.save(path)
    error = read_error(path)
    assert error.problem.startswith("no header row")


def test_empty_sheet_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "c.xlsx"
    Workbook().save(path)
    assert read_error(path).message == f"{path}: sheet 'Sheet' is empty"


def test_file_that_is_not_a_workbook_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "c.xlsx"
    path.write_text("source_id,full_name\n1,Anna\n")
    error = read_error(path)
    assert "is not a readable xlsx workbook" in error.message
    assert "set connection.format: csv" in error.message


def test_workbook_is_closed_after_a_partial_read(tmp_path: Path) -> None:
    path = customers_workbook(tmp_path / "c.xlsx")
    stream = SpreadsheetStream("crm", SpreadsheetSettings(path=str(path)))
    records = stream.read(None)
    next(records)
    assert str(path) in open_files()
    records.close()
    assert str(path) not in open_files()


def test_workbook_is_closed_after_an_error(tmp_path: Path) -> None:
    path = customers_workbook(tmp_path / "c.xlsx")
    read_error(path, id_column="customer_no")
    assert str(path) not in open_files()


def open_files() -> set[str]:
    fds = Path("/proc/self/fd")
    if not fds.exists():
        pytest.skip("needs /proc to list open files")
    names = set()
    for fd in fds.iterdir():
        try:
            names.add(str(fd.readlink()))
        except OSError:
            continue
    return names
