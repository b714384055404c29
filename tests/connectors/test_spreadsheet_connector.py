"""The spreadsheet connector and the one-file helper used by ``crmhub dedupe``."""

import os
from pathlib import Path

import pytest
from openpyxl import Workbook

from connectors.tabular import (
    SpreadsheetConnector,
    SpreadsheetSettings,
    open_csv_records,
    settings_from_connection,
)
from core.customer import CANONICAL_COLUMNS
from core.errors import ConfigError, InputFileError


def canonical_csv(path: Path) -> Path:
    row = {column: "" for column in CANONICAL_COLUMNS}
    rows = [
        {**row, "source_id": "1", "full_name": "张伟", "phone": "13800138000"},
        {**row, "source_id": "2", "full_name": "Anna Schmidt", "email": "anna@example.com"},
    ]
    lines = [",".join(CANONICAL_COLUMNS)] + [",".join(r.values()) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_check_passes_for_a_readable_file_with_its_id_column(tmp_path: Path) -> None:
    canonical_csv(tmp_path / "customers.csv")
    settings = settings_from_connection({"path": "customers.csv"}, tmp_path)
    SpreadsheetConnector("legacy", settings).check()


def test_check_reports_a_missing_file(tmp_path: Path) -> None:
    connector = SpreadsheetConnector("legacy", SpreadsheetSettings(path=str(tmp_path / "no.csv")))
    with pytest.raises(ConfigError, match=r"no\.csv: file not found"):
        connector.check()


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_check_reports_an_unreadable_file(tmp_path: Path) -> None:
    path = canonical_csv(tmp_path / "customers.csv")
    path.chmod(0)
    connector = SpreadsheetConnector("legacy", SpreadsheetSettings(path=str(path)))
    with pytest.raises(InputFileError, match="permission denied"):
        connector.check()


def test_check_reports_a_directory_given_as_the_file(tmp_path: Path) -> None:
    (tmp_path / "export.csv").mkdir()
    connector = SpreadsheetConnector(
        "legacy", SpreadsheetSettings(path=str(tmp_path / "export.csv"))
    )
    with pytest.raises(InputFileError, match="is a directory, not a file"):
        connector.check()


def test_check_reports_a_missing_id_column(tmp_path: Path) -> None:
    path = canonical_csv(tmp_path / "customers.csv")
    connector = SpreadsheetConnector(
        "legacy", SpreadsheetSettings(path=str(path), id_column="kdnr")
    )
    with pytest.raises(InputFileError, match="no column 'kdnr' in the header"):
        connector.check()


def test_check_reports_a_header_that_does_not_parse(tmp_path: Path) -> None:
    path = tmp_path / "customers.csv"
    path.write_text("source_id,email,email\n1,a,b\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="repeats column names"):
        SpreadsheetConnector("legacy", SpreadsheetSettings(path=str(path))).check()


def test_check_reports_a_declared_encoding_that_does_not_fit(tmp_path: Path) -> None:
    path = tmp_path / "customers.csv"
    path.write_bytes("source_id,full_name\n1,张伟\n".encode("gbk"))
    connector = SpreadsheetConnector(
        "legacy", SpreadsheetSettings(path=str(path), encoding="utf-8")
    )
    with pytest.raises(InputFileError, match=r"line 2: not valid utf-8"):
        connector.check()


def test_connector_has_one_rows_stream_named_after_the_source(tmp_path: Path) -> None:
    path = canonical_csv(tmp_path / "customers.csv")
    connector = SpreadsheetConnector("legacy", SpreadsheetSettings(path=str(path)))
    assert connector.name == "legacy"
    (stream,) = connector.streams()
    assert (stream.name, stream.primary_key, stream.cursor_field) == ("rows", ("source_id",), None)
    assert [r.source for r in stream.read(None)] == ["legacy", "legacy"]


def test_open_csv_records_reads_a_canonical_csv_without_config(tmp_path: Path) -> None:
    records = list(open_csv_records(canonical_csv(tmp_path / "customers.csv")))
    assert [(r.source, r.source_id) for r in records] == [("file", "1"), ("file", "2")]
    assert tuple(records[0].payload) == CANONICAL_COLUMNS
    assert records[0].payload["full_name"] == "张伟"


def test_open_csv_records_reads_an_xlsx_file_by_its_suffix(tmp_path: Path) -> None:
    workbook = Workbook()
    workbook.active.append(["kdnr", "full_name"])
    workbook.active.append([17.0, "Anna"])
    path = tmp_path / "customers.xlsx"
    workbook.save(path)
    records = list(open_csv_records(path, source="import", id_column="kdnr"))
    assert [(r.source, r.source_id, r.payload["full_name"]) for r in records] == [
        ("import", "17", "Anna")
    ]


def test_open_csv_records_refuses_an_unknown_suffix_at_once(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"customers\.dat: cannot tell the format"):
        open_csv_records(tmp_path / "customers.dat")
