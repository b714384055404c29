"""Guessing the encoding of some bytes, and finding exactly where they stop being it.

:func:`detect_encoding` looks at a sample only, in this order: a byte-order
mark, UTF-16 without one (NUL in every other byte), strict UTF-8, then
charset-normalizer. Chinese legacy files are read as GB18030, the superset of
GBK and GB2312, so that rare name characters (䶮, 𠮷) survive. Which encoding a
whole file is read with is decided in
:mod:`connectors.tabular.encoding_choice`, which validates every line;
:func:`decode_error` names the line, column and byte offset of the first bad byte.
"""

from __future__ import annotations

import codecs
import itertools
from collections.abc import Iterable, Iterator
from pathlib import Path

import charset_normalizer

from core.errors import InputFileError

SAMPLE_SIZE = 64 * 1024

_BOMS = (  # longest first: the UTF-32 LE mark starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_GB = {"gb18030", "gbk", "gb2312", "hz", "cp936"}
_BIG5 = {"big5", "big5hkscs", "cp950"}
CJK_CODECS = (
    _GB
    | _BIG5
    | {
        "cp932",
        "cp949",
        "euc_jis_2004",
        "euc_jisx0213",
        "euc_jp",
        "euc_kr",
        "johab",
        "shift_jis",
        "shift_jis_2004",
        "shift_jisx0213",
    }
)
#: How much worse (charset-normalizer "chaos", 0..1) a GB reading may be and still win
#: over another East Asian guess: short samples of Chinese names are ambiguous.
_GB_MARGIN = 0.05
#: How codecs say that the input ended in the middle of a character.
_CUT_OFF = ("end of data", "incomplete", "truncated")
#: Among equally good single-byte guesses, the most common one wins (a short
#: sample of Western names ties with Urdu and Arabic code pages).
_TIE_PREFERENCE = (
    "cp1252",
    "iso8859_15",
    "iso8859_1",
    "cp1250",
    "cp1251",
    "cp1257",
    "cp1254",
    "cp1253",
)


def detect_encoding(path: str, sample: bytes, *, complete: bool | None = None) -> str:
    """Guess the encoding of a text file from its first bytes.

    ``complete`` says the sample is the whole file (default: it is shorter than
    :data:`SAMPLE_SIZE`); otherwise a character cut at its end is not an error.

    >>> detect_encoding("x.csv", "id,name\\n1,张伟\\n".encode("gbk"))
    'gb18030'
    """
    if complete is None:
        complete = len(sample) < SAMPLE_SIZE
    for bom, name in _BOMS:
        if sample.startswith(bom):
            return name
    utf16 = utf16_without_bom(sample)
    if utf16:
        return utf16
    if b"\x00" in sample:
        raise InputFileError(
            path,
            "contains NUL bytes: not a text file, or UTF-16/32 without a byte-order mark; "
            "set connection.encoding",
        )
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=complete)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    if not complete and b"\n" in sample:  # do not let a cut character spoil the guess
        sample = sample[: sample.rindex(b"\n") + 1]
    guess = _charset_normalizer_guess(sample)
    if guess is None:
        raise InputFileError(
            path,
            "cannot tell the encoding (not UTF-8, no byte-order mark); "
            "set connection.encoding (e.g. gb18030, big5, cp1252) or re-save the file as UTF-8",
        )
    return guess


def utf16_without_bom(sample: bytes) -> str | None:
    head = sample[:4096]
    pairs = len(head) // 2
    if pairs < 2:
        return None
    nul_even = head[0::2].count(0) / pairs
    nul_odd = head[1::2].count(0) / pairs
    if nul_odd > 0.3 and nul_even < 0.05:
        return "utf-16-le"  # ASCII "a" is 61 00
    if nul_even > 0.3 and nul_odd < 0.05:
        return "utf-16-be"
    return None


def _charset_normalizer_guess(sample: bytes) -> str | None:
    # UTF-16/32 without a mark were ruled out by the NUL test; a guess of either is noise.
    matches = [
        m
        for m in charset_normalizer.from_bytes(sample)
        if not codec_name(m.encoding).startswith(("utf_16", "utf_32"))
    ]
    if not matches:
        return None
    best = matches[0]
    name = codec_name(best.encoding)
    if name in CJK_CODECS:
        for match in matches:
            if codec_name(match.encoding) in _GB and match.chaos <= best.chaos + _GB_MARGIN:
                return "gb18030"
        if name in _BIG5 and _is_gb2312(sample):
            # Big5 text almost always has trail bytes below 0xA1; GB2312 never does.
            return "gb18030"
        return name
    ties = {
        codec_name(m.encoding)
        for m in matches
        if m.chaos == best.chaos and m.coherence == best.coherence
    }
    return next((p for p in _TIE_PREFERENCE if p in ties), name)


def codec_name(encoding: str) -> str:
    return codecs.lookup(encoding).name.replace("-", "_")


def _is_gb2312(sample: bytes) -> bool:
    try:
        sample.decode("gb2312")
    except UnicodeDecodeError:
        return False
    return True


def decode_error(
    path: str, encoding: str, detected: bool, chunks: Iterable[bytes]
) -> InputFileError:
    """The error for bytes that ``encoding`` cannot decode, naming its line and column.

    ``chunks`` are the file's bytes from the start; they are decoded again to
    find the first bad byte, so call this only once decoding has failed.
    """
    name = codecs.lookup(encoding).name
    found = locate_decode_error(chunks, name)
    how = f"; {name} was detected from the start of the file" if detected else ""
    advice = "set connection.encoding or re-save the file as UTF-8"
    if found is None:
        return InputFileError(path, f"not valid {name}{how}; {advice}")
    line, column, bad, offset = found
    what = (
        f"byte 0x{bad:02x} at column {column}, byte offset {offset}"
        if bad is not None
        else "cut off at the end"
    )
    return InputFileError(path, f"not valid {name} ({what}{how}); {advice}", line)


def locate_decode_error(
    chunks: Iterable[bytes], encoding: str
) -> tuple[int, int, int | None, int] | None:
    """``(line, column, byte, offset)`` of the first byte ``encoding`` cannot decode.

    Line and column are 1-based, ``offset`` counts bytes from the start of the
    file (0-based). Lines end at ``\\n``, ``\\r\\n`` or ``\\r``, as in the CSV
    reader; ``byte`` is None when the file ends in the middle of a character.
    None if all is well. Chunks are not kept: memory stays bounded.
    """
    decoder = codecs.getincrementaldecoder(encoding)()
    counter = _LineCounter()
    consumed = 0
    for chunk in itertools.chain(chunks, [b""]):
        state = decoder.getstate()
        try:
            counter.feed(decoder.decode(chunk, final=not chunk))
            consumed += len(chunk)
            continue
        except UnicodeDecodeError as e:
            decoder.setstate(state)
            good = chunk[: max(0, e.start - len(state[0]))]
            counter.feed(decoder.decode(good))
            cut_off = not chunk and any(w in e.reason for w in _CUT_OFF)
            bad = None if cut_off or e.start >= len(e.object) else e.object[e.start]
            return counter.line, counter.column, bad, consumed - len(state[0]) + e.start
    return None


def file_chunks(path: str | Path, size: int = 1 << 20) -> Iterator[bytes]:
    """The bytes of ``path`` in chunks, for :func:`decode_error`."""
    with Path(path).open("rb") as f:
        while chunk := f.read(size):
            yield chunk


class _LineCounter:
    """Where the next character goes, given the text so far."""

    def __init__(self) -> None:
        self.line = 1
        self.column = 1
        self._after_cr = False

    def feed(self, text: str) -> None:
        if not text:
            return
        breaks = text.count("\n") + text.count("\r") - text.count("\r\n")
        if self._after_cr and text[0] == "\n":
            breaks -= 1  # the \r\n was split between two pieces
        self.line += breaks
        last = max(text.rfind("\n"), text.rfind("\r"))
        self.column = len(text) - last if last >= 0 else self.column + len(text)
        self._after_cr = text[-1] == "\r"
