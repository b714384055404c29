"""The whole pipeline at scale: a full sync into a fresh store, an unchanged re-sync, 1% more.

    python bench/pipeline_scale.py 100000          # SQLite file store
    python bench/pipeline_scale.py 100000 --pg     # a fresh PostgreSQL database

Records come from ``bench/er_data.py`` (CJK-heavy, dirty, with known truth). 99% go to
the source ``base``, a random 1% (new people and new copies of people already in the
store) to the source ``new``. Three runs on one store, each timed:

1. ``sync base`` into the fresh store (no saved model: the run learns its weights);
   then the model is saved, as ``crmhub match train`` does;
2. ``sync base`` again, nothing changed (every record read, validated, found unchanged);
3. ``sync new``: the 1% increment.

Each run's time is split by stage (extract = read + map + standardise + validate,
stage = the staging writes, resolve = index, match and cluster, golden = survivorship and
the golden writes, close = the ledger check and the quality checks); records/s per stage
are the run's records over that stage's seconds. The ledger must add up (``ok``), and the
pairwise F1 of the store's cross references against the truth is printed after each run.
Peak RSS is the process's high-water mark after each run. The process's CPU seconds are
printed beside the wall time: on a shared machine they say what the run itself cost.
"""

from __future__ import annotations

import argparse
import logging
import resource
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from er_data import generate, split_increment
from er_product import postgres_database
from incremental_sync import score, write_rows

from core.settings import HubConfig, SourceConfig
from pipeline import golden_writer, run, sync
from pipeline.run import RunOptions
from pipeline.store import open_store
from pipeline.training import train_model

#: Seconds spent per stage in the run being measured.
SPENT: dict[str, float] = defaultdict(float)


@contextmanager
def _timed(stage: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        SPENT[stage] += time.perf_counter() - started


def _timing(stage: str, function: Callable[..., Any]) -> Callable[..., Any]:
    def timed(*args: Any, **kwargs: Any) -> Any:
        with _timed(stage):
            return function(*args, **kwargs)

    return timed


def instrument() -> None:
    """Time the stages where the pipeline calls them; extract is what the run spent besides
    (reading, mapping, standardising, validating), golden is taken out of resolve."""
    run.stage_batch = _timing("stage", run.stage_batch)
    run.Run.resolve = _timing("resolve", run.Run.resolve)  # type: ignore[method-assign]  # timed
    run.Run.close = _timing("close", run.Run.close)  # type: ignore[method-assign]  # timed
    run.run_quality = _timing("close", run.run_quality)
    writer = golden_writer.GoldenWriter
    for name in ("rebuild", "flush", "merge_away"):
        setattr(writer, name, _timing("golden", getattr(writer, name)))


def _cpu() -> float:
    """This process's CPU seconds: on a shared machine, what the run itself cost."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measured(label: str, records: int, run: Callable[[], Any]) -> dict[str, Any]:
    SPENT.clear()
    started, cpu_started = time.perf_counter(), _cpu()
    result = run()
    seconds, cpu = time.perf_counter() - started, _cpu() - cpu_started
    stages = dict(SPENT)
    stages["resolve"] = stages.get("resolve", 0.0) - stages.get("golden", 0.0)
    stages["extract"] = seconds - sum(v for k, v in stages.items() if k != "extract")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    per_stage = "  ".join(
        f"{stage}={spent:.1f}s ({records / spent if spent > 0 else 0:.0f}/s)"
        for stage in ("extract", "stage", "resolve", "golden", "close")
        for spent in [stages.get(stage, 0.0)]
    )
    print(
        f"{label}: {records} records in {seconds:.1f}s ({records / seconds:.0f} records/s; "
        f"{cpu:.1f}s of CPU, {records / cpu:.0f} records per CPU second), "
        f"ok={result.ok}  {per_stage}  peak_rss={peak:.0f}MiB",
        flush=True,
    )
    return {"seconds": seconds, "ok": result.ok}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("--pg", action="store_true", help="a fresh PostgreSQL database")
    parser.add_argument("--new-share", type=float, default=0.01)
    options = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="crmhub-scale-"))
    records, persons = generate(options.count)
    base, new, truth = split_increment(records, persons, options.new_share)
    del records, persons
    write_rows(workdir / "base.csv", base)
    write_rows(workdir / "new.csv", new)
    drop = None
    if options.pg:
        store, drop = postgres_database()
    else:
        store = f"sqlite:///{workdir / 'hub.db'}"
    config = HubConfig(
        store=store,
        date_order="ymd",
        default_region="CN",
        sources=tuple(
            SourceConfig(name=name, kind="spreadsheet", connection={"path": str(workdir / f)})
            for name, f in (("base", "base.csv"), ("new", "new.csv"))
        ),
        base_dir=workdir,
    )
    instrument()
    try:
        engine = open_store(config, "write")
        full = measured(
            "full sync",
            len(base),
            lambda: sync.sync(config, RunOptions(sources=["base"]), engine=engine),
        )
        print(f"  f1={score(engine, truth, {'base'}).f1:.4f}", flush=True)
        started = time.perf_counter()
        train_model(config, engine)
        print(f"  match train: {time.perf_counter() - started:.1f}s", flush=True)
        measured(
            "unchanged re-sync",
            len(base),
            lambda: sync.sync(config, RunOptions(sources=["base"]), engine=engine),
        )
        increment = measured(
            "1% increment",
            len(new),
            lambda: sync.sync(config, RunOptions(sources=["new"]), engine=engine),
        )
        print(
            f"  f1={score(engine, truth, {'base', 'new'}).f1:.4f}  "
            f"increment/full={increment['seconds'] / full['seconds']:.2%}",
            flush=True,
        )
        engine.dispose()
    finally:
        if drop is not None:
            drop()


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    main()
