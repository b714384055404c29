"""An incremental sync into a real store: does its cost follow the change or the store?

    python bench/incremental_sync.py 100000          # 99% loaded first, then 1% new

Generates records with known truth (``bench/er_data.py``), holds back a random 1% as a
second source ("new": new people, and new records of people already in the store),
syncs the other 99% into a fresh SQLite store (no saved model: the run learns its
weights), saves the model as ``crmhub match train`` does, then syncs the 1% and
compares its time with the full load's. F1 is pairwise over every generated record
(a quarantined record counts as a customer of its own) after each sync.
"""

from __future__ import annotations

import argparse
import csv
import logging
import resource
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

from core.settings import HubConfig, SourceConfig
from core.store.tables import xref
from pipeline.evaluate import PairwiseScore, pairwise_score
from pipeline.run import RunOptions
from pipeline.store import open_store
from pipeline.sync import sync
from pipeline.training import train_model

sys.path.insert(0, str(Path(__file__).parent))
from er_data import COLUMNS, generate, split_increment


def write_rows(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, COLUMNS)
        writer.writeheader()
        writer.writerows({c: r.get(c) or "" for c in COLUMNS} for r in rows)


def score(engine: sa.Engine, truth: dict[str, str], sources: set[str]) -> PairwiseScore:
    found = {sid: f"alone:{sid}" for sid, _ in truth.items()}
    with engine.connect() as c:
        for row in c.execute(sa.select(xref.c.source_id, xref.c.golden_id)):
            found[row.source_id] = row.golden_id
    ids = {sid for sid in truth if sid.split("-")[0] in sources}
    return pairwise_score({k: v for k, v in found.items() if k in ids}, truth)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int, nargs="?", default=100_000)
    parser.add_argument("--new-share", type=float, default=0.01)
    options = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="crmhub-incremental-"))
    records, persons = generate(options.count)
    base, new, truth = split_increment(records, persons, options.new_share)
    write_rows(workdir / "base.csv", base)
    write_rows(workdir / "new.csv", new)
    config = HubConfig(
        store=f"sqlite:///{workdir / 'hub.db'}",
        date_order="ymd",
        sources=tuple(
            SourceConfig(name=name, kind="spreadsheet", connection={"path": str(workdir / f)})
            for name, f in (("base", "base.csv"), ("new", "new.csv"))
        ),
        base_dir=workdir,
    )
    engine = open_store(config, "write")

    started = time.perf_counter()
    full = sync(config, RunOptions(sources=["base"]), engine=engine)
    full_seconds = time.perf_counter() - started
    after_full = score(engine, truth, {"base"})

    started = time.perf_counter()
    trained = train_model(config, engine)
    train_seconds = time.perf_counter() - started

    started = time.perf_counter()
    increment = sync(config, RunOptions(sources=["new"]), engine=engine)
    increment_seconds = time.perf_counter() - started
    after_increment = score(engine, truth, {"base", "new"})
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"store={len(base)} new={len(new)} full_sync={full_seconds:.1f}s "
        f"({len(base) / full_seconds:.0f} records/s, ok={full.ok}) "
        f"f1_after_full={after_full.f1:.4f} (p={after_full.precision:.4f} "
        f"r={after_full.recall:.4f}) match_train={train_seconds:.1f}s "
        f"({trained.records} records) incremental_sync={increment_seconds:.1f}s "
        f"({len(new) / increment_seconds:.0f} records/s, ok={increment.ok}) "
        f"share_of_full={increment_seconds / full_seconds:.2%} "
        f"f1_after_increment={after_increment.f1:.4f} (p={after_increment.precision:.4f} "
        f"r={after_increment.recall:.4f}) peak_rss={peak:.0f}MiB"
    )


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    main()
