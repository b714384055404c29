"""Workbooks made by the tests themselves: a plain one, then parts of it replaced or broken."""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from pathlib import Path

from openpyxl import Workbook

SHEET_PART = "xl/worksheets/sheet1.xml"


def write_workbook(path: Path, rows: Iterable[Iterable[object]], title: str = "Customers") -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(list(row))
    workbook.save(path)
    return path


def replace_part(path: Path, part: str, chunks: Iterable[bytes], level: int = 6) -> Path:
    """Rewrite ``path`` with ``part`` streamed from ``chunks`` (deflated at ``level``)."""
    source = path.with_suffix(".orig")
    path.rename(source)
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(path, "w") as new:
        for item in old.infolist():
            if item.filename == part:
                continue
            new.writestr(item, old.read(item.filename))
        info = zipfile.ZipInfo(part)
        info.compress_type = zipfile.ZIP_DEFLATED
        with new.open(info, "w", force_zip64=True) as f:
            for chunk in chunks:
                f.write(chunk)
    source.unlink()
    return path


def sheet_xml(rows: Iterable[bytes]) -> Iterable[bytes]:
    """A worksheet part around ``rows`` (each a ``<row>…</row>`` element)."""
    yield (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b"<sheetData>"
    )
    yield from rows
    yield b"</sheetData></worksheet>"


def part_text(path: Path, part: str = SHEET_PART) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read(part).decode()


def add_shared_strings(path: Path, count: int) -> Path:
    """Give the workbook a shared strings part of ``count`` distinct texts (``s0000000``…)."""

    def strings() -> Iterable[bytes]:
        yield (
            b'<?xml version="1.0" encoding="UTF-8"?>'
            b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        )
        for start in range(0, count, 10_000):
            stop = min(start + 10_000, count)
            yield b"".join(b"<si><t>s%07d</t></si>" % i for i in range(start, stop))
        yield b"</sst>"

    replace_part(path, "xl/sharedStrings.xml", strings())
    content_type = (
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
    )
    relationship = (
        b'<Relationship Id="rIdStrings" Type="http://schemas.openxmlformats.org/officeDocument/'
        b'2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
    )
    with zipfile.ZipFile(path) as z:
        types = z.read("[Content_Types].xml").replace(b"</Types>", content_type)
        rels = z.read("xl/_rels/workbook.xml.rels").replace(b"</Relationships>", relationship)
    replace_part(path, "[Content_Types].xml", [types])
    return replace_part(path, "xl/_rels/workbook.xml.rels", [rels])
