"""After an erasure: make sure the erased bytes leave the store's files, not only its rows.

A deleted row is gone for every query, but its bytes can stay on disk: SQLite
keeps old page images in the write-ahead log until a checkpoint (and a reader
process such as ``crmhub serve`` keeps the log from being removed), and both
databases leave freed space as it was. So every SQLite connection runs with
``secure_delete`` (freed space is zeroed, see :mod:`core.store.engine`), and after
an erasure the log is checkpointed and truncated; PostgreSQL VACUUMs the tables
the erasure touched, so their dead row versions are removed and the space reused.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.engine import Engine

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reclaimed:
    """What was done: ``complete`` is False when a reader kept the log from being emptied."""

    action: str
    complete: bool = True


def reclaim_erased(engine: Engine, tables: Iterable[str]) -> Reclaimed:
    """Push the erased bytes out of the store's files (see the module docstring)."""
    if engine.dialect.name == "sqlite":
        return _checkpoint(engine)
    names = sorted(set(tables))
    preparer = engine.dialect.identifier_preparer
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        for name in names:
            connection.exec_driver_sql(f"VACUUM {preparer.quote(name)}")
    return Reclaimed(f"vacuumed {', '.join(names) or 'nothing'}")


def _checkpoint(engine: Engine) -> Reclaimed:
    with engine.connect() as connection:
        row = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
    busy, frames, _ = (int(v) for v in row)
    if frames < 0:  # not in WAL mode: nothing kept beside the database file
        return Reclaimed("no write-ahead log")
    if busy:
        log.warning(
            "erasure: a reader kept the write-ahead log busy, so it still holds erased data "
            "until the next checkpoint; run the erasure again when the readers are idle"
        )
        return Reclaimed("write-ahead log busy", complete=False)
    return Reclaimed("write-ahead log checkpointed and truncated")
