"""Checks over the few numbers that describe one source in one run.

Volume, freshness, the ledger and the payload's schema are facts the pipeline
gathers from the store (a handful of numbers per source: never the records);
they are put in a one-row frame and judged by Great Expectations, so they sit
in the same results and Data Docs as every other check.

Volume, freshness and schema drift are about the source's *feed*: they make
no sense for a ``retry`` run, which reads the quarantine, not the source.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from core.ledger import SourceLedger
from core.settings import QualitySettings
from quality.ge_runner import SuiteOutcome, SuiteRunner, ge_severity
from quality.profile import PayloadProfile, SchemaDrift, compare_profiles
from quality.results import CheckResult, make_result
from quality.wording import number, plural

if TYPE_CHECKING:
    from great_expectations.expectations import Expectation

FEED_CHECKS = ("schema_drift", "volume", "freshness")


@dataclass(frozen=True)
class SourceFacts:
    """What the pipeline found about one source of one run (see ``pipeline.quality_run``).

    ``history`` holds the records read by earlier runs of the same kind, newest first.
    """

    source: str
    ledger: SourceLedger | None
    now: datetime
    reconcile_problems: list[str] = field(default_factory=list)
    history: list[int] = field(default_factory=list)
    newest_change: datetime | None = None
    profile: PayloadProfile | None = None
    previous_profile: PayloadProfile | None = None
    previous_profile_run: int | None = None

    @property
    def read(self) -> int:
        return self.ledger.read if self.ledger else 0

    @property
    def accounted(self) -> int:
        ledger = self.ledger
        if ledger is None:
            return 0
        return ledger.unchanged + ledger.staged + ledger.quarantined + ledger.erased


@dataclass(frozen=True)
class VolumeBand:
    median: float | None
    low: float | None
    high: float | None
    runs: int

    @classmethod
    def of(cls, history: list[int], settings: QualitySettings) -> VolumeBand:
        recent = history[: settings.volume.runs]
        if not recent:
            return cls(None, None, None, 0)
        median = float(statistics.median(recent))
        band = settings.volume.band
        return cls(median, median * (1 - band), median * (1 + band), len(recent))

    @property
    def usable(self) -> bool:
        return bool(self.median)


def check_facts(
    runner: SuiteRunner, facts: SourceFacts, settings: QualitySettings, *, feed_checks: bool
) -> list[CheckResult]:
    """Judge one source's facts; ``feed_checks=False`` leaves out volume, freshness, drift."""
    import pandas as pd

    band = VolumeBand.of(facts.history, settings)
    drift = _drift(facts)
    age = _age_hours(facts)
    frame = pd.DataFrame(
        {
            "read": [facts.read],
            "accounted": [facts.accounted],
            "discrepancies": [len(facts.reconcile_problems)],
            "age_hours": [float("nan") if age is None else age],
            "new_fields": [len(drift.new) if drift else 0],
            "missing_fields": [len(drift.missing) if drift else 0],
            "retyped_fields": [len(drift.retyped) if drift else 0],
        }
    )
    expectations = _reconciliation_expectations(settings)
    if feed_checks:
        expectations += _feed_expectations(settings, band)
    outcome = runner.validate_frame(f"{facts.source}.run_facts", frame, expectations)
    results = [_reconciliation(outcome, facts, settings)]
    if feed_checks:
        results += [
            _schema_drift(outcome, facts, drift, settings),
            _volume(outcome, facts, band, settings),
            _freshness(outcome, facts, age, settings),
        ]
    return results


def _options(settings: QualitySettings, check: str) -> dict[str, Any]:
    return {"meta": {"check": check}, "severity": ge_severity(settings.severity_of(check))}


def _reconciliation_expectations(settings: QualitySettings) -> list[Expectation]:
    import great_expectations as gx

    expect = gx.expectations
    options = _options(settings, "reconciliation")
    return [
        expect.ExpectColumnPairValuesToBeEqual(column_A="read", column_B="accounted", **options),
        expect.ExpectColumnValuesToBeBetween(
            column="discrepancies", min_value=0, max_value=0, **options
        ),
    ]


def _feed_expectations(settings: QualitySettings, band: VolumeBand) -> list[Expectation]:
    import great_expectations as gx

    expect = gx.expectations
    drift = _options(settings, "schema_drift")
    volume = (
        expect.ExpectColumnValuesToBeBetween(
            column="read",
            min_value=band.low,
            max_value=band.high,
            strict_min=True,
            strict_max=True,
            **_options(settings, "volume"),
        )
        if band.usable
        else expect.ExpectColumnValuesToBeBetween(
            column="read", min_value=0, **_options(settings, "volume")
        )
    )
    return [
        *(
            expect.ExpectColumnValuesToBeBetween(column=column, min_value=0, max_value=0, **drift)
            for column in ("new_fields", "missing_fields", "retyped_fields")
        ),
        volume,
        expect.ExpectColumnValuesToBeBetween(
            column="age_hours",
            max_value=settings.freshness.max_age_hours,
            **_options(settings, "freshness"),
        ),
    ]


def _reconciliation(
    outcome: SuiteOutcome, facts: SourceFacts, settings: QualitySettings
) -> CheckResult:
    ledger = facts.ledger
    observed: dict[str, Any] = {"discrepancies": len(facts.reconcile_problems)}
    if ledger is not None:
        observed |= {
            "read": ledger.read,
            "unchanged": ledger.unchanged,
            "staged": ledger.staged,
            "quarantined": ledger.quarantined,
            "erased": ledger.erased,
            "accounted": facts.accounted,
            "with_field_issues": ledger.with_field_issues,
        }
    passed = outcome.passed("reconciliation")
    if passed and ledger is not None:
        erased = f" + erased {ledger.erased}" if ledger.erased else ""
        detail = (
            f"read {ledger.read} = unchanged {ledger.unchanged} + staged {ledger.staged} + "
            f"quarantined {ledger.quarantined}{erased}, and the store agrees"
        )
        if ledger.with_field_issues:
            detail += (
                f"; {ledger.with_field_issues} of the staged carry field issues "
                "(a defective value set aside, the customer kept)"
            )
    else:
        detail = "; ".join(facts.reconcile_problems) or (
            f"read {facts.read} but unchanged + staged + quarantined + erased = {facts.accounted}"
        )
    return make_result(
        "reconciliation",
        facts.source,
        settings.severity_of("reconciliation"),
        passed,
        observed,
        detail,
        examples=list(facts.reconcile_problems[:5]),
    )


def _drift(facts: SourceFacts) -> SchemaDrift | None:
    if facts.profile is None or facts.previous_profile is None:
        return None
    return compare_profiles(facts.previous_profile, facts.profile)


def _schema_drift(
    outcome: SuiteOutcome, facts: SourceFacts, drift: SchemaDrift | None, settings: QualitySettings
) -> CheckResult:
    profile = facts.profile
    fields = len(profile.fields) if profile else 0
    observed: dict[str, Any] = {"fields": fields, "compared_with_run": facts.previous_profile_run}
    examples: list[str] = []
    if drift is None:
        reason = "no records read" if profile is None or not profile.records else None
        detail = (
            f"nothing to compare: {reason}"
            if reason
            else f"first profile of this source ({plural(fields, 'field')}); the next run "
            "is compared with it"
        )
    else:
        observed |= {
            "new": len(drift.new),
            "missing": len(drift.missing),
            "retyped": len(drift.retyped),
        }
        examples = [f"new field {name}" for name in drift.new]
        examples += [f"missing field {name}" for name in drift.missing]
        examples += [
            f"retyped field {name}: {'/'.join(old)} → {'/'.join(new)}"
            for name, (old, new) in drift.retyped.items()
        ]
        if not drift.count:
            detail = f"the {plural(fields, 'payload field')} match run {facts.previous_profile_run}"
        else:
            detail = (
                f"{plural(len(drift.new), 'new field')}, {len(drift.missing)} missing, "
                f"{len(drift.retyped)} retyped since run {facts.previous_profile_run}: "
                + "; ".join(examples[:8])
            )
    return make_result(
        "schema_drift",
        facts.source,
        settings.severity_of("schema_drift"),
        outcome.passed("schema_drift"),
        observed,
        detail,
        examples=examples[:20],
    )


def _volume(
    outcome: SuiteOutcome, facts: SourceFacts, band: VolumeBand, settings: QualitySettings
) -> CheckResult:
    read = facts.read
    observed: dict[str, Any] = {
        "read": read,
        "median": band.median,
        "runs": band.runs,
        "low": band.low,
        "high": band.high,
        "band": settings.volume.band,
    }
    passed = outcome.passed("volume")
    if not band.runs:
        detail = (
            f"read {plural(read, 'record')}; no earlier run of this source to compare with "
            "(the check starts with the next run)"
        )
    elif not band.usable:
        detail = (
            f"read {plural(read, 'record')}; the last {plural(band.runs, 'run')} read nothing, "
            "so there is no band to compare with"
        )
    else:
        assert band.median is not None and band.low is not None and band.high is not None
        change = (read - band.median) / band.median
        observed["change"] = change
        direction = "below" if change < 0 else "above"
        allowed = f"allowed: more than {number(band.low)} and fewer than {number(band.high)}"
        detail = (
            f"read {plural(read, 'record')}, {abs(change) * 100:.0f}% {direction} the median "
            f"{number(band.median)} of the last {plural(band.runs, 'run')} ({allowed})"
        )
    return make_result(
        "volume", facts.source, settings.severity_of("volume"), passed, observed, detail
    )


def _age_hours(facts: SourceFacts) -> float | None:
    if facts.newest_change is None:
        return None
    return (facts.now - facts.newest_change).total_seconds() / 3600


def _freshness(
    outcome: SuiteOutcome, facts: SourceFacts, age: float | None, settings: QualitySettings
) -> CheckResult:
    limit = settings.freshness.max_age_hours
    observed: dict[str, Any] = {"age_hours": age, "max_age_hours": limit}
    passed = outcome.passed("freshness")
    if facts.newest_change is None or age is None:
        detail = "the source reports no change times (updated_at), so its freshness is unknown"
    else:
        observed["newest_change"] = facts.newest_change.isoformat()
        verdict = "within" if passed else "more than"
        detail = (
            f"the newest change seen ({facts.newest_change:%Y-%m-%d %H:%M} UTC) is "
            f"{age:.1f} hours old, {verdict} the {number(limit)} hours allowed"
        )
    return make_result(
        "freshness", facts.source, settings.severity_of("freshness"), passed, observed, detail
    )
