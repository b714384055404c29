"""A portable logical dump of the store: one gzip'd JSON-lines file per table.

Rows are written in primary-key order with canonical JSON (sorted keys, UTC
timestamps), so the content checksum of a table is the same whichever backend
holds it: a SQLite store restores into PostgreSQL and back, and the restored
store can be proven identical.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from core.store.tables import metadata


@dataclass(frozen=True)
class TableDigest:
    rows: int
    content_sha256: str


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return aware.astimezone(UTC).isoformat()
    raise TypeError(f"cannot dump {type(value).__name__}")


def _canonical(row: sa.Row[Any]) -> str:
    return json.dumps(dict(row._mapping), sort_keys=True, ensure_ascii=False, default=_encode)


def _ordered_rows(connection: sa.Connection, table: sa.Table) -> Iterator[sa.Row[Any]]:
    query = sa.select(table).order_by(*table.primary_key.columns)
    yield from connection.execution_options(yield_per=2000).execute(query)


def table_digests(connection: sa.Connection) -> dict[str, TableDigest]:
    """Row count and content checksum of every table, as the dump would record them."""
    digests = {}
    for table in metadata.sorted_tables:
        digest, rows = hashlib.sha256(), 0
        for row in _ordered_rows(connection, table):
            digest.update(_canonical(row).encode("utf-8") + b"\n")
            rows += 1
        digests[table.name] = TableDigest(rows, digest.hexdigest())
    return digests


def dump_tables(connection: sa.Connection, directory: Path) -> dict[str, dict[str, Any]]:
    """Write every table to ``directory/<table>.jsonl.gz``; return per-table facts."""
    directory.mkdir(parents=True, exist_ok=True)
    facts = {}
    for table in metadata.sorted_tables:
        path = directory / f"{table.name}.jsonl.gz"
        content, rows = hashlib.sha256(), 0
        with gzip.open(path, "wt", encoding="utf-8", compresslevel=6) as out:
            for row in _ordered_rows(connection, table):
                line = _canonical(row) + "\n"
                out.write(line)
                content.update(line.encode("utf-8"))
                rows += 1
        facts[table.name] = {
            "file": path.name,
            "rows": rows,
            "content_sha256": content.hexdigest(),
            "file_sha256": file_sha256(path),
        }
    return facts


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_digest(path: Path) -> TableDigest:
    """Row count and content checksum of one dump file, as ``dump_tables`` recorded them.

    Reads the whole file without writing anything; every line must be a JSON object.
    Raises ``ValueError`` (with the line number) or ``OSError``/``EOFError`` for a damaged file.
    """
    digest, rows = hashlib.sha256(), 0
    with gzip.open(path, "rb") as lines:
        for line in lines:
            rows += 1
            try:
                complete = line.endswith(b"\n") and isinstance(json.loads(line), dict)
            except ValueError:
                complete = False
            if not complete:
                raise ValueError(f"line {rows} is not a complete row")
            digest.update(line)
    return TableDigest(rows, digest.hexdigest())


def load_tables(connection: sa.Connection, directory: Path, batch_size: int = 2000) -> None:
    """Insert every dumped table (parents first) and move sequences past the loaded keys."""
    for table in metadata.sorted_tables:
        path = directory / f"{table.name}.jsonl.gz"
        stamps = [c.name for c in table.columns if isinstance(c.type, sa.DateTime)]
        batch: list[dict[str, Any]] = []
        with gzip.open(path, "rt", encoding="utf-8") as rows:
            for line in rows:
                row = json.loads(line)
                for name in stamps:
                    if row.get(name) is not None:
                        row[name] = datetime.fromisoformat(row[name])
                batch.append(row)
                if len(batch) >= batch_size:
                    connection.execute(table.insert(), batch)
                    batch = []
        if batch:
            connection.execute(table.insert(), batch)
        _advance_sequence(connection, table)


def _advance_sequence(connection: sa.Connection, table: sa.Table) -> None:
    if connection.dialect.name != "postgresql":
        return  # SQLite derives the next rowid from the table's content
    for column in table.primary_key.columns:
        if column.autoincrement is True or (
            column.autoincrement == "auto"
            and isinstance(column.type, sa.Integer)
            and len(table.primary_key.columns) == 1
        ):
            # Names come from our own table metadata, never from input.
            sequence = f"pg_get_serial_sequence('{table.name}', '{column.name}')"
            highest = sa.select(sa.func.coalesce(sa.func.max(column), 0) + 1).scalar_subquery()
            connection.execute(sa.select(sa.func.setval(sa.text(sequence), highest, False)))
