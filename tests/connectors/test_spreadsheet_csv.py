"""CSV files: delimiters, quoting, headers, and errors that point at the line."""

from pathlib import Path

import pytest

from connectors.tabular.csv_reader import sniff_delimiter
from connectors.tabular.settings import SpreadsheetSettings
from connectors.tabular.streams import SpreadsheetStream
from core.errors import InputFileError
from core.records import RawRecord


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8", newline="")
    return path


def read(path: Path, **settings: object) -> list[RawRecord]:
    stream = SpreadsheetStream("crm", SpreadsheetSettings(path=str(path), **settings))
    return list(stream.read(None))


def read_error(path: Path, **settings: object) -> InputFileError:
    with pytest.raises(InputFileError) as caught:
        read(path, **settings)
    return caught.value


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiter_is_sniffed(tmp_path: Path, delimiter: str) -> None:
    text = "".join(
        delimiter.join(row) + "\n"
        for row in [
            ("source_id", "full_name", "email"),
            ("1", "Anna Schmidt", "anna@example.com"),
            ("2", "张伟", "zw@example.com"),
        ]
    )
    records = read(write(tmp_path / "c.csv", text))
    assert [r.payload for r in records] == [
        {"source_id": "1", "full_name": "Anna Schmidt", "email": "anna@example.com"},
        {"source_id": "2", "full_name": "张伟", "email": "zw@example.com"},
    ]


def test_semicolon_file_with_decimal_commas_is_not_split_on_commas(tmp_path: Path) -> None:
    text = "source_id;full_name;balance\n1;Anna;12,50\n2;Ben;3,75\n3;Cleo;0,10\n"
    records = read(write(tmp_path / "c.csv", text))
    assert [r.payload["balance"] for r in records] == ["12,50", "3,75", "0,10"]


@pytest.mark.parametrize("title", ["Customer export 2024", "Customer export, March 2024"])
def test_delimiter_is_not_misled_by_a_title_line(tmp_path: Path, title: str) -> None:
    text = f"{title}\nsource_id;full_name;city\n1;Anna;Berlin\n2;Ben;Rome\n"
    records = read(write(tmp_path / "c.csv", text))
    assert records[1].payload == {"source_id": "2", "full_name": "Ben", "city": "Rome"}


def test_tab_file_with_commas_in_its_fields_is_split_on_tabs() -> None:
    text = "source_id\tfull_name\taddress\n1\tSmith, John\tMain St, 5\n2\tDoe, Jane\tElm St, 7\n"
    assert sniff_delimiter(text) == "\t"


def test_declared_delimiter_is_used_as_given(tmp_path: Path) -> None:
    text = "source_id:full_name\n1:Anna\n"
    assert read(write(tmp_path / "c.csv", text), delimiter=":")[0].payload["full_name"] == "Anna"


def test_single_column_file_falls_back_to_a_comma() -> None:
    assert sniff_delimiter("source_id\n1\n2\n") == ","


def test_quoted_delimiters_quotes_and_newlines_stay_inside_their_field(tmp_path: Path) -> None:
    text = (
        "source_id,full_name,address_line1,note\r\n"
        '1,"Smith, John","Main St. 1\r\nBuilding ""B""",plain\r\n'
        '2,"Doe, Jane","Hauptstr. 5",""\r\n'
    )
    records = read(write(tmp_path / "c.csv", text))
    assert records[0].payload == {
        "source_id": "1",
        "full_name": "Smith, John",
        "address_line1": 'Main St. 1\r\nBuilding "B"',
        "note": "plain",
    }
    assert records[1].payload["full_name"] == "Doe, Jane"


def test_line_numbers_are_where_each_record_starts(tmp_path: Path) -> None:
    text = 'source_id,note\n1,"two\nlines"\n2,"three\nlines\nhere"\n\n3,x\n'
    assert [r.line for r in read(write(tmp_path / "c.csv", text))] == [2, 4, 8]


def test_blank_lines_and_rows_of_empty_fields_are_skipped(tmp_path: Path) -> None:
    text = "source_id,full_name\n\n1,Anna\n,\n\n2,Ben\n"
    records = read(write(tmp_path / "c.csv", text))
    assert [(r.source_id, r.line) for r in records] == [("1", 3), ("2", 6)]
    assert [r.position["row"] for r in records if r.position] == [1, 2]


def test_blank_fields_are_kept_as_empty_strings(tmp_path: Path) -> None:
    record = read(write(tmp_path / "c.csv", "source_id,email,phone\n1,,\n"))[0]
    assert record.payload == {"source_id": "1", "email": "", "phone": ""}


def test_title_line_above_the_header_is_skipped(tmp_path: Path) -> None:
    text = "Customer export 2024\n\nsource_id,full_name\n1,Anna\n"
    records = read(write(tmp_path / "c.csv", text))
    assert records[0].payload == {"source_id": "1", "full_name": "Anna"}
    assert records[0].line == 4


def test_header_row_can_be_given(tmp_path: Path) -> None:
    text = "exported by,admin\non,2024-01-05\nsource_id,full_name\n1,Anna\n"
    records = read(write(tmp_path / "c.csv", text), header_row=3)
    assert records[0].payload == {"source_id": "1", "full_name": "Anna"}


def test_header_row_past_the_end_of_the_file_is_reported(tmp_path: Path) -> None:
    error = read_error(write(tmp_path / "c.csv", "source_id\n1\n"), header_row=5)
    assert "connection.header_row is 5 but the file ends at row 2" in error.message


def test_column_names_are_stripped(tmp_path: Path) -> None:
    records = read(write(tmp_path / "c.csv", " source_id , full_name\n1,Anna\n"))
    assert list(records[0].payload) == ["source_id", "full_name"]


def test_single_column_file_has_a_header(tmp_path: Path) -> None:
    records = read(write(tmp_path / "c.csv", "source_id\nA1\nA2\n"))
    assert [r.source_id for r in records] == ["A1", "A2"]


def test_missing_header_row_is_reported_at_line_one(tmp_path: Path) -> None:
    path = write(
        tmp_path / "customers.csv", "1001,张伟,zhang@example.com\n1002,王芳,wf@example.com\n"
    )
    error = read_error(path)
    assert (error.path, error.line) == (str(path), 1)
    assert error.message.startswith(f"{path}, line 1: no header row")
    assert "'1001'" in error.message


def test_empty_file_is_reported_clearly(tmp_path: Path) -> None:
    path = write(tmp_path / "customers.csv", "")
    error = read_error(path)
    assert error.message == f"{path}: the file is empty (no header, no rows)"


def test_file_of_blank_lines_counts_as_empty(tmp_path: Path) -> None:
    assert "the file is empty" in read_error(write(tmp_path / "c.csv", "\n\r\n\n")).message


def test_header_without_rows_yields_nothing(tmp_path: Path) -> None:
    assert read(write(tmp_path / "c.csv", "source_id,full_name\n")) == []


def test_ragged_row_names_its_line_and_the_counts(tmp_path: Path) -> None:
    path = write(tmp_path / "customers.csv", "source_id,full_name,email\n1,Anna,a@x.org\n2,Ben\n")
    error = read_error(path)
    assert error.line == 3
    assert error.message == (
        f"{path}, line 3: 2 fields, but the header (line 1) has 3 columns; "
        "quote fields that contain the delimiter"
    )


def test_row_with_too_many_fields_is_ragged_too(tmp_path: Path) -> None:
    path = write(tmp_path / "c.csv", "source_id,full_name\n1,Smith, John\n")
    error = read_error(path)
    assert (error.line, error.problem.split(";")[0]) == (
        2,
        "3 fields, but the header (line 1) has 2 columns",
    )


def test_unclosed_quote_is_reported_where_its_record_starts(tmp_path: Path) -> None:
    # Read leniently, the rest of the file would become one field and two rows vanish.
    path = write(tmp_path / "c.csv", 'source_id,full_name\n1,"Anna\n2,Ben\n3,Cleo\n')
    error = read_error(path)
    assert error.line == 2
    assert "a quote opened in this record is never closed" in error.message


def test_text_after_a_closing_quote_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path / "c.csv", 'source_id,full_name\n1,Anna\n2,"Ben" Smith\n')
    error = read_error(path)
    assert error.line == 3
    assert "text follows a closing quote" in error.message


def test_duplicate_column_names_are_named(tmp_path: Path) -> None:
    path = write(tmp_path / "c.csv", "source_id,email,phone,email\n1,a,b,c\n")
    error = read_error(path)
    assert error.line == 1
    assert "repeats column names: 'email' (columns 2, 4)" in error.message


def test_blank_column_names_are_named(tmp_path: Path) -> None:
    path = write(tmp_path / "c.csv", "source_id,,full_name,\n1,x,Anna,y\n")
    error = read_error(path)
    assert error.line == 1
    assert "no name for column 2, 4" in error.message


def test_xlsx_file_with_a_csv_name_is_recognised(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    assert "is an XLSX (zip) file, not CSV" in read_error(path).message


def test_missing_file_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.csv"
    assert read_error(path).message == f"{path}: file not found"
