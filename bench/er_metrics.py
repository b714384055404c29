"""Shared by the entity-resolution benchmarks: pairwise scores, blocking recall, a child
process per measured run (so peak memory is the run's own), and a side-by-side table."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from itertools import combinations
from typing import Any, TypeVar

Record = TypeVar("Record", bound=Hashable)


def true_pairs(entity_of: Mapping[Record, Hashable]) -> set[tuple[Record, Record]]:
    """Every pair of records that belong to the same entity (sorted, so it is unordered)."""
    by_entity: dict[Hashable, list[Record]] = defaultdict(list)
    for record, entity in entity_of.items():
        by_entity[entity].append(record)
    pairs: set[tuple[Record, Record]] = set()
    for members in by_entity.values():
        pairs.update(combinations(sorted(members, key=str), 2))
    return pairs


def cluster_pairs(labels: Mapping[Record, Hashable]) -> set[tuple[Record, Record]]:
    """Every pair put together by a clustering (``labels``: record → cluster id)."""
    return true_pairs(labels)


def pairwise_scores(
    found: set[tuple[Record, Record]], truth: set[tuple[Record, Record]]
) -> dict[str, float]:
    hits = len(found & truth)
    precision = hits / len(found) if found else 1.0
    recall = hits / len(truth) if truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "true_pairs": len(truth)}


def blocking_recall(
    truth: Iterable[tuple[Record, Record]],
    keys: Mapping[Record, set[str]],
    skipped: set[str],
) -> float:
    """Share of true pairs that share at least one key that was not skipped as oversized."""
    truth = list(truth)
    kept = sum(1 for a, b in truth if (keys[a] & keys[b]) - skipped)
    return kept / len(truth) if truth else 1.0


def peak_memory_mb() -> float:
    """This process's peak resident memory in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_child(script: str, arguments: Sequence[str]) -> dict[str, Any]:
    """Run ``script`` in a fresh interpreter and read the JSON line it prints last."""
    done = subprocess.run(
        [sys.executable, script, *arguments], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr else "failed"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def print_table(rows: Sequence[Mapping[str, Any]], columns: Sequence[tuple[str, str]]) -> None:
    widths = [max(len(title), *(len(_cell(r.get(key))) for r in rows)) for key, title in columns]
    print("  ".join(title.ljust(w) for (_, title), w in zip(columns, widths, strict=True)))
    for row in rows:
        print(
            "  ".join(_cell(row.get(k)).ljust(w) for (k, _), w in zip(columns, widths, strict=True))
        )


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.4f}" if value < 10 else f"{value:.1f}"
    return str(value)


def timed(function: Callable[[], Any]) -> tuple[Any, float]:
    import time

    start = time.perf_counter()
    result = function()
    return result, time.perf_counter() - start
