"""``crmhub serve`` on a port it cannot have: one line, exit 2, nothing announced (#10)."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path


def test_serve_on_a_busy_port_says_so_in_one_line_and_exits_2(api_config: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "crmhub", "serve", "--port", str(port), "-c", str(api_config)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().splitlines() == [
        f"error: cannot serve on 127.0.0.1:{port}: the port is in use (choose another with --port)"
    ]
    assert "read API on" not in done.stdout + done.stderr
