"""Backups you can trust: consistent while syncs run, checksummed, kept N deep, drilled.

A backup is a folder ``crmhub-<UTC time>/`` holding a logical dump of every
table (see :mod:`core.store.dump`) and ``manifest.json`` with row counts, file
and content SHA-256 checksums and the schema revision. Consistency: SQLite is
first copied with its online backup API (a snapshot, writers keep going);
PostgreSQL is read in one REPEATABLE READ, READ ONLY transaction.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from core.errors import ConfigError, HubError
from core.settings import HubConfig
from core.store import make_engine
from core.store.dump import dump_tables, file_digest, file_sha256, load_tables, table_digests
from core.store.engine import current_revision, upgrade
from core.store.tables import metadata
from core.store.writer_lock import writer_lock
from pipeline.clock import Clock, utc_now

FORMAT = 1
PREFIX = "crmhub-"


class BackupInvalid(HubError):
    """The backup is damaged or incomplete: it must not be restored."""

    exit_code = 2


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    created_at: str
    revision: str | None
    tables: dict[str, dict[str, Any]]

    @property
    def rows(self) -> int:
        return sum(t["rows"] for t in self.tables.values())


def backup_dir(config: HubConfig) -> Path:
    return config.resolve_path(config.backup.directory)


def create_backup(config: HubConfig, *, clock: Clock = utc_now) -> BackupInfo:
    """Dump the store into a new backup folder, then apply the retention."""
    at = clock()
    target = backup_dir(config) / f"{PREFIX}{at.strftime('%Y%m%dT%H%M%S%fZ')}"
    partial = target.with_name(target.name + ".partial")
    engine = make_engine(config.store_url())
    try:
        with _snapshot(engine) as (connection, revision):
            tables = dump_tables(connection, partial / "tables")
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    finally:
        engine.dispose()
    manifest = {
        "format": FORMAT,
        "created_at": at.isoformat(),
        "dialect": engine.dialect.name,
        "revision": revision,
        "tables": tables,
    }
    (partial / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True))
    partial.rename(target)  # a backup exists only once it is complete
    apply_retention(config)
    return _info(target, manifest)


class _snapshot:
    """A consistent read-only view of the store for the duration of the dump."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._copy: Path | None = None

    def __enter__(self) -> tuple[sa.Connection, str | None]:
        revision = current_revision(self.engine)
        if self.engine.dialect.name == "sqlite":
            self._copy = Path(tempfile.mkdtemp(prefix="crmhub-snapshot-")) / "store.db"
            source = sqlite3.connect(str(self.engine.url.database))
            target = sqlite3.connect(str(self._copy))
            with target:
                source.backup(target)
            source.close()
            target.close()
            self._engine = sa.create_engine(f"sqlite:///{self._copy}")
            self._connection = self._engine.connect()
        else:
            self._engine = self.engine
            self._connection = self.engine.connect().execution_options(
                isolation_level="REPEATABLE READ", postgresql_readonly=True
            )
        self._connection.begin()
        return self._connection, revision

    def __exit__(self, *exc: object) -> None:
        self._connection.rollback()
        self._connection.close()
        if self._copy is not None:
            self._engine.dispose()
            shutil.rmtree(self._copy.parent, ignore_errors=True)


def list_backups(config: HubConfig) -> list[BackupInfo]:
    """Complete backups, newest first (damaged ones are listed with what could be read)."""
    root = backup_dir(config)
    if not root.is_dir():
        return []
    found = []
    for path in sorted(root.glob(f"{PREFIX}*"), reverse=True):
        if path.is_dir() and not path.name.endswith(".partial"):
            try:
                found.append(_info(path, _manifest(path)))
            except BackupInvalid:
                found.append(BackupInfo(path, "?", None, {}))
    return found


def apply_retention(config: HubConfig) -> list[Path]:
    """Delete all but the newest ``backup.keep`` backups (and leftovers of failed ones)."""
    root = backup_dir(config)
    removed = []
    for partial in root.glob(f"{PREFIX}*.partial"):
        shutil.rmtree(partial, ignore_errors=True)
        removed.append(partial)
    for old in list_backups(config)[config.backup.keep :]:
        shutil.rmtree(old.path)
        removed.append(old.path)
    return removed


def verify_backup(path: Path) -> BackupInfo:
    """Check the backup without writing anything: every table this version restores is in
    the manifest, and each file matches its file checksum, row count and content checksum.

    Raises BackupInvalid naming the table and what differs.
    """
    manifest = _manifest(path)
    tables = manifest["tables"]
    if not isinstance(tables, dict) or any(not isinstance(t, dict) for t in tables.values()):
        raise BackupInvalid(f"{path}: manifest.json: tables is not a table-by-table listing")
    missing = [t.name for t in metadata.sorted_tables if t.name not in tables]
    if missing:
        raise BackupInvalid(f"{path}: manifest.json lists no table {', '.join(missing)}")
    for name, table in tables.items():
        _verify_table(path, name, table)
    return _info(path, manifest)


def _verify_table(path: Path, name: str, table: dict[str, Any]) -> None:
    try:
        file = path / "tables" / str(table["file"])
        expected = (int(table["rows"]), str(table["content_sha256"]), str(table["file_sha256"]))
    except (KeyError, TypeError, ValueError) as e:
        raise BackupInvalid(f"{path}: manifest.json: table {name}: entry incomplete ({e})") from e
    rows, content, checksum = expected
    if not file.is_file():
        raise BackupInvalid(f"{path}: table {name}: file {file.name} is missing")
    if file_sha256(file) != checksum:
        raise BackupInvalid(
            f"{path}: table {name}: {file.name} does not match its SHA-256 checksum"
        )
    try:
        found = file_digest(file)
    except (OSError, EOFError, ValueError) as e:
        raise BackupInvalid(f"{path}: table {name}: {file.name} is damaged ({e})") from e
    if found.rows != rows:
        raise BackupInvalid(
            f"{path}: table {name}: {file.name} holds {found.rows} rows, the manifest says {rows}"
        )
    if found.content_sha256 != content:
        raise BackupInvalid(
            f"{path}: table {name}: the rows in {file.name} do not match the manifest's "
            "content checksum"
        )


def restore_backup(path: Path, url: str) -> BackupInfo:
    """Load a backup into an empty store at ``url`` and prove it identical.

    The backup is verified completely (files, row counts, content checksums) before
    anything is written. Schema, rows and the final comparison run in one transaction, and a
    SQLite file the restore created is removed if it fails: a refused restore leaves no
    partial target behind.
    """
    info = verify_backup(path)
    target = _new_sqlite_file(url)
    engine = make_engine(url)
    try:
        with writer_lock(engine, "restore"):
            _restore(engine, path, info, url)
    except BaseException:
        engine.dispose()
        if target is not None:
            for leftover in (target, *(target.with_name(target.name + s) for s in _SIDE_FILES)):
                leftover.unlink(missing_ok=True)
        raise
    engine.dispose()
    return info


_SIDE_FILES = ("-wal", "-shm", "-journal", ".lock")


def _restore(engine: Engine, path: Path, info: BackupInfo, url: str) -> None:
    try:
        connection = engine.connect()
    except sa.exc.OperationalError as e:
        raise ConfigError(f"restore target: cannot reach the store: {e.orig}") from e
    with connection, connection.begin():
        upgrade(connection, info.revision or "head")
        busy = [
            t.name
            for t in metadata.sorted_tables
            if connection.execute(sa.select(sa.literal(1)).select_from(t).limit(1)).first()
        ]
        if busy:
            raise ConfigError(
                f"restore target is not empty (rows in {', '.join(busy)}); use an empty store"
            )
        load_tables(connection, path / "tables")
        digests = table_digests(connection)  # last: it streams, so nothing is written after it
        for name, table in info.tables.items():
            restored = digests.get(name)
            if restored is None or (restored.rows, restored.content_sha256) != (
                table["rows"],
                table["content_sha256"],
            ):
                got = f"{restored.rows} rows" if restored else "no table"
                raise BackupInvalid(
                    f"restore of {path} into {url}: table {name} differs after loading "
                    f"({got}, expected {table['rows']}); nothing was restored"
                )


def _new_sqlite_file(url: str) -> Path | None:
    """The SQLite file a restore to ``url`` would create (None: not SQLite, or it exists)."""
    parsed = sa.make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    file = Path(parsed.database).expanduser()
    return None if file.exists() else file


def restore_drill(path: Path) -> BackupInfo:
    """Restore into a scratch SQLite store, compare, throw the scratch store away."""
    scratch = Path(tempfile.mkdtemp(prefix="crmhub-drill-"))
    try:
        return restore_backup(path, f"sqlite:///{scratch / 'drill.db'}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _manifest(path: Path) -> dict[str, Any]:
    file = path / "manifest.json"
    try:
        manifest = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise BackupInvalid(f"{path}: manifest.json is missing: not a complete backup") from e
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise BackupInvalid(f"{path}: manifest.json is damaged ({e})") from e
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupInvalid(f"{path}: manifest.json is not a crm-hub backup manifest (format 1)")
    return manifest


def _info(path: Path, manifest: dict[str, Any]) -> BackupInfo:
    return BackupInfo(path, manifest["created_at"], manifest.get("revision"), manifest["tables"])
