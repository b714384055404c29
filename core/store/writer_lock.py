"""One writer per store: a store-wide lock held for the whole write phase of a command.

Two processes writing one store at once would join each other's run and count
every record twice. So every writer first takes this lock:

- **SQLite**: an exclusive ``flock`` on ``<db>.lock`` beside the database file;
- **PostgreSQL**: a session-level advisory lock on a connection of its own.

Both are released by the operating system or the server when the holding
process dies (even by ``kill -9``), so the next writer simply takes the lock over
and resumes the interrupted run. A second writer waits up to ``wait`` seconds,
then fails with :class:`StoreBusy` naming the holder (what it runs, its run ID,
pid, host and since when). The lock is re-entrant within one thread: a command
that holds it can call pipeline functions that take it again.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from core.errors import ConfigError, HubError

log = logging.getLogger(__name__)

POLL_SECONDS = 0.1
ANNOUNCE_SECONDS = 2.0
#: The advisory lock key of "the crm-hub store" (positive, so it splits cleanly into two oids).
ADVISORY_KEY = int.from_bytes(hashlib.sha256(b"crm-hub store writer").digest()[:8], "big") >> 2


class StoreBusy(HubError):
    """Another process is writing this store; try again later (or wait longer)."""

    exit_code = 1


@dataclass(frozen=True)
class Holder:
    """Who holds the lock: what it runs, in which crm-hub run, where and since when."""

    purpose: str
    pid: int
    host: str
    since: datetime
    run_id: int | None = None

    def describe(self) -> str:
        run = f" run {self.run_id}" if self.run_id is not None else ""
        since = self.since.strftime("%Y-%m-%d %H:%M:%S UTC")
        return f"{self.purpose}{run} (pid {self.pid} on {self.host}, since {since})"


class _Lock(Protocol):
    def try_acquire(self) -> bool: ...
    def holder(self) -> Holder | None: ...
    def announce(self, holder: Holder) -> None: ...
    def release(self) -> None: ...


@dataclass
class _Held:
    lock: _Lock
    holder: Holder
    depth: int = 1


_held: dict[tuple[str, int], _Held] = {}
_registry = threading.Lock()


@contextlib.contextmanager
def writer_lock(engine: Engine, purpose: str, *, wait: float = 0.0) -> Iterator[Holder | None]:
    """Hold the store's writer lock for the ``with`` block (re-entrant within a thread).

    Raises :class:`StoreBusy` when another writer still holds it after ``wait`` seconds.
    Yields the holder description (``None`` for a private in-memory SQLite store).
    """
    key = _store_key(engine)
    if key is None:
        yield None
        return
    slot = (key, threading.get_ident())
    with _registry:
        held = _held.get(slot)
        if held is not None:
            held.depth += 1
    if held is not None:
        try:
            yield held.holder
        finally:
            held.depth -= 1
        return
    lock = _open_lock(engine, key)
    try:
        _acquire(lock, purpose, wait)
    except BaseException:
        lock.release()
        raise
    holder = Holder(purpose, os.getpid(), socket.gethostname(), datetime.now(UTC))
    lock.announce(holder)
    with _registry:
        _held[slot] = _Held(lock, holder)
    try:
        yield holder
    finally:
        with _registry:
            del _held[slot]
        lock.release()


def name_run(engine: Engine, run_id: int) -> None:
    """Tell waiting writers which run the lock holder works in (no-op without the lock)."""
    key = _store_key(engine)
    with _registry:
        held = _held.get((key, threading.get_ident())) if key else None
        if held is None or held.holder.run_id == run_id:
            return
        held.holder = replace(held.holder, run_id=run_id)
    held.lock.announce(held.holder)


def _acquire(lock: _Lock, purpose: str, wait: float) -> None:
    if lock.try_acquire():
        return
    if wait > 0:
        log.warning("store busy: waiting up to %g s for %s", wait, _who(lock))
    deadline = time.monotonic() + max(wait, 0.0)
    while not lock.try_acquire():
        if time.monotonic() >= deadline:
            waited = f" after waiting {wait:g} s" if wait > 0 else ""
            raise StoreBusy(
                f"the store is busy: {_who(lock)} is writing it, so this {purpose} did not "
                f"start{waited}; try again when it ends, or pass --wait SECONDS"
            )
        time.sleep(POLL_SECONDS)


def _who(lock: _Lock) -> str:
    """The holder's description; a holder that has just taken the lock gets a moment to say."""
    deadline = time.monotonic() + ANNOUNCE_SECONDS
    while (holder := lock.holder()) is None and time.monotonic() < deadline:
        time.sleep(POLL_SECONDS / 2)
    return holder.describe() if holder else "another process (it did not say who)"


def _store_key(engine: Engine) -> str | None:
    url = engine.url
    if engine.dialect.name == "sqlite":
        database = url.database or ""
        if database in ("", ":memory:") or url.query.get("mode") == "memory":
            return None
        return str(_lock_path(database))
    return f"{engine.dialect.name}://{url.host}:{url.port}/{url.database}"


def _lock_path(database: str) -> Path:
    path = Path(database).expanduser().resolve()
    return path.with_name(path.name + ".lock")


def _open_lock(engine: Engine, key: str) -> _Lock:
    if engine.dialect.name == "sqlite":
        return _FileLock(Path(key))
    return _AdvisoryLock(engine)


class _FileLock:
    """``flock`` on a side file; the file also says who holds it (one JSON line)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._locked = False
        try:
            self._fd: int | None = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as e:
            raise ConfigError(
                f"{path}: cannot create the store's lock file ({e.strerror}); "
                "the folder of the SQLite store must be writable"
            ) from e

    def try_acquire(self) -> bool:
        assert self._fd is not None
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        self._locked = True
        return True

    def holder(self) -> Holder | None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            data["since"] = datetime.fromisoformat(data["since"])
            return Holder(**data)
        except (OSError, ValueError, TypeError, KeyError):
            return None  # not written yet (the holder has just taken the lock)

    def announce(self, holder: Holder) -> None:
        assert self._fd is not None
        data = {**holder.__dict__, "since": holder.since.isoformat()}
        os.ftruncate(self._fd, 0)
        os.pwrite(self._fd, json.dumps(data).encode(), 0)

    def release(self) -> None:
        if self._fd is None:
            return
        if self._locked:  # the next holder writes its own line
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, 0)
        os.close(self._fd)  # closing drops the flock
        self._fd = None


class _AdvisoryLock:
    """A session-level advisory lock on a connection of its own.

    The holder's description travels in that session's ``application_name`` (at most 63
    bytes, ``crmhub:<purpose>:<run>:<pid>:<epoch>:<host>``), so it vanishes with the session.
    """

    PREFIX = "crmhub:"

    def __init__(self, engine: Engine) -> None:
        try:
            self._connection: sa.Connection | None = engine.connect().execution_options(
                isolation_level="AUTOCOMMIT"
            )
        except sa.exc.OperationalError as e:
            raise ConfigError(f"cannot reach the store: {e.orig}") from e

    @property
    def connection(self) -> sa.Connection:
        assert self._connection is not None
        return self._connection

    def try_acquire(self) -> bool:
        query = sa.text("SELECT pg_try_advisory_lock(:key)")
        return bool(self.connection.execute(query, {"key": ADVISORY_KEY}).scalar())

    def holder(self) -> Holder | None:
        name = self.connection.execute(
            sa.text(
                "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
                " WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1"
                " AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
                " AND ((l.classid::bigint << 32) | l.objid::bigint) = :key"
            ),
            {"key": ADVISORY_KEY},
        ).scalar()
        return self._parse(name) if name else None

    def announce(self, holder: Holder) -> None:
        run = "" if holder.run_id is None else str(holder.run_id)
        head = f"{self.PREFIX}{holder.purpose}:{run}:{holder.pid}:{int(holder.since.timestamp())}:"
        host = holder.host.encode("ascii", "replace").decode()[: max(0, 63 - len(head))]
        self.connection.execute(
            sa.text("SELECT set_config('application_name', :name, false)"), {"name": head + host}
        )

    @classmethod
    def _parse(cls, name: str) -> Holder | None:
        parts = name.removeprefix(cls.PREFIX).split(":", 4)
        if not name.startswith(cls.PREFIX) or len(parts) != 5:
            return None
        purpose, run, pid, since, host = parts
        try:
            at = datetime.fromtimestamp(int(since), UTC)
            return Holder(purpose, int(pid), host, at, int(run) if run else None)
        except ValueError:
            return None

    def release(self) -> None:
        if self._connection is None:
            return
        with contextlib.suppress(sa.exc.SQLAlchemyError):
            self._connection.execute(sa.text("SELECT pg_advisory_unlock_all()"))
        self._connection.invalidate()  # never hand a session holding a lock back to the pool
        self._connection.close()
        self._connection = None
