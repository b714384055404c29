"""Lookup latency of the read API's queries on large stores (``GET /customers?email=…``).

Golden records are generated straight into SQLite (as ``bench/export_memory.py``
does), their lookup keys (``golden_key``) filled the way every golden-record
write fills them, then random existing emails, phones and names are looked up
through ``pipeline.read_model`` — the code behind the endpoint, without HTTP.

    python bench/api_lookup.py                    # 100k and 1M, in ./bench-lookup/
    python bench/api_lookup.py --sizes 20000 --lookups 100
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from export_memory import generate


def fill_keys(path: Path) -> float:
    """Build ``golden_key`` from the stored records; returns the seconds it took."""
    from core.store.lookup_keys import golden_keys

    started = time.perf_counter()
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA synchronous=OFF")
    rows = connection.execute("SELECT golden_id, record FROM golden_record")
    batch: list[tuple[str, str, str]] = []
    insert = connection.cursor()
    for golden_id, record in rows:
        batch.extend(
            (k["kind"], k["value"], k["golden_id"])
            for k in golden_keys(golden_id, json.loads(record))
        )
        if len(batch) >= 50_000:
            insert.executemany("INSERT INTO golden_key VALUES (?, ?, ?)", batch)
            batch = []
    insert.executemany("INSERT INTO golden_key VALUES (?, ?, ?)", batch)
    connection.commit()
    connection.close()
    return time.perf_counter() - started


def sample_values(path: Path, count: int, seed: int = 3) -> list[dict[str, str]]:
    connection = sqlite3.connect(path)
    total = connection.execute("SELECT count(*) FROM golden_record").fetchone()[0]
    rng = random.Random(seed)
    queries: list[dict[str, str]] = []
    for n in rng.sample(range(total), count):
        (record,) = connection.execute(
            "SELECT record FROM golden_record WHERE golden_id = ?", (f"G{n:015d}",)
        ).fetchone()
        record = json.loads(record)
        kind = ("email", "phone", "name")[len(queries) % 3]
        value = record["full_name"] if kind == "name" else record[kind]
        queries.append({kind: value})
    connection.close()
    return queries


def measure(path: Path, lookups: int) -> dict[str, float]:
    from core.store import make_engine
    from pipeline.read_model import CustomerQuery, find_customers

    engine = make_engine(f"sqlite:///{path}")
    timings: dict[str, list[float]] = {"email": [], "phone": [], "name": []}
    for params in sample_values(path, lookups):
        query = CustomerQuery.from_params(**params, default_region="CN")
        started = time.perf_counter()
        page = find_customers(engine, query, limit=50)
        timings[next(iter(params))].append(time.perf_counter() - started)
        assert page.customers, params
    return {
        f"{kind} {stat}": round(value * 1000, 2)
        for kind, values in timings.items()
        for stat, value in (
            ("median ms", statistics.median(values)),
            ("p95 ms", statistics.quantiles(values, n=20)[-1]),
        )
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--lookups", type=int, default=300)
    parser.add_argument("--dir", type=Path, default=Path("bench-lookup"))
    args = parser.parse_args()
    args.dir.mkdir(exist_ok=True)
    for size in args.sizes:
        db = args.dir / f"golden-{size}.db"
        if not db.exists():
            generate(db, size)
            seconds = fill_keys(db)
            print(f"{size:,} records: lookup keys built in {seconds:.1f} s", flush=True)
        print(f"{size:,} records:", json.dumps(measure(db, args.lookups)), flush=True)


if __name__ == "__main__":
    main()
