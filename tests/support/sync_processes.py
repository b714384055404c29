"""Real `crmhub sync` processes for crash and concurrency tests, and what they leave behind.

``start_sync`` runs the command line in a child process (its stderr goes to a file the
test can read while it runs); ``snapshot`` reads everything a run writes, minus
timestamps, so two stores can be compared for "ends exactly as an uninterrupted run".
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa

from core.store.tables import (
    change_event,
    golden_record,
    quarantine,
    run,
    run_source,
    source_record,
    xref,
)


def write_config(directory: Path, store_url: str, data: Path, *, batch_size: int = 100) -> Path:
    """A hub.yaml with one CSV source ``crm`` read in batches of ``batch_size``."""
    directory.mkdir(parents=True, exist_ok=True)
    config = directory / "hub.yaml"
    config.write_text(
        f"store: {store_url}\n"
        "sources:\n"
        "  - name: crm\n"
        "    kind: spreadsheet\n"
        f"    batch_size: {batch_size}\n"
        f"    connection: {{path: {data}}}\n",
        encoding="utf-8",
    )
    return config


class SyncProcess:
    """``crmhub sync`` running in a child process; stderr is kept in ``<log>``."""

    def __init__(self, config: Path, *args: str, log: Path) -> None:
        self.log = log
        self._stderr = log.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "crmhub", "sync", "--config", str(config), *args],
            stdout=subprocess.DEVNULL,
            stderr=self._stderr,
            env={**os.environ, "COLUMNS": "400"},  # one log line stays one line
        )

    @property
    def pid(self) -> int:
        return self.process.pid

    def stderr(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def wait(self, timeout: float = 240) -> int:
        try:
            return self.process.wait(timeout=timeout)
        finally:
            self._stderr.close()

    def kill(self) -> None:
        self.process.kill()
        self.wait()


def crmhub_sync(config: Path) -> subprocess.Popen[bytes]:
    """``crmhub sync`` with stderr on a pipe (read it once, at the end)."""
    return subprocess.Popen(
        [sys.executable, "-m", "crmhub", "sync", "--config", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def scalar(url: str, query: sa.Select) -> int:  # type: ignore[type-arg]
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(query).scalar() or 0)
    except (sa.exc.OperationalError, sa.exc.ProgrammingError):
        return 0  # the schema is not there yet
    finally:
        engine.dispose()


def records_read(url: str) -> int:
    return scalar(url, sa.select(sa.func.sum(run_source.c.read)))


def wait_for(condition: Callable[[], bool], timeout: float, what: str = "the run") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"{what} did not get that far in time"
        time.sleep(0.05)


def snapshot(url: str) -> dict[str, object]:
    """Everything a run leaves behind, minus timestamps."""
    engine = sa.create_engine(url)
    with engine.connect() as c:
        state = {
            "staged": sorted(
                (r.source_id, r.payload_hash, r.status, r.first_run_id, r.changed_run_id)
                for r in c.execute(sa.select(source_record))
            ),
            "quarantine": sorted(
                (r.record_key, r.status, r.line) for r in c.execute(sa.select(quarantine))
            ),
            "links": sorted((r.source_id, r.golden_id) for r in c.execute(sa.select(xref))),
            "golden": sorted(
                (r.golden_id, r.status, r.version, str(sorted(r.record.items())))
                for r in c.execute(sa.select(golden_record))
            ),
            "ledger": sorted(
                (
                    r.run_id,
                    r.source,
                    r.status,
                    r.read,
                    r.unchanged,
                    r.staged,
                    r.quarantined,
                    r.deleted,
                    r.pending,
                )
                for r in c.execute(sa.select(run_source))
            ),
            "runs": sorted(
                (r.run_id, r.status, r.golden_created, r.golden_updated, r.golden_merged, r.events)
                for r in c.execute(sa.select(run))
            ),
            "events": [
                (r.seq, r.golden_id, r.kind, r.version)
                for r in c.execute(sa.select(change_event).order_by(change_event.c.seq))
            ],
        }
    engine.dispose()
    return state
