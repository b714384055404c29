"""Memory and time of ``crmhub golden export`` at 100k and 1M golden records.

Issue 7 asks that exporting 1,000,000 golden records stays under a fixed
memory bound. This generates golden records straight into SQLite stores (bulk
inserts, no sync: the export is what is measured), then exports each store as
CSV, JSON lines and Parquet, each in a fresh process so that its peak RSS is
its own. A baseline process that loads the same code and opens the store
without exporting shows what the interpreter and libraries take by
themselves; the bound holds when the peak does not grow with the row count.
With ``--traced`` each export runs again under ``tracemalloc`` for the peak
of Python allocations (slower; the time printed then is not comparable).

    python bench/export_memory.py                 # 100k and 1M, in ./bench-export/
    python bench/export_memory.py --sizes 20000 --traced
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sqlite3
import subprocess
import sys
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

FORMATS = ("csv", "jsonl", "parquet")
#: What one child process measures: an export format, or the baseline (no export).
Measured = Literal["baseline", "csv", "jsonl", "parquet"]
GIVEN = ["Anna", "Ben", "Chen", "Dora", "Emil", "Fang", "Greta", "Hao", "伟", "娜", "杰", "敏"]
FAMILY = ["Schmidt", "Wang", "Li", "Müller", "Zhang", "Weber", "张", "李", "周", "赵", "王"]
CITIES = ["Berlin", "Beijing", "Shanghai", "Hamburg", "北京", "上海", "深圳", "München"]
FIELDS: tuple[str, ...] = ("given_name", "family_name", "full_name", "email", "phone")
FIELDS += ("address_line1", "city", "postcode", "country", "birth_date")
FIELDS += ("name_latin", "name_script")


def generate(path: Path, rows: int, seed: int = 7) -> None:
    """``rows`` active golden records with realistic fields and provenance, in bulk."""
    from core.store import make_engine, migrate

    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    engine.dispose()
    rng = random.Random(seed)
    at = datetime(2025, 1, 1, tzinfo=UTC).isoformat(sep=" ").replace("+00:00", "")
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA synchronous=OFF")
    insert = (
        "INSERT INTO golden_record (golden_id, status, merged_into, record, provenance, version,"
        " created_run_id, updated_run_id, created_at, updated_at)"
        " VALUES (?, 'active', NULL, ?, ?, 1, 1, 1, ?, ?)"
    )
    done = 0
    while done < rows:
        batch = []
        for n in range(done, min(rows, done + 10_000)):
            record = _record(rng, n)
            source = rng.choice(("crm", "erp", "webshop"))
            provenance = {
                f: {"source": source, "source_id": f"{source[0].upper()}{n}", "rule": "trust"}
                for f in record
            }
            batch.append(
                (
                    f"G{n:015d}",
                    json.dumps(record, ensure_ascii=False),
                    json.dumps(provenance),
                    at,
                    at,
                )
            )
        connection.executemany(insert, batch)
        connection.commit()
        done += len(batch)
    connection.close()


def _record(rng: random.Random, n: int) -> dict[str, str]:
    given, family = rng.choice(GIVEN), rng.choice(FAMILY)
    han = ord(given[0]) > 0x2E80
    return {
        "given_name": given,
        "family_name": family,
        "full_name": f"{family}{given}" if han else f"{given} {family}",
        "email": f"customer{n}@example.com",
        "phone": f"+86138{rng.randrange(10**8):08d}",
        "address_line1": f"{rng.randrange(1, 999)} Long Street Name",
        "city": rng.choice(CITIES),
        "postcode": f"{rng.randrange(10000, 99999)}",
        "country": rng.choice(("CN", "DE")),
        "birth_date": f"19{rng.randrange(50, 99)}-0{rng.randrange(1, 9)}-{rng.randrange(10, 28)}",
        "name_latin": f"{given} {family}".lower(),
        "name_script": "han" if han else "latin",
    }


def child(db: Path, fmt: Measured, out: Path, traced: bool) -> dict[str, float | int | str]:
    """One export (or, with ``fmt == "baseline"``, none) in this process; its measurements."""
    import sqlalchemy as sa

    from core.store import make_engine
    from pipeline.export import export_golden

    engine = make_engine(f"sqlite:///{db}")
    with engine.connect() as connection:
        connection.execute(sa.text("SELECT count(*) FROM golden_record")).scalar()
    if traced:
        tracemalloc.start()
    started = time.perf_counter()
    count = 0
    if fmt == "parquet":
        with out.open("wb") as binary:
            count = export_golden(engine, binary, "parquet", provenance=True).count
    elif fmt != "baseline":
        with out.open("w", encoding="utf-8", newline="") as text:
            count = export_golden(engine, text, fmt, provenance=True).count
    seconds = time.perf_counter() - started
    traced_peak = tracemalloc.get_traced_memory()[1] if traced else 0
    return {
        "format": fmt,
        "rows": count,
        "seconds": round(seconds, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "traced_peak_mb": round(traced_peak / 2**20, 1),
        "file_mb": round(out.stat().st_size / 2**20, 1) if out.exists() else 0,
    }


def measure(db: Path, fmt: str, work: Path, traced: bool) -> dict[str, float | int | str]:
    out = work / f"golden.{fmt}"
    done = subprocess.run(
        [sys.executable, __file__, "--child", fmt, "--db", str(db), "--out", str(out)]
        + (["--traced"] if traced else []),
        capture_output=True,
        text=True,
        check=True,
    )
    out.unlink(missing_ok=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--dir", type=Path, default=Path("bench-export"))
    parser.add_argument("--traced", action="store_true", help="also run under tracemalloc")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.db, args.child, args.out, args.traced)))
        return
    args.dir.mkdir(parents=True, exist_ok=True)
    print(f"{'rows':>9} {'format':>8} {'seconds':>8} {'peak RSS MB':>12} {'traced MB':>10} file MB")
    for size in args.sizes:
        db = args.dir / f"golden_{size}.db"
        if not db.exists():
            started = time.perf_counter()
            generate(db, size)
            print(f"generated {size} golden records in {time.perf_counter() - started:.0f} s")
        for fmt in ("baseline", *FORMATS):
            plain = measure(db, fmt, args.dir, traced=False)
            traced = measure(db, fmt, args.dir, traced=True) if args.traced else plain
            print(
                f"{size:>9} {fmt:>8} {plain['seconds']:>8} {plain['peak_rss_mb']:>12} "
                f"{traced['traced_peak_mb']:>10} {plain['file_mb']}",
                flush=True,
            )


if __name__ == "__main__":
    main()
