"""Run the quality checks of a finished run, store their results, and fail the run on errors.

Called after :meth:`pipeline.run.Run.close` (by ``sync`` itself, by the
Airflow ``finish`` task and by a quarantine retry). It gathers the facts each
check needs from the store (bounded queries; the payload profile in one
streaming pass), lets :mod:`quality` judge them with Great Expectations,
stores the outcome per check plus GE's raw results (for Data Docs), and marks
a succeeded run ``failed`` when an ``error`` check failed. Running it again
for the same run replaces its results; it never turns a failed run into a
succeeded one.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from core.errors import ConfigError
from core.ledger import RunLedger
from core.settings import DEFAULT_SEVERITY, HubConfig, QualitySettings
from core.store import Engine, UnitOfWork
from core.store.quality import QualityRepository
from pipeline.clock import Clock, as_utc, utc_now
from quality.ge_runner import SuiteRunner
from quality.golden_checks import check_golden
from quality.profile import PayloadProfile, ProfileBuilder
from quality.record_checks import check_records
from quality.results import STORE_SCOPE, CheckResult, ValidationReport
from quality.run_checks import SourceFacts, check_facts

log = logging.getLogger(__name__)

#: Runs whose raw GE results are kept for Data Docs (check outcomes are kept for good).
KEEP_GE_RESULTS = 50
#: Runs that read the quarantine, not the source: no volume, freshness or drift for them.
NOT_A_FEED = frozenset({"retry"})


def run_quality(
    engine: Engine, config: HubConfig, run_id: int, *, clock: Clock = utc_now
) -> ValidationReport:
    """Check run ``run_id`` and the golden records; store and return the report.

    Example:
        >>> report = run_quality(engine, config, run_id)  # doctest: +SKIP
        >>> [c.message for c in report.failures]  # doctest: +SKIP
        ['source crm: reconciliation: source crm: counted staged 3 but the store holds 2']
    """
    settings = config.quality
    at = clock()
    with UnitOfWork(engine) as uow:
        ledger = uow.runs.ledger(run_id)
    feed = ledger.kind not in NOT_A_FEED
    facts = [_facts(engine, ledger, name, at, settings, feed) for name in _sources(ledger)]
    runner = SuiteRunner(
        run_name=f"crm-hub run {run_id}", run_time=at, store_url=_checkable_url(engine)
    )
    checks: list[CheckResult] = []
    try:
        for found in facts:
            checks += check_records(runner, engine.dialect, found.source, run_id, settings)
            checks += check_facts(runner, found, settings, feed_checks=feed)
        with UnitOfWork(engine) as uow:
            checks += check_golden(runner, uow.connection, settings, settings.examples)
    finally:
        runner.close()
    report = ValidationReport(run_id=run_id, checked_at=at, checks=_ordered(checks))
    with UnitOfWork(engine) as uow:
        repository = QualityRepository(uow.connection)
        for found in facts:
            if found.profile is not None and repository.profile(run_id, found.source) is None:
                repository.save_profile(
                    run_id,
                    found.source,
                    found.profile.records,
                    found.profile.model_dump(mode="json")["fields"],
                    at,
                )
        repository.save_checks(run_id, [_row(run_id, c, at) for c in report.checks])
        repository.save_results(run_id, runner.raw_results, at)
        repository.prune_results(KEEP_GE_RESULTS)
        _fail_run(uow, ledger, report, at)
        uow.commit()
    _log(report)
    return report


def stored_report(engine: Engine, run_id: int) -> ValidationReport | None:
    """The checks stored for ``run_id``, or ``None`` when it was never checked."""
    with UnitOfWork(engine) as uow:
        rows = QualityRepository(uow.connection).checks(run_id)
    if not rows:
        return None
    checks = [
        CheckResult(
            name=row.name,
            source=None if row.scope == STORE_SCOPE else row.scope,
            severity=row.severity,
            passed=row.status == "passed",
            observed=dict(row.observed),
            message=row.message,
            examples=list(row.examples),
        )
        for row in rows
    ]
    return ValidationReport(
        run_id=run_id, checked_at=as_utc(max(r.checked_at for r in rows)), checks=_ordered(checks)
    )


def ensure_quality(
    engine: Engine, config: HubConfig, run_id: int, *, clock: Clock = utc_now
) -> ValidationReport:
    """The stored checks of ``run_id``; runs them first if it was never checked."""
    return stored_report(engine, run_id) or run_quality(engine, config, run_id, clock=clock)


def _sources(ledger: RunLedger) -> list[str]:
    names = list(ledger.sources)
    names += [s.source for s in ledger.source_ledgers if s.source not in names]
    return names


def _facts(
    engine: Engine,
    ledger: RunLedger,
    source: str,
    at: datetime,
    settings: QualitySettings,
    feed: bool,
) -> SourceFacts:
    run_id = ledger.run_id
    source_ledger = next((s for s in ledger.source_ledgers if s.source == source), None)
    problems = _reconcile(ledger, source)
    if not feed:
        return SourceFacts(source, source_ledger, at, reconcile_problems=problems)
    with UnitOfWork(engine) as uow:
        repository = QualityRepository(uow.connection)
        stored = repository.profile(run_id, source)
        profile = (
            _profile(stored) if stored is not None else _build_profile(repository, source, run_id)
        )
        previous = repository.previous_profile(source, run_id)
        newest = repository.newest_change(source)
        history = repository.volume_history(source, run_id, ledger.kind, settings.volume.runs)
    return SourceFacts(
        source,
        source_ledger,
        at,
        reconcile_problems=problems,
        history=history,
        newest_change=as_utc(newest) if newest is not None else None,
        profile=profile,
        previous_profile=_profile(previous) if previous is not None else None,
        previous_profile_run=previous.run_id if previous is not None else None,
    )


def _reconcile(ledger: RunLedger, source: str) -> list[str]:
    """What :meth:`pipeline.run.Run.close` found for ``source`` when the run ended.

    ``Run.close`` compares the counts with the store at that moment and records the
    outcome per source; the check reports it rather than comparing again, since a later
    run moves records on (they are seen again) and the old run's counts would no longer
    match the store, and the comparison is not free on a large store.
    """
    found = next((s for s in ledger.source_ledgers if s.source == source), None)
    if found is None or found.status == "running":
        return [f"source {source} was not extracted in run {ledger.run_id}"]
    if found.status not in ("done", "failed"):  # staged, but the run was never closed
        return [f"source {source} was not reconciled in run {ledger.run_id} ({found.status})"]
    problems = found.problems()
    if found.status == "failed" and found.message:
        message = found.message
        recorded = (
            message.split("; ")
            if message.startswith(f"source {source}")  # the cross-check's own findings
            else [f"source {source} failed: {message}"]  # the source itself failed
        )
        problems += [p for p in recorded if p not in problems]
    elif found.status == "failed" and not problems:
        problems.append(f"source {source} failed in run {ledger.run_id}")
    return problems


def _build_profile(repository: QualityRepository, source: str, run_id: int) -> PayloadProfile:
    builder = ProfileBuilder()
    for payload in repository.read_payloads(source, run_id):
        builder.add(payload)
    return builder.build()


def _profile(row: Any) -> PayloadProfile:
    return PayloadProfile.model_validate({"records": row.records, "fields": dict(row.fields)})


def _checkable_url(engine: Engine) -> str:
    """The store's URL for GE's own SQL data source (which opens its own connections)."""
    url = engine.url
    if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
        raise ConfigError(
            "the quality checks need a store other connections can open: use a SQLite file "
            "(store: sqlite:///crmhub.db) or PostgreSQL, not an in-memory database"
        )
    return url.render_as_string(hide_password=False)


_ORDER = {name: n for n, name in enumerate(DEFAULT_SEVERITY)}


def _ordered(checks: list[CheckResult]) -> list[CheckResult]:
    """Per source (alphabetically), then the store; checks in their documented order."""
    return sorted(
        checks, key=lambda c: (c.source is None, c.source or "", _ORDER.get(c.name, 99), c.name)
    )


def _row(run_id: int, check: CheckResult, at: datetime) -> dict[str, Any]:
    return {
        "run_id": run_id,
        "scope": check.scope,
        "name": check.name,
        "severity": check.severity,
        "status": check.status,
        "observed": check.observed,
        "message": check.message,
        "examples": check.examples,
        "checked_at": at,
    }


def _fail_run(uow: UnitOfWork, ledger: RunLedger, report: ValidationReport, at: datetime) -> None:
    """A succeeded run with failed ``error`` checks becomes failed (never the other way)."""
    if not report.failures:
        return
    if uow.runs.ledger(ledger.run_id).status != "succeeded":
        return
    message = "quality checks failed: " + "; ".join(report.problems())
    uow.runs.finish(ledger.run_id, "failed", at=ledger.finished_at or at, message=message)


def _log(report: ValidationReport) -> None:
    for check in report.warnings:
        log.warning("%s", check.message)
    for check in report.failures:
        log.error("%s", check.message)
