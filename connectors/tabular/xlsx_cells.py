"""The rows of one sheet, parsed by openpyxl's own sheet parser, with formulas kept in sight.

openpyxl in ``data_only`` mode gives a formula cell the value Excel last
computed and saved; a file written by a program and never recalculated has
none, and the cell would read as empty — a field silently lost. This parser
marks such a cell as :class:`~connectors.tabular.table.UnreadCell` naming
the sheet, the cell and the formula instead. It uses the parser openpyxl's
read-only worksheets use (``openpyxl.worksheet._reader``), fed the same way;
the tests of this module fail if a new openpyxl changes that.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

from connectors.tabular.table import UnreadCell
from connectors.tabular.xlsx_limits import ReadBudget, timer

_FORMULA_SHOWN = 80


class _FormulaAwareParser(WorkSheetParser):
    _sheet_title: str  # set before parsing: the sheet named in an uncomputed cell's problem

    def parse_cell(self, element: Any) -> dict[str, Any]:
        cell: dict[str, Any] = super().parse_cell(element)
        if cell["value"] is None:
            formula = element.find(FORMULA_TAG)
            if formula is not None:
                cell["value"] = _uncomputed(self._sheet_title, element.get("r"), formula.text)
        return cell


def _uncomputed(sheet: str, coordinate: str | None, formula: str | None) -> UnreadCell:
    text = (formula or "").strip()
    shown = (
        f" (={text[:_FORMULA_SHOWN]}{'…' if len(text) > _FORMULA_SHOWN else ''})" if text else ""
    )
    where = f"cell {coordinate}" if coordinate else "a cell"
    return UnreadCell(
        f"sheet {sheet!r}, {where}: a formula{shown} without a saved value, read as empty; "
        "open the file in Excel or LibreOffice and save it so the computed values are stored"
    )


def sheet_rows(sheet: Any, budget: ReadBudget) -> Iterator[tuple[int, list[Any]]]:
    """``(sheet row, values)`` for every row the sheet stores, values placed by column.

    ``sheet`` is a read-only openpyxl worksheet of a ``data_only`` workbook.
    """
    workbook = sheet.parent
    with sheet._get_source() as source:
        parser = _FormulaAwareParser(
            source,
            sheet._shared_strings,
            data_only=True,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        parser._sheet_title = sheet.title
        rows = parser.parse()
        while True:
            started = timer()
            try:
                index, cells = next(rows)
            except StopIteration:
                return
            width = max((cell["column"] for cell in cells), default=0)
            budget.spend(max(width, len(cells)), timer() - started, index)
            values: list[Any] = [None] * width
            for cell in cells:
                column = cell["column"]
                if 1 <= column <= width:
                    values[column - 1] = cell["value"]
            yield index, values
