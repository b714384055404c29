"""The one stream of a SQL source: the rows of a table or query, keyed by ``key_column``.

With a ``cursor_column`` the read is incremental. Rows come ordered by
``(cursor, key)`` in pages, each page starting strictly after the last row of the one
before (``cursor > :c OR (cursor = :c AND key > :k)``), so rows sharing one cursor
value across a page boundary are neither lost nor repeated. The state is the last
cursor value read, with its type::

    {"cursor": {"value": "2024-05-01T09:30:00", "type": "datetime"}}

and the next read restarts inclusively, ``cursor >= :c``: rows changed at exactly
that value are read again and the pipeline drops the ones it already staged. A
row whose cursor is NULL is read once, by the first read (the one without a
state), before the others; put ``COALESCE(changed, created)`` in a query if such
rows can change. Rows whose key is NULL cannot be told apart and are not read.

Without a cursor column the stream is a full refresh (``cursor_field = None``)
ordered by key, which the pipeline diffs against what it staged; its state only
resumes an interrupted read of the same run: ``{"key": {...}, "complete": false}``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy.sql import ColumnElement, FromClause

from connectors.base import StreamState
from connectors.sql.client import SqlDatabase
from connectors.sql.query import after, page, rows_source
from connectors.sql.settings import SqlSettings
from connectors.sql.values import decode_position, encode_position, payload
from core.records import RawRecord

STREAM_NAME = "rows"


class SqlStream:
    """The rows of one table or query as :class:`RawRecord` (source id = the key as text)."""

    name = STREAM_NAME

    def __init__(self, source: str, settings: SqlSettings, database: SqlDatabase) -> None:
        self.source = source
        self.settings = settings
        self.database = database
        self.primary_key: tuple[str, ...] = (settings.key_column,)
        self.cursor_field: str | None = settings.cursor_column
        columns = [settings.key_column]
        if settings.cursor_column and settings.cursor_column != settings.key_column:
            columns.append(settings.cursor_column)
        self._rows: FromClause = rows_source(
            table=settings.table, schema=settings.schema_, query=settings.query, columns=columns
        )
        self._last: dict[str, Any] | None = None

    def read(self, state: StreamState | None) -> Iterator[RawRecord]:
        self._last = None
        try:
            if self.cursor_field is None:
                yield from self._full_refresh(state)
            else:
                yield from self._incremental(state)
        finally:
            self.database.close()

    def completed_state(self, state: StreamState | None) -> StreamState:
        if self.cursor_field is None:
            return {"complete": True}
        if self._last is None:
            return dict(state or {})
        return {"cursor": self._last}

    def first_row(self) -> None:
        """Read at most one row: proves the table or query, and its columns, are there."""
        key = self.settings.key_column
        order = [c for c in (self.cursor_field, key) if c]
        self.database.fetch(page(self._rows, order, [self._c(key).is_not(None)], 1))

    # --- reading -----------------------------------------------------------------------------

    def _incremental(self, state: StreamState | None) -> Iterator[RawRecord]:
        cursor, key = self.cursor_field, self.settings.key_column
        assert cursor is not None
        since = decode_position((state or {}).get("cursor"))
        if since is None:
            yield from self._pages([key], [self._c(cursor).is_(None)], position=False)
            start = [self._c(cursor).is_not(None)]
        else:
            start = [self._c(cursor) >= since]
        yield from self._pages([cursor, key], start, position=True)

    def _full_refresh(self, state: StreamState | None) -> Iterator[RawRecord]:
        key = self.settings.key_column
        resume = (
            None if (state or {}).get("complete") else decode_position((state or {}).get("key"))
        )
        start = [self._c(key) >= resume] if resume is not None else []
        yield from self._pages([key], start, position=True)

    def _pages(
        self, order: list[str], start: list[ColumnElement[bool]], *, position: bool
    ) -> Iterator[RawRecord]:
        """Keyset pages ordered by ``order``, the first filtered by ``start``."""
        size = self.settings.page_size
        where = [self._c(self.settings.key_column).is_not(None), *start]
        while True:
            rows = self.database.fetch(page(self._rows, order, where, size))
            for row in rows:
                yield self._record(row, position)
            if len(rows) < size:
                return
            last = rows[-1]
            where = [
                self._c(self.settings.key_column).is_not(None),
                *start,
                after(self._rows, order, [last[name] for name in order]),
            ]

    def _record(self, row: dict[str, Any], position: bool) -> RawRecord:
        key_column, cursor_column = self.settings.key_column, self.cursor_field
        key = row[key_column]
        cursor = row[cursor_column] if cursor_column else None
        state: dict[str, Any] | None = None
        if position and cursor_column:
            self._last = encode_position(cursor, cursor_column)
            state = {"cursor": self._last}
        elif position:
            state = {"key": encode_position(key, key_column), "complete": False}
        return RawRecord(
            source=self.source,
            stream=STREAM_NAME,
            source_id=str(key),
            updated_at=cursor if isinstance(cursor, datetime) else None,
            payload=payload(row),
            position=state,
        )

    def _c(self, name: str) -> Any:
        return self._rows.c[name]
