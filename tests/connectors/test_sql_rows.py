"""The SQL source against real MariaDB and PostgreSQL: gap-free keyset pages, inclusive
restarts, JSON-friendly values, query mode, and injection attempts that fail safely."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from connectors.sql import SqlConnector, build
from core.errors import ConfigError, SourceRejected, SourceUnavailable
from core.records import RawRecord

MARIADB_URL = "mysql+pymysql://root@127.0.0.1:3306/test"
T0 = datetime(2024, 3, 1, 12, 0, 0)


@dataclass
class SourceDb:
    """A database holding one uniquely named ``customers`` table for one test."""

    url: str
    table: str
    engine: sa.Engine

    def insert(self, rows: list[dict[str, Any]]) -> None:
        table = sa.table(self.table, *(sa.column(c) for c in rows[0]))
        with self.engine.begin() as connection:
            connection.execute(sa.insert(table), rows)

    def count(self) -> int:
        with self.engine.connect() as connection:
            return int(connection.scalar(sa.text(f"SELECT COUNT(*) FROM {self.table}")) or 0)

    def connector(self, **connection: Any) -> SqlConnector:
        base = {"url": self.url, "table": self.table, "key_column": "id"}
        return build("crm", {**base, **connection}, Path())


@pytest.fixture(params=["mariadb", "postgresql"])
def source_db(request: pytest.FixtureRequest) -> Iterator[SourceDb]:
    url = MARIADB_URL if request.param == "mariadb" else str(request.getfixturevalue("pg_url"))
    table = f"customers_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, name VARCHAR(80), "
                "email VARCHAR(120), balance NUMERIC(10, 2), birthday DATE, "
                "changed TIMESTAMP NULL, photo "
                + ("BYTEA" if request.param == "postgresql" else "BLOB")
                + ")"
            )
        )
    try:
        yield SourceDb(url, table, engine)
    finally:
        with engine.begin() as connection:
            connection.execute(sa.text(f"DROP TABLE IF EXISTS {table}"))
        engine.dispose()


def person(n: int, changed: datetime | None = T0, **extra: Any) -> dict[str, Any]:
    return {
        "id": n,
        "name": f"Person {n}",
        "email": f"p{n}@example.de",
        "balance": Decimal("12.50"),
        "birthday": date(1980, 5, 17),
        "changed": changed,
        "photo": b"\x89PNG",
        **extra,
    }


def ids(records: list[RawRecord]) -> list[int]:
    return [int(r.source_id or 0) for r in records]


def test_many_rows_sharing_one_cursor_value_across_page_boundaries_are_all_read_once(
    source_db: SourceDb,
) -> None:
    source_db.insert([person(n) for n in range(1, 26)])
    (rows,) = source_db.connector(cursor_column="changed", page_size=4).streams()
    records = list(rows.read(None))
    assert ids(records) == list(range(1, 26))


def test_keyset_pages_follow_cursor_then_key_without_gaps(source_db: SourceDb) -> None:
    # Keys and cursor values deliberately disagree in order.
    stamps = [T0.replace(minute=m) for m in (5, 1, 3, 3, 1, 5, 3, 2, 1)]
    source_db.insert([person(n, changed) for n, changed in enumerate(stamps, start=1)])
    (rows,) = source_db.connector(cursor_column="changed", page_size=2).streams()
    records = list(rows.read(None))
    expected = sorted(range(1, 10), key=lambda n: (stamps[n - 1], n))
    assert ids(records) == expected
    assert [r.updated_at for r in records] == sorted(stamps)


def test_a_read_restarts_inclusively_from_the_saved_cursor(source_db: SourceDb) -> None:
    source_db.insert([person(n, T0.replace(minute=n % 3)) for n in range(1, 10)])
    (rows,) = source_db.connector(cursor_column="changed", page_size=2).streams()
    records = list(rows.read(None))
    boundary = records[4]
    again = list(rows.read(boundary.position))
    at_or_after = [r for r in records if r.updated_at and r.updated_at >= boundary.updated_at]
    assert ids(again) == ids(at_or_after)  # every row sharing the boundary value, again
    state = rows.completed_state(None)
    assert state == records[-1].position
    source_db.insert([person(20, T0.replace(minute=59))])
    assert ids(list(rows.read(state))) == [n for n in ids(records) if n % 3 == 2] + [20]


def test_rows_without_a_cursor_value_are_read_by_the_first_read_only(source_db: SourceDb) -> None:
    source_db.insert([person(1), person(2, None), person(3), person(4, None)])
    (rows,) = source_db.connector(cursor_column="changed", page_size=3).streams()
    first = list(rows.read(None))
    assert ids(first) == [2, 4, 1, 3]
    assert [r.position for r in first[:2]] == [None, None]
    assert ids(list(rows.read(rows.completed_state(None)))) == [1, 3]


def test_without_a_cursor_column_it_is_a_full_refresh_by_key_that_resumes_inclusively(
    source_db: SourceDb,
) -> None:
    source_db.insert([person(n) for n in (5, 3, 9, 1, 7)])
    (rows,) = source_db.connector(page_size=2).streams()
    assert rows.cursor_field is None
    records = list(rows.read(None))
    assert ids(records) == [1, 3, 5, 7, 9]
    assert ids(list(rows.read(records[2].position))) == [5, 7, 9]
    assert rows.completed_state(None) == {"complete": True}
    assert ids(list(rows.read({"complete": True}))) == [1, 3, 5, 7, 9]


def test_values_become_json_friendly_and_binary_columns_are_left_out(source_db: SourceDb) -> None:
    source_db.insert([person(1)])
    (record,) = list(source_db.connector(cursor_column="changed").streams()[0].read(None))
    assert record.payload == {
        "id": 1,
        "name": "Person 1",
        "email": "p1@example.de",
        "balance": "12.50",
        "birthday": "1980-05-17",
        "changed": "2024-03-01T12:00:00",
    }
    assert record.source_id == "1"


def test_query_mode_reads_a_select_with_its_own_columns_and_cursor(source_db: SourceDb) -> None:
    source_db.insert([person(n, T0.replace(minute=10 - n)) for n in range(1, 8)])
    query = (
        f"SELECT id AS customer_id, UPPER(name) AS name, changed AS seen FROM {source_db.table} "
        "WHERE email LIKE 'p%' AND '12:30' <> '' AND id <> 4"
    )
    connector = build(
        "crm",
        {
            "url": source_db.url,
            "query": query,
            "key_column": "customer_id",
            "cursor_column": "seen",
            "page_size": 2,
        },
        Path(),
    )
    connector.check()
    records = list(connector.streams()[0].read(None))
    assert ids(records) == [7, 6, 5, 3, 2, 1]
    assert records[0].payload == {
        "customer_id": 7,
        "name": "PERSON 7",
        "seen": "2024-03-01T12:03:00",
    }


def test_an_injection_attempt_in_a_config_value_fails_safely(source_db: SourceDb) -> None:
    source_db.insert([person(n) for n in range(1, 4)])
    attempts: list[dict[str, Any]] = [
        {"table": f"{source_db.table}; DROP TABLE {source_db.table}"},
        {"key_column": f"id FROM {source_db.table}; DROP TABLE {source_db.table}; --"},
        {"table": None, "query": f"SELECT * FROM {source_db.table}; DROP TABLE {source_db.table}"},
        {
            "table": None,
            "query": f"WITH gone AS (DELETE FROM {source_db.table} RETURNING id) "
            "SELECT * FROM gone",
        },
    ]
    for attempt in attempts:
        with pytest.raises(ConfigError):
            source_db.connector(**attempt)
    (rows,) = source_db.connector(cursor_column="changed").streams()
    hostile_state = {"cursor": {"value": f"x'; DROP TABLE {source_db.table}; --", "type": "str"}}
    # Bound as a value: PostgreSQL refuses to compare text with a timestamp, MariaDB compares.
    with contextlib.suppress(ConfigError, SourceRejected):
        list(rows.read(hostile_state))
    assert source_db.count() == 3


def test_a_query_that_writes_through_a_function_is_stopped_by_the_read_only_transaction(
    pg_url: str,
) -> None:
    engine = sa.create_engine(pg_url)
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE victims (id INTEGER PRIMARY KEY)"))
        connection.execute(sa.text("INSERT INTO victims VALUES (1), (2)"))
        connection.execute(
            sa.text(
                "CREATE FUNCTION purge() RETURNS TABLE (id INTEGER) LANGUAGE sql AS "
                "$$ DELETE FROM victims RETURNING id $$"
            )
        )
    connector = build(
        "crm", {"url": pg_url, "query": "SELECT * FROM purge()", "key_column": "id"}, Path()
    )
    with pytest.raises(ConfigError, match="tried to write"):
        connector.check()
    with engine.connect() as connection:
        assert connection.scalar(sa.text("SELECT COUNT(*) FROM victims")) == 2
    engine.dispose()


def test_check_names_a_missing_table_or_column(source_db: SourceDb) -> None:
    with pytest.raises(ConfigError, match=r"check connection\.table/query, key_column"):
        source_db.connector(table="no_such_table").check()
    with pytest.raises(ConfigError, match="no_such_column"):
        source_db.connector(cursor_column="no_such_column").check()
    source_db.connector(cursor_column="changed").check()


def test_check_rejects_a_wrong_password_without_showing_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CRM_SQL_WRONG", "wrong-Sql-pass-3")
    connector = build(
        "crm",
        {
            "url": MARIADB_URL,
            "password": {"env": "CRM_SQL_WRONG"},
            "table": "anything",
            "key_column": "id",
        },
        Path(),
    )
    with pytest.raises(SourceRejected) as caught:
        connector.check()
    assert "bad credentials for user root on mysql at 127.0.0.1:3306/test" in str(caught.value)
    assert "wrong-Sql-pass-3" not in repr(caught.value.args)


def test_check_reports_an_unreachable_server_as_unavailable() -> None:
    connector = build(
        "crm",
        {"url": "postgresql+psycopg://postgres@127.0.0.1:9/none", "table": "t", "key_column": "id"},
        Path(),
    )
    with pytest.raises(SourceUnavailable, match=r"cannot reach postgresql at 127.0.0.1:9/none"):
        connector.check()


def test_check_reports_a_missing_database_as_a_config_error(pg_server_url: str) -> None:
    url = sa.make_url(pg_server_url).set(database="crmhub_no_such_db").render_as_string(False)
    connector = build("crm", {"url": url, "table": "t", "key_column": "id"}, Path())
    with pytest.raises(ConfigError, match="no database 'crmhub_no_such_db'"):
        connector.check()
