"""Volume, freshness, ledger and schema-drift checks, judged by real Great Expectations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from core.ledger import SourceLedger
from core.settings import QualitySettings
from quality.ge_runner import SuiteRunner
from quality.profile import profile_payloads
from quality.results import CheckResult
from quality.run_checks import SourceFacts, check_facts

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)


def ledger(read: int, staged: int | None = None, quarantined: int = 0) -> SourceLedger:
    staged = read - quarantined if staged is None else staged
    return SourceLedger(
        source="shop", status="done", read=read, staged=staged, quarantined=quarantined
    )


def run(facts: SourceFacts, settings: QualitySettings | None = None) -> dict[str, CheckResult]:
    runner = SuiteRunner(run_name="crm-hub run 9", run_time=NOW)
    results = check_facts(runner, facts, settings or QualitySettings(), feed_checks=True)
    assert [name for name, _ in runner.raw_results] == ["shop.run_facts"]
    return {r.name: r for r in results}


def test_a_source_whose_volume_halves_is_reported_with_source_check_and_numbers() -> None:
    checks = run(SourceFacts("shop", ledger(50), NOW, history=[100, 96, 104]))
    volume = checks["volume"]
    assert (volume.passed, volume.status) == (False, "warned")
    assert volume.message == (
        "source shop: volume: read 50 records, 50% below the median 100 of the last 3 runs "
        "(allowed: more than 50 and fewer than 150)"
    )
    assert volume.observed["median"] == 100 and volume.observed["change"] == -0.5


def test_a_spike_fails_when_volume_is_an_error_check() -> None:
    settings = QualitySettings(severity={"volume": "error"}, volume={"band": 0.2, "runs": 2})
    checks = run(SourceFacts("shop", ledger(130), NOW, history=[100, 100, 5]), settings)
    assert checks["volume"].status == "failed"
    assert "30% above the median 100 of the last 2 runs" in checks["volume"].message


def test_volume_within_the_band_passes_and_no_history_passes_with_a_note() -> None:
    assert run(SourceFacts("shop", ledger(90), NOW, history=[100]))["volume"].passed
    first = run(SourceFacts("shop", ledger(90), NOW))["volume"]
    assert first.passed and "no earlier run of this source" in first.message


def test_freshness_judges_the_newest_change_against_the_limit() -> None:
    stale = run(SourceFacts("shop", ledger(1), NOW, newest_change=NOW - timedelta(hours=100)))
    assert stale["freshness"].status == "warned"
    assert "100.0 hours old, more than the 72 hours allowed" in stale["freshness"].message
    fresh = run(SourceFacts("shop", ledger(1), NOW, newest_change=NOW - timedelta(hours=2)))
    assert fresh["freshness"].passed
    unknown = run(SourceFacts("shop", ledger(1), NOW))["freshness"]
    assert unknown.passed and "no change times" in unknown.message


def test_a_ledger_that_does_not_add_up_fails_reconciliation_as_an_error() -> None:
    broken = SourceLedger(source="shop", status="done", read=10, staged=7, quarantined=2)
    checks = run(SourceFacts("shop", broken, NOW, reconcile_problems=broken.problems()))
    check = checks["reconciliation"]
    assert check.status == "failed"
    assert check.message == (
        "source shop: reconciliation: source shop: read 10 != unchanged 0 + staged 7 "
        "+ quarantined 2 (= 9)"
    )
    assert run(SourceFacts("shop", ledger(10, quarantined=3), NOW))["reconciliation"].passed


def test_a_source_that_gains_an_unexpected_field_shows_schema_drift() -> None:
    before = profile_payloads([{"id": "1", "email": "a@b.cn"}] * 2)
    after = profile_payloads([{"id": "2", "email": "c@d.cn", "loyalty_tier": "gold"}])
    facts = SourceFacts(
        "shop", ledger(1), NOW, profile=after, previous_profile=before, previous_profile_run=4
    )
    drift = run(facts)["schema_drift"]
    assert drift.status == "warned"
    assert drift.message == (
        "source shop: schema_drift: 1 new field, 0 missing, 0 retyped since run 4: "
        "new field loyalty_tier"
    )
    assert drift.observed["new"] == 1


def test_a_run_that_is_not_a_feed_is_only_reconciled() -> None:
    runner = SuiteRunner(run_name="crm-hub run 9", run_time=NOW)
    results = check_facts(
        runner, SourceFacts("shop", ledger(3), NOW), QualitySettings(), feed_checks=False
    )
    assert [r.name for r in results] == ["reconciliation"]
