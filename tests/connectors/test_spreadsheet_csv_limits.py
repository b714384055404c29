"""Oversized CSV fields and lines are refused with their line and size, never misread."""

from pathlib import Path

import pytest

from connectors.tabular.settings import SpreadsheetSettings
from connectors.tabular.streams import SpreadsheetStream
from core.errors import InputFileError

MIB = 1 << 20


def refusal(path: Path, data: bytes, **settings: object) -> InputFileError:
    path.write_bytes(data)
    stream = SpreadsheetStream("crm", SpreadsheetSettings(path=str(path), **settings))
    with pytest.raises(InputFileError) as caught:
        list(stream.read(None))
    assert caught.value.exit_code == 2
    return caught.value


@pytest.mark.parametrize("quote", [b"", b'"'], ids=["bare", "quoted"])
def test_a_ten_megabyte_field_names_its_line_and_size_not_an_unclosed_quote(
    tmp_path: Path, quote: bytes
) -> None:
    big = quote + b"x" * (10 * MIB) + quote
    error = refusal(tmp_path / "c.csv", b"source_id,note\n1,ok\n2," + big + b"\n3,ok\n")
    assert error.line == 3
    assert "this line is 10.0 MiB long" in error.problem
    assert "1,048,576 characters (connection.max_field_size)" in error.problem
    assert "never closed" not in error.problem


def test_an_unclosed_quote_that_swallows_the_file_is_still_called_one(tmp_path: Path) -> None:
    data = b'source_id,note\n1,ok\n2,"open\n' + b"3,ok\n" * 300_000
    error = refusal(tmp_path / "c.csv", data)
    assert error.line == 3
    assert "a quote opened here is probably never closed" in error.problem


def test_a_line_past_the_line_limit_is_refused_before_it_is_held_in_memory(
    tmp_path: Path,
) -> None:
    error = refusal(tmp_path / "c.csv", b"source_id,note\n1,ok\n2," + b"x," * (9 * MIB) + b"\n")
    assert error.line == 3
    assert "a line longer than 16.0 MiB" in error.problem


def test_the_limits_can_be_set_per_source(tmp_path: Path) -> None:
    data = b"source_id,note\n1," + b"x" * 2000 + b"\n"
    error = refusal(tmp_path / "c.csv", data, max_field_size=1000)
    assert error.line == 2 and "1,000 characters" in error.problem
    error = refusal(tmp_path / "c.csv", data, max_line_size=1000)
    assert error.line == 2 and "a line longer than 1000 bytes" in error.problem
    path = tmp_path / "c.csv"
    rows = list(
        SpreadsheetStream("c", SpreadsheetSettings(path=str(path), max_field_size=4000)).read(None)
    )
    assert len(rows[0].payload["note"]) == 2000


def test_limits_are_csv_settings_only(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="max_field_size applies to CSV files only"):
        SpreadsheetSettings(path=str(tmp_path / "c.xlsx"), max_field_size=10)
