"""Progress with totals where the size is known: a file's rows when its read starts (put
right at its end when blank lines made the first count too high), the records to resolve."""

from __future__ import annotations

from pathlib import Path

from quality_helpers import hub, write_rows  # type: ignore[import-not-found]
from sample_people import people  # type: ignore[import-not-found]

from pipeline.run import RunOptions
from pipeline.sync import sync


class Recorder:
    def __init__(self) -> None:
        self.done: dict[str, int] = {}
        self.totals: dict[str, list[int]] = {}

    def __call__(self, stage: str, source: str, amount: int, *, total: int | None = None) -> None:
        label = f"{stage} {source}".strip()
        self.done[label] = self.done.get(label, 0) + amount
        if total is not None:
            self.totals.setdefault(label, []).append(total)


def test_a_sync_announces_the_file_rows_and_the_records_to_resolve(tmp_path: Path) -> None:
    path = write_rows(tmp_path / "crm.csv", people(7))
    with path.open("a", encoding="utf-8") as handle:
        handle.write("\n\n")  # blank lines: counted as lines, not records
    progress = Recorder()
    result = sync(hub(f"sqlite:///{tmp_path / 'hub.db'}", path), RunOptions(progress=progress))
    assert result.ok, result.problems
    assert progress.totals["extract crm"] == [9, 7]  # lines below the header, then the records
    assert progress.done["extract crm"] == 7
    assert progress.totals["resolve"] == [7]
    assert progress.done["resolve"] == 7


def test_an_xlsx_sheet_announces_its_rows(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    rows = people(5)
    sheet.append(list(rows[0]))
    for row in rows:
        sheet.append(list(row.values()))
    path = tmp_path / "crm.xlsx"
    book.save(path)
    progress = Recorder()
    assert sync(hub(f"sqlite:///{tmp_path / 'hub.db'}", path), RunOptions(progress=progress)).ok
    assert progress.totals["extract crm"][0] == 5
    assert progress.done["extract crm"] == 5
