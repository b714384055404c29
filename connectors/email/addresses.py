"""Addresses and display names out of raw ``From``/``To``/``Cc`` header values.

The standard library parses well-formed headers well, but real mail is not:
``=?gb2312?B?...?=`` names carry GBK characters, encoded words hide commas
(``=?utf-8?Q?M=C3=BCller,_Thomas?=`` is *one* name), some programs write
``Wei, Zhang <zw@example.cn>`` without quotes, and 8-bit names arrive with no
encoding at all. So a header is first made plain Unicode here, with every
decoded name quoted where it must be, then split into one piece per address at
the commas that really separate addresses, and each piece is parsed on its own
by ``email.policy.default``: one broken address costs only itself.
"""

from __future__ import annotations

import base64
import binascii
import email.errors
import email.policy
import email.utils
import re
import unicodedata
from dataclasses import dataclass

from connectors.email.charsets import decode_text
from core.customer import EMAIL
from core.standardise.email import standardise_email

#: What the standard library's header parsers raise on input they do not expect.
PARSE_ERRORS = (
    email.errors.MessageError,
    ValueError,
    LookupError,
    IndexError,
    AttributeError,
    TypeError,
)

_EW = r"=\?[^?\s]+\?[QqBb]\?[^?\s]*\?="
_ENCODED_WORD = re.compile(r"=\?(?P<charset>[^?\s]+)\?(?P<cte>[QqBb])\?(?P<text>[^?\s]*)\?=")
_PIECES = re.compile(
    rf'(?P<quoted>"(?:[^"\\]|\\.)*(?:"|\Z))|(?P<words>{_EW}(?:[ \t]+{_EW})*)|(?P<other>[^"=]+|=)',
    re.DOTALL,
)
_ENCODED_RUN = re.compile(rf"{_EW}(?:[ \t]+{_EW})*")
_NEEDS_QUOTES = re.compile(r'[()<>@,;:\\".\[\]]')
_FOLD = re.compile(r"\r?\n(?=[ \t])|\r?\n\Z")
_BARE_ADDRESS = re.compile(r"[^\s<>\"(),;:\[\]]+@[^\s<>\"(),;:\[\]]+")
_GROUP_PREFIX = re.compile(r'^\s*[^"<>@,;:()]*:(?!:)')
_CONTROL = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")
_SPACES = re.compile(r"\s+")
_MAX_NAME = 120


@dataclass(frozen=True, slots=True)
class Address:
    """A lowercased address and the display name written with it (``""`` if none)."""

    email: str
    name: str


def parse_address_header(raw: str, fallback_charset: str | None = None) -> list[Address]:
    """Every valid address in one header value, in order; never raises.

    ``fallback_charset`` reads undeclared 8-bit bytes (the message's own
    charset). Group syntax, comments and bare addresses are understood;
    pieces that hold no valid address (``undisclosed-recipients:;``) are left out.

    >>> parse_address_header("=?gb2312?B?1cXOsA==?= <ZW@example.cn>, \\"Müller, Thomas\\" <t@x.de>")
    [Address(email='zw@example.cn', name='张伟'), Address(email='t@x.de', name='Müller, Thomas')]
    """
    value = decode_header_value(raw, fallback_charset)
    found: list[Address] = []
    for piece in _merge_split_names(_split_top_level(value)):
        found.extend(_parse_piece(piece))
    return found


def decode_header_value(raw: str, fallback_charset: str | None = None) -> str:
    """A raw header value as plain Unicode: unfolded, encoded words decoded and quoted."""
    if any("\udc80" <= char <= "\udcff" for char in raw):  # 8-bit bytes, undeclared
        raw = decode_text(raw.encode("utf-8", "surrogateescape"), None, fallback_charset)
    raw = _FOLD.sub("", raw)
    if "=?" not in raw:
        return raw
    out: list[str] = []
    for match in _PIECES.finditer(raw):
        if match.group("quoted") is not None:
            quoted = match.group("quoted")
            out.append(_ENCODED_RUN.sub(lambda m: _escape(_decode_run(m.group(0))), quoted))
        elif match.group("words") is not None:
            text = _decode_run(match.group("words"))
            out.append(f'"{_escape(text)}"' if _NEEDS_QUOTES.search(text) else text)
        else:
            out.append(match.group("other"))
    return "".join(out)


def _decode_run(run: str) -> str:
    """Adjacent encoded words as one text: the space between them is not part of it (RFC 2047).

    Words of one charset are joined as bytes before decoding, because senders
    split a multi-byte character across two words.
    """
    chunks: list[tuple[str, bytearray]] = []
    for word in _ENCODED_WORD.finditer(run):
        charset = word.group("charset").split("*", 1)[0].lower()
        data = _word_bytes(word.group("cte"), word.group("text"))
        if data is None:
            chunks.append(("utf-8", bytearray(word.group(0).encode("utf-8"))))
        elif chunks and chunks[-1][0] == charset:
            chunks[-1][1].extend(data)
        else:
            chunks.append((charset, bytearray(data)))
    return "".join(decode_text(bytes(data), charset) for charset, data in chunks)


def _word_bytes(cte: str, text: str) -> bytes | None:
    encoded = text.encode("utf-8")
    try:
        if cte in "Bb":
            return base64.b64decode(encoded + b"=" * (-len(encoded) % 4))
        return binascii.a2b_qp(encoded, header=True)
    except (binascii.Error, ValueError):
        return None


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _split_top_level(value: str) -> list[str]:
    """Split at the commas and semicolons outside quotes, comments and ``<...>``."""
    pieces: list[str] = []
    current: list[str] = []
    quoted = escaped = False
    comment = angle = 0
    for char in value:
        if escaped:
            escaped = False
        elif char == "\\" and (quoted or comment):
            escaped = True
        elif quoted:
            quoted = char != '"'
        elif char == '"' and not comment:
            quoted = True
        elif char == "(":
            comment += 1
        elif char == ")" and comment:
            comment -= 1
        elif comment:
            pass
        elif char == "<":
            angle += 1
        elif char == ">" and angle:
            angle -= 1
        elif char in ",;" and not angle:
            pieces.append("".join(current))
            current = []
            continue
        current.append(char)
    pieces.append("".join(current))
    without_groups = (_GROUP_PREFIX.sub("", piece, count=1) for piece in pieces)
    return [piece for piece in without_groups if piece.strip()]


def _merge_split_names(pieces: list[str]) -> list[str]:
    """Rejoin ``Wei, Zhang <zw@x.cn>``: a piece without ``@`` belongs to the name after it."""
    merged: list[str] = []
    pending: list[str] = []
    for piece in pieces:
        text = piece.strip()
        if "@" not in text and '"' not in text and "<" not in text:
            pending.append(text)
            continue
        name, angle, rest = text.partition("<")
        if pending and angle and name.strip() and '"' not in name:
            joined = ", ".join([*pending, name.strip()])
            text = f'"{_escape(joined)}" <{rest}'
        pending = []
        merged.append(text)
    return merged


def _parse_piece(piece: str) -> list[Address]:
    pairs: list[tuple[str, str]] = []
    try:
        header = email.policy.default.header_factory("to", piece)
        pairs = [(a.display_name or "", a.addr_spec) for a in header.addresses]
    except PARSE_ERRORS:
        pairs = []
    found = [Address(address, name) for name, spec in pairs if (address := clean_address(spec))]
    if found:
        if len(found) == 1 and not found[0].name:
            found[0] = Address(found[0].email, _comment_name(piece, found[0].email))
        return [Address(a.email, clean_name(a.name, a.email)) for a in found]
    return [  # not parseable as a header: take the bare addresses in it
        Address(address, "")
        for match in _BARE_ADDRESS.finditer(piece)
        if (address := clean_address(match.group(0)))
    ]


def _comment_name(piece: str, address: str) -> str:
    """The old style ``zhang@x.cn (Zhang Wei)`` puts the name in a comment."""
    try:
        name, spec = email.utils.parseaddr(piece)
    except PARSE_ERRORS:
        return ""
    return name if clean_address(spec) == address else ""


def clean_address(value: str) -> str | None:
    """The address lowercased (IDN domains in punycode), or None if it is not one."""
    text = _CONTROL.sub("", value or "").strip().strip("<>").strip()
    address = standardise_email(text) if text else None
    if not address or not EMAIL.match(address) or '"' in address or "<" in address:
        return None
    return address


def clean_name(name: str, address: str) -> str:
    """A display name as a person would write it: no quotes, no address, single spaces.

    >>> clean_name(" 'Zhang  Wei' ", "zw@x.cn"), clean_name("zw@x.cn", "zw@x.cn")
    ('Zhang Wei', '')
    """
    text = unicodedata.normalize("NFC", _CONTROL.sub("", name or ""))
    text = _SPACES.sub(" ", text).strip().strip("\"'`").strip()
    if not text or "@" in text or text.lower() == address or len(text) > _MAX_NAME:
        return ""
    if "\ufffd" in text:  # a name that did not decode: better none than a wrong one
        return ""
    return text
