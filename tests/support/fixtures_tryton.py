"""A real trytond for the Tryton connector's tests.

Three layers, each built once for as long as it can be kept:

- the server's own virtualenv (``pip install trytond trytond-party``, ~15 s), once
  per machine under ``~/.cache/crmhub-tests/trytond-<version>/`` (or
  ``$CRMHUB_TEST_CACHE``), reused while its marker file is there;
- a template SQLite database with the party module activated (``trytond-admin``,
  ~15 s), once per test session;
- per test, a copy of the template served by ``trytond -c CONF -d DB`` on a free
  loopback port (~1 s to answer), stopped afterwards.

Test modules import the fixtures they use (``from fixtures_tryton import tryton``).
The helpers of :class:`TrytonServer` talk JSON-RPC with their own few lines of
``requests``, not with the connector under test.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import itertools
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import requests

TRYTON_SERIES = "8.2"
PACKAGES = (f"trytond=={TRYTON_SERIES}.*", f"trytond-party=={TRYTON_SERIES}.*")
ADMIN_PASSWORD = "admin-Secret-42"
DATABASE = "crmhub"
READY_TIMEOUT = 30.0


def cache_dir() -> Path:
    root = os.environ.get("CRMHUB_TEST_CACHE") or Path.home() / ".cache" / "crmhub-tests"
    return Path(root) / f"trytond-{TRYTON_SERIES}"


def _run(command: list[str], what: str, **kwargs: Any) -> None:
    done = subprocess.run(command, capture_output=True, text=True, check=False, **kwargs)
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).splitlines()[-30:])
        pytest.fail(f"{what} failed (exit {done.returncode}):\n{tail}", pytrace=False)


def trytond_venv() -> Path:
    """The cached virtualenv holding trytond; built (under a file lock) when missing."""
    venv = cache_dir() / "venv"
    marker = cache_dir() / "installed"
    if marker.is_file():
        return venv
    cache_dir().mkdir(parents=True, exist_ok=True)
    with (cache_dir() / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another session may be building it right now
        if not marker.is_file():
            shutil.rmtree(venv, ignore_errors=True)
            _run([sys.executable, "-m", "venv", str(venv)], "creating the trytond virtualenv")
            _run(
                [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", *PACKAGES],
                f"pip install {' '.join(PACKAGES)}",
            )
            marker.write_text(" ".join(PACKAGES) + "\n")
    return venv


def _config(path: Path, data_dir: Path, port: int) -> Path:
    path.write_text(
        f"[database]\nuri = sqlite://\npath = {data_dir}\n[web]\nlisten = 127.0.0.1:{port}\n"
    )
    return path


@cache
def build_template(root: Path) -> Path:
    """A database with the party module activated, at ``root/DATABASE.sqlite``.

    Cached by ``root`` because every test module importing the session fixture
    gets a fixture of its own: the template is still built once per session.
    """
    venv = trytond_venv()
    root.mkdir(parents=True, exist_ok=True)
    database = root / f"{DATABASE}.sqlite"
    database.touch()  # trytond-admin opens an existing SQLite file only
    password_file = root / "admin-password"
    password_file.write_text(ADMIN_PASSWORD)
    config = _config(root / "trytond.conf", root, 0)
    _run(
        [
            str(venv / "bin" / "trytond-admin"),
            "-c",
            str(config),
            "-d",
            DATABASE,
            "--all",
            "-u",
            "party",
            "--activate-dependencies",
            "--email",
            "admin@example.com",
        ],
        "trytond-admin (building the template database)",
        env={**os.environ, "TRYTONPASSFILE": str(password_file)},
    )
    return database


@pytest.fixture(scope="session")
def tryton_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The template database file; copy it, never serve it."""
    return build_template(tmp_path_factory.getbasetemp() / "trytond-template")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _answers(url: str) -> bool:
    try:
        response = requests.post(
            f"{url}/rpc/",
            json={"method": "common.server.version", "params": [], "id": 0},
            timeout=2,
        )
    except requests.ConnectionError:
        return False
    return response.status_code == 200


@dataclass
class TrytonServer:
    """A running trytond on a copy of the template, and helpers to change its parties."""

    url: str
    database: str
    data_dir: Path
    user: str = "admin"
    password: str = ADMIN_PASSWORD
    _authorization: str | None = None
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    _countries: dict[str, int] = field(default_factory=dict)

    @property
    def sqlite_file(self) -> Path:
        return self.data_dir / f"{self.database}.sqlite"

    def rpc(self, method: str, *params: Any) -> Any:
        """Call ``method`` as admin; a Tryton error fails the test with its message."""
        if self._authorization is None and method != "common.db.login":
            user_id, session = self.rpc("common.db.login", self.user, {"password": self.password})[
                :2
            ]
            token = base64.b64encode(f"{self.user}:{user_id}:{session}".encode()).decode()
            self._authorization = f"Session {token}"
        headers = {"Authorization": self._authorization} if self._authorization else {}
        body = {"method": method, "params": list(params), "id": next(self._ids)}
        response = requests.post(
            f"{self.url}/{self.database}/rpc/", json=body, headers=headers, timeout=30
        )
        response.raise_for_status()
        answer = response.json()
        if answer.get("error"):
            pytest.fail(f"Tryton {method}: {answer['error']}")
        return answer["result"]

    def model(self, model: str, method: str, *params: Any) -> Any:
        return self.rpc(f"model.{model}.{method}", *params, {})

    def country(self, code: str, name: str | None = None) -> int:
        """The id of the country ``code``, created on first use (the template has none)."""
        if code not in self._countries:
            found = self.model("country.country", "search", [["code", "=", code]], 0, 1, None)
            self._countries[code] = (
                found[0]
                if found
                else self.model(
                    "country.country", "create", [{"code": code, "name": name or code}]
                )[0]
            )
        return self._countries[code]

    def create_party(
        self,
        name: str,
        *,
        code: str | None = None,
        addresses: Sequence[dict[str, Any]] = (),
        contacts: Sequence[tuple[str, str]] = (),
    ) -> int:
        """A party with addresses (``country`` as an ISO code) and ``(type, value)`` contacts."""
        values: dict[str, Any] = {"name": name}
        if code is not None:
            values["code"] = code
        if addresses:
            rows = []
            for address in addresses:
                row = dict(address)
                if "country" in row:
                    row["country"] = self.country(row["country"])
                rows.append(row)
            values["addresses"] = [["create", rows]]
        if contacts:
            values["contact_mechanisms"] = [
                ["create", [{"type": kind, "value": value} for kind, value in contacts]]
            ]
        return int(self.model("party.party", "create", [values])[0])

    def write(self, model: str, ids: list[int], values: dict[str, Any]) -> None:
        self.model(model, "write", ids, values)

    def contacts(self, party: int) -> list[dict[str, Any]]:
        return list(
            self.model(
                "party.contact_mechanism",
                "search_read",
                [["party", "=", party]],
                0,
                None,
                None,
                ["id", "type", "value"],
            )
        )

    def sql(self, statement: str, *params: Any) -> None:
        """Write the database file directly, for states no RPC call can produce (a row
        stamped in the past, rows sharing one time)."""
        with contextlib.closing(sqlite3.connect(self.sqlite_file, timeout=10)) as db:
            db.execute(statement, params)
            db.commit()

    def clear_write_date(self, table: str, ids: list[int]) -> None:
        """Make rows look never modified (``write_date`` empty), as Tryton leaves rows that
        were created and never written since (the party module itself writes right after
        creating, so this cannot be had over RPC)."""
        marks = ",".join("?" * len(ids))
        self.sql(f'UPDATE "{table}" SET write_date = NULL WHERE id IN ({marks})', *ids)


@pytest.fixture
def tryton(tryton_template: Path, tmp_path: Path) -> Iterator[TrytonServer]:
    """A trytond of its own for one test, on a fresh copy of the template database."""
    venv = trytond_venv()
    data_dir = tmp_path / "trytond"
    data_dir.mkdir()
    shutil.copyfile(tryton_template, data_dir / f"{DATABASE}.sqlite")
    port = free_port()
    config = _config(data_dir / "trytond.conf", data_dir, port)
    log_path = data_dir / "trytond.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [str(venv / "bin" / "trytond"), "-c", str(config), "-d", DATABASE],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + READY_TIMEOUT
        while not _answers(url):
            if process.poll() is not None or time.monotonic() > deadline:
                tail = "\n".join(log_path.read_text().splitlines()[-20:])
                pytest.fail(f"trytond did not start on port {port}:\n{tail}", pytrace=False)
            time.sleep(0.05)
        yield TrytonServer(url=url, database=DATABASE, data_dir=data_dir)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
