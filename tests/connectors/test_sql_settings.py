"""The SQL connection block: passwords only by reference, a query only reads, and every
name from the config is a plain name."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from connectors.sql import build
from connectors.sql.query import check_select
from connectors.sql.settings import settings_from_connection
from core.errors import ConfigError, redact

TABLE = {
    "url": "postgresql+psycopg://reader@db.local/crm",
    "table": "customers",
    "key_column": "id",
}


def error(connection: Any) -> str:
    with pytest.raises(ConfigError) as caught:
        settings_from_connection(connection)
    return str(caught.value)


def test_an_inline_password_is_refused_saying_how_and_without_repeating_it() -> None:
    message = error({**TABLE, "url": "postgresql+psycopg://reader:hunter2-Pass@db.local/crm"})
    assert "connection.url: the URL holds a password; write it as ${ENV_VAR}" in message
    assert "password: {env: ENV_VAR}" in message
    assert "hunter2-Pass" not in message
    message = error({**TABLE, "password": "hunter2-Pass"})
    assert "connection.password: write the password as {env: NAME}" in message
    assert "hunter2-Pass" not in message


def test_a_password_from_the_environment_is_filled_in_and_registered_as_a_secret(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("CRM_DB_SECRET_A", "pw-From-env-1")
    monkeypatch.setenv("CRM_DB_SECRET_B", "pw-From-env-2")
    in_url = settings_from_connection(
        {**TABLE, "url": "postgresql+psycopg://reader:${CRM_DB_SECRET_A}@db.local/crm"}
    )
    assert in_url.resolved_url(tmp_path).password == "pw-From-env-1"
    apart = settings_from_connection({**TABLE, "password": {"env": "CRM_DB_SECRET_B"}})
    assert apart.resolved_url(tmp_path).password == "pw-From-env-2"
    assert redact("pw-From-env-1 pw-From-env-2") == "*** ***"


def test_the_password_may_not_be_given_twice(monkeypatch: pytest.MonkeyPatch) -> None:
    url = "postgresql+psycopg://reader:${CRM_DB_SECRET_A}@db.local/crm"
    assert "given twice" in error({**TABLE, "url": url, "password": {"env": "X"}})


def test_a_relative_sqlite_file_starts_next_to_the_config(tmp_path: Path) -> None:
    settings = settings_from_connection({**TABLE, "url": "sqlite:///data/crm.db"})
    assert settings.resolved_url(tmp_path).database == str(tmp_path / "data" / "crm.db")


def test_schema_dot_table_is_split_and_names_are_plain() -> None:
    settings = settings_from_connection({**TABLE, "table": "crm.Customer Master"})
    assert (settings.schema_, settings.table) == ("crm", "Customer Master")
    assert settings_from_connection({**TABLE, "schema": "crm"}).schema_ == "crm"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"table": "customers; DROP TABLE customers"}, "connection.table: 'customers; DROP"),
        ({"table": 'x" OR "1"="1'}, "is not a plain table name"),
        ({"key_column": "id) OR (1=1"}, "connection.key_column: 'id) OR (1=1' is not a plain"),
        ({"cursor_column": "updated_at -- "}, "is not a plain column name"),
        ({"table": "a.b.c"}, "connection.table: 'b.c' is not a plain table name"),
        ({"table": "crm.t", "schema": "crm"}, "give the schema once"),
        ({"query": "SELECT 1"}, "give either table: (with an optional schema) or query:"),
        ({"table": None}, "give either table:"),
        ({"url": "not a url"}, "connection.url: not a SQLAlchemy URL"),
        ({"page_size": 0}, "connection.page_size: Input should be greater than or equal to 1"),
        ({"tabel": "x"}, "connection.tabel: unknown key (allowed: url, password, table, schema"),
    ],
)
def test_a_bad_block_names_the_key(change: dict[str, Any], expected: str) -> None:
    assert expected in error({**TABLE, **change})


@pytest.mark.parametrize(
    "query",
    [
        "SELECT id, name FROM customers",
        "  select * from customers where note = 'no; DROP here' ;  ",
        "WITH recent AS (SELECT * FROM customers) SELECT * FROM recent",
        'SELECT "update", `delete` FROM customers -- a comment naming DROP',
        "SELECT REPLACE(name, 'a', 'b') AS name, created::date FROM customers",
    ],
)
def test_a_single_select_is_accepted(query: str) -> None:
    assert check_select(query) == query.strip().rstrip(";").rstrip()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("SELECT * FROM t; DROP TABLE t", "a single statement"),
        ("DELETE FROM t", "must be a SELECT"),
        ("REPLACE INTO t VALUES (1)", "must be a SELECT"),
        ("WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d", "contains DELETE"),
        ("SELECT * INTO backup FROM t", "contains INTO"),
        ("SELECT * FROM t FOR UPDATE", "contains UPDATE"),
        ("SELECT 'open quote FROM t", "unclosed quote"),
        ("", "must be a SELECT"),
    ],
)
def test_anything_but_a_single_select_is_refused(query: str, expected: str) -> None:
    with pytest.raises(ValueError, match=expected):
        check_select(query)
    assert expected in error({**TABLE, "table": None, "query": query})


def test_build_names_an_unset_secret_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CRM_DB_UNSET", raising=False)
    with pytest.raises(ConfigError, match="CRM_DB_UNSET is not set"):
        build("crm", {**TABLE, "password": {"env": "CRM_DB_UNSET"}}, Path())
