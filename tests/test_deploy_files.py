"""The compose stacks: valid, secret-free, and every variable they need is documented."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import yaml

ROOT = Path(__file__).resolve().parents[1]
BASE = ROOT / "docker-compose.yml"
CELERY = ROOT / "docker-compose.celery.yml"
COMPOSE_FILES = [BASE, CELERY]


def load(path: Path) -> dict[str, Any]:
    return dict(yaml.safe_load(path.read_text()))


def override(base: Any, extra: Any) -> Any:
    """Compose's override rule for what these files override: mappings merge, the rest replaces.

    (Compose appends some sequences, such as ports and volumes; the Celery file overrides none.)
    """
    if isinstance(base, dict) and isinstance(extra, dict):
        return {k: override(base[k], v) if k in base else v for k, v in extra.items()} | {
            k: v for k, v in base.items() if k not in extra
        }
    return extra


def celery_stack() -> dict[str, Any]:
    return dict(override(load(BASE), load(CELERY)))


def airflow_services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {n: s for n, s in compose["services"].items() if s.get("build") == "."}


@pytest.mark.parametrize("path", COMPOSE_FILES, ids=lambda p: p.name)
def test_the_compose_files_hold_no_secrets_only_references(path: Path) -> None:
    text = path.read_text()
    for line in text.splitlines():
        if re.search(r"(PASSWORD|SECRET|TOKEN)\w*:\s*\S", line) and "${" not in line:
            raise AssertionError(f"a literal secret in {path.name}: {line.strip()}")
    assert not re.search(r"://\w*:(?!\$\{)[^@\s]+@", text), "a password inside a URL"


@pytest.mark.parametrize("path", COMPOSE_FILES, ids=lambda p: p.name)
def test_every_variable_a_compose_file_uses_is_in_the_env_example(path: Path) -> None:
    used = set(re.findall(r"(?<!\$)\$\{(\w+)", path.read_text()))
    example = (ROOT / ".env.example").read_text()
    documented = set(re.findall(r"^(\w+)=", example, re.MULTILINE))
    assert used <= documented, used - documented


def test_the_stack_has_airflow_three_components_postgres_and_health_checks() -> None:
    compose = load(BASE)
    services = compose["services"]
    assert {"postgres", "api-server", "scheduler", "dag-processor", "triggerer"} <= set(services)
    for name in ("postgres", "api-server", "scheduler", "dag-processor", "triggerer"):
        assert "healthcheck" in services[name], name
    assert services["scheduler"]["build"] == "."


def test_the_celery_variant_validates_against_the_compose_schema(tmp_path: Path) -> None:
    merged = tmp_path / "docker-compose.merged.yml"
    merged.write_text(yaml.safe_dump(celery_stack()))
    checked = subprocess.run(
        [
            str(Path(sys.executable).with_name("check-jsonschema")),
            "--builtin-schema",
            "vendor.compose-spec",
            str(merged),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_celery_variant_runs_every_airflow_component_on_celery_with_a_redis_broker() -> None:
    compose = celery_stack()
    services = compose["services"]
    airflow = airflow_services(compose)
    assert {"airflow-init", "api-server", "scheduler", "dag-processor", "triggerer"} < set(airflow)
    for name, service in airflow.items():
        env = service["environment"]
        assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor", name
        assert env["AIRFLOW__CELERY__BROKER_URL"].endswith("@redis:6379/0"), name
    assert "healthcheck" in services["redis"]
    for name in ("scheduler", "worker"):
        assert services[name]["depends_on"]["redis"] == {"condition": "service_healthy"}, name
    for name, service in services.items():
        for needed in service.get("depends_on", {}):
            assert needed in services, f"{name} depends on an undefined service {needed}"
    for volume in ("postgres-data", "redis-data"):
        assert volume in compose["volumes"]


def test_the_celery_workers_are_two_with_the_schedulers_settings_and_a_health_check() -> None:
    services = celery_stack()["services"]
    worker, scheduler = services["worker"], services["scheduler"]
    assert worker["deploy"]["replicas"] == 2
    command = worker["command"]
    assert command[:3] == ["airflow", "celery", "worker"]
    assert "%h" in command[command.index("--celery-hostname") + 1]  # one name per replica
    for key in ("build", "image", "environment", "volumes", "restart"):
        assert worker[key] == scheduler[key], key  # the duplicated settings have not drifted
    assert "inspect ping" in worker["healthcheck"]["test"][1]


@pytest.mark.parametrize("stack", [load(BASE), celery_stack()], ids=["local", "celery"])
def test_every_airflow_service_reaches_its_database_through_installed_drivers(
    stack: dict[str, Any],
) -> None:
    for name, service in airflow_services(stack).items():
        env = service["environment"]
        sync = env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
        # Unless told otherwise, Airflow's async engine takes asyncpg for any PostgreSQL URL.
        default_async = re.sub(r"^postgresql(\+\w+)?:", "postgresql+asyncpg:", sync)
        for url in (sync, env.get("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_ASYNC", default_async)):
            driver = sa.make_url(url).get_driver_name()
            assert importlib.util.find_spec(driver) is not None, (
                f"{name}: {driver} is not installed"
            )
