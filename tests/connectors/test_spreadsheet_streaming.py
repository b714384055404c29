"""Big files stream: memory stays flat however many rows there are."""

import time
import tracemalloc
from pathlib import Path

import pytest
from openpyxl import Workbook

from connectors.tabular.settings import SpreadsheetSettings
from connectors.tabular.streams import SpreadsheetStream

MIB = 1 << 20


def write_big_csv(path: Path, rows: int) -> None:
    header = "source_id,given_name,family_name,email,phone,city,postcode,country\n"
    line = "{0},Given{0},Family{0},user{0}@example.com,+86138{0:08d},Beijing,100000,CN\n"
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write(header)
        batch = 50_000
        for start in range(0, rows, batch):
            f.write("".join(line.format(i) for i in range(start + 1, start + batch + 1)))


def read_counting(stream: SpreadsheetStream) -> tuple[int, str | None, float, int]:
    """``(records, last source id, seconds, peak traced bytes)`` of one full read."""
    tracemalloc.start()
    started = time.perf_counter()
    count, last = 0, None
    try:
        for record in stream.read(None):
            count += 1
            last = record.source_id
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return count, last, seconds, peak


@pytest.mark.slow
def test_million_row_csv_streams_in_flat_memory(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    write_big_csv(path, 1_000_000)
    assert path.stat().st_size > 60 * MIB
    stream = SpreadsheetStream("big", SpreadsheetSettings(path=str(path)))
    count, last, seconds, peak = read_counting(stream)
    print(f"1M-row CSV: {seconds:.1f} s, peak {peak / MIB:.1f} MiB")  # noqa: T201
    assert (count, last) == (1_000_000, "1000000")
    assert peak < 50 * MIB
    assert stream.completed_state(None)["row"] == 1_000_000


@pytest.mark.slow
def test_twenty_thousand_row_xlsx_streams_in_flat_memory(tmp_path: Path) -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Customers")
    sheet.append(["source_id", "full_name", "email", "phone", "city"])
    for i in range(1, 20_001):
        sheet.append([i, f"Customer {i}", f"c{i}@example.com", 13800000000.0 + i, "Shanghai"])
    path = tmp_path / "big.xlsx"
    workbook.save(path)
    stream = SpreadsheetStream("big", SpreadsheetSettings(path=str(path)))
    count, last, seconds, peak = read_counting(stream)
    print(f"20k-row XLSX: {seconds:.1f} s, peak {peak / MIB:.1f} MiB")  # noqa: T201
    assert (count, last) == (20_000, "20000")
    assert peak < 20 * MIB
