"""``crmhub serve`` as an operator starts it: a process that answers on its port."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

from pipeline.store import open_store
from pipeline.tokens import create_token


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_crmhub_serve_answers_until_stopped_and_logs_no_token(api_config: Path) -> None:
    from core.settings import load_config

    token = create_token(open_store(load_config(api_config), "write"), "ops", ["read"]).token
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "crmhub", "serve", "--port", str(port), "-c", str(api_config)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                health = requests.get(f"{base}/health", timeout=2)
                break
            except requests.ConnectionError:
                assert process.poll() is None and time.monotonic() < deadline, "did not start"
                time.sleep(0.1)
        assert health.json() == {"status": "ok", "store": "answers"}
        auth = {"Authorization": f"Bearer {token}"}
        found = requests.get(f"{base}/customers", params={"name": "李娜"}, headers=auth, timeout=5)
        assert [c["record"]["email"] for c in found.json()["items"]] == ["li.na@example.cn"]
        requests.get(f"{base}/changes", params={"token": token}, timeout=5)
    finally:
        process.terminate()
        output = process.communicate(timeout=20)[0]
    assert "GET /customers?name=" in output
    assert re.search(r"GET /changes\?token=(crmhub_)?\*\*\* ", output)  # masked either way
    assert token not in output and token[len("crmhub_") :] not in output


def test_crmhub_serve_without_a_store_says_what_to_do(tmp_path: Path) -> None:
    config = tmp_path / "hub.yaml"
    config.write_text(f"store: sqlite:///{tmp_path / 'missing.db'}\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "crmhub", "serve", "-c", str(config)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "no store at" in done.stderr and "run `crmhub sync` first" in done.stderr
