"""The one CSV writer of crm-hub: cells that a spreadsheet would run are made inert.

Ops open our exports in Excel or LibreOffice, which treat a cell beginning
with ``=``, ``+``, ``-`` or ``@`` (and, after their own trimming, a tab or a
carriage return) as a formula: ``=HYPERLINK(…)`` phones home, ``=cmd|…``
starts a program. Following OWASP's advice, such a cell gets a leading ``'``,
which the spreadsheet shows as text and hides. A plain number (``-12.5``,
``+8613800138000``) is not a formula and is left as it is, so that numbers stay
numbers. The check looks at the value as it is written, after any trimming,
so trimming upstream can never expose a formula. ``raw=True`` writes every
value untouched, for programs that read the file and want the data as stored.

>>> neutralise("=HYPERLINK(\\"http://x\\")")
'\\'=HYPERLINK("http://x")'
>>> neutralise("-12.5"), neutralise("-1+1")
('-12.5', "'-1+1")
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import IO, Any

#: First characters a spreadsheet may read as the start of a formula.
FORMULA_STARTS = frozenset("=+-@\t\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def is_active(value: object) -> bool:
    """Whether a spreadsheet could take this cell for a formula."""
    return (
        isinstance(value, str)
        and value[:1] in FORMULA_STARTS
        and _PLAIN_NUMBER.fullmatch(value) is None
    )


def neutralise(value: Any) -> Any:
    """``value`` with a leading ``'`` when it could be run as a formula; else unchanged."""
    return f"'{value}" if is_active(value) else value


class CsvWriter:
    """``csv.writer`` whose cells are neutralised unless ``raw``."""

    def __init__(self, out: IO[str], *, raw: bool = False) -> None:
        self._writer = csv.writer(out)
        self._raw = raw

    def writerow(self, values: Iterable[Any]) -> None:
        self._writer.writerow(values if self._raw else [neutralise(v) for v in values])


class DictCsvWriter:
    """``csv.DictWriter`` whose cells are neutralised unless ``raw``; the header too."""

    def __init__(self, out: IO[str], fieldnames: Sequence[str], *, raw: bool = False) -> None:
        self._writer = csv.DictWriter(out, fieldnames=fieldnames)
        self._header = CsvWriter(out, raw=raw)
        self._fieldnames = tuple(fieldnames)
        self._raw = raw

    def writeheader(self) -> None:
        self._header.writerow(self._fieldnames)

    def writerow(self, row: Mapping[str, Any]) -> None:
        if self._raw:
            self._writer.writerow(row)
        else:
            self._writer.writerow({k: neutralise(v) for k, v in row.items()})
