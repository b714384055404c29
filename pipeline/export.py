"""Streaming exports of the golden records as CSV, JSON lines or Parquet.

Memory stays constant whatever the store holds: rows are read through one
streamed query (a server-side cursor on PostgreSQL) and written as they come;
Parquet buffers one row group at a time. CSV and Parquet have the flat
columns of DESIGN.md after four bookkeeping ones; JSON lines carry the whole
record. With ``since`` only golden records touched by a change event after
that sequence number are written, in their current state: merged-away and
deleted ones as tombstones (status and ``merged_into``, no customer data), so
that a downstream system can apply the file as it is. The result names the
newest event the export covers: the ``since`` of the next incremental run.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any, Literal

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from core.safe_csv import DictCsvWriter
from core.store import UnitOfWork
from core.store.tables import change_event, golden_record
from pipeline.clock import as_utc
from pipeline.export_columns import FIELD_COLUMNS, PROVENANCE_SUFFIX, export_columns

ExportFormat = Literal["csv", "jsonl", "parquet"]
FORMATS: tuple[ExportFormat, ...] = ("csv", "jsonl", "parquet")
#: Rows per fetch from the store.
FETCH_SIZE = 1000


@dataclass(frozen=True)
class GoldenRow:
    golden_id: str
    status: str
    merged_into: str | None
    version: int
    updated_at: datetime
    record: dict[str, Any] | None  # None for tombstones
    provenance: dict[str, Any] | None


@dataclass(frozen=True)
class ExportResult:
    count: int
    last_seq: int  # the newest change event covered: ``since`` for the next export


def export_golden(
    engine: Engine,
    out: IO[Any],
    fmt: ExportFormat,
    *,
    since: int | None = None,
    provenance: bool = False,
    raw: bool = False,
) -> ExportResult:
    """Write the golden records (all active ones, or those changed after ``since``) to ``out``:
    a text stream for csv/jsonl, a binary one for parquet. CSV cells that a spreadsheet
    would run as formulas get a leading ``'`` unless ``raw`` (see :mod:`core.safe_csv`)."""
    with UnitOfWork(engine) as uow:
        last_seq = int(
            uow.connection.execute(sa.select(sa.func.max(change_event.c.seq))).scalar() or 0
        )
        rows = iter_golden(uow.connection, since=since, provenance=provenance)
        if fmt == "csv":
            count = _write_csv(rows, out, provenance, raw)
        elif fmt == "jsonl":
            count = _write_jsonl(rows, out, provenance)
        else:
            from pipeline.export_parquet import write_parquet  # pyarrow only when asked for

            count = write_parquet((flat_row(r, provenance) for r in rows), out, provenance)
    return ExportResult(count, last_seq)


def iter_golden(
    connection: sa.Connection, *, since: int | None = None, provenance: bool = True
) -> Iterator[GoldenRow]:
    """Golden records in ID order, streamed: active ones, or every one changed after ``since``.

    Without ``provenance`` that column is not read at all (decoding it is half the work).
    """
    t = golden_record.c
    columns = [c for c in golden_record.c if provenance or c.name != "provenance"]
    statement = sa.select(*columns).order_by(t.golden_id)
    if since is None:
        statement = statement.where(t.status == "active")
    else:
        touched = sa.select(change_event.c.golden_id).where(
            change_event.c.seq > sa.literal(since, sa.BigInteger)
        )
        statement = statement.where(t.golden_id.in_(touched))
    result = connection.execution_options(yield_per=FETCH_SIZE).execute(statement)
    for row in result:
        active = row.status == "active"
        yield GoldenRow(
            golden_id=row.golden_id,
            status=row.status,
            merged_into=row.merged_into,
            version=row.version,
            updated_at=as_utc(row.updated_at),
            record=dict(row.record) if active else None,
            provenance=dict(row.provenance) if active and provenance else None,
        )


def flat_row(row: GoldenRow, provenance: bool) -> dict[str, Any]:
    """One CSV/Parquet row: bookkeeping, the flat fields as text, and optionally their sources."""
    flat: dict[str, Any] = {
        "golden_id": row.golden_id,
        "status": row.status,
        "merged_into": row.merged_into,
        "version": row.version,
        "updated_at": row.updated_at,
    }
    record = row.record or {}
    for column in FIELD_COLUMNS:
        value = record.get(column)
        flat[column] = None if value is None else str(value)
    if provenance:
        sources = row.provenance or {}
        for column in FIELD_COLUMNS:
            origin = sources.get(column)
            flat[f"{column}{PROVENANCE_SUFFIX}"] = (
                f"{origin['source']}:{origin['source_id']}" if origin else None
            )
    return flat


def _write_csv(rows: Iterator[GoldenRow], out: IO[str], provenance: bool, raw: bool) -> int:
    writer = DictCsvWriter(out, export_columns(provenance), raw=raw)
    writer.writeheader()
    count = 0
    for row in rows:
        flat = flat_row(row, provenance)
        flat["updated_at"] = row.updated_at.isoformat()
        writer.writerow(flat)
        count += 1
    return count


def _write_jsonl(rows: Iterator[GoldenRow], out: IO[str], provenance: bool) -> int:
    count = 0
    for row in rows:
        item: dict[str, Any] = {
            "golden_id": row.golden_id,
            "status": row.status,
            "merged_into": row.merged_into,
            "version": row.version,
            "updated_at": row.updated_at.isoformat(),
            "record": row.record,
        }
        if provenance:
            item["provenance"] = row.provenance
        out.write(json.dumps(item, ensure_ascii=False, sort_keys=True, default=str) + "\n")
        count += 1
    return count
