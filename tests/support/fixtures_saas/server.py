"""The HTTP server under every fake vendor: a request log, a failure queue, one thread per request.

A subclass answers :meth:`FakeVendor.handle`; the base records each request
first and, when a failure was queued with :meth:`FakeVendor.fail_next`, answers
with that instead.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal
from urllib.parse import parse_qsl, urlsplit

from requests.structures import CaseInsensitiveDict

Failure = Literal[
    "rate_limit", "server_error", "slow", "truncated", "invalid_json", "not_found", "unauthorized"
]


@dataclass(frozen=True)
class Recorded:
    """One request as the server saw it (query values decoded, headers case-insensitive)."""

    method: str
    path: str
    query: dict[str, str]
    headers: CaseInsensitiveDict[str]


@dataclass
class Reply:
    status: int = 200
    body: Any = None  # JSON-able, or bytes sent as they are
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    truncate: bool = False


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # a deliberately slow answer must not hold up stop()

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # the client gave up (timeout) or was sent a cut-off body on purpose


class _Handler(BaseHTTPRequestHandler):
    vendor: FakeVendor
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        recorded = Recorded(
            "GET",
            parts.path,
            dict(parse_qsl(parts.query, keep_blank_values=True)),
            CaseInsensitiveDict(dict(self.headers.items())),
        )
        reply = self.vendor.dispatch(recorded)
        if reply.delay:
            time.sleep(reply.delay)
        body = reply.body if isinstance(reply.body, bytes) else json.dumps(reply.body).encode()
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(body)))
        if reply.truncate:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(body[: len(body) // 2] if reply.truncate else body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@dataclass
class _Injected:
    kind: Failure
    retry_after: str | None
    seconds: float
    echo: str | None


class FakeVendor:
    """The server, the request log and the failure queue; subclasses answer requests."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self._failures: deque[_Injected] = deque()
        self._lock = threading.RLock()
        handler = type("Handler", (_Handler,), {"vendor": self})
        self._server = _Server(("127.0.0.1", 0), handler)
        self.port = self._server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def fail_next(
        self,
        kind: Failure,
        *,
        times: int = 1,
        retry_after: str | None = "1",
        seconds: float = 0.5,
        echo: str | None = None,
    ) -> None:
        """Make the next ``times`` requests fail as ``kind``, whatever they ask.

        ``retry_after`` is the 429's header (None: no header); ``seconds`` how
        long a ``slow`` answer waits; ``echo`` text put into the error body (to
        test that a server echoing a credential does not leak it).
        """
        with self._lock:
            self._failures.extend(_Injected(kind, retry_after, seconds, echo) for _ in range(times))

    def paths(self) -> list[str]:
        return [r.path for r in self.requests]

    def dispatch(self, recorded: Recorded) -> Reply:
        with self._lock:
            self.requests.append(recorded)
            injected = self._failures.popleft() if self._failures else None
            if injected is None:
                return self.handle(recorded)
            return self._inject(injected, recorded)

    def _inject(self, injected: _Injected, recorded: Recorded) -> Reply:
        kind, echo = injected.kind, injected.echo or ""
        if kind == "slow":
            return replace(self.handle(recorded), delay=injected.seconds)
        if kind == "truncated":
            return replace(self.handle(recorded), truncate=True)
        if kind == "invalid_json":
            return Reply(200, b"<html><body>Service temporarily busy</body></html>")
        if kind == "rate_limit":
            headers = {} if injected.retry_after is None else {"Retry-After": injected.retry_after}
            return Reply(429, self.error_body(429, f"Exceeded request limit. {echo}"), headers)
        if kind == "server_error":
            return Reply(500, self.error_body(500, f"Internal Server Error {echo}"))
        if kind == "not_found":
            return Reply(404, self.error_body(404, f"Not Found {echo}"))
        return Reply(401, self.error_body(401, f"Invalid credentials {echo}"))

    def handle(self, recorded: Recorded) -> Reply:
        raise NotImplementedError

    def error_body(self, status: int, message: str) -> Any:
        return {"errors": message}
