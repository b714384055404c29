"""Hostile config files: alias bombs, huge values and written-out credentials are refused
with one short line (issue 12, #8 and #9)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from connectors.sql.settings import settings_from_connection
from core.errors import ConfigError, Problem
from core.settings import load_config
from mappings.loading import load_mapping


def alias_bomb(top_key: str) -> str:
    """Nine levels of nine aliases each: 9**9 (387 million) strings once expanded."""
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    previous = "a"
    for name in "bcdefghi":
        lines.append(f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]")
        previous = name
    lines.append(f"{top_key}: *{previous}")
    return "\n".join(lines) + "\n"


def refused(load, path: Path) -> str:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    with pytest.raises(ConfigError) as caught:
        load(path)
    assert time.perf_counter() - start < 1
    return str(caught.value)


@pytest.mark.parametrize("load", [load_config, load_mapping], ids=["hub.yaml", "mapping"])
def test_an_alias_bomb_is_refused_in_a_second_with_one_line(load, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bomb = alias_bomb("sources" if load is load_config else "fields")
    assert len(bomb.encode()) < 800
    path = tmp_path / "bomb.yaml"
    path.write_text(bomb, encoding="utf-8")
    message = refused(load, path)
    assert "\n" not in message and len(message) < 300
    assert message.startswith(f"{path}:1:4: not valid YAML (YAML anchors")


def test_a_single_alias_is_refused_too(tmp_path: Path) -> None:
    path = tmp_path / "hub.yaml"
    path.write_text("default_region: &r CN\nstore: *r\n", encoding="utf-8")
    assert f"{path}:1:17: not valid YAML" in refused(load_config, path)


def test_an_error_cuts_long_values_and_lists_few_problems(tmp_path: Path) -> None:
    path = tmp_path / "hub.yaml"
    keys = "".join(f"? {'k' * 2_000}{i}\n: 1\n" for i in range(100))
    path.write_text(f"date_order: {'x' * 100_000}\n{keys}", encoding="utf-8")
    message = refused(load_config, path)
    assert len(message) < 10_000
    assert "more problems" in message.splitlines()[-1]


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg://:s3cretpw@db/hub",
        "postgresql+psycopg://hub:s3cretpw@db/hub",
        "postgresql+psycopg://hub:${HUB_PW}s3cretpw@db/hub",
        "postgresql+psycopg://hub@db/hub?password=s3cretpw",
        "postgresql+psycopg://hub@db/hub?sslmode=off&pwd=s3cretpw",
        "postgresql+psycopg://hub@db/hub?secret=s3cretpw",
        "postgresql+psycopg://hub@db/hub?PASSWORD=s3cretpw",
        "mysql+pymysql://hub@db/hub?passwd=s3cretpw",
    ],
)
def test_a_written_out_credential_is_refused_in_every_url_form(tmp_path: Path, url: str) -> None:
    path = tmp_path / "hub.yaml"
    path.write_text(f"store: '{url}'\n", encoding="utf-8")
    message = refused(load_config, path)
    assert "use ${ENV_VAR}" in message and "s3cretpw" not in message
    connection = {"url": url, "table": "customers", "key_column": "id"}
    with pytest.raises(ConfigError) as caught:
        settings_from_connection(connection)
    assert "holds a password" in str(caught.value) and "s3cretpw" not in str(caught.value)


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg://hub:${HUB_PW}@db/hub",
        "postgresql+psycopg://hub@db/hub?password=${HUB_PW}&sslmode=require",
        "postgresql+psycopg://hub@db:5432/hub?application_name=crm-hub",
    ],
)
def test_credentials_named_by_their_variable_are_accepted(tmp_path: Path, url: str) -> None:
    path = tmp_path / "hub.yaml"
    path.write_text(f"store: '{url}'\n", encoding="utf-8")
    assert load_config(path).store == url
    settings_from_connection({"url": url, "table": "customers", "key_column": "id"})


def test_errors_and_refusal_reasons_are_cut_to_a_readable_length() -> None:
    huge = "x" * 2_000_000
    assert len(str(ConfigError(f"source crm: {huge}"))) < 10_100
    reason = Problem("email", f"'{huge}' is not a valid email address").as_dict()["reason"]
    assert reason.startswith("'xxx") and reason.endswith("' is not a valid email address")
    assert "(2000031 characters)" in reason
    assert len(reason) < 1_100
