"""Folder names on the wire: IMAP's modified UTF-7 (RFC 3501 §5.1.3), quoting, LIST replies.

``imaplib`` sends a mailbox name as it is given, so ``Sent Items`` must be
quoted and ``已发送`` encoded (``&XfJT0ZAB-``) by the caller; LIST answers come
back in the same encoding and are decoded here for error messages.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence

_ENCODED = re.compile(r"&([^-]*)-")
_LIST_REPLY = re.compile(
    rb'^\((?P<flags>[^)]*)\)\s+(?P<delimiter>"(?:[^"\\]|\\.)*"|NIL)\s+(?P<name>.*)$',
    re.IGNORECASE | re.DOTALL,
)


def encode_mailbox(name: str) -> str:
    """A folder name in modified UTF-7.

    >>> encode_mailbox("已发送"), encode_mailbox("R&D")
    ('&XfJT0ZAB-', 'R&-D')
    """
    out: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            data = "".join(pending).encode("utf-16-be")
            text = base64.b64encode(data).decode("ascii").rstrip("=").replace("/", ",")
            out.append(f"&{text}-")
            pending.clear()

    for char in name:
        if " " <= char <= "~":
            flush()
            out.append("&-" if char == "&" else char)
        else:
            pending.append(char)
    flush()
    return "".join(out)


def decode_mailbox(name: str) -> str:
    """The inverse of :func:`encode_mailbox`; a malformed part is left as it is."""

    def decode(match: re.Match[str]) -> str:
        text = match.group(1)
        if not text:
            return "&"
        try:
            data = base64.b64decode(text.replace(",", "/") + "=" * (-len(text) % 4))
            return data.decode("utf-16-be")
        except (binascii.Error, UnicodeDecodeError):
            return match.group(0)

    return _ENCODED.sub(decode, name)


def quote_mailbox(name: str) -> str:
    """A folder name ready for a command: encoded and in double quotes."""
    encoded = encode_mailbox(name)
    return '"' + encoded.replace("\\", "\\\\").replace('"', '\\"') + '"'


def listed_folders(data: Sequence[bytes | tuple[bytes, bytes] | None]) -> list[str]:
    """The selectable folder names of a LIST reply, decoded."""
    names: list[str] = []
    for entry in data:
        item, literal = entry if isinstance(entry, tuple) else (entry, None)
        if not isinstance(item, bytes):
            continue
        match = _LIST_REPLY.match(item.strip())
        if match is None or b"\\noselect" in match.group("flags").lower():
            continue
        raw = literal if literal is not None else match.group("name").strip()
        if raw.startswith(b'"') and raw.endswith(b'"') and len(raw) >= 2:
            raw = re.sub(rb"\\(.)", rb"\1", raw[1:-1])
        names.append(decode_mailbox(raw.decode("utf-8", "replace")))
    return names
