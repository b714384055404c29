"""How fast one sync runs, phase by phase, and how its cost grows with the data.

``python bench/sync_throughput.py 10000 [100000 ...]`` generates that many records
(``bench/er_data.py``: CJK-heavy, with known truth), syncs them into a fresh SQLite store,
then syncs again unchanged, and prints rows per second for extract+stage and for resolve,
the share of the unchanged re-sync spent on its quality checks (they run inside every
sync), the peak RSS, and pairwise precision/recall of the golden records against the truth.
"""

from __future__ import annotations

import csv
import logging
import resource
import sys
import tempfile
import time
from itertools import combinations
from pathlib import Path

import sqlalchemy as sa

from core.settings import HubConfig, SourceConfig
from core.store.tables import xref
from pipeline.quality_run import run_quality
from pipeline.run import RunOptions
from pipeline.store import open_store
from pipeline.sync import sync

sys.path.insert(0, str(Path(__file__).parent))
from er_data import write


def pairs(groups: dict[str, list[str]]) -> set[tuple[str, str]]:
    return {p for members in groups.values() for p in combinations(sorted(members), 2)}


def score(engine: sa.Engine, truth_path: Path) -> tuple[float, float]:
    with truth_path.open() as f:
        truth: dict[str, list[str]] = {}
        for row in csv.DictReader(f):
            truth.setdefault(row["person"], []).append(row["source_id"])
    found: dict[str, list[str]] = {}
    with engine.connect() as c:
        for link in c.execute(sa.select(xref.c.source_id, xref.c.golden_id)):
            found.setdefault(link.golden_id, []).append(link.source_id)
    true_pairs, found_pairs = pairs(truth), pairs(found)
    hits = len(true_pairs & found_pairs)
    return hits / max(len(found_pairs), 1), hits / max(len(true_pairs), 1)


def run(people: int) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="crmhub-bench-"))
    data = workdir / "customers.csv"
    rows = write(people, data)  # ``people`` records of about 0.75 × as many people
    source = SourceConfig(name="crm", kind="spreadsheet", connection={"path": str(data)})
    config = HubConfig(
        store=f"sqlite:///{workdir / 'hub.db'}",
        date_order="ymd",
        sources=(source,),
        base_dir=workdir,
    )
    engine = open_store(config, "write")
    phases: dict[str, float] = {}
    started = time.perf_counter()
    last = [started]

    def progress(stage: str, source: str, amount: int, *, total: int | None = None) -> None:
        now = time.perf_counter()
        phases[stage] = phases.get(stage, 0.0) + now - last[0]
        last[0] = now

    first = sync(config, RunOptions(progress=progress), engine=engine)
    total = time.perf_counter() - started
    second_started = time.perf_counter()
    second = sync(config, engine=engine)
    again = time.perf_counter() - second_started
    checks_started = time.perf_counter()
    run_quality(engine, config, second.ledger.run_id)  # what the re-sync spent on its checks
    checks = time.perf_counter() - checks_started
    precision, recall = score(engine, data.with_name("customers.truth.csv"))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"people={people} rows={rows} first_sync={total:.1f}s "
        f"extract+stage={rows / phases.get('extract', total):.0f} rows/s "
        f"resolve={rows / phases.get('resolve', total):.0f} rows/s "
        f"unchanged_resync={again:.1f}s ({rows / again:.0f} rows/s) of which checks={checks:.1f}s "
        f"golden={first.ledger.golden_created} staged_again={second.ledger.total('staged')} "
        f"precision={precision:.4f} recall={recall:.4f} peak_rss={peak_mb:.0f}MB"
    )


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    for size in sys.argv[1:] or ["10000"]:
        run(int(size))
