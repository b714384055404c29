"""The DAGs under a real `airflow standalone` (scheduler, API server, executor), as documented."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

pytest.importorskip("airflow", reason="the airflow extra is part of `make test`")

from pipeline.demo import sample_dir


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def poll_state(session: requests.Session, url: str) -> str:
    """The run's state; on a busy machine the API may answer late, which is not a failure."""
    try:
        return str(session.get(url, timeout=30).json()["state"])
    except (requests.ConnectionError, requests.Timeout):
        return "running"


@pytest.mark.slow
def test_crm_sync_succeeds_under_airflow_standalone(tmp_path: Path) -> None:
    hub = tmp_path / "hub"
    shutil.copytree(sample_dir(), hub)
    port, home = free_port(), tmp_path / "airflow"
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__DAGS_FOLDER": str(Path(__file__).resolve().parents[2] / "dags"),
        "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
        "AIRFLOW__API__HOST": "127.0.0.1",
        "AIRFLOW__API__PORT": str(port),
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{base}/execution/",
        "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port()),
        "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_hex(32),
        "CRMHUB_CONFIG": str(hub / "hub.yaml"),
    }
    server = subprocess.Popen(
        ["airflow", "standalone"],
        env=env,
        stdout=(tmp_path / "standalone.log").open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        session = requests.Session()
        deadline = time.monotonic() + 180
        while True:
            assert server.poll() is None, (tmp_path / "standalone.log").read_text()[-3000:]
            assert time.monotonic() < deadline, "airflow standalone did not become ready"
            try:
                if session.get(f"{base}/api/v2/monitor/health", timeout=5).ok:
                    break
            except requests.ConnectionError:
                pass
            time.sleep(2)
        passwords = json.loads((home / "simple_auth_manager_passwords.json.generated").read_text())
        token = session.post(
            f"{base}/auth/token",
            json={"username": "admin", "password": passwords["admin"]},
            timeout=10,
        ).json()["access_token"]
        session.headers["Authorization"] = f"Bearer {token}"
        while session.get(f"{base}/api/v2/dags/crm_sync", timeout=10).status_code != 200:
            assert time.monotonic() < deadline, "crm_sync was never parsed"
            time.sleep(2)
        run = session.post(
            f"{base}/api/v2/dags/crm_sync/dagRuns", json={"logical_date": None}, timeout=60
        ).json()
        session.patch(f"{base}/api/v2/dags/crm_sync", json={"is_paused": False}, timeout=60)
        state, deadline = "queued", time.monotonic() + 300
        while state in ("queued", "running"):
            assert time.monotonic() < deadline, f"crm_sync still {state}"
            time.sleep(3)
            state = poll_state(session, f"{base}/api/v2/dags/crm_sync/dagRuns/{run['dag_run_id']}")
        assert state == "success", (tmp_path / "standalone.log").read_text()[-3000:]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
    engine = sa.create_engine(f"sqlite:///{hub / 'crmhub.db'}")
    with engine.connect() as c:
        assert c.execute(sa.text("SELECT count(*) FROM golden_record")).scalar() == 25
    engine.dispose()
