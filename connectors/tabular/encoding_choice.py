"""The encoding to read a whole CSV file with: declared or detected, and valid on every line.

UTF-8 comes first: a file whose every line is UTF-8 is UTF-8. Otherwise the
lines that are not UTF-8 are guessed (charset-normalizer over those lines only,
so UTF-8 rows cannot mislead it), and the whole file must then decode in the
guess. A file that mixes UTF-8 lines with lines in another encoding is refused
at its first line that is not UTF-8: reading it in either encoding would garble
the other rows without a trace. A declared encoding is used as given, and
checked the same way. Each refusal names the line and the byte offset.
"""

from __future__ import annotations

import codecs

from connectors.tabular.encoding import (
    CJK_CODECS,
    codec_name,
    decode_error,
    detect_encoding,
    file_chunks,
    utf16_without_bom,
)
from connectors.tabular.text_scan import TextScan, scan_text
from core.errors import InputFileError

#: Byte-order marks of encodings that are not ASCII-compatible (UTF-16/32).
_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
#: In a CJK legacy file a line with a 3-byte UTF-8 character happens by chance in
#: well under one line in a thousand; one in 200 non-ASCII lines is no accident.
_WIDE_SHARE = 200


def choose_encoding(
    path: str, sample: bytes, declared: str | None, *, line_limit: int, field_limit: int
) -> tuple[str, bool, TextScan | None]:
    """``(codec, detected, scan)`` for ``path``, whose first bytes are ``sample``.

    Raises InputFileError when a line does not decode, naming the line and the
    byte offset. ``scan`` is None for UTF-16/32 files (their lines are not
    scanned byte-wise).
    """
    name = codecs.lookup(declared).name if declared else None
    if name == "utf-8-sig":
        name = "utf-8"  # a mark is stripped either way
    wide = _wide_unicode(sample) if name is None else _is_wide(name)
    if wide:
        codec = name or wide
        _validate(path, codec, detected=name is None)
        return codec, name is None, None
    if name is None and b"\x00" in sample:
        raise InputFileError(
            path,
            "contains NUL bytes: not a text file, or UTF-16/32 without a byte-order mark; "
            "set connection.encoding",
        )
    scan = scan_text(path, line_limit=line_limit, field_limit=field_limit)
    if scan.first_nul is not None:
        raise InputFileError(
            path,
            f"contains a NUL byte (at byte offset {scan.first_nul.offset}): not a text file, "
            "or UTF-16/32 without a byte-order mark; set connection.encoding",
            scan.first_nul.line,
        )
    bom = sample.startswith(codecs.BOM_UTF8)
    if name == "utf-8" or (name is None and scan.is_utf8):
        if not scan.is_utf8:
            _validate(path, "utf-8", detected=False)
        return ("utf-8-sig" if bom else "utf-8"), name is None, scan
    codec = name or detect_encoding(path, scan.legacy_sample, complete=True)
    if _mixes_encodings(scan, codec):
        raise _mixed(path, scan, codec, declared=name is not None)
    _validate(path, codec, detected=name is None)
    return codec, name is None, scan


def _wide_unicode(sample: bytes) -> str | None:
    for bom, codec in _WIDE_BOMS:
        if sample.startswith(bom):
            return codec
    return utf16_without_bom(sample)


def _is_wide(codec: str) -> str | None:
    return codec if codec.startswith(("utf-16", "utf-32")) else None


def _validate(path: str, codec: str, *, detected: bool) -> None:
    """Decode the whole file (streaming); the first byte that does not decode is an error."""
    decoder = codecs.getincrementaldecoder(codec)()
    try:
        for chunk in file_chunks(path):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as e:
        raise decode_error(path, codec, detected, file_chunks(path)) from e


def _mixes_encodings(scan: TextScan, codec: str) -> bool:
    """Whether the file holds real UTF-8 lines beside lines that are not UTF-8."""
    if scan.is_utf8 or not scan.utf8_evidence:
        return False
    if scan.utf8_evidence >= scan.not_utf8_lines:
        return True  # mostly UTF-8: the other lines are the mistake
    if codec_name(codec) not in CJK_CODECS:
        return True  # single-byte legacy text is practically never valid UTF-8
    return scan.wide_utf8_lines >= max(1, scan.non_ascii_lines // _WIDE_SHARE)


def _mixed(path: str, scan: TextScan, codec: str, *, declared: bool) -> InputFileError:
    bad = scan.first_not_utf8
    assert bad is not None
    others = scan.utf8_evidence
    lines = "line holds" if others == 1 else "lines hold"
    setting = f"connection.encoding is {codec}, but " if declared else ""
    return InputFileError(
        path,
        f"not valid UTF-8 (byte 0x{bad.byte:02x} at byte offset {bad.offset}), yet {setting}"
        f"{others} {lines} UTF-8 text (the first: line {scan.first_utf8_evidence}): "
        f"the file mixes encodings (the lines that are not look like {codec}); re-save it in one "
        "encoding (UTF-8), or correct this line",
        bad.line,
    )
