"""How the blocking graph falls apart: the unit a resolve step could be split by.

    python bench/blocking_components.py 100000
    python bench/blocking_components.py 100000 1000000 --workers 2 4 8
    python bench/blocking_components.py 100000 --cap 50 --recall       # a stricter cap
    python bench/blocking_components.py 100000 --drop d: pc: an: n:~   # without key families

Records come from ``bench/er_data.py`` (deterministic), standardised as ``crmhub dedupe``
does, and get the product's own blocking keys (``mdm.blocking.block_keys``) and block index
(``mdm.candidates.index_hashed`` with ``mdm.dedupe``'s block cap). Two records are joined
when they share a usable block, i.e. when they would be a candidate pair; the connected
components of that graph are what no split may cut, since a cut component loses pairs.

Printed per size: the components (all, and of two records or more), the largest (records,
share, candidate-pair occurrences), the size quantiles, the true clusters for comparison,
and the load of the busiest worker when the components are packed onto ``--workers``
workers (largest first, each onto the least loaded worker). ``--cap`` and ``--drop`` (key
prefixes) show what a stricter blocking would make of the graph, ``--recall`` what it would
cost: the share of true pairs still sharing a usable block.

The alternative split is measured too: blocks dealt to workers by key (``by_block``: copies
of a record shipped per record, the busiest worker's pairs against the mean), and with
``--clusters`` the clusters ``mdm.dedupe`` resolves, which are the components of its match
graph: their sizes and the busiest worker when they are packed.
"""

from __future__ import annotations

import argparse
import heapq
import inspect
import json
import sys
import time
from array import array
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

sys.path.insert(0, str(Path(__file__).resolve().parent))

from er_data import generate
from er_metrics import peak_memory_mb

if TYPE_CHECKING:
    from mdm.candidates import BlockIndex

QUANTILES = (0.5, 0.9, 0.99, 0.999, 1.0)


def standardised(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    from core.standardise import StandardiseOptions, standardise_flat

    options = StandardiseOptions(default_region="CN", date_order="ymd")
    return [standardise_flat(r, options) for r in records]


def product_block_cap() -> int:
    """The block cap ``mdm.dedupe`` uses unless told otherwise."""
    from mdm.dedupe import dedupe

    return int(inspect.signature(dedupe).parameters["block_cap"].default)


def block_index(records: list[dict[str, Any]], cap: int, drop: tuple[str, ...] = ()) -> BlockIndex:
    from mdm.blocking import block_keys
    from mdm.candidates import index_hashed

    hashes: array[int] = array("q")
    counts: array[int] = array("q")
    for record in records:
        keys = (
            [k for k in block_keys(record) if not k.startswith(drop)]
            if drop
            else block_keys(record)
        )
        hashes.extend(hash(k) for k in keys)
        counts.append(len(keys))
    return index_hashed(hashes, counts, cap)


def components(index: Any) -> np.ndarray:
    """The component label of every record: each usable block chains its members together,
    which connects exactly the records its candidate pairs connect."""
    ends = index.starts + index.sizes
    inner = np.ones(len(index.members), dtype=bool)  # a member with a next one in its block
    inner[ends - 1] = False
    in_block = np.zeros(len(index.members) + 1, dtype=np.int64)
    np.add.at(in_block, index.starts, 1)
    np.add.at(in_block, ends, -1)
    inner &= np.cumsum(in_block)[:-1] > 0  # members of skipped blocks join nothing
    left = index.members[np.flatnonzero(inner)]
    right = index.members[np.flatnonzero(inner) + 1]
    n = index.records
    graph = coo_matrix((np.ones(len(left), dtype=np.int8), (left, right)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    return labels


def pair_load(index: Any, labels: np.ndarray, count: int) -> np.ndarray:
    """Candidate-pair occurrences per component (a pair counted once per block it shares)."""
    owners = labels[index.members[index.starts]]
    pairs = index.sizes * (index.sizes - 1) // 2
    return np.bincount(owners, weights=pairs, minlength=count)


def busiest_worker(records: np.ndarray, pairs: np.ndarray, workers: int) -> dict[str, float]:
    """Largest-first packing onto the least loaded worker; load = ``pairs`` (the weights)."""
    heap = [(0.0, w) for w in range(workers)]
    load_records = np.zeros(workers)
    load_pairs = np.zeros(workers)
    for c in np.argsort(-pairs, kind="stable"):
        _, w = heapq.heappop(heap)
        load_records[w] += records[c]
        load_pairs[w] += pairs[c]
        heapq.heappush(heap, (load_pairs[w], w))
    busiest = int(np.argmax(load_pairs))
    return {
        "workers": workers,
        "records": int(load_records[busiest]),
        "load_share": round(float(load_pairs[busiest] / max(pairs.sum(), 1)), 4),
    }


def recall(index: Any, persons: list[int]) -> float:
    """Share of true pairs (same person) that are candidate pairs."""
    from mdm.candidates import candidate_pairs

    n = index.records
    candidates = candidate_pairs(index)
    codes = candidates[:, 0] * n + candidates[:, 1]
    order = np.argsort(persons, kind="stable")
    people = np.asarray(persons)[order]
    starts = np.flatnonzero(np.concatenate(([True], people[1:] != people[:-1])))
    sizes = np.diff(np.concatenate((starts, [n])))
    truth = []
    for size in np.unique(sizes[sizes >= 2]).tolist():
        members = np.sort(order[starts[sizes == size][:, None] + np.arange(size)], axis=1)
        left, right = np.triu_indices(size, 1)
        truth.append(members[:, left].ravel() * n + members[:, right].ravel())
    true_codes = np.concatenate(truth) if truth else np.zeros(0, dtype=np.int64)
    return float(np.isin(true_codes, codes).mean()) if len(true_codes) else 1.0


def by_block(index: Any, workers: int) -> dict[str, float]:
    """Blocks dealt to workers in key-hash order: how many workers need each record (its
    copies), and the busiest worker's pair occurrences against the mean."""
    owner = np.arange(len(index.sizes)) % workers
    positions = np.repeat(index.starts, index.sizes) + (
        np.arange(int(index.sizes.sum()))
        - np.repeat(np.cumsum(index.sizes) - index.sizes, index.sizes)
    )
    copies = np.unique(index.members[positions] * workers + np.repeat(owner, index.sizes))
    in_blocks = len(np.unique(index.members[positions]))
    pairs = np.bincount(owner, weights=index.sizes * (index.sizes - 1) // 2, minlength=workers)
    return {
        "workers": workers,
        "copies_per_record": round(len(copies) / max(in_blocks, 1), 2),
        "busiest_pairs_vs_mean": round(float(pairs.max() / max(pairs.mean(), 1)), 3),
    }


def resolved_clusters(records: list[dict[str, Any]], workers: list[int]) -> dict[str, Any]:
    """The clusters ``mdm.dedupe`` finds: the components of its match graph."""
    from mdm.dedupe import dedupe

    clock = time.perf_counter()
    result = dedupe(records)
    sizes = np.array([len(c) for c in result.clusters])
    pairs = sizes * (sizes - 1) // 2
    return {
        "clusters": len(sizes),
        "sizes": quantiles(sizes),
        "packed": [busiest_worker(sizes, sizes.astype(float), w) for w in workers],
        "pairs_in_largest": int(pairs.max()) if len(pairs) else 0,
        "seconds": round(time.perf_counter() - clock, 1),
    }


def quantiles(sizes: np.ndarray) -> dict[str, int]:
    if not len(sizes):
        return {}
    return {f"p{q * 100:g}": int(np.quantile(sizes, q, method="higher")) for q in QUANTILES}


def measure(
    count: int,
    workers: list[int],
    cap: int | None = None,
    drop: tuple[str, ...] = (),
    with_recall: bool = False,
    with_clusters: bool = False,
) -> dict[str, Any]:
    clock = time.perf_counter()
    raw, persons = generate(count)
    records = standardised(raw)
    del raw
    cap = cap or product_block_cap()
    index = block_index(records, cap, drop)
    keyed = time.perf_counter() - clock

    clock = time.perf_counter()
    labels = components(index)
    count_all = int(labels.max()) + 1 if len(labels) else 0
    sizes = np.bincount(labels, minlength=count_all)
    pairs = pair_load(index, labels, count_all)
    largest = int(np.argmax(sizes))
    found = time.perf_counter() - clock
    true_sizes = np.bincount(np.unique(persons, return_inverse=True)[1])
    clusters = resolved_clusters(records, workers) if with_clusters else None
    del records
    return {
        "records": count,
        "block_cap": cap,
        "dropped_keys": list(drop),
        "blocking_recall": round(recall(index, persons), 4) if with_recall else None,
        "usable_blocks": len(index.sizes),
        "oversized_blocks": len(index.oversized_hashes),
        "pair_occurrences": index.pair_occurrences,
        "components": count_all,
        "components_2plus": int((sizes >= 2).sum()),
        "singletons": int((sizes == 1).sum()),
        "largest": {
            "records": int(sizes[largest]),
            "record_share": round(float(sizes[largest] / count), 4),
            "pair_share": round(float(pairs[largest] / max(pairs.sum(), 1)), 4),
        },
        "component_sizes_2plus": quantiles(sizes[sizes >= 2]),
        "true_cluster_sizes": quantiles(true_sizes),
        "packed": [busiest_worker(sizes, pairs, w) for w in workers],
        "by_block": [by_block(index, w) for w in workers],
        "resolved_clusters": clusters,
        "seconds": {"generate_standardise_block": round(keyed, 1), "components": round(found, 2)},
        "peak_rss_mb": round(peak_memory_mb()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("counts", type=int, nargs="+")
    parser.add_argument("--workers", type=int, nargs="+", default=[2, 4, 8])
    parser.add_argument("--cap", type=int, help="block cap (default: mdm.dedupe's)")
    parser.add_argument("--drop", nargs="+", default=[], help="key prefixes to leave out")
    parser.add_argument("--recall", action="store_true", help="also the blocking recall")
    parser.add_argument("--clusters", action="store_true", help="also mdm.dedupe's clusters")
    args = parser.parse_args()
    for count in args.counts:
        drop = tuple(args.drop)
        result = measure(count, args.workers, args.cap, drop, args.recall, args.clusters)
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
