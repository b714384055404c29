"""Real Airflow processes for the DAG tests: start them on loopback, drive them over the REST
API, and always stop them, each within a bounded time."""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path

import requests

DAGS = Path(__file__).resolve().parents[2] / "dags"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def airflow_env(home: Path, port: int, **settings: str) -> dict[str, str]:
    """The environment of every Airflow process of one test: its own home, loopback only,
    the project's DAGs, and the venv's `bin` on PATH (Airflow starts `airflow` by name)."""
    base = f"http://127.0.0.1:{port}"
    return {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS),
        "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
        "AIRFLOW__API__HOST": "127.0.0.1",
        "AIRFLOW__API__PORT": str(port),
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{base}/execution/",
        "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port()),
        "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_hex(32),
        **settings,
    }


class Processes:
    """Started processes, each in its own process group with its output in a log file."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.running: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, name: str, command: list[str], env: Mapping[str, str]) -> None:
        with (self.logs / f"{name}.log").open("w") as log:
            self.running[name] = subprocess.Popen(
                command, env=dict(env), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")

    def tails(self, chars: int = 2500) -> str:
        return "\n".join(f"--- {n}\n{self.log(n)[-chars:]}" for n in self.running)

    def assert_alive(self) -> None:
        for name, process in self.running.items():
            assert process.poll() is None, f"{name} exited\n{self.tails()}"

    def stop(self, timeout: float = 30) -> None:
        """SIGTERM to every group, then SIGKILL to what is still there after ``timeout``."""
        for process in self.running.values():
            _signal_group(process, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for process in self.running.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(process, signal.SIGKILL)
                process.wait(timeout=10)
            _signal_group(process, signal.SIGKILL)  # children left behind by the leader


def _signal_group(process: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    with suppress(ProcessLookupError):
        os.killpg(process.pid, sig)


@contextmanager
def processes(logs: Path) -> Iterator[Processes]:
    """Processes that are stopped however the block ends."""
    started = Processes(logs)
    try:
        yield started
    finally:
        started.stop()


def wait_until(
    ready: Callable[[], bool], what: str, deadline: float, alive: Processes | None = None
) -> None:
    while not ready():
        if alive is not None:
            alive.assert_alive()
        assert time.monotonic() < deadline, f"{what}\n{alive.tails() if alive else ''}"
        time.sleep(2)


def answers(session: requests.Session, url: str) -> bool:
    try:
        return session.get(url, timeout=5).ok
    except requests.RequestException:
        return False


def wait_for_api(session: requests.Session, base: str, deadline: float, alive: Processes) -> None:
    """Until the REST API and the execution API answer: the API server builds the latter on
    its first request (about 20 s on a busy machine), which would otherwise time out the
    first tasks' calls and send them into backoff."""
    for path in ("/api/v2/monitor/health", "/execution/health"):
        wait_until(
            lambda path=path: answers(session, f"{base}{path}"),
            f"the API server does not answer {path}",
            deadline,
            alive,
        )


def log_in(session: requests.Session, base: str, home: Path) -> None:
    """A bearer token for `admin`, whose password the API server generated in ``home``."""
    passwords = json.loads((home / "simple_auth_manager_passwords.json.generated").read_text())
    token = session.post(
        f"{base}/auth/token",
        json={"username": "admin", "password": passwords["admin"]},
        timeout=10,
    ).json()["access_token"]
    session.headers["Authorization"] = f"Bearer {token}"


def run_state(session: requests.Session, url: str) -> str:
    """The run's state; on a busy machine the API may answer late, which is not a failure."""
    try:
        return str(session.get(url, timeout=30).json()["state"])
    except (requests.ConnectionError, requests.Timeout):
        return "running"


def trigger_and_wait(
    session: requests.Session, base: str, dag_id: str, timeout: float, alive: Processes
) -> tuple[str, str]:
    """Trigger ``dag_id`` once, unpause it, and wait for the run to end: (run id, state)."""
    deadline = time.monotonic() + timeout
    wait_until(
        lambda: session.get(f"{base}/api/v2/dags/{dag_id}", timeout=10).status_code == 200,
        f"{dag_id} was never parsed",
        deadline,
        alive,
    )
    run = session.post(
        f"{base}/api/v2/dags/{dag_id}/dagRuns", json={"logical_date": None}, timeout=60
    ).json()
    session.patch(f"{base}/api/v2/dags/{dag_id}", json={"is_paused": False}, timeout=60)
    url = f"{base}/api/v2/dags/{dag_id}/dagRuns/{run['dag_run_id']}"
    state = "queued"
    while state in ("queued", "running"):
        assert time.monotonic() < deadline, f"{dag_id} still {state}\n{alive.tails()}"
        time.sleep(3)
        state = run_state(session, url)
    return str(run["dag_run_id"]), state
