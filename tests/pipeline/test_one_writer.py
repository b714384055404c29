"""One writer per store: two `crmhub sync` processes never share a run.

Real processes on SQLite and PostgreSQL. Two syncs started at the same moment:
one writes, the other fails at once naming it; a third started 3 s later waits
for the store and then finds nothing left to do. The change feed and every
ledger equal one uninterrupted run's. The holder killed with SIGKILL while a
writer waits: the waiter takes the lock over and resumes the run to the end.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest
from sample_people import write_customers
from sync_processes import SyncProcess, records_read, snapshot, wait_for, write_config

from core.settings import HubConfig, load_config
from pipeline.sync import sync

PEOPLE = 400


@pytest.fixture(scope="module")
def people_csv(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    path = tmp_path_factory.mktemp("one-writer") / "customers.csv"
    return path, write_customers(path, PEOPLE, invalid=0.03)


@pytest.fixture(scope="module")
def reference(people_csv: tuple[Path, int], tmp_path_factory: pytest.TempPathFactory) -> dict:  # type: ignore[type-arg]
    """What one uninterrupted sync of the file leaves behind."""
    url = f"sqlite:///{tmp_path_factory.mktemp('reference') / 'reference.db'}"
    config = write_config(tmp_path_factory.mktemp("reference-config"), url, people_csv[0])
    assert sync(load_config(config)).ok
    return snapshot(url)


def _error_line(process: SyncProcess) -> str:
    lines = [line for line in process.stderr().splitlines() if line.startswith("error:")]
    assert len(lines) == 1, process.stderr()
    return lines[0]


@pytest.mark.slow
def test_syncs_at_once_and_3s_apart_write_one_run(
    store_url: str,
    people_csv: tuple[Path, int],
    reference: dict,
    tmp_path: Path,  # type: ignore[type-arg]
) -> None:
    path, rows = people_csv
    config = write_config(tmp_path, store_url, path)
    first = SyncProcess(config, log=tmp_path / "first.log")
    second = SyncProcess(config, log=tmp_path / "second.log")  # the same moment
    time.sleep(3)
    later = SyncProcess(config, "--wait", "120", log=tmp_path / "later.log")

    codes = sorted([(first.wait(), first), (second.wait(), second)], key=lambda c: c[0])
    (won_code, winner), (lost_code, loser) = codes
    assert (won_code, lost_code) == (0, 1), first.stderr() + second.stderr()
    refusal = _error_line(loser)
    assert "the store is busy: sync" in refusal and f"(pid {winner.pid} on " in refusal
    assert "resum" not in loser.stderr() + winner.stderr()

    assert later.wait() == 0, later.stderr()
    assert "waiting up to 120 s for sync" in later.stderr()
    assert f"(pid {winner.pid} on " in later.stderr()
    assert "resum" not in later.stderr()

    state = snapshot(store_url)
    assert state["events"] == reference["events"]
    assert state["golden"] == reference["golden"] and state["links"] == reference["links"]
    (_, _, status, read, unchanged, staged, quarantined, deleted, pending) = reference["ledger"][0]
    assert state["ledger"] == [
        (1, "crm", status, read, unchanged, staged, quarantined, deleted, pending),
        (2, "crm", "done", rows, rows - quarantined, 0, quarantined, 0, 0),
    ]
    assert read == rows == unchanged + staged + quarantined
    assert [r[:2] for r in state["runs"]] == [(1, "succeeded"), (2, "succeeded")]
    assert state["runs"][1][2:] == (0, 0, 0, 0)  # the later run changed nothing


@pytest.mark.slow
def test_killed_lock_holder_is_taken_over_and_its_run_resumed(
    store_url: str,
    people_csv: tuple[Path, int],
    reference: dict,
    tmp_path: Path,  # type: ignore[type-arg]
) -> None:
    config = write_config(tmp_path, store_url, people_csv[0])
    holder = SyncProcess(config, log=tmp_path / "holder.log")
    wait_for(lambda: records_read(store_url) >= 200, timeout=120, what="the holder")
    os.kill(holder.pid, signal.SIGSTOP)  # frozen mid-extract, still holding the lock
    waiter = SyncProcess(config, "--wait", "120", log=tmp_path / "waiter.log")
    wait_for(lambda: "waiting up to 120 s" in waiter.stderr(), timeout=60, what="the waiter")
    assert f"for sync run 1 (pid {holder.pid} on " in waiter.stderr()
    time.sleep(0.5)
    assert waiter.process.poll() is None  # it waits; it does not join the live run

    holder.kill()
    assert waiter.wait() == 0, waiter.stderr()
    assert "resumed interrupted run 1" in waiter.stderr()
    assert snapshot(store_url) == reference


def test_a_cli_sync_never_takes_over_a_scheduler_run_between_its_tasks(tmp_path: Path) -> None:
    from core.store import make_engine, migrate
    from pipeline.run import Run

    engine = make_engine(f"sqlite:///{tmp_path / 'store.db'}")
    migrate(engine)
    config = HubConfig(store=str(engine.url), base_dir=tmp_path)

    def begin(external_key: str | None = None) -> tuple[int, bool]:
        run = Run.begin(config, engine, "sync", ["crm"], external_key=external_key)
        return run.run_id, run.resumed

    airflow_run, _ = begin("airflow:crm_sync:1")
    cli_run, resumed = begin()
    assert (cli_run, resumed) == (airflow_run + 1, False)
    assert begin() == (cli_run, True)  # a crashed CLI run resumes
    assert begin("airflow:crm_sync:1") == (airflow_run, True)
    engine.dispose()


def test_an_airflow_task_waits_its_configured_time_then_names_the_holder(
    store_url: str, people_csv: tuple[Path, int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from core.store import make_engine
    from core.store.writer_lock import StoreBusy, writer_lock
    from pipeline import tasks

    config = write_config(tmp_path, store_url, people_csv[0])
    monkeypatch.setenv(tasks.LOCK_WAIT_ENV, "0.5")
    engine = make_engine(store_url)
    with writer_lock(engine, "sync"), ThreadPoolExecutor(1) as other:  # another writer
        started = time.monotonic()
        attempt = other.submit(tasks.start_sync, str(config), run_key="airflow:crm_sync:1")
        with pytest.raises(StoreBusy, match=rf"sync \(pid {os.getpid()} on .*after waiting 0.5 s"):
            attempt.result(timeout=60)
        assert time.monotonic() - started >= 0.5
    assert tasks.start_sync(str(config), run_key="airflow:crm_sync:1") == 1  # free again
    engine.dispose()
