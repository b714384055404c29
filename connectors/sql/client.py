"""The database behind a SQL source: one engine, pages read in read-only transactions,
and driver errors turned into what the runner should do.

Each page is its own short transaction, so a long sync holds no snapshot open while
the pipeline stages what it read. Read-only where the database can enforce it:
PostgreSQL (``SET TRANSACTION READ ONLY`` through ``postgresql_readonly``),
MySQL and MariaDB (``SET TRANSACTION READ ONLY`` before the statement), SQLite
(``PRAGMA query_only``). Elsewhere only the statement check guards the source.
"""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine
from sqlalchemy.sql import Select

from core.errors import ConfigError, HubError, SourceRejected, SourceUnavailable

log = logging.getLogger(__name__)

_CONNECT_TIMEOUT_ARG = {"postgresql": "connect_timeout", "mysql": "connect_timeout"}


class SqlDatabase:
    """Runs page statements against ``url``; the engine is made on first use."""

    def __init__(self, url: URL, connect_timeout: int, what: str) -> None:
        self.url = url
        self.what = what  # "table crm.customers" or "the query", for messages
        self._connect_timeout = connect_timeout
        self._engine: Engine | None = None

    @property
    def address(self) -> str:
        """``host:port/database`` (or the SQLite file) for messages; never the password."""
        url = self.url
        if url.get_backend_name() == "sqlite":
            return f"SQLite file {url.database}"
        port = f":{url.port}" if url.port else ""
        return f"{url.get_backend_name()} at {url.host}{port}/{url.database}"

    def engine(self) -> Engine:
        if self._engine is None:
            backend = self.url.get_backend_name()
            connect_args: dict[str, Any] = {}
            if backend in _CONNECT_TIMEOUT_ARG:
                connect_args[_CONNECT_TIMEOUT_ARG[backend]] = self._connect_timeout
            engine = sa.create_engine(self.url, connect_args=connect_args, pool_pre_ping=True)
            if backend == "sqlite":
                sa.event.listen(engine, "connect", _sqlite_query_only)
            self._engine = engine
        return self._engine

    def fetch(self, statement: Select[Any]) -> list[dict[str, Any]]:
        """The rows of ``statement``, read in a read-only transaction."""
        try:
            with self.engine().connect() as connection:
                backend = self.url.get_backend_name()
                if backend == "postgresql":
                    connection = connection.execution_options(postgresql_readonly=True)
                elif backend in ("mysql", "mariadb"):
                    connection.exec_driver_sql("SET TRANSACTION READ ONLY")
                rows = [dict(row._mapping) for row in connection.execute(statement)]
                connection.rollback()
                return rows
        except sa.exc.DBAPIError as e:
            raise self._problem(e) from None
        except sa.exc.ArgumentError as e:
            raise ConfigError(f"{self.address}: {e}") from None

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    def _problem(self, error: sa.exc.DBAPIError) -> HubError:
        """The driver's error as ConfigError / SourceRejected / SourceUnavailable."""
        kind = _classify(error)
        detail = _first_line(error.orig)
        where = self.address
        user = self.url.username or "(no user)"
        if kind == "credentials":
            return SourceRejected(f"bad credentials for user {user} on {where}")
        if kind == "database":
            return ConfigError(f"no database {self.url.database!r} on {where}: fix connection.url")
        if kind == "object":
            return ConfigError(
                f"{where}: {detail}; check connection.table/query, key_column and "
                f"cursor_column against {self.what}"
            )
        if kind == "writes":
            return ConfigError(
                f"{where}: {self.what} tried to write ({detail}); a source is only read"
            )
        if kind == "permission":
            return SourceRejected(f"{where}: user {user} may not read {self.what} ({detail})")
        if kind == "unreachable":
            return SourceUnavailable(f"cannot reach {where} ({detail}); retry later")
        return SourceRejected(f"{where}: reading {self.what} failed ({detail})")


def _sqlite_query_only(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA query_only = ON")
    cursor.close()


# Driver codes: PostgreSQL SQLSTATE (psycopg), MySQL/MariaDB error numbers (pymysql).
_PG = {
    "28P01": "credentials",
    "28000": "credentials",
    "3D000": "database",
    "42P01": "object",
    "42703": "object",
    "3F000": "object",
    "42601": "object",
    "42883": "object",
    "25006": "writes",
    "42501": "permission",
    "57014": "unreachable",
    "57P01": "unreachable",
    "08006": "unreachable",
    "08001": "unreachable",
}
_MYSQL = {
    1045: "credentials",
    1049: "database",
    1146: "object",
    1054: "object",
    1064: "object",
    1305: "object",
    1792: "writes",
    1142: "permission",
    1143: "permission",
    1044: "permission",
    2003: "unreachable",
    2006: "unreachable",
    2013: "unreachable",
}


def _classify(error: sa.exc.DBAPIError) -> str:
    orig = error.orig
    args = getattr(orig, "args", ())
    if args and isinstance(args[0], int):  # pymysql; it sets a sqlstate too, less precise
        return _MYSQL.get(args[0], "other")
    sqlstate = getattr(orig, "sqlstate", None)
    if sqlstate:
        return _PG.get(sqlstate, "unreachable" if sqlstate.startswith("08") else "other")
    text = str(orig).lower()
    if "readonly database" in text or "query_only" in text:
        return "writes"
    if "no such table" in text or "no such column" in text or "syntax error" in text:
        return "object"
    if "unable to open database" in text:
        return "database"
    if isinstance(error, sa.exc.OperationalError):
        # psycopg reports an unreachable server without a SQLSTATE
        if "authentication failed" in text:
            return "credentials"
        if "does not exist" in text and "database" in text:
            return "database"
        return "unreachable"
    return "other"


def _first_line(error: BaseException | None) -> str:
    """The driver's own message, first line only (pymysql's is ``(code, message)``)."""
    args: tuple[object, ...] = error.args if error is not None else ()
    if len(args) > 1 and isinstance(args[0], int):
        text = str(args[1])
    else:
        text = str(error or "").strip() or type(error).__name__
    return text.splitlines()[0][:300]
