"""A request whose URL is longer than 8 KB is answered ``414 URI Too Long``.

No route needs more (a lookup is an email, a phone, a name), and every byte of a
URL is parsed, logged and masked. Left to itself the HTTP parser gives up at
about 80 KB with a bare 400, and closing the socket while the client is still
sending makes the client see a connection reset instead of any answer. So the
URL is measured as it is parsed, the 414 is written as soon as it is too long,
and the rest of that request is read and dropped before the connection closes.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

MAX_URL_BYTES = 8192
#: How much of a refused request is read and dropped, and for how long, before closing.
DRAIN_BYTES = 4 * 1024 * 1024
DRAIN_SECONDS = 5.0

log = logging.getLogger(__name__)


class UrlTooLong(Exception):
    """Raised inside the parser's URL callback to stop parsing a request."""


class UrlLimitProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, refusing URLs over :data:`MAX_URL_BYTES` with a 414."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._refused = False
        self._drained = 0
        self._tail = b""

    def on_url(self, url: bytes) -> None:
        super().on_url(url)
        if len(self.url) > MAX_URL_BYTES:
            self._refused = True
            raise UrlTooLong

    def data_received(self, data: bytes) -> None:
        if not self._refused:
            super().data_received(data)
            if not self._refused:
                return
        self._drain(data)

    def send_400_response(self, msg: str) -> None:
        if not self._refused:
            super().send_400_response(msg)
            return
        log.warning("refused a request whose URL is longer than %d bytes (414)", MAX_URL_BYTES)
        body = json.dumps(
            {"error": "uri_too_long", "detail": f"the URL is longer than {MAX_URL_BYTES} bytes"}
        ).encode("ascii")
        self.transport.write(
            b"HTTP/1.1 414 URI Too Long\r\n"
            b"content-type: application/json\r\n"
            b"content-length: " + str(len(body)).encode("ascii") + b"\r\n"
            b"connection: close\r\n\r\n" + body
        )
        self.loop.call_later(DRAIN_SECONDS, self.transport.close)

    def _drain(self, data: bytes) -> None:
        """Drop the refused request up to the end of its head, then close."""
        self._drained += len(data)
        window = self._tail + data
        if b"\r\n\r\n" in window or self._drained > DRAIN_BYTES:
            self.transport.close()
        self._tail = window[-3:]
