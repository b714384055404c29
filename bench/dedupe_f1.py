"""`crmhub dedupe` end to end on generated data with known truth: F1, time, peak memory.

``python bench/dedupe_f1.py 100000`` generates the CJK-heavy set of ``bench/er_data.py``,
runs the real command (the whole pipeline, the same matcher as `sync`) and scores its
``source_id,golden_id`` output pairwise against the truth file.
"""

from __future__ import annotations

import csv
import resource
import subprocess
import sys
import tempfile
import time
from itertools import combinations
from pathlib import Path

HERE = Path(__file__).parent


def clusters(path: Path, key: str, value: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    with path.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            found.setdefault(row[value], []).append(row[key])
    return found


def pairs(groups: dict[str, list[str]]) -> set[tuple[str, str]]:
    return {p for members in groups.values() for p in combinations(sorted(members), 2)}


def main(size: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="crmhub-dedupe-bench-"))
    data = work / "people.csv"
    subprocess.run(
        [sys.executable, str(HERE / "er_data.py"), str(size), str(data)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    started = time.perf_counter()
    done = subprocess.run(
        [
            str(Path(sys.executable).with_name("crmhub")),
            "dedupe",
            str(data),
            "-o",
            str(work / "out.csv"),
            "--date-order",
            "ymd",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(done.stderr)
    truth = pairs(clusters(data.with_name("people.truth.csv"), "source_id", "person"))
    found = pairs(clusters(work / "out.csv", "source_id", "golden_id"))
    hits = len(truth & found)
    precision, recall = hits / max(len(found), 1), hits / max(len(truth), 1)
    f1 = 2 * precision * recall / max(precision + recall, 1e-9)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        f"records={size} seconds={seconds:.1f} rate={size / seconds:.0f}/s precision="
        f"{precision:.4f} recall={recall:.4f} f1={f1:.4f} peak_rss={peak:.0f}MB"
    )


if __name__ == "__main__":
    for arg in sys.argv[1:] or ["100000"]:
        main(int(arg))
