"""Deduplicate one file without a store of your own: one output line per input record.

It runs the very same pipeline as ``sync`` against a throwaway SQLite store,
so a file deduplicated here matches exactly as it would in the hub.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import sqlalchemy as sa

from core.errors import InputFileError
from core.safe_csv import CsvWriter
from core.settings import HubConfig, SourceConfig
from core.store import UnitOfWork
from core.store.tables import quarantine, source_record, xref
from mdm import golden_id_for
from pipeline.clock import Clock, utc_now
from pipeline.run import Progress, RunOptions, RunResult
from pipeline.sources import open_source
from pipeline.store import open_store
from pipeline.sync import sync

SOURCE = "file"


@dataclass(frozen=True)
class DedupeResult:
    records: int
    clusters: int  # customers found: golden records of the staged records, rejects not counted
    rejected: int
    output: Path
    rejects: Path
    sync: RunResult


def rejects_path(output: Path) -> Path:
    """``out.csv`` → ``out.rejects.csv``."""
    return output.with_name(f"{output.stem}.rejects{output.suffix or '.csv'}")


def dedupe_file(
    input_path: Path,
    output: Path,
    *,
    mapping: Path | None = None,
    default_region: str = "CN",
    date_order: Literal["dmy", "mdy", "ymd"] = "dmy",
    clock: Clock = utc_now,
    progress: Progress | None = None,
    read_options: dict[str, str] | None = None,
    raw: bool = False,
    workers: int | None = None,
) -> DedupeResult:
    """``read_options`` are spreadsheet connection settings (encoding, delimiter, sheet).

    Cells of the output and rejects files that a spreadsheet would run as formulas get a
    leading ``'`` unless ``raw`` (see :mod:`core.safe_csv`). ``workers`` (default: the
    machine's cores) changes how fast, never what comes out.
    """
    if not input_path.is_file():
        raise InputFileError(str(input_path), "file not found")
    workdir = Path(tempfile.mkdtemp(prefix="crmhub-dedupe-"))
    try:
        config = HubConfig(
            store=f"sqlite:///{workdir / 'dedupe.db'}",
            default_region=default_region,
            date_order=date_order,
            sources=(
                SourceConfig(
                    name=SOURCE,
                    kind="spreadsheet",
                    connection={"path": str(input_path.resolve()), **(read_options or {})},
                    mapping=str(mapping.resolve()) if mapping else None,
                ),
            ),
            base_dir=Path.cwd(),
            match_model=str(workdir / "match-model.json"),  # none: learned from this file
        )
        if workers is not None:
            config = config.model_copy(update={"workers": workers})
        open_source(config, config.sources[0]).connector.check()
        engine = open_store(config, "write")  # a new store: created at the current schema
        options = RunOptions(
            kind="dedupe", clock=clock, progress=progress, fail_fast=True, check_quality=False
        )
        result = sync(config, options, engine=engine)
        counts = _write_outputs(engine, output, rejects_path(output), raw)
        engine.dispose()
        return DedupeResult(*counts, output, rejects_path(output), result)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _write_outputs(
    engine: sa.Engine, output: Path, rejects: Path, raw: bool
) -> tuple[int, int, int]:
    """Write ``source_id,golden_id`` in input order, and the rejects with their reasons."""
    staged = sa.select(
        source_record.c.line,
        source_record.c.source_id,
        xref.c.golden_id,
        sa.null().label("record_key"),
        sa.null().label("reasons"),
    ).join(
        xref,
        sa.and_(
            xref.c.source == source_record.c.source, xref.c.source_id == source_record.c.source_id
        ),
    )
    rejected = sa.select(
        quarantine.c.line,
        quarantine.c.source_id,
        sa.null().label("golden_id"),
        quarantine.c.record_key,
        quarantine.c.reasons,
    ).where(quarantine.c.status == "open")
    query = sa.union_all(rejected, staged).order_by("line")
    records = rejected_count = 0
    clusters: set[str] = set()
    with (
        UnitOfWork(engine) as uow,
        output.open("w", newline="", encoding="utf-8") as out,
        rejects.open("w", newline="", encoding="utf-8") as bad,
    ):
        writer = CsvWriter(out, raw=raw)
        writer.writerow(["source_id", "golden_id"])
        bad_writer = CsvWriter(bad, raw=raw)
        bad_writer.writerow(["line", "source_id", "golden_id", "reasons"])
        for row in uow.connection.execute(query):
            golden_id = row.golden_id or golden_id_for(SOURCE, row.record_key)
            writer.writerow([row.source_id or "", golden_id])
            records += 1
            if row.golden_id is not None:
                clusters.add(golden_id)  # a rejected record is nobody's customer yet
            else:
                rejected_count += 1
                reasons = "; ".join(f"{r['field']}: {r['reason']}" for r in row.reasons)
                bad_writer.writerow([row.line, row.source_id or "", golden_id, reasons])
    return records, len(clusters), rejected_count
