"""Re-run-safe upserts for SQLite and PostgreSQL (``INSERT … ON CONFLICT``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite


def upsert(
    connection: sa.Connection,
    table: sa.Table,
    rows: Sequence[dict[str, Any]],
    *,
    key: Sequence[str],
    update: Sequence[str] | None = None,
) -> None:
    """Insert ``rows``; on a key conflict update ``update`` columns (None: all non-key columns).

    An empty ``update`` means "insert if missing, else leave alone".
    """
    if not rows:
        return
    dialect = connection.dialect.name
    statement: postgresql.Insert | sqlite.Insert  # the same ON CONFLICT clauses on both
    if dialect == "postgresql":
        statement = postgresql.insert(table)
    elif dialect == "sqlite":
        statement = sqlite.insert(table)
    else:  # pragma: no cover - guarded by make_engine users
        raise NotImplementedError(f"upsert is not implemented for {dialect}")
    columns = update if update is not None else [c for c in rows[0] if c not in key]
    if columns:
        statement = statement.on_conflict_do_update(
            index_elements=list(key),
            set_={c: statement.excluded[c] for c in columns},
        )
    else:
        statement = statement.on_conflict_do_nothing(index_elements=list(key))
    connection.execute(statement, list(rows))


def ids_by_source(keys: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """``[("crm", "1"), ("erp", "7"), ("crm", "2")]`` → ``{"crm": ["1", "2"], "erp": ["7"]}``."""
    grouped: dict[str, list[str]] = {}
    for source, source_id in keys:
        grouped.setdefault(source, []).append(source_id)
    return grouped


def chunked(values: Sequence[Any], size: int = 500) -> list[Sequence[Any]]:
    """Split ``values`` for ``IN (...)`` lists that stay under the drivers' parameter limits."""
    return [values[i : i + size] for i in range(0, len(values), size)]
