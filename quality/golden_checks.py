"""Checks over the golden records, computed by GE inside the store (never loaded into memory).

- ``golden_unique_email`` / ``golden_unique_phone``: no two active golden records
  share a normalised email (phone), unless a steward pinned them apart ("not a
  match" between a member of each): that is a deliberate decision, not a defect.
- ``golden_completeness``: each golden record scores the share of eight key
  fields it fills (a name or company, email, phone, street, city, postcode,
  country, birth date); the mean must reach ``min_golden_completeness``.
- ``golden_multi_source``: the share of golden records backed by two or more
  sources (the point of a hub; a threshold of 0 only reports it).
- ``golden_orphans``: every cross reference points at an active golden record.

A handful of examples per failing check are read with small ``LIMIT`` queries
and masked before they reach a message.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from core.masking import mask_email, mask_phone
from core.settings import QualitySettings
from quality.ge_runner import SuiteOutcome, SuiteRunner, ge_severity
from quality.results import CheckResult, make_result
from quality.store_queries import (
    GOLDEN_SCORE_SLOTS,
    compile_sql,
    golden_scores,
    orphan_links,
    pair_ids,
    shared_value_pairs,
)
from quality.wording import pct, plural

if TYPE_CHECKING:
    from great_expectations.expectations import Expectation

GOLDEN_CHECKS = (
    "golden_unique_email",
    "golden_unique_phone",
    "golden_completeness",
    "golden_multi_source",
    "golden_orphans",
)


def check_golden(
    runner: SuiteRunner, connection: sa.Connection, settings: QualitySettings, examples: int = 3
) -> list[CheckResult]:
    """Run the golden-record suites; ``connection`` only reads a few examples."""
    return [
        _shared(runner, connection, "email", settings, examples),
        _shared(runner, connection, "phone", settings, examples),
        *_scores(runner, connection, settings),
        _orphans(runner, connection, settings, examples),
    ]


def _options(settings: QualitySettings, check: str) -> dict[str, Any]:
    return {"meta": {"check": check}, "severity": ge_severity(settings.severity_of(check))}


def _shared(
    runner: SuiteRunner,
    connection: sa.Connection,
    field: str,
    settings: QualitySettings,
    examples: int,
) -> CheckResult:
    import great_expectations as gx

    check = f"golden_unique_{field}"
    rule = gx.expectations.ExpectTableRowCountToEqual(value=0, **_options(settings, check))
    query = compile_sql(pair_ids(field), connection.dialect)
    outcome = runner.validate_query(f"golden.shared_{field}", query, [rule])
    pairs = int(outcome.first(check).result.get("observed_value") or 0)
    found: list[str] = []
    if pairs:
        mask = mask_email if field == "email" else mask_phone
        rows = connection.execute(shared_value_pairs(field).limit(max(examples, 1)))
        found = [f"{r.left_id} and {r.right_id} share {mask(str(r.value))}" for r in rows]
    article = "an" if field == "email" else "a"
    detail = (
        f"no two active golden records share {article} {field} (steward-separated pairs excepted)"
        if not pairs
        else f"{plural(pairs, 'pair')} of active golden records share {article} {field} and no "
        f"steward kept them apart (e.g. {found[0]}): merge them or pin them as distinct"
    )
    return make_result(
        check,
        None,
        settings.severity_of(check),
        outcome.passed(check),
        {"pairs": pairs},
        detail,
        examples=found[:examples],
    )


def _scores(
    runner: SuiteRunner, connection: sa.Connection, settings: QualitySettings
) -> list[CheckResult]:
    import great_expectations as gx

    expect = gx.expectations
    rules: list[Expectation] = [
        expect.ExpectColumnMeanToBeBetween(
            column="completeness",
            min_value=settings.min_golden_completeness,
            **_options(settings, "golden_completeness"),
        ),
        expect.ExpectColumnValuesToBeBetween(
            column="sources",
            min_value=2,
            mostly=settings.min_multi_source_share,
            **_options(settings, "golden_multi_source"),
        ),
    ]
    query = compile_sql(golden_scores(), connection.dialect)
    outcome = runner.validate_query("golden.scores", query, rules)
    return [
        _completeness(outcome, connection, settings),
        _multi_source(outcome, settings),
    ]


def _completeness(
    outcome: SuiteOutcome, connection: sa.Connection, settings: QualitySettings
) -> CheckResult:
    mean = outcome.first("golden_completeness").result.get("observed_value")
    scores = golden_scores().subquery("scores")
    histogram = {
        f"{round(float(row.completeness) * GOLDEN_SCORE_SLOTS)}/{GOLDEN_SCORE_SLOTS}": int(row.n)
        for row in connection.execute(
            sa.select(scores.c.completeness, sa.func.count().label("n"))
            .group_by(scores.c.completeness)
            .order_by(scores.c.completeness)
        )
    }
    records = sum(histogram.values())
    observed = {
        "records": records,
        "mean": mean,
        "min_mean": settings.min_golden_completeness,
        "fields_filled": histogram,
    }
    if not records:
        return make_result(
            "golden_completeness",
            None,
            settings.severity_of("golden_completeness"),
            True,
            observed,
            "no active golden records yet",
        )
    passed = outcome.passed("golden_completeness")
    verdict = "at least" if passed else "below the"
    weakest = next(iter(histogram))
    detail = (
        f"{plural(records, 'active golden record')} fill {pct(mean)} of the "
        f"{GOLDEN_SCORE_SLOTS} key fields on average, {verdict} "
        f"{pct(settings.min_golden_completeness)} required; the least complete fill "
        f"{weakest} ({plural(histogram[weakest], 'record')})"
    )
    return make_result(
        "golden_completeness",
        None,
        settings.severity_of("golden_completeness"),
        passed,
        observed,
        detail,
    )


def _multi_source(outcome: SuiteOutcome, settings: QualitySettings) -> CheckResult:
    result = outcome.first("golden_multi_source").result
    records = int(result.get("element_count") or 0)
    single = int(result.get("unexpected_count") or 0)
    multi = records - single
    share = multi / records if records else None
    observed = {
        "records": records,
        "multi_source": multi,
        "share": share,
        "min_share": settings.min_multi_source_share,
    }
    passed = outcome.passed("golden_multi_source")
    detail = (
        "no active golden records yet"
        if not records
        else f"{multi} of {plural(records, 'active golden record')} ({pct(share)}) are backed "
        f"by more than one source (at least {pct(settings.min_multi_source_share)} required)"
    )
    return make_result(
        "golden_multi_source",
        None,
        settings.severity_of("golden_multi_source"),
        passed or not records,
        observed,
        detail,
    )


def _orphans(
    runner: SuiteRunner, connection: sa.Connection, settings: QualitySettings, examples: int
) -> CheckResult:
    import great_expectations as gx

    rule = gx.expectations.ExpectTableRowCountToEqual(
        value=0, **_options(settings, "golden_orphans")
    )
    query = compile_sql(orphan_links(), connection.dialect)
    outcome = runner.validate_query("golden.orphans", query, [rule])
    orphans = int(outcome.first("golden_orphans").result.get("observed_value") or 0)
    found = []
    if orphans:
        rows = connection.execute(orphan_links().limit(max(examples, 1)))
        found = [f"{r.source}:{r.source_id} → {r.golden_id} ({r.golden_status})" for r in rows]
    detail = (
        "every cross reference points at an active golden record"
        if not orphans
        else f"{plural(orphans, 'cross reference')} point at a missing or inactive golden "
        f"record (e.g. {found[0]}): the store contradicts itself"
    )
    return make_result(
        "golden_orphans",
        None,
        settings.severity_of("golden_orphans"),
        outcome.passed("golden_orphans"),
        {"orphans": orphans},
        detail,
        examples=found[:examples],
    )
