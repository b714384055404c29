"""Real headless Chromium, driven over the DevTools protocol with the standard library only.

A report test must see what a browser sees: the rendered text, a screenshot,
and every console message, uncaught exception and failed resource load. The
DevTools protocol gives all three; it speaks JSON over a websocket, and the
few frames it needs (text out, text in, ping/pong) are written here so that
the tests depend on nothing but Debian's ``chromium`` package.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import struct
import subprocess
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from apt_install import apt_install  # type: ignore[import-not-found]

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def ensure_chromium() -> Path:
    """Debian's ``chromium``, installed with apt the first time a session needs it.

    Never skipped: a report test that cannot start a browser fails and says why.
    """
    found = shutil.which("chromium", path="/usr/bin:/usr/local/bin")
    if found:
        return Path(found)
    apt_install("chromium")
    if not CHROMIUM.is_file():
        pytest.fail(f"chromium was installed but {CHROMIUM} is missing")
    return CHROMIUM


class WebSocket:
    """A client websocket (RFC 6455) good enough for DevTools: text frames, pings, close."""

    def __init__(self, url: str, timeout: float = 30) -> None:
        assert url.startswith("ws://"), url
        host_port, _, path = url[len("ws://") :].partition("/")
        host, _, port = host_port.partition(":")
        self._sock = socket.create_connection((host, int(port)), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        request = (
            f"GET /{path} HTTP/1.1\r\nHost: {host_port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        )
        self._sock.sendall(request.encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self._sock.recv(1)
            if not chunk:
                raise ConnectionError("websocket handshake: connection closed")
            head += chunk
        if b" 101 " not in head.split(b"\r\n", 1)[0]:
            raise ConnectionError(f"websocket handshake refused: {head[:200]!r}")

    def send(self, text: str) -> None:
        self._frame(0x1, text.encode())

    def _frame(self, opcode: int, payload: bytes) -> None:
        header = bytes([0x80 | opcode])
        size = len(payload)
        if size < 126:
            header += bytes([0x80 | size])
        elif size < 1 << 16:
            header += bytes([0x80 | 126]) + struct.pack("!H", size)
        else:
            header += bytes([0x80 | 127]) + struct.pack("!Q", size)
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self._sock.sendall(header + mask + masked)

    def _exactly(self, count: int) -> bytes:
        data = b""
        while len(data) < count:
            chunk = self._sock.recv(count - len(data))
            if not chunk:
                raise ConnectionError("websocket closed")
            data += chunk
        return data

    def receive(self) -> str:
        message = b""
        while True:
            first, second = self._exactly(2)
            opcode, size = first & 0x0F, second & 0x7F
            if size == 126:
                (size,) = struct.unpack("!H", self._exactly(2))
            elif size == 127:
                (size,) = struct.unpack("!Q", self._exactly(8))
            mask = self._exactly(4) if second & 0x80 else b""
            payload = self._exactly(size)
            if mask:
                payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
            if opcode == 0x9:  # ping
                self._frame(0xA, payload)
                continue
            if opcode == 0x8:
                raise ConnectionError("websocket closed by the browser")
            message += payload
            if first & 0x80:
                return message.decode()

    def close(self) -> None:
        self._sock.close()


@dataclass
class Rendered:
    """What the browser made of a page."""

    text: str
    screenshot: Path
    boxes: dict[str, dict[str, float]] = field(default_factory=dict)  # selector → page box
    console: list[str] = field(default_factory=list)  # console.* calls
    errors: list[str] = field(default_factory=list)  # exceptions, failed loads, log errors


class _Session:
    def __init__(self, socket_url: str) -> None:
        self._ws = WebSocket(socket_url)
        self._next = 0
        self.events: list[dict[str, Any]] = []

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        self._next += 1
        ident = self._next
        self._ws.send(json.dumps({"id": ident, "method": method, "params": params}))
        while True:
            message = json.loads(self._ws.receive())
            if message.get("id") == ident:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return dict(message.get("result", {}))
            if "method" in message:
                self.events.append(message)

    def wait_for(self, event: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while not any(e["method"] == event for e in self.events):
            if time.monotonic() > deadline:
                raise TimeoutError(f"no {event} within {timeout}s")
            self.events.append(json.loads(self._ws.receive()))

    def close(self) -> None:
        self._ws.close()


def render(
    page: Path, screenshot: Path, *, width: int = 1280, boxes: tuple[str, ...] = ()
) -> Rendered:
    """Open ``page`` in a fresh headless Chromium; return its text, console, a screenshot of
    the whole page, and where the elements matching ``boxes`` (CSS selectors) were drawn."""
    binary = ensure_chromium()
    profile = Path(tempfile.mkdtemp(prefix="crmhub-chromium-"))
    process = subprocess.Popen(
        [
            str(binary),
            *FLAGS,
            f"--user-data-dir={profile}",
            "--remote-debugging-port=0",
            f"--window-size={width},900",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        port = _devtools_port(profile, process)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as answer:
            targets = json.loads(answer.read())
        target = next(t for t in targets if t.get("type") == "page")
        session = _Session(target["webSocketDebuggerUrl"])
        try:
            for domain in ("Runtime", "Log", "Page"):
                session.call(f"{domain}.enable")
            session.call("Page.navigate", url=page.resolve().as_uri())
            session.wait_for("Page.loadEventFired")
            text = session.call(
                "Runtime.evaluate", expression="document.body.innerText", returnByValue=True
            )["result"]["value"]
            drawn = session.call(
                "Runtime.evaluate", expression=_BOXES % json.dumps(list(boxes)), returnByValue=True
            )["result"]["value"]
            size = session.call("Page.getLayoutMetrics")["cssContentSize"]
            shot = session.call(
                "Page.captureScreenshot",
                format="png",
                captureBeyondViewport=True,
                clip={"x": 0, "y": 0, "width": width, "height": size["height"], "scale": 1},
            )
            screenshot.write_bytes(base64.b64decode(shot["data"]))
            session.call("Runtime.evaluate", expression="0")  # drain late events
            found = _rendered(text, screenshot, session.events)
            found.boxes = dict(drawn)
            return found
        finally:
            session.close()
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(profile, ignore_errors=True)


#: Page coordinates of each selector's first element (absent: not in the page).
_BOXES = """Object.fromEntries(%s.flatMap(s => {
  const e = document.querySelector(s);
  if (!e) return [];
  const r = e.getBoundingClientRect();
  return [[s, {x: r.left + scrollX, y: r.top + scrollY, width: r.width, height: r.height}]];
}))"""


def _devtools_port(profile: Path, process: subprocess.Popen[bytes]) -> int:
    marker = profile / "DevToolsActivePort"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"chromium exited with {process.returncode} before listening")
        if marker.is_file():
            first = marker.read_text().splitlines()[:1]
            if first and first[0].isdigit():
                return int(first[0])
        time.sleep(0.05)
    raise TimeoutError("chromium did not open its DevTools port within 30s")


def _rendered(text: str, screenshot: Path, events: list[dict[str, Any]]) -> Rendered:
    found = Rendered(text=text, screenshot=screenshot)
    for event in events:
        params = event.get("params", {})
        if event["method"] == "Runtime.consoleAPICalled":
            args = " ".join(str(a.get("value", a.get("description", ""))) for a in params["args"])
            found.console.append(f"console.{params['type']}: {args}")
            if params["type"] in ("error", "assert"):
                found.errors.append(f"console.{params['type']}: {args}")
        elif event["method"] == "Runtime.exceptionThrown":
            details = params["exceptionDetails"]
            description = details.get("exception", {}).get("description", details.get("text"))
            found.errors.append(f"exception: {description}")
        elif event["method"] == "Log.entryAdded" and params["entry"]["level"] == "error":
            entry = params["entry"]
            found.errors.append(f"{entry['source']}: {entry['text']} {entry.get('url', '')}")
    return found
