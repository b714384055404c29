"""SIGKILL `crmhub sync` part-way, run it again: nothing lost, nothing duplicated.

The resumed run must end with exactly what an uninterrupted run produces: the
same staged records, quarantine, golden IDs and memberships, ledger and change
events.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
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

PEOPLE = 1500


def write_config(directory: Path, store_url: str, data: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    config = directory / "hub.yaml"
    config.write_text(
        f"store: {store_url}\n"
        "sources:\n"
        "  - name: crm\n"
        "    kind: spreadsheet\n"
        "    batch_size: 100\n"
        f"    connection: {{path: {data}}}\n",
        encoding="utf-8",
    )
    return config


def crmhub(config: Path) -> subprocess.Popen[bytes]:
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


@pytest.fixture
def big_csv(customers_csv) -> Path:  # type: ignore[no-untyped-def]
    path, _ = customers_csv(PEOPLE, invalid=0.03)
    return path


def wait_for(condition: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the run did not get that far in time"
        time.sleep(0.05)


@pytest.mark.slow
@pytest.mark.parametrize("kill_during", ["extract", "resolve"])
def test_killed_run_resumes_without_loss(
    kill_during: str, store_url: str, big_csv: Path, tmp_path: Path
) -> None:
    reference_url = f"sqlite:///{tmp_path / 'reference.db'}"  # also: PostgreSQL == SQLite
    reference = crmhub(write_config(tmp_path / "reference", reference_url, big_csv))
    assert reference.wait(timeout=300) == 0, reference.stderr.read().decode()  # type: ignore[union-attr]

    config = write_config(tmp_path / "killed", store_url, big_csv)
    victim = crmhub(config)
    if kill_during == "extract":
        read = sa.select(sa.func.sum(run_source.c.read))
        wait_for(lambda: scalar(store_url, read) >= 300, timeout=120)
    else:
        created = sa.select(sa.func.count()).select_from(golden_record)
        wait_for(lambda: scalar(store_url, created) >= 250, timeout=240)
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait()
    staged_at_kill = scalar(store_url, sa.select(sa.func.count()).select_from(source_record))
    assert staged_at_kill > 0

    resumed = crmhub(config)
    _, err = resumed.communicate(timeout=300)
    assert resumed.returncode == 0, err.decode()
    assert "resumed interrupted run 1" in err.decode()
    assert snapshot(store_url) == snapshot(reference_url)
