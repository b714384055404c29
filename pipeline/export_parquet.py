"""Parquet output for the golden-record export: a fixed schema, one row group at a time.

The schema does not depend on the data (every flat field is a string column,
present even when no record has it), so files from different runs can be
read together, and nothing has to be seen before the first row is written.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO, Any

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.export_columns import FIELD_COLUMNS, PROVENANCE_SUFFIX, ROW_GROUP_SIZE


def parquet_schema(provenance: bool = False) -> pa.Schema:
    fields = [
        pa.field("golden_id", pa.string(), nullable=False),
        pa.field("status", pa.string(), nullable=False),
        pa.field("merged_into", pa.string()),
        pa.field("version", pa.int64(), nullable=False),
        pa.field("updated_at", pa.timestamp("us", tz="UTC"), nullable=False),
        *(pa.field(c, pa.string()) for c in FIELD_COLUMNS),
    ]
    if provenance:
        fields.extend(pa.field(f"{c}{PROVENANCE_SUFFIX}", pa.string()) for c in FIELD_COLUMNS)
    return pa.schema(fields)


def write_parquet(rows: Iterable[dict[str, Any]], out: IO[bytes], provenance: bool) -> int:
    """Write flat rows (see ``pipeline.export.flat_row``) in row groups of ``ROW_GROUP_SIZE``.

    Rows become Arrow record batches every ``_BATCH`` rows, so Python objects for at
    most that many rows are alive at once; a row group is written from its batches.
    """
    schema = parquet_schema(provenance)
    names = schema.names
    count = 0
    columns: dict[str, list[Any]] = {name: [] for name in names}
    batches: list[pa.RecordBatch] = []
    with pq.ParquetWriter(out, schema, compression="zstd") as writer:
        for row in rows:
            for name in names:
                columns[name].append(row[name])
            count += 1
            if count % _BATCH == 0:
                batches.append(_to_batch(columns, schema))
            if count % ROW_GROUP_SIZE == 0:
                _write(writer, batches, columns, schema)
        _write(writer, batches, columns, schema)
    return count


_BATCH = 1000


def _to_batch(columns: dict[str, list[Any]], schema: pa.Schema) -> pa.RecordBatch:
    batch = pa.RecordBatch.from_pydict(columns, schema=schema)
    for values in columns.values():
        values.clear()
    return batch


def _write(
    writer: pq.ParquetWriter,
    batches: list[pa.RecordBatch],
    columns: dict[str, list[Any]],
    schema: pa.Schema,
) -> None:
    if columns[schema.names[0]]:
        batches.append(_to_batch(columns, schema))
    if batches:
        table = pa.Table.from_batches(batches, schema=schema)
        writer.write_table(table, row_group_size=ROW_GROUP_SIZE)
        batches.clear()
