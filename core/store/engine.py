"""Engines and schema migrations. Nothing here runs at import time."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.pool import ConnectionPoolEntry

from core.errors import ConfigError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")


def make_engine(url: str) -> Engine:
    """An engine for the store; SQLite gets WAL, foreign keys, secure delete and a busy timeout."""
    try:
        engine = sa.create_engine(url, future=True, pool_pre_ping=True)
    except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError) as e:
        raise ConfigError(f"store URL is not usable: {e}") from e
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_pragmas)
    where = engine.url.database if engine.dialect.name == "sqlite" else engine.url
    location = str(where)  # a URL prints with its password hidden

    def remember_store(context: sa.engine.ExceptionContext) -> None:
        """Say which store a driver error came from (see core.store.failures)."""
        with contextlib.suppress(AttributeError, TypeError):
            # a tag on the driver's own exception, read back by getattr in core.store.failures
            context.original_exception.crmhub_store = location  # type: ignore[attr-defined]  # see above

    sa.event.listen(engine, "handle_error", remember_store)
    return engine


def _sqlite_pragmas(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA secure_delete=ON")  # freed space is zeroed: erased data leaves the file
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _alembic_config(connection: sa.Connection) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` (idempotent: an up-to-date store is left alone)."""
    try:
        with engine.begin() as connection:
            upgrade(connection, revision)
    except sa.exc.OperationalError as e:
        raise ConfigError(f"cannot reach the store: {e.orig}") from e


def upgrade(connection: sa.Connection, revision: str = "head") -> None:
    """Migrate inside the caller's transaction (on PostgreSQL it rolls back with it)."""
    from alembic import command

    command.upgrade(_alembic_config(connection), revision)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
