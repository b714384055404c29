"""One pass over a whole text file, before it is read: which lines are UTF-8, which are not.

The encoding of a CSV file is decided from all of it, not from its start: a
UTF-8 file with one row saved in cp1252 further down, or a GB18030 file with
a few rows pasted in as UTF-8, must be refused at the bad line rather than
read as another encoding and turned into mojibake. The scan reads the file in
chunks of :data:`CHUNK_SIZE` and keeps at most one line in memory (a line over
the line limit is refused here), so memory stays bounded whatever the size.

Lines end at ``\\n``, ``\\r\\n`` or ``\\r``, as in the CSV reader. A line that
decodes as UTF-8 counts as *UTF-8 evidence* only when a legacy encoding could
hardly have produced it by chance: it holds a character of three or more bytes
(CJK text is), or a non-ASCII letter next to another letter (``Zoë``, ``Анна``).
A lone ``女`` saved as GBK happens to be valid UTF-8 (``Ů``) and is no evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from connectors.tabular.table import open_bytes
from core.errors import InputFileError

CHUNK_SIZE = 1 << 20
#: Bytes of lines that are not UTF-8 kept for guessing their encoding.
LEGACY_SAMPLE_SIZE = 64 * 1024
#: How many over-long lines are remembered (to tell a huge field from an unclosed quote).
_LONG_LINES_KEPT = 16

_WIDE = re.compile(rb"[\xe0-\xf4]")  # in valid UTF-8: the lead byte of a 3- or 4-byte character
_WORDY = re.compile(r"[^\W\d_\x00-\x7f][^\W\d_]|[^\W\d_][^\W\d_\x00-\x7f]")


@dataclass(frozen=True, slots=True)
class BadByte:
    """Where a line first stops decoding: its line, the byte and its offset in the file."""

    line: int
    offset: int
    byte: int


@dataclass(slots=True)
class TextScan:
    """What one pass over the file found (see the module docstring)."""

    lines: int = 0
    non_ascii_lines: int = 0
    #: lines that are not valid UTF-8, and the first of them
    not_utf8_lines: int = 0
    first_not_utf8: BadByte | None = None
    #: lines that are UTF-8 evidence; those with a 3- or 4-byte character; the first
    utf8_evidence: int = 0
    wide_utf8_lines: int = 0
    first_utf8_evidence: int | None = None
    #: the bytes of the first lines that are not UTF-8, for guessing their encoding
    legacy_sample: bytes = b""
    #: line number → length in bytes, for lines longer than the field limit
    long_lines: dict[int, int] = field(default_factory=dict)
    #: the first NUL byte (a text file holds none)
    first_nul: BadByte | None = None

    @property
    def is_utf8(self) -> bool:
        return self.not_utf8_lines == 0


def scan_text(path: str, *, line_limit: int, field_limit: int) -> TextScan:
    """Scan ``path`` line by line; a line longer than ``line_limit`` bytes is an InputFileError.

    A file that is all UTF-8 (the usual case) is checked a chunk at a time at
    the speed of the codec; only a file with a line that is not UTF-8 is
    scanned again line by line, to weigh the UTF-8 evidence against it.
    """
    scan = _scan(path, line_limit, field_limit, detailed=False)
    return scan if scan.is_utf8 else _scan(path, line_limit, field_limit, detailed=True)


def _scan(path: str, line_limit: int, field_limit: int, *, detailed: bool) -> TextScan:
    scan = TextScan()
    limits = _Limits(path, line_limit, field_limit)
    line, offset, carry = 1, 0, b""
    with open_bytes(path) as f:
        while True:
            chunk = f.read(CHUNK_SIZE)
            buffer = carry + chunk if carry else chunk
            if chunk:
                cut = _last_line_end(buffer)
                complete, carry = buffer[:cut], buffer[cut:]
                if len(carry) > line_limit:
                    raise _too_long(path, line + _count_breaks(complete), line_limit)
            else:
                complete, carry = buffer, b""
            if complete:
                if scan.first_nul is None and b"\x00" in complete:
                    at = complete.index(b"\x00")
                    nul_line = line + _count_breaks(complete[:at])
                    scan.first_nul = BadByte(nul_line, offset + at, 0)
                if detailed:
                    line = _scan_block(scan, complete, line, offset, limits)
                elif _is_utf8(complete):
                    line = _scan_block(scan, complete, line, offset, limits, lines_only=True)
                else:
                    scan.not_utf8_lines = 1  # found: the detailed scan counts them
                    return scan
                offset += len(complete)
            if not chunk:
                break
    scan.lines = line - 1
    return scan


def _last_line_end(buffer: bytes) -> int:
    """Where the last complete line of ``buffer`` ends (a final ``\\r`` may precede a ``\\n``)."""
    cut = buffer.rfind(b"\n") + 1
    cr = buffer.rfind(b"\r", cut, len(buffer) - 1)
    return cr + 1 if cr >= 0 else cut


def _count_breaks(block: bytes) -> int:
    return block.count(b"\n") + block.count(b"\r") - block.count(b"\r\n")


def _no_line_over(block: bytes, size: int) -> bool:
    return len(block) <= size or max(map(len, block.splitlines())) <= size


def _is_utf8(block: bytes) -> bool:
    try:
        block.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@dataclass(frozen=True, slots=True)
class _Limits:
    path: str
    line: int
    field: int


def _too_long(path: str, line: int, limit: int) -> InputFileError:
    return InputFileError(
        path,
        f"a line longer than {human_size(limit)} (the limit, connection.max_line_size): "
        "not a CSV file, or one with a damaged line end",
        line,
    )


def _scan_block(
    scan: TextScan,
    block: bytes,
    line: int,
    offset: int,
    limits: _Limits,
    *,
    lines_only: bool = False,
) -> int:
    """Account for the complete lines of ``block``, which starts at ``line``; the next line.

    ``lines_only``: the block is known to be UTF-8; only line numbers and the
    lengths of over-long lines are wanted.
    """
    if (lines_only or block.isascii()) and _no_line_over(block, min(limits.field, limits.line)):
        return line + _count_breaks(block)
    for text in block.splitlines(keepends=True):
        size = len(text)
        if size > limits.line:
            raise _too_long(limits.path, line, limits.line)
        if size > limits.field and len(scan.long_lines) < _LONG_LINES_KEPT:
            scan.long_lines[line] = size
        if not lines_only and not text.isascii():
            _classify(scan, text, line, offset)
        line += 1
        offset += size
    return line


def _classify(scan: TextScan, text: bytes, line: int, offset: int) -> None:
    scan.non_ascii_lines += 1
    try:
        decoded = text.decode("utf-8")
    except UnicodeDecodeError as e:
        scan.not_utf8_lines += 1
        if scan.first_not_utf8 is None:
            scan.first_not_utf8 = BadByte(line, offset + e.start, text[e.start])
        if len(scan.legacy_sample) < LEGACY_SAMPLE_SIZE:
            scan.legacy_sample += text
        start = text[: e.start]  # UTF-8 up to the bad byte: "张" before a cut-off "伟"
        if _WIDE.search(start) or _WORDY.search(start.decode("utf-8")):
            _evidence(scan, line, wide=_WIDE.search(start) is not None)
        return
    wide = _WIDE.search(text) is not None
    if wide or _WORDY.search(decoded):
        _evidence(scan, line, wide=wide)


def _evidence(scan: TextScan, line: int, *, wide: bool) -> None:
    scan.utf8_evidence += 1
    scan.wide_utf8_lines += wide
    if scan.first_utf8_evidence is None:
        scan.first_utf8_evidence = line


def human_size(n: int) -> str:
    """``n`` bytes for a person: ``"10.0 MiB"``, ``"64 KiB"``, ``"12 bytes"``."""
    if n >= 1 << 20:
        return f"{n / (1 << 20):.1f} MiB"
    return f"{n / 1024:.0f} KiB" if n >= 1024 else f"{n} bytes"
