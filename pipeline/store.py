"""Opening the store, in one of three modes: ``read``, ``write`` or ``upgrade``.

- **read** never changes the store, not even by accident: SQLite connections
  are switched to ``query_only`` and PostgreSQL transactions are ``READ ONLY``.
  A missing SQLite file is not created.
- **write** is for commands that change records. It never migrates a store
  that holds a schema: one behind this code is refused with one line naming
  ``crmhub db upgrade``. Only a store with no schema at all (a new SQLite
  file, an empty database) gets one at head, so a first ``crmhub sync`` or
  ``crmhub demo`` just works.
- **upgrade** (``crmhub db upgrade``, the ``upgrade`` task of ``crm_sync``)
  migrates the schema to this code's head, holding the writer lock.

Every mode refuses a store ahead of the code (a newer crm-hub upgraded it).
Commands that write run inside :func:`store_writer`, which takes the store's
writer lock first (see :mod:`core.store.writer_lock`).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.pool import ConnectionPoolEntry

from core.errors import ConfigError
from core.settings import HubConfig
from core.store import make_engine, migrate
from core.store.schema import schema_state
from core.store.writer_lock import writer_lock

log = logging.getLogger(__name__)

StoreMode = Literal["read", "write", "upgrade"]
MODES: tuple[StoreMode, ...] = ("read", "write", "upgrade")


def open_store(config: HubConfig, mode: StoreMode) -> Engine:
    """An engine on the configured store, its schema as ``mode`` requires (see above)."""
    if mode not in MODES:
        raise ValueError(f"mode: expected one of {MODES}, got {mode!r}")
    url = config.store_url()
    if mode == "read":
        _require_sqlite_file(url)
    engine = make_engine(url)
    if mode == "read":
        engine = _read_only(engine)
    try:
        prepare_schema(engine, mode)
    except BaseException:
        engine.dispose()
        raise
    return engine


def prepare_schema(engine: Engine, mode: StoreMode) -> str | None:
    """Check (and for ``upgrade``, or a fresh store in ``write``, migrate) the schema.

    Returns the revision an upgrade started from (``None``: nothing was migrated).
    """
    state = schema_state(engine)
    if state.current:
        return None
    if state.ahead or not (mode == "upgrade" or (mode == "write" and state.fresh)):
        refusal = state.refusal()
        assert refusal is not None
        raise refusal
    with writer_lock(engine, "schema upgrade"):  # two first writers do not race on it
        migrate(engine)
    if state.found is not None:
        log.info("store upgraded from revision %s to %s", state.found, state.head)
    return state.found or "none"


@contextlib.contextmanager
def store_writer(config: HubConfig, purpose: str, *, wait: float = 0.0) -> Iterator[Engine]:
    """The store's engine, held as its only writer for the ``with`` block.

    ``purpose`` names the job in the message another writer gets ("sync", "forget" …);
    ``wait`` is how many seconds to wait for a running writer before failing with exit 1.
    The schema is checked (a fresh store created) under the lock.
    """
    engine = make_engine(config.store_url())
    try:
        with writer_lock(engine, purpose, wait=wait):
            prepare_schema(engine, "write")
            yield engine
    finally:
        engine.dispose()


def upgrade_store(config: HubConfig, *, wait: float = 0.0) -> tuple[str | None, str]:
    """Migrate the store to this code's schema; returns (revision before, revision now)."""
    engine = make_engine(config.store_url())
    try:
        with writer_lock(engine, "db upgrade", wait=wait):
            before = prepare_schema(engine, "upgrade")
            after = schema_state(engine)
    finally:
        engine.dispose()
    return before, after.head


def open_writable(config: HubConfig) -> Engine:
    """An ordinary engine on an existing, current store (for the little a reader writes:
    when an API token was last used). It neither creates nor migrates anything."""
    url = config.store_url()
    _require_sqlite_file(url)
    engine = make_engine(url)
    try:
        prepare_schema(engine, "read")
    except BaseException:
        engine.dispose()
        raise
    return engine


def store_answers(engine: Engine) -> bool:
    """Whether the store answers a trivial query now (for ``/health``)."""
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError as e:
        log.warning("store does not answer: %s", e)
        return False
    return True


def _read_only(engine: Engine) -> Engine:
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_query_only)
        return engine
    return engine.execution_options(postgresql_readonly=True)


def _require_sqlite_file(url: str) -> None:
    parsed = sa.make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return
    path = Path(parsed.database)
    if path.exists() and not path.is_file():
        raise ConfigError(f"unable to open database file {path}: it is not a file")
    if not path.is_file():  # connecting would create an empty file
        raise ConfigError(f"no store at {path}: run `crmhub sync` first")


def _sqlite_query_only(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA query_only=ON")
    cursor.close()
