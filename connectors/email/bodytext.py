"""The readable text of a message body, for finding the sender's signature.

The first ``text/plain`` part that is not an attachment wins; a message with
only HTML has its tags stripped (block elements become line breaks, so a
signature keeps its lines). Charsets are read as in :mod:`connectors.email.charsets`.
"""

from __future__ import annotations

import re
from email.message import Message
from html.parser import HTMLParser

from connectors.email.charsets import decode_text

_BLOCK_TAGS = frozenset(
    {"br", "p", "div", "tr", "li", "table", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "blockquote"}
)
_HIDDEN_TAGS = frozenset({"style", "script", "head", "title"})
_MAX_PARTS = 50


def body_text(message: Message) -> str:
    """The body as plain text (``""`` when there is none)."""
    html: str | None = None
    for count, part in enumerate(message.walk()):
        if count > _MAX_PARTS:
            break
        if part.is_multipart() or _is_attachment(part):
            continue
        content_type = part.get_content_type()
        if content_type == "text/plain":
            return _part_text(part)
        if content_type == "text/html" and html is None:
            html = _part_text(part)
    return html_to_text(html) if html is not None else ""


def html_to_text(html: str) -> str:
    """Text of an HTML body, one line per block.

    >>> html_to_text("<p>Best regards<br>Anna</p><style>p{}</style><div>ACME GmbH</div>")
    'Best regards\\nAnna\\nACME GmbH'
    """
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    lines = (re.sub(r"[ \t\xa0]+", " ", line).strip() for line in "".join(parser.out).split("\n"))
    return "\n".join(line for line in lines if line)


def message_charset(message: Message) -> str | None:
    """The charset the message declares first: the best guess for undeclared 8-bit headers."""
    for count, part in enumerate(message.walk()):
        if count > _MAX_PARTS:
            break
        charset = part.get_param("charset")
        if isinstance(charset, str) and charset:
            return charset
    return None


def _is_attachment(part: Message) -> bool:
    disposition = str(part.get("Content-Disposition", "")).split(";", 1)[0].strip().lower()
    return disposition == "attachment"


def _part_text(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    charset = part.get_param("charset")
    return decode_text(payload, charset if isinstance(charset, str) else None)


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN_TAGS:
            self._hidden += 1
        elif tag in _BLOCK_TAGS:
            self.out.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN_TAGS:
            self._hidden = max(0, self._hidden - 1)
        elif tag in _BLOCK_TAGS:
            self.out.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.out.append(data.replace("\r", "").replace("\n", " "))
