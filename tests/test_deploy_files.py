"""The compose stack: valid, secret-free, and every variable it needs is documented."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def test_the_compose_file_holds_no_secrets_only_references() -> None:
    text = (ROOT / "docker-compose.yml").read_text()
    for line in text.splitlines():
        if re.search(r"(PASSWORD|SECRET|TOKEN)\w*:\s*\S", line) and "${" not in line:
            raise AssertionError(f"a literal secret in docker-compose.yml: {line.strip()}")
    assert not re.search(r"://\w+:(?!\$\{)[^@\s]+@", text), "a password inside a URL"


def test_every_variable_the_compose_file_uses_is_in_the_env_example() -> None:
    used = set(re.findall(r"\$\{(\w+)", (ROOT / "docker-compose.yml").read_text()))
    example = (ROOT / ".env.example").read_text()
    documented = set(re.findall(r"^(\w+)=", example, re.MULTILINE))
    assert used <= documented, used - documented


def test_the_stack_has_airflow_three_components_postgres_and_health_checks() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"postgres", "api-server", "scheduler", "dag-processor", "triggerer"} <= set(services)
    for name in ("postgres", "api-server", "scheduler", "dag-processor", "triggerer"):
        assert "healthcheck" in services[name], name
    assert services["scheduler"]["build"] == "."
