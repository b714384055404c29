"""Opening the store for readers (the API server): read-only connections, schema checked.

A reader must never change the store, not even by accident: SQLite
connections are switched to ``query_only`` and PostgreSQL transactions are
``READ ONLY``, so a bug in a query cannot become a write. A reader does not
migrate either: it refuses a store whose schema is not the one this code
expects, and says how to fix that.
"""

from __future__ import annotations

import logging
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.pool import ConnectionPoolEntry

from core.errors import ConfigError
from core.settings import HubConfig
from core.store import make_engine
from core.store.engine import MIGRATIONS, current_revision

log = logging.getLogger(__name__)


def open_read_only(config: HubConfig) -> Engine:
    """An engine whose connections cannot write; the store must exist and be migrated."""
    url = config.store_url()
    _require_sqlite_file(url)
    engine = make_engine(url)
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_query_only)
    else:
        engine = engine.execution_options(postgresql_readonly=True)
    require_current_schema(engine)
    return engine


def open_writable(config: HubConfig) -> Engine:
    """An ordinary engine, for the little a reader writes (when a token was last used)."""
    url = config.store_url()
    _require_sqlite_file(url)
    engine = make_engine(url)
    require_current_schema(engine)
    return engine


def require_current_schema(engine: Engine) -> None:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory(str(MIGRATIONS)).get_current_head()
    try:
        found = current_revision(engine)
    except sa.exc.OperationalError as e:
        raise ConfigError(f"cannot reach the store: {e.orig}") from e
    if found != head:
        raise ConfigError(
            f"the store's schema is at revision {found or 'none'}, this version needs {head}: "
            "run `crmhub sync` (it migrates the store) and start again"
        )


def store_answers(engine: Engine) -> bool:
    """Whether the store answers a trivial query now (for ``/health``)."""
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError as e:
        log.warning("store does not answer: %s", e)
        return False
    return True


def _require_sqlite_file(url: str) -> None:
    parsed = sa.make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return
    if not Path(parsed.database).is_file():  # connecting would create an empty file
        raise ConfigError(f"no store at {parsed.database}: run `crmhub sync` first")


def _sqlite_query_only(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA query_only=ON")
    cursor.close()
