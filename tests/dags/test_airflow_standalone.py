"""The DAGs under a real `airflow standalone` (scheduler, API server, executor), as documented."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

pytest.importorskip("airflow", reason="the airflow extra is part of `make test`")

from live_airflow import (
    airflow_env,
    free_port,
    log_in,
    processes,
    trigger_and_wait,
    wait_for_api,
)

from pipeline.demo import sample_dir


@pytest.mark.slow
def test_crm_sync_succeeds_under_airflow_standalone(tmp_path: Path) -> None:
    hub = tmp_path / "hub"
    shutil.copytree(sample_dir(), hub)
    port, home = free_port(), tmp_path / "airflow"
    base = f"http://127.0.0.1:{port}"
    # The triggered run alone: unpausing an hourly DAG would start a scheduled one beside it.
    env = airflow_env(home, port, CRMHUB_CONFIG=str(hub / "hub.yaml"), CRMHUB_SYNC_SCHEDULE="none")
    with processes(tmp_path) as airflow:
        airflow.start("standalone", ["airflow", "standalone"], env)
        session = requests.Session()
        wait_for_api(session, base, time.monotonic() + 180, airflow)
        log_in(session, base, home)
        _, state = trigger_and_wait(session, base, "crm_sync", 420, airflow)
        assert state == "success", airflow.tails()
    engine = sa.create_engine(f"sqlite:///{hub / 'crmhub.db'}")
    with engine.connect() as c:
        assert c.execute(sa.text("SELECT count(*) FROM golden_record")).scalar() == 25
    engine.dispose()
