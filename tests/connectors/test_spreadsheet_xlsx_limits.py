"""XLSX formulas without saved values, and zip bombs refused in seconds in bounded memory."""

import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from connectors.tabular.settings import SpreadsheetSettings
from core.errors import Problem
from tests.support.spreadsheet_reads import read, refusal
from tests.support.xlsx_files import (
    SHEET_PART,
    add_shared_strings,
    part_text,
    replace_part,
    sheet_xml,
    write_workbook,
)

MIB = 1 << 20


def formula_workbook(tmp_path: Path) -> Path:
    return write_workbook(
        tmp_path / "f.xlsx",
        [("source_id", "given", "family", "full_name"), ("1", "Anna", "Li", '=B2&" "&C2')],
    )


def test_a_formula_without_a_saved_value_is_a_field_problem_naming_sheet_and_cell(
    tmp_path: Path,
) -> None:
    [record] = read(formula_workbook(tmp_path))
    assert record.payload == {"source_id": "1", "given": "Anna", "family": "Li", "full_name": None}
    [problem] = record.problems
    assert isinstance(problem, Problem)
    assert (problem.field, problem.check) == ("full_name", "reader")
    assert problem.reason.startswith(
        "sheet 'Customers', cell D2: a formula (=B2&\" \"&C2) without a saved value"
    )


def test_a_formula_with_a_saved_value_reads_as_that_value(tmp_path: Path) -> None:
    path = formula_workbook(tmp_path)
    xml = part_text(path).replace('<c r="D2"><f>', '<c r="D2" t="str"><f>')
    xml = xml.replace("<v />", "<v>Anna Li</v>")
    replace_part(path, SHEET_PART, [xml.encode()])
    [record] = read(path)
    assert record.payload["full_name"] == "Anna Li"
    assert record.problems == ()


def test_a_formula_in_the_header_is_refused_with_its_cell(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "h.xlsx", [("source_id", "=1+1"), ("1", "x")])
    error = refusal(path)
    assert error.line == 1 and "cell B1: a formula (=1+1)" in error.problem


BOMB_READER = textwrap.dedent(
    """
    import json, sys, time
    from connectors.tabular.settings import SpreadsheetSettings
    from connectors.tabular.streams import SpreadsheetStream
    from core.errors import HubError
    started = time.perf_counter()
    code, message = 0, ""
    try:
        for _ in SpreadsheetStream("s", SpreadsheetSettings(path=sys.argv[1])).read(None):
            pass
    except HubError as e:
        code, message = e.exit_code, e.message
    # VmHWM, not ru_maxrss: the latter keeps the forking parent's peak across exec
    status = open("/proc/self/status").read().split("VmHWM:")[1]
    peak = int(status.split()[0]) * 1024
    print(json.dumps({"code": code, "message": message, "seconds": time.perf_counter() - started,
                      "peak": peak}))
    """
)


def read_in_child(path: Path) -> dict[str, object]:
    """Read ``path`` in a fresh interpreter: its exit code, message, seconds and peak memory."""
    done = subprocess.run(
        [sys.executable, "-c", BOMB_READER, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def inline_row(*texts: str) -> bytes:
    cells = "".join(f'<c t="inlineStr"><is><t>{text}</t></is></c>' for text in texts)
    return f"<row>{cells}</row>".encode()


def bomb_rows(count: int) -> list[bytes]:
    header, row = inline_row("source_id", "name"), inline_row("1", "x")
    return [header, *([row * 10_000] * (count // 10_000))]


def test_a_zip_bomb_is_refused_in_seconds_in_bounded_memory(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "bomb.xlsx", [("source_id", "name")])
    replace_part(path, SHEET_PART, sheet_xml(bomb_rows(1_000_000)))
    assert path.stat().st_size < 2 * MIB
    result = read_in_child(path)
    print(f"bomb of {path.stat().st_size:,} bytes: {result}")  # noqa: T201
    assert result["code"] == 2, result
    assert "refused as a possible zip bomb" in str(result["message"])
    assert "connection.max_compression_ratio" in str(result["message"])
    assert float(result["seconds"]) < 5, result  # type: ignore[arg-type]
    assert int(result["peak"]) < 200 * MIB  # type: ignore[call-overload]


def test_a_workbook_bigger_than_the_unpacked_size_limit_is_refused(tmp_path: Path) -> None:
    rows = [("source_id", "note")] + [(str(i), f"note {i} " * 20) for i in range(6_000)]
    path = write_workbook(tmp_path / "big.xlsx", rows)
    error = refusal(path, max_uncompressed_size=MIB)
    assert "unpacks to more than 1.0 MiB (connection.max_uncompressed_size)" in error.problem


def test_shared_strings_past_a_sixteenth_of_the_size_limit_are_refused(tmp_path: Path) -> None:
    path = add_shared_strings(write_workbook(tmp_path / "s.xlsx", [("source_id", "a")]), 120_000)
    assert [r.payload for r in read(path)] == []  # within the default limits: read
    error = refusal(path, max_uncompressed_size=32 * MIB)
    assert (
        "shared strings unpack to 2.7 MiB, more than a sixteenth of the 32.0 MiB" in error.problem
    )


def test_a_sheet_with_more_cells_than_the_limit_is_refused_at_a_row(tmp_path: Path) -> None:
    rows = [("source_id", "a", "b", "c")] + [(str(i), "1", "2", "3") for i in range(1, 2001)]
    path = write_workbook(tmp_path / "cells.xlsx", rows)
    error = refusal(path, max_cells=4000)
    assert error.line == 1001  # 4 header cells + 1000 rows of 4
    assert "more than 4,000 cells (connection.max_cells)" in error.problem


def test_a_sheet_that_takes_too_long_to_parse_is_refused(tmp_path: Path) -> None:
    rows = [("source_id", "a")] + [(str(i), "x" * 20) for i in range(1, 15_001)]
    path = write_workbook(tmp_path / "slow.xlsx", rows)
    started = time.perf_counter()
    error = refusal(path, max_read_seconds=0.05)
    assert time.perf_counter() - started < 5
    assert "took more than 0.05 s to parse (connection.max_read_seconds)" in error.problem


def test_xlsx_limits_are_xlsx_settings_only(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="max_cells applies to xlsx files only"):
        SpreadsheetSettings(path=str(tmp_path / "c.csv"), max_cells=10)
