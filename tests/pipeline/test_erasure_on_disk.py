"""``crmhub forget`` leaves no byte of the person in the store's files, even while
``crmhub serve`` (another process) has the store open.

SQLite: the raw database file and its write-ahead log are searched for the
erased person's name, email and phone. PostgreSQL: the tables the erasure
touched are vacuumed.
"""

from __future__ import annotations

import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa
from store_helpers import write_csv  # type: ignore[import-not-found]

from core.settings import load_config
from crmhub.cli import main
from pipeline.store import open_store
from pipeline.sync import sync
from pipeline.tokens import create_token

LENA = {
    "source_id": "1",
    "full_name": "Lena Kraus",
    "email": "lena.kraus@example.de",
    "phone": "+49 171 5550123",
    "city": "Leipzig",
}
LENA_BROKEN = {**LENA, "source_id": "3", "birth_date": "31.02.1990"}  # quarantined by policy
BEN = {"source_id": "4", "full_name": "Ben Wagner", "email": "ben@example.de", "city": "Kiel"}
TRACES = (b"lena.kraus@example.de", b"lena kraus", b"kraus", b"5550123")


def _hub(tmp_path: Path, store_url: str) -> Path:
    others = [  # enough neighbours that Lena's rows share pages with them
        {"source_id": f"n{i}", "full_name": f"Nachbar {i}", "email": f"n{i}@example.de"}
        for i in range(150)
    ]
    rows = [*others[:75], LENA, {**LENA, "source_id": "2"}, LENA_BROKEN, BEN, *others[75:]]
    data = write_csv(tmp_path / "crm.csv", rows)
    config = tmp_path / "hub.yaml"
    config.write_text(
        f"store: {store_url}\nsources:\n"
        f"  - {{name: crm, kind: spreadsheet, connection: {{path: {data}}}}}\n"
        "quality: {field_policy: {birth_date: quarantine}}\n",
        encoding="utf-8",
    )
    assert sync(load_config(config)).ok
    return config


def _on_disk(database: Path) -> bytes:
    """The raw bytes of the database file and its write-ahead log, lower case."""
    files = [database, database.with_name(database.name + "-wal")]
    return b"".join(f.read_bytes() for f in files if f.exists()).lower()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, Path, str, str]]:
    """A synced SQLite store with `crmhub serve` running on it: (config, db, base URL, token)."""
    database = tmp_path / "store.db"
    config = _hub(tmp_path, f"sqlite:///{database}")
    token = create_token(open_store(load_config(config), "write"), "ops", ["read"]).token
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "crmhub", "serve", "--port", str(port), "-c", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            requests.get(f"{base}/health", timeout=2)
            break
        except requests.ConnectionError:
            assert process.poll() is None and time.monotonic() < deadline, "serve did not start"
            time.sleep(0.1)
    try:
        yield config, database, base, token
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_forget_leaves_no_bytes_in_the_sqlite_files_while_serve_has_them_open(
    served: tuple[Path, Path, str, str],
) -> None:
    config, database, base, token = served
    auth = {"Authorization": f"Bearer {token}"}
    found = requests.get(
        f"{base}/customers", params={"email": LENA["email"]}, headers=auth, timeout=10
    )
    assert [c["record"]["email"] for c in found.json()["items"]] == [LENA["email"]]
    reader = sqlite3.connect(database)  # and an idle reader of our own
    assert reader.execute("SELECT count(*) FROM source_record").fetchone() == (153,)
    assert all(trace in _on_disk(database) for trace in TRACES)  # the search below can fail

    code = main(["forget", "--email", LENA["email"], "--yes", "--by", "dpo", "-c", str(config)])

    assert code == 0
    raw = _on_disk(database)
    for trace in TRACES:
        assert trace not in raw, trace
    assert b"ben@example.de" in raw  # Ben is still there
    assert reader.execute("SELECT count(*) FROM source_record").fetchone() == (151,)
    gone = requests.get(
        f"{base}/customers", params={"email": LENA["email"]}, headers=auth, timeout=10
    )
    assert gone.json()["items"] == []
    reader.close()


def test_forget_vacuums_the_tables_it_touched_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    config = _hub(tmp_path, pg_url)
    last_vacuum = sa.text(
        "SELECT relname, last_vacuum FROM pg_stat_user_tables WHERE last_vacuum IS NOT NULL"
    )
    engine = sa.create_engine(pg_url)
    with engine.connect() as connection:
        assert list(connection.execute(last_vacuum)) == []

    code = main(["forget", "--email", LENA["email"], "--yes", "-c", str(config)])

    assert code == 0
    with engine.connect() as connection:
        vacuumed = {row.relname for row in connection.execute(last_vacuum)}
    engine.dispose()
    assert {"source_record", "quarantine", "golden_record", "golden_history", "xref"} <= vacuumed
