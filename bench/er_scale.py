"""Generated customers at scale: our matcher and Splink on the same records, side by side.

    python bench/er_scale.py                  # 100,000 records, both tools
    python bench/er_scale.py 1000000 --ours   # a million, ours only
    python bench/er_scale.py 1000000 --incremental   # 99% deduped, then 1% matched into it
    python bench/er_scale.py 100000 --ours --workers 1  # our scoring on one thread

Records come from ``bench/er_data.py`` (CJK-heavy, dirty, with households and common
names; deterministic). Both tools get them standardised by ``core.standardise``
(counted in their time); Splink also gets pinyin given/family columns, which any user
would add, with settings built from its comparison library. Each tool runs in its own
process; F1 is pairwise over the clusters, records/second is end to end. Ours reads the
records standardised one by one as it prepares them (``Standardised``), as a pipeline
reading a file would, so a million standardised copies are never held at once. For ours the
candidate pairs, the pairs scored per second (scoring stage alone), the time of each stage
and the blocking report per rule (``mdm.blocking_report``: pairs, capped blocks, recall and
recall found by that rule alone) are printed too, after the timed run.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

if TYPE_CHECKING:
    from mdm.train import USource

from er_data import generate
from er_metrics import (
    cluster_pairs,
    pairwise_scores,
    peak_memory_mb,
    print_table,
    run_child,
    true_pairs,
)

#: Our matcher's ways of estimating u (see mdm.train.USource); "ours" is the default.
VARIANTS: dict[str, USource] = {
    "ours": "random",
    "ours-blocked-u": "blocked",
    "ours-fixed-random-u": "fixed-random",
}


def standardised(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    from core.standardise import StandardiseOptions, standardise_flat

    options = StandardiseOptions(default_region="CN", date_order="ymd")
    return [standardise_flat(r, options) for r in records]


class Standardised(Sequence[dict[str, Any]]):
    """The raw records, standardised as they are read: the matcher reads each once, so
    the standardised copies need not all be held at once (a million of them take 1.5 GB)."""

    def __init__(self, raw: list[dict[str, Any]]) -> None:
        from core.standardise import StandardiseOptions, standardise_flat

        self.raw = raw
        self.options = StandardiseOptions(default_region="CN", date_order="ymd")
        self.standardise = standardise_flat

    def __len__(self) -> int:
        return len(self.raw)

    # By position only: the matcher never slices it, so no slice overload.
    def __getitem__(self, position: int) -> dict[str, Any]:  # type: ignore[override]  # above
        return self.standardise(self.raw[position], self.options)


def run_ours(
    count: int, u_source: USource = "random", workers: int | None = None, report: bool = True
) -> dict[str, Any]:
    import mdm  # noqa: F401 - the library's import belongs to the baseline, as for Splink
    from mdm.blocking import block_keys
    from mdm.blocking_report import blocking_report
    from mdm.dedupe import dedupe

    raw, persons = generate(count)
    truth = true_pairs(dict(enumerate(persons)))
    loaded = peak_memory_mb()
    start, cpu = time.perf_counter(), time.process_time()
    records = Standardised(raw)
    result = dedupe(records, u_source=u_source, workers=workers)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak = peak_memory_mb()
    labels = {p: n for n, members in enumerate(result.clusters) for p in members}
    scores = pairwise_scores(cluster_pairs(labels), truth)
    del labels
    found: dict[str, Any] = {}
    if report:
        keys = [block_keys(r) for r in records]
        blocking = blocking_report(keys, cap=result.block_cap, true_pairs=truth)
        found = {"blocking_recall": blocking.recall, "blocking": blocking.lines()}
    return {
        **scores,
        **found,
        "candidate_pairs": result.candidate_pairs,
        "pairs_per_second": result.candidate_pairs / max(result.seconds["score"], 1e-9),
        "oversized_blocks": len(result.oversized_blocks),
        "seconds": seconds,
        "cpu_seconds": cpu,
        "records_per_second": count / seconds,
        "peak_mb": peak,
        "added_mb": peak - loaded,
        "stages": result.seconds,
    }


def run_ours_incremental(count: int, share: float = 0.01) -> dict[str, Any]:
    """Dedupe all but a random ``share`` of the records (the full run), then match that share
    against the index the run kept (the incremental run); F1 over every record at the end."""
    import random

    from mdm.dedupe import dedupe

    raw, persons = generate(count)
    held = set(random.Random(11).sample(range(count), int(count * share)))
    order = [p for p in range(count) if p not in held] + sorted(held)
    truth = true_pairs(dict(enumerate(persons[p] for p in order)))
    new_raw = [raw[p] for p in sorted(held)]
    base_raw = [raw[p] for p in range(count) if p not in held]
    del raw, persons
    loaded = peak_memory_mb()
    start = time.perf_counter()
    result = dedupe(standardised(base_raw), keep_index=True)
    full = time.perf_counter() - start
    del base_raw
    index = result.index
    assert index is not None
    start = time.perf_counter()
    index.add(standardised(new_raw))
    incremental = time.perf_counter() - start
    peak = peak_memory_mb()
    labels = {n: index.label(n) for n in range(count)}
    return {
        **pairwise_scores(cluster_pairs(labels), truth),
        "store_records": count - len(held),
        "new_records": len(held),
        "full_seconds": full,
        "incremental_seconds": incremental,
        "share_of_full": incremental / full,
        "records_per_second": len(held) / incremental,
        "peak_mb": peak,
        "added_mb": peak - loaded,
    }


def splink_frame(records: list[dict[str, Any]]) -> Any:
    import pandas as pd

    from core.standardise import to_latin

    rows = []
    for n, r in enumerate(records):
        given, family = r.get("given_name"), r.get("family_name")
        rows.append(
            {
                "unique_id": n,
                "given_name": to_latin(given).replace(" ", "") if given else None,
                "family_name": to_latin(family, surname_first=True).replace(" ", "")
                if family
                else None,
                "birth_date": r.get("birth_date") if isinstance(r.get("birth_date"), str) else None,
                "email": r.get("email"),
                "phone": r.get("phone"),
                "address_line1": r.get("address_line1"),
                "postcode": r.get("postcode"),
                "city": r.get("city"),
                "national_id": r.get("national_id"),
            }
        )
    return pd.DataFrame(rows)


def run_splink(count: int) -> dict[str, Any]:
    import logging

    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    logging.getLogger("splink").setLevel(logging.ERROR)
    import pandas  # noqa: F401 - the library's import belongs to the baseline, as for ours

    raw, persons = generate(count)
    truth = true_pairs(dict(enumerate(persons)))
    loaded = peak_memory_mb()
    start, cpu = time.perf_counter(), time.process_time()
    frame = splink_frame(standardised(raw))
    del raw
    blocking: list[Any] = [
        block_on("email"),
        block_on("phone"),
        block_on("national_id"),
        block_on("given_name", "family_name"),
        "l.given_name = r.family_name and l.family_name = r.given_name",
        block_on("birth_date", "family_name"),
        block_on("postcode", "family_name"),
    ]
    settings = SettingsCreator(
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=blocking,
        comparisons=[
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("family_name").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison(
                "birth_date",
                input_is_string=True,
                datetime_format="%Y-%m-%d",
                invalid_dates_as_null=True,
            ),
            cl.EmailComparison("email"),
            cl.ExactMatch("phone").configure(term_frequency_adjustments=True),
            cl.LevenshteinAtThresholds("address_line1", [2]),
            cl.ExactMatch("postcode"),
            cl.ExactMatch("city"),
            cl.DamerauLevenshteinAtThresholds("national_id", [1, 2]),
        ],
    )
    linker = Linker(DuckDBAPI().register(frame), settings)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("email"), block_on("phone"), block_on("national_id")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=5e6, seed=2)
    for rule in (block_on("birth_date"), block_on("postcode")):
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    predictions = linker.inference.predict(threshold_match_probability=0.2)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=0.5
    )
    rows = clusters.as_duckdbpyrelation().select("unique_id, cluster_id").fetchall()
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak = peak_memory_mb()
    labels = {int(u): c for u, c in rows}
    return {
        **pairwise_scores(cluster_pairs(labels), truth),
        "seconds": seconds,
        "cpu_seconds": cpu,
        "records_per_second": count / seconds,
        "peak_mb": peak,
        "added_mb": peak - loaded,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("counts", nargs="*", type=int, default=[100_000])
    parser.add_argument("--ours", action="store_true")
    parser.add_argument("--splink", action="store_true")
    parser.add_argument(
        "--variants", action="store_true", help="also ours with u from blocked pairs / fixed"
    )
    parser.add_argument(
        "--incremental",
        action="store_true",
        help="ours only: dedupe 99%%, then match the other 1%% against the kept index",
    )
    parser.add_argument(
        "--workers", type=int, default=None, help="our scoring threads (default: one per core)"
    )
    parser.add_argument(
        "--no-report", action="store_true", help="skip the blocking report (after the timing)"
    )
    parser.add_argument(
        "--child", choices=(*VARIANTS, "splink", "incremental"), help=argparse.SUPPRESS
    )
    options = parser.parse_args()
    if options.child:
        count = options.counts[0]
        if options.child == "splink":
            result = run_splink(count)
        elif options.child == "incremental":
            result = run_ours_incremental(count)
        else:
            result = run_ours(
                count, VARIANTS[options.child], options.workers, not options.no_report
            )
        print(json.dumps(result, default=str))
        return
    if options.incremental:
        incremental_table(options.counts)
        return
    tools = [] if options.splink else ["ours"]
    if options.variants and not options.splink:
        tools.extend(v for v in VARIANTS if v != "ours")
    if not options.ours:
        tools.append("splink")
    rows = []
    workers = [] if options.workers is None else ["--workers", str(options.workers)]
    if options.no_report:
        workers.append("--no-report")
    for count in options.counts:
        for tool in tools:
            result = run_child(__file__, [str(count), "--child", tool, *workers])
            blocking = result.pop("blocking", None)
            rows.append({"records": count, "tool": tool, **result})
            print(f"{count} {tool}: {json.dumps(result, default=str)}", file=sys.stderr)
            if blocking:
                print("\n".join(blocking), file=sys.stderr)
    print()
    print_table(
        rows,
        [
            ("records", "records"),
            ("tool", "tool"),
            ("f1", "F1"),
            ("precision", "precision"),
            ("recall", "recall"),
            ("blocking_recall", "blocking recall"),
            ("candidate_pairs", "pairs"),
            ("pairs_per_second", "pairs/s"),
            ("seconds", "seconds"),
            ("cpu_seconds", "CPU s"),
            ("records_per_second", "records/s"),
            ("peak_mb", "peak MiB"),
            ("added_mb", "MiB over generated data"),
            ("error", "error"),
        ],
    )


def incremental_table(counts: list[int]) -> None:
    rows = []
    for count in counts:
        result = run_child(__file__, [str(count), "--child", "incremental"])
        rows.append({"records": count, **result})
        print(f"{count} incremental: {json.dumps(result, default=str)}", file=sys.stderr)
    print()
    print_table(
        rows,
        [
            ("store_records", "store"),
            ("new_records", "new"),
            ("full_seconds", "full run s"),
            ("incremental_seconds", "incremental s"),
            ("share_of_full", "share of full"),
            ("f1", "F1 after"),
            ("precision", "precision"),
            ("recall", "recall"),
            ("peak_mb", "peak MiB"),
            ("error", "error"),
        ],
    )


if __name__ == "__main__":
    main()
