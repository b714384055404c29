"""Streaming exports of the golden records (constant memory: keyset pages, row by row)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import IO, Any, Literal

from sqlalchemy.engine import Engine

from core.customer import CANONICAL_COLUMNS, DERIVED_COLUMNS
from core.store import UnitOfWork

ExportFormat = Literal["csv", "jsonl"]
EXPORT_COLUMNS = (
    "golden_id",
    *[c for c in CANONICAL_COLUMNS if c != "source_id"],
    *DERIVED_COLUMNS,
)


def iter_golden(engine: Engine, batch_size: int = 1000) -> Iterator[dict[str, Any]]:
    with UnitOfWork(engine) as uow:
        for row in uow.golden.iter_active(batch_size):
            yield {
                "golden_id": row.golden_id,
                "version": row.version,
                "record": dict(row.record),
                "provenance": dict(row.provenance),
            }


def export_golden(engine: Engine, out: IO[str], fmt: ExportFormat) -> int:
    """Write every active golden record to ``out``; return how many."""
    count = 0
    if fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=EXPORT_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        for item in iter_golden(engine):
            writer.writerow({"golden_id": item["golden_id"], **item["record"]})
            count += 1
    else:
        for item in iter_golden(engine):
            out.write(json.dumps(item, ensure_ascii=False, sort_keys=True, default=str) + "\n")
            count += 1
    return count
