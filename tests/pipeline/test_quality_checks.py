"""The run checks after a real sync, on SQLite and PostgreSQL: volume, drift, records, freshness."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from quality_helpers import Clock, hub, write_rows  # type: ignore[import-not-found]
from sample_people import people  # type: ignore[import-not-found]

from core.store import UnitOfWork
from core.store.quality import QualityRepository
from core.store.tables import quality_check, quality_result, source_record
from pipeline.quality_run import run_quality, stored_report
from pipeline.run import Run, RunOptions
from pipeline.sources import open_source
from pipeline.store import open_store
from pipeline.sync import sync


def test_a_source_whose_volume_halves_warns_naming_source_check_and_numbers(
    store_url: str, tmp_path: Path
) -> None:
    path = write_rows(tmp_path / "crm.csv", people(10))
    config = hub(store_url, path)
    sync(config)
    sync(config)
    write_rows(path, people(5))
    result = sync(config)
    assert result.ok, result.problems  # volume warns by default: the run still succeeds
    report = stored_report(open_store(config, "write"), result.ledger.run_id)
    assert report is not None
    volume = report.get("volume", "crm")
    assert volume.status == "warned"
    assert volume.message == (
        "source crm: volume: read 5 records, 50% below the median 10 of the last 2 runs "
        "(allowed: more than 5 and fewer than 15)"
    )
    assert report.get("reconciliation", "crm").passed


def test_volume_as_an_error_check_fails_the_run(store_url: str, tmp_path: Path) -> None:
    path = write_rows(tmp_path / "crm.csv", people(8))
    config = hub(store_url, path, severity={"volume": "error"})
    sync(config)
    write_rows(path, people(20))
    result = sync(config)
    assert not result.ok
    assert result.problems == [
        "source crm: volume: read 20 records, 150% above the median 8 of the last 1 run "
        "(allowed: more than 4 and fewer than 12)"
    ]
    assert result.ledger.status == "failed"
    assert result.ledger.message == "quality checks failed: " + result.problems[0]


def test_a_source_that_gains_an_unexpected_column_shows_schema_drift(
    store_url: str, tmp_path: Path
) -> None:
    path = write_rows(tmp_path / "crm.csv", people(3))
    config = hub(store_url, path)
    first = sync(config)
    write_rows(path, [{**p, "loyalty_tier": "gold"} for p in people(3)])
    second = sync(config)
    engine = open_store(config, "write")
    report = stored_report(engine, second.ledger.run_id)
    assert report is not None
    drift = report.get("schema_drift", "crm")
    assert drift.status == "warned"
    assert drift.message == (
        f"source crm: schema_drift: 1 new field, 0 missing, 0 retyped since run "
        f"{first.ledger.run_id}: new field loyalty_tier"
    )
    with UnitOfWork(engine) as uow:
        profile = QualityRepository(uow.connection).profile(second.ledger.run_id, "crm")
    assert profile is not None and profile.records == 3
    assert profile.fields["loyalty_tier"] == {"types": ["string"], "present": 3, "filled": 3}


def test_record_checks_count_what_the_run_read(store_url: str, tmp_path: Path) -> None:
    good = people(6)
    rows = [
        *good,
        {**good[0], "source_id": "7", "email": "bob@@example"},  # invalid
        {"source_id": "8", "city": "Berlin"},  # identifies nobody
        {**good[1], "source_id": "9", "email": "p9@example.de", "country": "Atlantis"},
        {**good[2], "source_id": "1", "email": "again@example.de"},  # duplicate id
    ]
    path = write_rows(tmp_path / "crm.csv", rows)
    config = hub(store_url, path, severity={"validity": "error"}, max_invalid_share=0.1)
    result = sync(config)
    report = stored_report(open_store(config, "write"), result.ledger.run_id)
    assert report is not None
    read = result.ledger.total("read")
    assert read == 10
    validity = report.get("validity", "crm")
    assert validity.observed["read"] == read
    # the bad email and the unknown country are field issues: those two customers are kept
    assert validity.observed["quarantined"] == result.ledger.total("quarantined") == 2
    assert validity.observed["with_field_issues"] == result.ledger.total("with_field_issues") == 2
    assert validity.status == "failed"  # 20% quarantined > 10%
    assert validity.observed["by_field"] == {"email": 1, "phone": 0, "birth_date": 0, "country": 1}
    assert validity.message == (
        "source crm: validity: 2 of 10 records read (20.0%) failed mapping or validation and "
        "were quarantined; 2 (20.0%) staged with a defective value set aside (field issues); "
        "invalid email 1, country 1 (more than the 10.0% allowed)"
    )
    assert report.get("completeness", "crm").observed["unidentified"] == 1
    assert report.get("allowed_values", "crm").observed["disallowed"] == 1
    uniqueness = report.get("uniqueness", "crm")
    assert uniqueness.observed["records_sharing_an_id"] == 2
    assert "source id with another record (e.g. 1)" in uniqueness.message
    assert "the last copy of each was kept, the earlier ones quarantined" in uniqueness.message
    assert not result.ok and result.problems == [validity.message]


def test_freshness_uses_the_change_times_the_source_reports(store_url: str, tmp_path: Path) -> None:
    rows = [{**p, "updated": "2026-02-20T08:00:00+00:00"} for p in people(2)]
    path = write_rows(tmp_path / "crm.csv", rows)
    config = hub(store_url, path, connection={"updated_at_column": "updated"})
    result = sync(config, RunOptions(clock=Clock()))  # 2026-03-01 08:0x
    report = stored_report(open_store(config, "write"), result.ledger.run_id)
    assert report is not None
    freshness = report.get("freshness", "crm")
    assert freshness.status == "warned"
    assert freshness.message.startswith(
        "source crm: freshness: the newest change seen (2026-02-20 08:00 UTC) is 216."
    )
    assert freshness.message.endswith("hours old, more than the 72 hours allowed")


def test_checking_a_run_again_replaces_its_results(store_url: str, tmp_path: Path) -> None:
    config = hub(store_url, write_rows(tmp_path / "crm.csv", people(3)))
    result = sync(config)
    engine = open_store(config, "write")
    again = run_quality(engine, config, result.ledger.run_id)
    stored = stored_report(engine, result.ledger.run_id)
    assert stored is not None
    assert [(c.name, c.source, c.status) for c in stored.checks] == [
        (c.name, c.source, c.status) for c in again.checks
    ]
    assert len(again.checks) == 13
    with engine.connect() as connection:
        checks = connection.execute(sa.select(sa.func.count()).select_from(quality_check))
        suites = connection.execute(sa.select(quality_result.c.suite)).scalars().all()
    assert checks.scalar_one() == 13
    assert sorted(suites) == [
        "crm.records",
        "crm.run_facts",
        "golden.orphans",
        "golden.scores",
        "golden.shared_email",
        "golden.shared_phone",
    ]


def test_a_ledger_the_store_contradicts_fails_reconciliation_and_the_run(
    store_url: str, tmp_path: Path
) -> None:
    config = hub(store_url, write_rows(tmp_path / "crm.csv", people(4)))
    engine = open_store(config, "write")
    crm_run = Run.begin(config, engine, "sync", ["crm"])
    crm_run.extract(open_source(config, config.source("crm")))
    run_id = crm_run.run_id
    with engine.begin() as connection:  # a staged record vanishes behind the ledger's back
        connection.execute(sa.delete(source_record).where(source_record.c.source_id == "2"))
    crm_run.resolve()
    assert crm_run.close(["crm"]) == ["source crm: counted staged 4 but the store holds 3"]
    report = run_quality(engine, config, run_id)
    check = report.get("reconciliation", "crm")
    assert check.status == "failed"
    assert check.message == (
        "source crm: reconciliation: source crm: counted staged 4 but the store holds 3"
    )
    assert report.problems() == [check.message]


def test_a_run_that_was_never_closed_is_not_reconciled(store_url: str, tmp_path: Path) -> None:
    config = hub(store_url, write_rows(tmp_path / "crm.csv", people(2)))
    engine = open_store(config, "write")
    crm_run = Run.begin(config, engine, "sync", ["crm"])
    crm_run.extract(open_source(config, config.source("crm")))
    run_id = crm_run.run_id
    check = run_quality(engine, config, run_id).get("reconciliation", "crm")
    assert check.status == "failed"
    assert check.message == (
        f"source crm: reconciliation: source crm was not reconciled in run {run_id} (staged)"
    )
