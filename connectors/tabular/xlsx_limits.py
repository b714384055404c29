"""Limits that stop a hostile or broken XLSX file in seconds, in bounded memory.

An ``.xlsx`` is a zip of XML parts. A few kilobytes can unpack to gigabytes
(a zip bomb), and openpyxl loads the shared strings part whole. So the zip's
directory is checked before openpyxl sees the file: no part may unpack to more
than :data:`MAX_UNCOMPRESSED` (all parts together neither), no part of over a
mebibyte may be compressed more than :data:`MAX_RATIO` to one (real sheets
come to 5–30), and the shared strings, which openpyxl holds in memory as
Python objects (about eight times their XML size), may not exceed a sixteenth
of the total (64 MiB by default: some two million distinct texts).
The sizes zip declares are binding: Python's zip reader stops at them. While
the sheet streams, a :class:`ReadBudget` counts cells and the time spent
parsing, so a sheet that passes those checks still cannot run for ever.
"""

from __future__ import annotations

import time
import zipfile
from dataclasses import dataclass
from typing import BinaryIO

from connectors.tabular.text_scan import human_size
from core.errors import InputFileError

MAX_UNCOMPRESSED = 1 << 30
MAX_RATIO = 100
MAX_CELLS = 50_000_000
MAX_SECONDS = 900.0
#: The shared strings may unpack to this share of ``uncompressed`` (see the module docstring).
_SHARED_STRINGS_SHARE = 16
#: Parts smaller than this may be compressed as well as they like.
_RATIO_FLOOR = 1 << 20
_SHARED_STRINGS = "xl/sharedStrings.xml"


@dataclass(frozen=True, slots=True)
class XlsxLimits:
    """The limits in force for one file (``connection.max_*`` in hub.yaml)."""

    uncompressed: int = MAX_UNCOMPRESSED
    ratio: int = MAX_RATIO
    cells: int = MAX_CELLS
    seconds: float = MAX_SECONDS


def check_archive(path: str, file: BinaryIO, limits: XlsxLimits) -> None:
    """Refuse ``file`` if its zip directory promises more than the limits allow.

    A file that is not a zip at all is left to openpyxl, which says so.
    """
    try:
        members = zipfile.ZipFile(file).infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    finally:
        file.seek(0)
    total = 0
    for member in members:
        size = member.file_size
        total += size
        if size > limits.uncompressed or total > limits.uncompressed:
            raise _bomb(
                path,
                f"it unpacks to more than {human_size(limits.uncompressed)} "
                "(connection.max_uncompressed_size)",
            )
        ratio = size / max(member.compress_size, 1)
        if size > _RATIO_FLOOR and ratio > limits.ratio:
            raise _bomb(
                path,
                f"its part {member.filename} unpacks {ratio:,.0f} times larger "
                f"({human_size(member.compress_size)} to {human_size(size)}; the limit is "
                f"{limits.ratio}, connection.max_compression_ratio)",
            )
        if (
            member.filename == _SHARED_STRINGS
            and size > limits.uncompressed // _SHARED_STRINGS_SHARE
        ):
            raise _bomb(
                path,
                f"its shared strings unpack to {human_size(size)}, more than a sixteenth of "
                f"the {human_size(limits.uncompressed)} limit (connection.max_uncompressed_size)",
            )


def _bomb(path: str, why: str) -> InputFileError:
    return InputFileError(
        path, f"refused as a possible zip bomb: {why}; if the workbook is real, raise the limit"
    )


class ReadBudget:
    """Counts the cells parsed and the seconds spent parsing them; refuses past the limits."""

    def __init__(self, path: str, sheet: str, limits: XlsxLimits) -> None:
        self._path = path
        self._sheet = sheet
        self._limits = limits
        self.cells = 0
        self.seconds = 0.0

    def spend(self, cells: int, seconds: float, line: int) -> None:
        self.cells += cells
        self.seconds += seconds
        if self.cells > self._limits.cells:
            raise InputFileError(
                self._path,
                f"sheet {self._sheet!r} holds more than {self._limits.cells:,} cells "
                "(connection.max_cells); split the workbook or raise the limit",
                line,
            )
        if self.seconds > self._limits.seconds:
            raise InputFileError(
                self._path,
                f"sheet {self._sheet!r} took more than {self._limits.seconds:g} s to parse "
                "(connection.max_read_seconds); save it as CSV or raise the limit",
                line,
            )


def timer() -> float:
    return time.perf_counter()
