"""crm_sync under a real CeleryExecutor: a Redis broker, two Celery workers, PostgreSQL for
Airflow's metadata and for the store, as on several machines (docker-compose.celery.yml)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

pytest.importorskip("airflow.providers.celery", reason="the airflow extra is part of `make test`")

import redis
from live_airflow import (
    Processes,
    airflow_env,
    free_port,
    log_in,
    processes,
    trigger_and_wait,
    wait_for_api,
    wait_until,
)

from core.settings import load_config
from core.store.tables import golden_record, run, run_source, source_record
from pipeline.demo import sample_dir

#: The test's own database on the machine's Redis server, emptied before and after.
REDIS_DB = 13
WORKERS = ("worker-a", "worker-b")


@pytest.fixture
def broker_url(tmp_path: Path) -> Iterator[str]:
    """A Redis database for the Celery broker: the local server's, or a throwaway server."""
    url = os.environ.get("CRMHUB_TEST_REDIS_URL", f"redis://127.0.0.1:6379/{REDIS_DB}")
    server: subprocess.Popen[bytes] | None = None
    try:
        if not _answers(url):
            binary = shutil.which("redis-server")
            if binary is None:
                pytest.fail(f"no Redis answers at {url} and redis-server is not installed")
            port = free_port()
            options = ["--bind", "127.0.0.1", "--port", str(port), "--save", "", "--dir", tmp_path]
            server = subprocess.Popen([binary, *options], stdout=subprocess.DEVNULL)
            url = f"redis://127.0.0.1:{port}/{REDIS_DB}"
            wait_until(lambda: _answers(url), "redis-server did not start", time.monotonic() + 20)
        with redis.Redis.from_url(url, socket_timeout=10) as client:
            client.flushdb()
            try:
                yield url
            finally:
                client.flushdb()
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)


def _answers(url: str) -> bool:
    with redis.Redis.from_url(url, socket_timeout=3) as client:
        try:
            return bool(client.ping())
        except (redis.ConnectionError, redis.TimeoutError):
            return False


@pytest.fixture
def store_pg_url(pg_server_url: str) -> Iterator[str]:
    """A second fresh database, for the crm-hub store (``pg_url`` holds Airflow's metadata)."""
    name = f"crmhub_store_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(pg_server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield sa.make_url(pg_server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def start_celery_airflow(airflow: Processes, env: dict[str, str], base: str) -> None:
    """API server, scheduler, DAG processor and two workers, each serving one task at a time."""
    migrated = subprocess.run(
        ["airflow", "db", "migrate"], env=env, capture_output=True, text=True, timeout=240
    )
    assert migrated.returncode == 0, migrated.stdout[-3000:] + migrated.stderr[-3000:]
    for component in ("api-server", "scheduler", "dag-processor"):
        airflow.start(component, ["airflow", component], env)
    for name in WORKERS:
        command = ["airflow", "celery", "worker", "--celery-hostname", f"{name}@%h"]
        options = ["--concurrency", "1", "--skip-serve-logs", "--without-mingle"]
        airflow.start(name, [*command, *options, "--without-gossip"], env)
    deadline = time.monotonic() + 240
    session = requests.Session()
    wait_for_api(session, base, deadline, airflow)
    for name in WORKERS:
        wait_until(
            lambda name=name: f"{name}@" in airflow.log(name) and " ready." in airflow.log(name),
            f"{name} did not connect to the broker",
            deadline,
            airflow,
        )


def where_extract_ran(airflow_db: str, run_id: str, sources: list[str]) -> dict[str, str]:
    """Source → the Celery worker that ran its extract task, from Celery's own task record."""
    engine = sa.create_engine(airflow_db)
    query = sa.text(
        "SELECT ti.map_index, m.worker FROM task_instance ti"
        " JOIN celery_taskmeta m ON m.task_id = ti.external_executor_id"
        " WHERE ti.dag_id = 'crm_sync' AND ti.run_id = :run_id AND ti.task_id = 'extract'"
    )
    with engine.connect() as c:
        rows = c.execute(query, {"run_id": run_id}).all()
    engine.dispose()
    return {sources[index]: str(worker).partition("@")[0] for index, worker in rows}


@pytest.mark.slow
@pytest.mark.postgres
def test_crm_sync_succeeds_under_celery_with_the_sources_on_both_workers(
    tmp_path: Path, pg_url: str, store_pg_url: str, broker_url: str
) -> None:
    hub = tmp_path / "hub"
    shutil.copytree(sample_dir(), hub)
    port, home = free_port(), tmp_path / "airflow"
    base = f"http://127.0.0.1:{port}"
    env = airflow_env(
        home,
        port,
        AIRFLOW__CORE__EXECUTOR="CeleryExecutor",
        AIRFLOW__DATABASE__SQL_ALCHEMY_CONN=pg_url,
        AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_ASYNC=pg_url,  # psycopg 3 for both, not asyncpg
        AIRFLOW__CELERY__BROKER_URL=broker_url,
        # Celery records which worker ran each task: the test reads it back.
        AIRFLOW__CELERY__EXTRA_CELERY_CONFIG=json.dumps({"result_extended": True}),
        CRMHUB_CONFIG=str(hub / "hub.yaml"),
        CRMHUB_STORE_URL=store_pg_url,
        CRMHUB_SYNC_SCHEDULE="none",  # the triggered run alone, no hourly one beside it
    )
    with processes(tmp_path) as airflow:
        start_celery_airflow(airflow, env, base)
        session = requests.Session()
        log_in(session, base, home)
        run_id, state = trigger_and_wait(session, base, "crm_sync", 420, airflow)
        assert state == "success", airflow.tails()
        sources = [s.name for s in load_config(hub / "hub.yaml").sources]
        ran_on = where_extract_ran(pg_url, run_id, sources)
    assert sorted(ran_on) == sorted(sources) == ["crm", "erp", "webshop"], ran_on
    assert set(ran_on.values()) == set(WORKERS), ran_on

    engine = sa.create_engine(store_pg_url)
    with engine.connect() as c:
        (crmhub_run,) = c.execute(sa.select(run)).mappings().all()
        ledger = c.execute(sa.select(run_source)).mappings().all()
        staged = c.execute(sa.select(sa.func.count()).select_from(source_record)).scalar()
        golden = c.execute(sa.select(sa.func.count()).select_from(golden_record)).scalar()
    engine.dispose()
    assert crmhub_run["external_key"] == f"airflow:crm_sync:{run_id}"
    assert crmhub_run["status"] == "succeeded", crmhub_run["message"]
    assert {row["source"]: row["status"] for row in ledger} == dict.fromkeys(sources, "done")
    for row in ledger:  # every record read is accounted for
        assert row["read"] == row["unchanged"] + row["staged"] + row["quarantined"], dict(row)
    assert (staged, golden) == (35, 25)
    sys.stdout.write(f"extract tasks ran on {ran_on}\n")
