"""Hostile and broken files, made here: each is read faithfully or refused with our own error.

Every case states what must happen: ``read`` (the rows, exactly as written) or
``refused`` (an InputFileError, exit 2, whose problem says why). Anything else
that escapes the reader (a traceback, a silently changed value) fails.
"""

import codecs
import random
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from connectors.tabular.settings import SpreadsheetSettings
from connectors.tabular.streams import SpreadsheetStream
from core.errors import InputFileError
from tests.support.xlsx_files import SHEET_PART, part_text, replace_part, write_workbook


@dataclass(frozen=True)
class Case:
    name: str
    suffix: str
    make: Callable[[Path], None]
    rows: list[dict[str, object]] | None = None  # read: these payloads, in order
    refused: str | None = None  # refused: this text in the problem


def csv_file(data: bytes) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(data)


def xlsx(rows: list[tuple[object, ...]], *, then: Callable[[Path], None] | None = None):  # type: ignore[no-untyped-def]
    def make(path: Path) -> None:
        write_workbook(path, rows)
        if then is not None:
            then(path)

    return make


def truncate(fraction: float) -> Callable[[Path], None]:
    def cut(path: Path) -> None:
        data = path.read_bytes()
        path.write_bytes(data[: int(len(data) * fraction)])

    return cut


def corrupt_sheet_data(path: Path) -> None:
    """Flip bytes in the middle of the compressed sheet part (its CRC then fails too)."""
    with zipfile.ZipFile(path) as z:
        info = z.getinfo(SHEET_PART)
    data = bytearray(path.read_bytes())
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    for i in range(start + 5, start + min(info.compress_size, 60)):
        data[i] ^= 0x5A
    path.write_bytes(bytes(data))


def drop_part(part: str) -> Callable[[Path], None]:
    def drop(path: Path) -> None:
        source = path.with_suffix(".orig")
        path.rename(source)
        with zipfile.ZipFile(source) as old, zipfile.ZipFile(path, "w") as new:
            for item in old.infolist():
                if item.filename != part:
                    new.writestr(item, old.read(item.filename))
        source.unlink()

    return drop


def malformed_sheet_xml(path: Path) -> None:
    xml = part_text(path)
    replace_part(path, SHEET_PART, [xml[: len(xml) // 2].encode()])


ONE = [{"source_id": "1", "name": "Anna"}]
RTL = "مرحبا שלום"
COMBINING = "Zoe\u0308 U\u0308nal"  # decomposed: must not be normalised to ë / Ü
CONTROL = "a\x01b\x07c\x1bd"
CASES = [
    Case("utf8 bom", ".csv", csv_file(codecs.BOM_UTF8 + b"source_id,name\n1,Anna\n"), ONE),
    Case(
        "utf16 le bom",
        ".csv",
        csv_file("source_id,name\n1,Anna\n".encode("utf-16")),
        ONE,
    ),
    Case("utf32 bom", ".csv", csv_file("source_id,name\n1,Anna\n".encode("utf-32")), ONE),
    Case(
        "mixed newlines",
        ".csv",
        csv_file(b"source_id,name\r\n1,Anna\r2,Ben\n3,Cleo\r\n"),
        [
            {"source_id": "1", "name": "Anna"},
            {"source_id": "2", "name": "Ben"},
            {"source_id": "3", "name": "Cleo"},
        ],
    ),
    Case("nul in the sample", ".csv", csv_file(b"source_id,name\n1,An\x00na\n"), refused="NUL"),
    Case(
        "nul past the sample",
        ".csv",
        csv_file(b"source_id,name\n" + b"1,Anna\n" * 12_000 + b"2,B\x00n\n"),
        refused="NUL",
    ),
    Case(
        "unterminated quote",
        ".csv",
        csv_file(b'source_id,name\n1,"Anna\n2,Ben\n'),
        refused="never closed",
    ),
    Case(
        "huge header",
        ".csv",
        csv_file(
            (",".join(["source_id", *(f"c{i}" for i in range(20_000))]) + "\n").encode()
            + (",".join(["1", *("x" for _ in range(20_000))]) + "\n").encode()
        ),
        [{"source_id": "1", **{f"c{i}": "x" for i in range(20_000)}}],
    ),
    Case(
        "duplicate header",
        ".csv",
        csv_file(b"source_id,name,name\n1,a,b\n"),
        refused="repeats column names",
    ),
    Case("empty header cell", ".csv", csv_file(b"source_id,,name\n1,a,b\n"), refused="no name"),
    Case("empty file", ".csv", csv_file(b""), refused="empty"),
    Case("only a bom", ".csv", csv_file(codecs.BOM_UTF8), refused="empty"),
    Case("only newlines", ".csv", csv_file(b"\n\r\n\r\n"), refused="empty"),
    Case("header only", ".csv", csv_file(b"source_id,name\n"), []),
    Case(
        "control characters",
        ".csv",
        csv_file(f"source_id,name\n1,{CONTROL}\n".encode()),
        [{"source_id": "1", "name": CONTROL}],
    ),
    Case(
        "rtl and combining characters",
        ".csv",
        csv_file(f"source_id,name,note\n1,{RTL},{COMBINING}\n".encode()),
        [{"source_id": "1", "name": RTL, "note": COMBINING}],
    ),
    Case(
        "utf8 cut in the middle of a character",
        ".csv",
        csv_file("source_id,name\n1,张伟\n".encode()[:-2]),
        refused="not valid UTF-8 (byte 0xe4",
    ),
    Case(
        "random binary",
        ".csv",
        csv_file(random.Random(7).randbytes(5000)),
        refused="",
    ),
    Case("xls signature", ".csv", csv_file(b"\xd0\xcf\x11\xe0" + b"\0" * 100), refused=".xls"),
    Case("zip named csv", ".csv", csv_file(b"PK\x03\x04" + b"\0" * 100), refused="XLSX"),
    Case("not a zip", ".xlsx", csv_file(b"source_id,name\n1,Anna\n"), refused="not a readable"),
    Case("empty xlsx", ".xlsx", csv_file(b""), refused="not a readable"),
    Case(
        "truncated xlsx",
        ".xlsx",
        xlsx([("source_id", "name"), ("1", "Anna")], then=truncate(0.6)),
        refused="not a readable",
    ),
    Case(
        "workbook part missing",
        ".xlsx",
        xlsx([("source_id", "name")], then=drop_part("xl/workbook.xml")),
        refused="not a readable",
    ),
    Case(
        "sheet part missing",
        ".xlsx",
        xlsx([("source_id", "name")], then=drop_part(SHEET_PART)),
        refused="no worksheets",
    ),
    Case(
        "sheet data corrupted",
        ".xlsx",
        xlsx(
            [("source_id", "name"), *((str(i), f"name {i}") for i in range(200))],
            then=corrupt_sheet_data,
        ),
        refused="",
    ),
    Case(
        "malformed sheet xml",
        ".xlsx",
        xlsx(
            [("source_id", "name"), *((str(i), f"name {i}") for i in range(200))],
            then=malformed_sheet_xml,
        ),
        refused="damaged",
    ),
    Case("empty sheet", ".xlsx", xlsx([]), refused="is empty"),
    Case(
        "value far right of the header",
        ".xlsx",
        xlsx([("source_id", "name"), ("1", "Anna", *([None] * 50), "stray")]),
        refused="has no name in the header",
    ),
    Case(
        "rtl, combining and control-free text in xlsx",
        ".xlsx",
        xlsx([("source_id", "name", "note"), ("1", RTL, COMBINING)]),
        [{"source_id": "1", "name": RTL, "note": COMBINING}],
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_a_hostile_file_is_read_faithfully_or_refused_with_our_own_error(
    tmp_path: Path, case: Case
) -> None:
    path = tmp_path / f"hostile{case.suffix}"
    case.make(path)
    stream = SpreadsheetStream("s", SpreadsheetSettings(path=str(path)))
    if case.refused is not None:
        with pytest.raises(InputFileError) as caught:
            list(stream.read(None))
        assert caught.value.exit_code == 2
        assert case.refused in caught.value.problem
        assert str(path) in caught.value.message
    else:
        assert [record.payload for record in stream.read(None)] == case.rows


def test_a_missing_sheet_is_refused_with_the_sheets_listed(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "w.xlsx", [("source_id", "name")])
    with pytest.raises(InputFileError, match=r"has no sheet named 'Export'.*'Customers'"):
        list(SpreadsheetStream("s", SpreadsheetSettings(path=str(path), sheet="Export")).read(None))
