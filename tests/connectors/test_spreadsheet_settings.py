"""The ``connection:`` block of a spreadsheet source."""

from pathlib import Path

import pytest

from connectors.tabular import SpreadsheetSettings, settings_from_connection
from core.errors import ConfigError


def test_relative_path_is_resolved_against_the_config_folder(tmp_path: Path) -> None:
    settings = settings_from_connection({"path": "data/customers.csv"}, tmp_path)
    assert settings.path == str(tmp_path / "data" / "customers.csv")


def test_absolute_path_is_kept(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.xlsx"
    settings = settings_from_connection({"path": str(target)}, Path("/nowhere"))
    assert settings.path == str(target)


def test_defaults_detect_everything_and_use_the_source_id_column() -> None:
    settings = SpreadsheetSettings(path="customers.csv")
    assert settings.file_format == "csv"
    assert (settings.encoding, settings.delimiter, settings.header_row) == (None, None, None)
    assert settings.id_column == "source_id"
    assert settings.updated_at_column is None


@pytest.mark.parametrize(
    ("name", "expected"),
    [("a.csv", "csv"), ("a.TSV", "csv"), ("a.txt", "csv"), ("a.xlsx", "xlsx"), ("a.xlsm", "xlsx")],
)
def test_format_follows_the_suffix(name: str, expected: str) -> None:
    assert SpreadsheetSettings(path=name).file_format == expected


def test_declared_format_wins_over_the_suffix() -> None:
    assert SpreadsheetSettings(path="export.dat", format="csv").file_format == "csv"


def test_unknown_suffix_asks_for_a_format(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"export\.dat.*set format: csv or format: xlsx"):
        settings_from_connection({"path": "export.dat"}, tmp_path)


def test_old_xls_files_are_refused_with_advice(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"old \.xls format.*re-save it as \.xlsx or CSV"):
        settings_from_connection({"path": "legacy.xls"}, tmp_path)


def test_unknown_key_is_named_with_the_allowed_ones(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        settings_from_connection({"path": "a.csv", "sheeet": 1}, tmp_path)
    assert "connection.sheeet: unknown key" in caught.value.message
    assert "sheet" in caught.value.message.split("allowed:")[1]


def test_missing_path_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"connection\.path: Field required"):
        settings_from_connection({}, tmp_path)


def test_connection_that_is_not_a_mapping_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="expected a mapping"):
        settings_from_connection("customers.csv", tmp_path)


def test_unknown_encoding_is_named_with_examples(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"connection\.encoding: unknown encoding 'utf9'"):
        settings_from_connection({"path": "a.csv", "encoding": "utf9"}, tmp_path)


def test_codec_that_is_not_a_text_encoding_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"connection\.encoding: unknown encoding 'base64'"):
        settings_from_connection({"path": "a.csv", "encoding": "base64"}, tmp_path)


def test_encoding_aliases_are_normalised() -> None:
    assert SpreadsheetSettings(path="a.csv", encoding="GBK").encoding == "gbk"
    assert SpreadsheetSettings(path="a.csv", encoding="UTF8").encoding == "utf-8"


def test_delimiter_must_be_one_character(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"connection\.delimiter: must be one character"):
        settings_from_connection({"path": "a.csv", "delimiter": ";;"}, tmp_path)


def test_header_row_counts_from_one(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"connection\.header_row: .*greater than or equal to 1"):
        settings_from_connection({"path": "a.csv", "header_row": 0}, tmp_path)


@pytest.mark.parametrize("sheet", ["Export", 0, 3])
def test_sheet_is_a_name_or_an_index(sheet: str | int) -> None:
    assert SpreadsheetSettings(path="a.xlsx", sheet=sheet).sheet == sheet


@pytest.mark.parametrize("sheet", [-1, True, 1.5, ""])
def test_sheet_that_is_neither_name_nor_index_is_refused(tmp_path: Path, sheet: object) -> None:
    with pytest.raises(ConfigError, match=r"connection\.sheet: expected a sheet name or a 0-based"):
        settings_from_connection({"path": "a.xlsx", "sheet": sheet}, tmp_path)


def test_sheet_on_a_csv_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="sheet applies to xlsx files only"):
        settings_from_connection({"path": "a.csv", "sheet": "Export"}, tmp_path)


@pytest.mark.parametrize(("key", "value"), [("encoding", "gbk"), ("delimiter", ";")])
def test_csv_options_on_an_xlsx_file_are_refused(tmp_path: Path, key: str, value: str) -> None:
    with pytest.raises(ConfigError, match=f"{key} applies to CSV files only"):
        settings_from_connection({"path": "a.xlsx", key: value}, tmp_path)


def test_settings_are_frozen() -> None:
    settings = SpreadsheetSettings(path="a.csv")
    with pytest.raises(ValueError, match="frozen"):
        settings.path = "b.csv"  # type: ignore[misc]
