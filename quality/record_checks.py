"""Checks over the records one run read from one source, computed by GE inside the store.

The batch validator (:mod:`quality.validator`) already judged every record: it
sent what cannot be processed or identified to quarantine and set defective
values aside as field issues; these checks do not judge records again, they
judge the *run*: what share of what was read identifies someone, was
quarantined, carries a defective value (per field), kept to allowed values, and
whether a source id came twice. Thresholds are in ``quality:`` of hub.yaml.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import Dialect

from core.masking import mask_value
from core.settings import QualitySettings
from quality.ge_runner import SuiteOutcome, SuiteRunner, ge_severity
from quality.results import CheckResult, make_result
from quality.store_queries import VALIDATED_FIELDS, compile_sql, records_read
from quality.wording import pct, plural, share

if TYPE_CHECKING:
    from great_expectations.expectations import Expectation

RECORD_CHECKS = ("completeness", "validity", "allowed_values", "uniqueness")


def record_expectations(settings: QualitySettings) -> list[Expectation]:
    """The expectations over :func:`~quality.store_queries.records_read` rows.

    ``validity`` is one expectation on the share quarantined, one on the share staged
    with a field issue, and one per validated field
    (:data:`~quality.store_queries.VALIDATED_FIELDS`), so that bad emails, phones,
    birth dates or country codes are counted on their own, whether their record was
    kept or quarantined. Each share is held to ``max_invalid_share``.

    Example:
        >>> from core.settings import QualitySettings
        >>> [e.meta["check"] for e in record_expectations(QualitySettings())][:6]
        ['completeness', 'validity', 'allowed_values', 'uniqueness', 'validity', 'validity']
    """
    import great_expectations as gx

    expect = gx.expectations

    def options(check: str) -> dict[str, Any]:
        return {"meta": {"check": check}, "severity": ge_severity(settings.severity_of(check))}

    return [
        expect.ExpectColumnValuesToNotBeNull(
            column="identity", mostly=settings.min_completeness, **options("completeness")
        ),
        expect.ExpectColumnValuesToBeInSet(
            column="outcome",
            value_set=["accepted"],
            mostly=1 - settings.max_invalid_share,
            **options("validity"),
        ),
        expect.ExpectColumnValuesToBeInSet(
            column="value_allowed",
            value_set=[1],
            mostly=1 - settings.max_disallowed_share,
            **options("allowed_values"),
        ),
        expect.ExpectColumnValuesToBeUnique(column="source_id", **options("uniqueness")),
        expect.ExpectColumnValuesToBeInSet(
            column="with_field_issue",
            value_set=[0],
            mostly=1 - settings.max_invalid_share,
            **options("validity"),
        ),
        *(
            expect.ExpectColumnValuesToBeInSet(
                column=f"invalid_{name}",
                value_set=[0],
                mostly=1 - settings.max_invalid_share,
                **options("validity"),
            )
            for name in VALIDATED_FIELDS
        ),
    ]


def check_records(
    runner: SuiteRunner, dialect: Dialect, source: str, run_id: int, settings: QualitySettings
) -> list[CheckResult]:
    """Run the record suite for ``source`` in ``run_id``; one result per record check."""
    query = compile_sql(records_read(source, run_id), dialect)
    outcome = runner.validate_query(f"{source}.records", query, record_expectations(settings))
    return [
        _completeness(outcome, source, settings),
        _validity(outcome, source, settings),
        _allowed(outcome, source, settings),
        _uniqueness(outcome, source, settings),
    ]


def _counts(outcome: SuiteOutcome, check: str, column: str | None = None) -> tuple[int, int]:
    """(rows, unexpected rows) of the check's first expectation, or of the one on ``column``."""
    found = [o for o in outcome.for_check(check) if column in (None, o.kwargs.get("column"))]
    result = found[0].result
    return int(result.get("element_count") or 0), int(result.get("unexpected_count") or 0)


def _completeness(outcome: SuiteOutcome, source: str, settings: QualitySettings) -> CheckResult:
    read, unidentified = _counts(outcome, "completeness")
    identified = share(read - unidentified, read)
    observed = {
        "read": read,
        "unidentified": unidentified,
        "identified_share": identified,
        "min_share": settings.min_completeness,
    }
    passed = outcome.passed("completeness")
    if not read:
        detail = "no records read in this run"
    elif not unidentified:
        detail = f"all {plural(read, 'record')} read identify a customer"
    else:
        verdict = "at least" if passed else "below the"
        detail = (
            f"{unidentified} of {plural(read, 'record')} read ({pct(share(unidentified, read))}) "
            f"identify nobody (no name, company, usable email or phone, national id): "
            f"{pct(identified)} identified, "
            f"{verdict} {pct(settings.min_completeness)} required"
        )
    return make_result(
        "completeness", source, settings.severity_of("completeness"), passed, observed, detail
    )


def _validity(outcome: SuiteOutcome, source: str, settings: QualitySettings) -> CheckResult:
    read, invalid = _counts(outcome, "validity", "outcome")
    flagged = _counts(outcome, "validity", "with_field_issue")[1]
    by_field = {
        name: _counts(outcome, "validity", f"invalid_{name}")[1] for name in VALIDATED_FIELDS
    }
    observed = {
        "read": read,
        "quarantined": invalid,
        "invalid_share": share(invalid, read),
        "with_field_issues": flagged,
        "field_issue_share": share(flagged, read),
        "max_share": settings.max_invalid_share,
        "by_field": by_field,
    }
    passed = outcome.passed("validity")
    if not read:
        detail = "no records read in this run"
    elif not invalid and not flagged:
        detail = f"all {plural(read, 'record')} read passed mapping and validation"
    else:
        parts = [
            f"{invalid} of {plural(read, 'record')} read ({pct(share(invalid, read))}) failed "
            "mapping or validation and were quarantined"
            if invalid
            else f"none of the {plural(read, 'record')} read was quarantined"
        ]
        if flagged:
            parts.append(
                f"{flagged} ({pct(share(flagged, read))}) staged with a defective value set "
                "aside (field issues)"
            )
        fields = ", ".join(f"{name} {n}" for name, n in by_field.items() if n)
        if fields:
            parts.append(f"invalid {fields}")
        limit = "within" if passed else "more than"
        detail = "; ".join(parts) + f" ({limit} the {pct(settings.max_invalid_share)} allowed)"
    return make_result(
        "validity", source, settings.severity_of("validity"), passed, observed, detail
    )


def _allowed(outcome: SuiteOutcome, source: str, settings: QualitySettings) -> CheckResult:
    read, disallowed = _counts(outcome, "allowed_values")
    observed = {
        "read": read,
        "disallowed": disallowed,
        "disallowed_share": share(disallowed, read),
        "max_share": settings.max_disallowed_share,
    }
    passed = outcome.passed("allowed_values")
    if not disallowed:
        detail = "every value with an allowed set (country code, kind) is in it"
    else:
        limit = "within" if passed else "more than"
        detail = (
            f"{disallowed} of {plural(read, 'record')} read ({pct(share(disallowed, read))}) "
            f"hold a value outside its allowed set (country code, kind), {limit} the "
            f"{pct(settings.max_disallowed_share)} allowed"
        )
    return make_result(
        "allowed_values", source, settings.severity_of("allowed_values"), passed, observed, detail
    )


def _uniqueness(outcome: SuiteOutcome, source: str, settings: QualitySettings) -> CheckResult:
    found = outcome.first("uniqueness").result
    read, repeated = _counts(outcome, "uniqueness")
    ids = [  # a source keyed by email would show addresses: those are masked
        mask_value("source_id", str(item["value"]))
        for item in found.get("partial_unexpected_counts") or []
    ]
    observed = {"read": read, "records_sharing_an_id": repeated, "ids_shown": len(ids)}
    passed = outcome.passed("uniqueness")
    if passed:
        detail = f"no source id repeated among the {plural(read, 'record')} read"
    else:
        shown = ", ".join(ids[:5])
        detail = (
            f"{repeated} of {plural(read, 'record')} read share a source id with another "
            f"record (e.g. {shown}); the last copy of each was kept, the earlier ones quarantined"
        )
    return make_result(
        "uniqueness",
        source,
        settings.severity_of("uniqueness"),
        passed,
        observed,
        detail,
        examples=[f"source id {i}" for i in ids[:5]],
    )
