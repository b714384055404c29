"""SIGKILL `crmhub sync` part-way, run it again: nothing lost, nothing duplicated.

The resumed run must end with exactly what an uninterrupted run produces: the
same staged records, quarantine, golden IDs and memberships, ledger and change
events.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest
import sqlalchemy as sa
from sync_processes import crmhub_sync as crmhub
from sync_processes import scalar, snapshot, wait_for, write_config

from core.store.tables import golden_record, run_source, source_record

PEOPLE = 1500


@pytest.fixture
def big_csv(customers_csv) -> Path:  # type: ignore[no-untyped-def]
    path, _ = customers_csv(PEOPLE, invalid=0.03)
    return path


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
