"""Shared fixtures: stores on SQLite and on a real PostgreSQL, and generated customer files."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
# Airflow reads these once, on first import: set them before any test imports it.
_AIRFLOW_HOME = tempfile.mkdtemp(prefix="crmhub-airflow-")
os.environ["AIRFLOW_HOME"] = _AIRFLOW_HOME
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(Path(__file__).parents[1] / "dags")
os.environ["AIRFLOW__CORE__UNIT_TEST_MODE"] = "True"
os.environ["CRMHUB_RETRY_DELAY_SECONDS"] = "0"
sys.path.insert(0, str(Path(__file__).parent / "support"))  # shared suites, e.g. the contract

from sample_people import write_customers  # noqa: E402  (tests/support, just put on the path)

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PG_BIN = Path("/usr/lib/postgresql/15/bin")


def _answers(url: str) -> bool:
    engine = sa.create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect():
            return True
    except sa.exc.OperationalError:
        return False
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    """A PostgreSQL server URL: $CRMHUB_TEST_PG_URL, the local server, or a throwaway cluster.

    PostgreSQL tests never skip: if no server can be had, they fail and say why.
    """
    url = os.environ.get("CRMHUB_TEST_PG_URL", DEFAULT_PG_URL)
    if _answers(url):
        yield url
        return
    binaries = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
    if not binaries:
        pytest.fail(f"no PostgreSQL answers at {url} and no server binaries are installed")
    bin_dir = binaries[-1]
    data = Path(tempfile.mkdtemp(prefix="crmhub-pg-"))
    port = 55000 + os.getpid() % 1000
    runner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if os.geteuid() == 0:
        shutil.chown(data, "postgres")  # initdb refuses to run as root
    subprocess.run(
        [*runner, str(bin_dir / "initdb"), "-D", str(data), "--auth=trust"],
        check=True,
        capture_output=True,
    )
    options = f"-p {port} -k {data} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(
        [*runner, str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-w", "start"],
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*runner, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
        )
        shutil.rmtree(data, ignore_errors=True)


@pytest.fixture
def pg_url(pg_server_url: str) -> Iterator[str]:
    """A fresh uuid-named database, dropped afterwards."""
    name = f"crmhub_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(pg_server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.make_url(pg_server_url).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Every store test runs on both the embedded default and the production database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def customers_csv(tmp_path: Path):  # type: ignore[no-untyped-def]
    def make(people: int = 200, **kwargs: object) -> tuple[Path, int]:
        path = tmp_path / f"customers_{people}.csv"
        return path, write_customers(path, people, **kwargs)  # type: ignore[arg-type]

    return make
