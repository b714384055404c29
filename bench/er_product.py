"""The product's own path against the in-memory matcher, on the same generated records.

    python bench/er_product.py                # 10,000 records
    python bench/er_product.py 10000 100000   # one table per size
    python bench/er_product.py 10000 --no-postgres

Records come from ``bench/er_data.py`` (CJK-heavy, dirty, households, common names;
deterministic). Each path runs in its own process, at default settings:

- ``mdm.dedupe``: the records standardised as the pipeline standardises them, in memory;
- ``crmhub dedupe FILE``: the CLI, scored on the ``source_id,golden_id`` file it writes;
- ``crmhub sync`` into a fresh SQLite file and into a fresh PostgreSQL database (one
  spreadsheet source, no saved model), scored on the store's cross references.

Scores are pairwise precision/recall/F1 against the truth over every record (a record
the product quarantined counts as a customer of its own) and over the records it kept.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from er_data import write
from er_metrics import cluster_pairs, pairwise_scores, print_table, true_pairs

BIN = Path(sys.executable).parent
PG_SERVER = os.environ.get("CRMHUB_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/")


def read_pairs(path: Path, value: str) -> dict[str, str]:
    with path.open(encoding="utf-8") as f:
        return {row["source_id"]: row[value] for row in csv.DictReader(f)}


def scores(found: dict[str, str], truth: dict[str, str]) -> dict[str, float]:
    """Over every record (one missing from ``found`` is a cluster of its own), and over the
    records ``found`` kept."""
    everyone = {r: found.get(r, f"rejected:{r}") for r in truth}
    overall = pairwise_scores(cluster_pairs(everyone), true_pairs(truth))
    kept_truth = {r: truth[r] for r in found if r in truth}
    kept = pairwise_scores(cluster_pairs({r: found[r] for r in kept_truth}), true_pairs(kept_truth))
    return {
        **overall,
        "kept": len(kept_truth),
        "f1_kept": kept["f1"],
        "precision_kept": kept["precision"],
        "clusters": len(set(found.values())),
    }


def run_memory(data: Path) -> dict[str, str]:
    from core.standardise import StandardiseOptions, standardise_flat
    from mdm.dedupe import dedupe

    options = StandardiseOptions(default_region="CN", date_order="ymd")
    with data.open(encoding="utf-8") as f:
        rows = [{k: v for k, v in row.items() if v} for row in csv.DictReader(f)]
    records = [standardise_flat(row, options) for row in rows]
    clusters = dedupe(records).clusters
    return {rows[p]["source_id"]: str(n) for n, members in enumerate(clusters) for p in members}


def run_cli_dedupe(data: Path, work: Path) -> dict[str, str]:
    out = work / "dedupe-out.csv"
    command = [str(BIN / "crmhub"), "dedupe", str(data), "-o", str(out), "--date-order", "ymd"]
    subprocess.run(command, check=True, capture_output=True, text=True)
    with out.open(encoding="utf-8") as f:
        staged = {row["source_id"] for row in csv.DictReader(f)}
    rejects = read_pairs(out.with_name(f"{out.stem}.rejects.csv"), "golden_id")
    return {k: v for k, v in read_pairs(out, "golden_id").items() if k in staged - set(rejects)}


def run_sync(data: Path, work: Path, store: str) -> dict[str, str]:
    import sqlalchemy as sa

    config = work / f"hub-{uuid.uuid4().hex[:6]}.yaml"
    config.write_text(
        json.dumps(
            {
                "store": store,
                "default_region": "CN",
                "date_order": "ymd",
                "match_model": str(work / "no-saved-model.json"),
                "sources": [
                    {"name": "people", "kind": "spreadsheet", "connection": {"path": str(data)}}
                ],
            }
        ),
        encoding="utf-8",
    )
    command = [str(BIN / "crmhub"), "sync", "-c", str(config)]
    subprocess.run(command, check=True, capture_output=True, text=True)
    engine = sa.create_engine(store)
    with engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT source_id, golden_id FROM xref")).all()
    engine.dispose()
    return {str(s): str(g) for s, g in rows}


def postgres_database() -> tuple[str, Any]:
    import sqlalchemy as sa

    name = f"crmhub_bench_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_SERVER + "postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return PG_SERVER + name, drop


def run_path(path: str, data: Path, work: Path) -> dict[str, Any]:
    truth = read_pairs(data.with_suffix(".truth.csv"), "person")
    start = time.perf_counter()
    if path == "mdm.dedupe":
        found = run_memory(data)
    elif path == "crmhub dedupe":
        found = run_cli_dedupe(data, work)
    elif path == "crmhub sync (SQLite)":
        found = run_sync(data, work, f"sqlite:///{work / 'store.db'}")
    else:
        url, drop = postgres_database()
        try:
            found = run_sync(data, work, url)
        finally:
            drop()
    seconds = time.perf_counter() - start
    return {**scores(found, truth), "seconds": seconds, "records_per_second": len(truth) / seconds}


PATHS = ("mdm.dedupe", "crmhub dedupe", "crmhub sync (SQLite)", "crmhub sync (PostgreSQL)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[10_000])
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        path, data, work = options.child
        print(json.dumps(run_path(path, Path(data), Path(work))))
        return
    paths = [p for p in PATHS if not (options.no_postgres and "PostgreSQL" in p)]
    for size in options.sizes:
        work = Path(tempfile.mkdtemp(prefix="crmhub-er-product-"))
        data = work / "people.csv"
        write(size, data)
        rows: list[dict[str, Any]] = []
        for path in paths:
            done = subprocess.run(
                [sys.executable, __file__, "--child", path, str(data), str(work)],
                capture_output=True,
                text=True,
                check=False,
            )
            if done.returncode != 0:
                rows.append({"path": path, "error": done.stderr.strip().splitlines()[-1:]})
            else:
                rows.append({"path": path, **json.loads(done.stdout.strip().splitlines()[-1])})
            print(f"{size} {path}: {json.dumps(rows[-1], default=str)}", file=sys.stderr)
        memory = rows[0].get("f1", 0.0)
        for row in rows:
            if "f1" in row:
                row["f1_gap"] = row["f1"] - memory
        print(f"\n{size} records")
        print_table(
            rows,
            [
                ("path", "path"),
                ("f1", "F1"),
                ("f1_gap", "F1 − in-memory"),
                ("precision", "precision"),
                ("recall", "recall"),
                ("kept", "records kept"),
                ("f1_kept", "F1 on kept"),
                ("clusters", "customers"),
                ("seconds", "seconds"),
                ("error", "error"),
            ],
        )


if __name__ == "__main__":
    main()
