"""The statements the SQL source runs, and the check that a configured query only reads.

Every page is one ``SELECT * FROM <table or (query) AS src>`` with a keyset
condition, an ``ORDER BY`` and a ``LIMIT``, built with SQLAlchemy: names are
quoted by it, values are bound parameters. A configured query is checked to be
one ``SELECT`` (or ``WITH … SELECT``) without writing keywords, and is then run
inside a read-only transaction where the database has one, which also stops
writes hidden in functions.
"""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql import ColumnElement, FromClause, Select

#: Words that only a writing (or locking, or file-touching) statement contains.
WRITING_WORDS = frozenset(
    {
        "INSERT",
        "UPDATE",
        "DELETE",
        "MERGE",
        "UPSERT",
        "DROP",
        "ALTER",
        "CREATE",
        "TRUNCATE",
        "GRANT",
        "REVOKE",
        "CALL",
        "EXEC",
        "EXECUTE",
        "INTO",
        "LOCK",
        "COPY",
        "ATTACH",
        "DETACH",
        "PRAGMA",
        "VACUUM",
        "HANDLER",
        "LOAD",
        "OUTFILE",
        "DUMPFILE",
        "SET",
    }
)
_QUOTED_OR_COMMENT = re.compile(
    r"""'(?:[^']|'')*'|"(?:[^"]|"")*"|`(?:[^`]|``)*`|--[^\n]*|/\*.*?\*/""", re.DOTALL
)
_WORD = re.compile(r"[A-Za-z_]+")


def check_select(query: str) -> str:
    """``query`` without a trailing ``;`` if it is one read-only SELECT; else ``ValueError``.

    >>> check_select("SELECT id, name FROM customers;")
    'SELECT id, name FROM customers'
    """
    text = query.strip().rstrip(";").rstrip()
    bare = _QUOTED_OR_COMMENT.sub(" ", text)
    if "'" in bare or '"' in bare or "`" in bare or "/*" in bare:
        raise ValueError("the query has an unclosed quote or comment")
    if ";" in bare:
        raise ValueError("the query must be a single statement (a ';' separates two)")
    words = [w.upper() for w in _WORD.findall(bare)]
    if not words or words[0] not in ("SELECT", "WITH"):
        raise ValueError("the query must be a SELECT (or WITH … SELECT); it only reads")
    writing = sorted(WRITING_WORDS.intersection(words))
    if writing:
        raise ValueError(
            f"the query contains {', '.join(writing)}: it must only read; if these are "
            'column names, quote them ("name" or `name`)'
        )
    return text


def rows_source(
    *, table: str | None, schema: str | None, query: str | None, columns: list[str]
) -> FromClause:
    """The table, or the query as a subquery named ``src``, exposing ``columns`` by name."""
    named: list[sa.ColumnClause[Any]] = [sa.column(name) for name in columns]
    if table is not None:
        return sa.table(table, *named, schema=schema)
    assert query is not None
    # A colon in the query is SQL (a time literal, a ::cast), never a bound parameter.
    return sa.text(query.replace(":", r"\:")).columns(*named).subquery("src")


def page(
    source: FromClause,
    order: list[str],
    where: list[ColumnElement[bool]],
    size: int,
) -> Select[Any]:
    """One page of every column of ``source``: filtered, ordered by ``order``, ``size`` rows."""
    statement: Select[Any] = sa.select(sa.literal_column("*")).select_from(source)
    if where:
        statement = statement.where(*where)
    return statement.order_by(*(source.c[name] for name in order)).limit(size)


def after(source: FromClause, names: list[str], values: list[Any]) -> ColumnElement[bool]:
    """Rows strictly after ``values`` in the order of ``names`` (a keyset condition).

    For ``(cursor, key)``: ``cursor > :c OR (cursor = :c AND key > :k)``, so rows sharing
    the cursor value are continued by key, never skipped, never repeated.
    """
    column, value = source.c[names[0]], values[0]
    if len(names) == 1:
        return column > value
    return sa.or_(column > value, sa.and_(column == value, after(source, names[1:], values[1:])))
