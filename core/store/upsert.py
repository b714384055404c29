"""Set-based writes and key lookups for SQLite and PostgreSQL.

A batch is one statement however many rows it holds: an upsert is compiled once per
table and column set and handed to the driver's ``executemany`` with the values already
converted by the columns' own SQLAlchemy types (what SQLAlchemy would store, without its
per-row parameter bookkeeping, which cost more than the database's own work); a lookup by
many keys binds them as one array parameter (``= ANY(:keys)`` on PostgreSQL, a
``json_each`` over one JSON list on SQLite) instead of a growing ``IN (...)`` list split
into chunks.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import fields, is_dataclass
from functools import lru_cache
from operator import attrgetter, itemgetter
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect

_Processor = Callable[[Any], Any] | None


def upsert(
    connection: sa.Connection,
    table: sa.Table,
    rows: Sequence[Any],
    *,
    key: Sequence[str],
    update: Sequence[str] | None = None,
) -> None:
    """Insert ``rows``; on a key conflict update ``update`` columns (None: all non-key columns).

    Rows are typed rows (``core.store.rows``) or dicts, all with the columns of the first.
    An empty ``update`` means "insert if missing, else leave alone".
    """
    if not rows:
        return
    columns = _columns(rows[0])
    updated = tuple(update) if update is not None else tuple(c for c in columns if c not in key)
    _execute_many(connection, table, rows, columns, tuple(key), updated)


def insert_rows(connection: sa.Connection, table: sa.Table, rows: Sequence[Any]) -> None:
    """Plain inserts of new rows (change events, block keys): one ``executemany``."""
    if rows:
        _execute_many(connection, table, rows, _columns(rows[0]), None, ())


def _columns(row: Any) -> tuple[str, ...]:
    if is_dataclass(row):
        return tuple(f.name for f in fields(row))
    return tuple(row)


def _execute_many(
    connection: sa.Connection,
    table: sa.Table,
    rows: Sequence[Any],
    columns: tuple[str, ...],
    key: tuple[str, ...] | None,
    update: tuple[str, ...],
) -> None:
    sql, processors = _compiled(connection.dialect, table, columns, key, update)
    read = (attrgetter if is_dataclass(rows[0]) else itemgetter)(*columns)
    values: list[Any] = [read(row) for row in rows]
    if len(columns) == 1:
        values = [(value,) for value in values]
    converting = [(i, p) for i, p in enumerate(processors) if p is not None]
    if converting:
        values = [_converted(row, converting) for row in values]
    if connection.dialect.paramstyle in ("named", "pyformat"):
        values = [dict(zip(columns, row, strict=True)) for row in values]
    connection.exec_driver_sql(sql, values)


def _converted(
    row: tuple[Any, ...], converting: list[tuple[int, Callable[[Any], Any]]]
) -> tuple[Any, ...]:
    out = list(row)
    for i, process in converting:
        out[i] = process(out[i])
    return tuple(out)


@lru_cache(maxsize=256)
def _compiled(
    dialect: Dialect,
    table: sa.Table,
    columns: tuple[str, ...],
    key: tuple[str, ...] | None,
    update: tuple[str, ...],
) -> tuple[str, tuple[_Processor, ...]]:
    """The statement's SQL for the driver (parameters in ``columns`` order) and each
    column's bind conversion."""
    if dialect.name == "postgresql":
        statement: Any = postgresql.insert(table)
    elif dialect.name == "sqlite":
        statement = sqlite.insert(table)
    else:  # pragma: no cover - guarded by make_engine users
        raise NotImplementedError(f"upsert is not implemented for {dialect.name}")
    if key is not None and update:
        statement = statement.on_conflict_do_update(
            index_elements=list(key), set_={c: statement.excluded[c] for c in update}
        )
    elif key is not None:
        statement = statement.on_conflict_do_nothing(index_elements=list(key))
    statement = statement.values({c: sa.bindparam(c, type_=table.c[c].type) for c in columns})
    compiled = statement.compile(dialect=dialect)
    if compiled.positional and tuple(compiled.positiontup or ()) != columns:
        raise AssertionError(f"parameters of {table.name} out of column order")
    processors = tuple(
        table.c[c].type.dialect_impl(dialect).bind_processor(dialect) for c in columns
    )
    return compiled.string, processors


def one_of(
    connection: sa.Connection, column: sa.ColumnElement[Any], values: Iterable[Any]
) -> sa.ColumnElement[bool]:
    """``column IN values`` with the values as one parameter: the statement and its plan
    stay the same whatever the number of values."""
    wanted = list(values)
    if connection.dialect.name == "postgresql":
        element: Any = sa.BigInteger() if wanted and isinstance(wanted[0], int) else sa.Text()
        array = sa.bindparam(None, wanted, type_=postgresql.ARRAY(element))
        return column == sa.any_(array)
    listed = sa.func.json_each(sa.bindparam(None, json.dumps(wanted), type_=sa.Text))
    return column.in_(sa.select(listed.table_valued("value").c.value))


def ids_by_source(keys: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """``[("crm", "1"), ("erp", "7"), ("crm", "2")]`` → ``{"crm": ["1", "2"], "erp": ["7"]}``."""
    grouped: dict[str, list[str]] = {}
    for source, source_id in keys:
        grouped.setdefault(source, []).append(source_id)
    return grouped


def chunked(values: Sequence[Any], size: int = 500) -> list[Sequence[Any]]:
    """Split ``values`` for ``IN (...)`` lists that stay under the drivers' parameter limits."""
    return [values[i : i + size] for i in range(0, len(values), size)]
