"""The golden-record suite on a real store (SQLite and PostgreSQL): shared emails, pinned
pairs, orphans, completeness and multi-source share."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from quality_helpers import hub, write_rows  # type: ignore[import-not-found]

from core.settings import HubConfig, SourceConfig
from core.store.tables import golden_record, xref
from mdm import SurvivorshipPolicy
from pipeline.quality_run import run_quality
from pipeline.steward import merge_golden, unmerge
from pipeline.store import open_store
from pipeline.sync import sync

ANNA = {
    "source_id": "1",
    "full_name": "Anna Schmidt",
    "email": "info@example.de",
    "phone": "+49 30 1234567",
    "postcode": "10115",
    "city": "Berlin",
    "birth_date": "1980-01-02",
}
WANG = {
    "source_id": "2",
    "full_name": "Wang Lei",
    "email": "info@example.de",
    "phone": "+86 138 0013 8000",
    "postcode": "200040",
    "city": "Shanghai",
    "birth_date": "1991-07-08",
}
TRUST = {"crm": 50}
POLICY = SurvivorshipPolicy(trust=TRUST)


def goldens(config: HubConfig) -> dict[str, str]:
    """source_id → golden_id."""
    engine = sa.create_engine(config.store_url())
    with engine.connect() as connection:
        rows = connection.execute(sa.select(xref.c.source_id, xref.c.golden_id)).all()
    engine.dispose()
    return dict(rows)


def test_two_golden_records_sharing_an_email_are_caught_until_a_steward_keeps_them_apart(
    store_url: str, tmp_path: Path
) -> None:
    path = write_rows(tmp_path / "crm.csv", [ANNA, WANG])
    config = hub(store_url, path, severity={"golden_unique_email": "error"})
    result = sync(config)
    engine = open_store(config, "write")
    links = goldens(config)
    assert links["1"] != links["2"]  # too different to merge: two golden records, one email
    shared = run_quality(engine, config, result.ledger.run_id).get("golden_unique_email")
    assert shared.status == "failed"
    left, right = sorted(links.values())
    assert shared.message == (
        "golden records: golden_unique_email: 1 pair of active golden records share an email "
        f"and no steward kept them apart (e.g. {left} and {right} share i***@example.de): "
        "merge them or pin them as distinct"
    )
    assert "info@example.de" not in shared.model_dump_json()
    assert not result.ok and shared.message in result.problems

    survivor = merge_golden(engine, left, right, policy=POLICY, actor="test").golden_ids[0]
    assert run_quality(engine, config, result.ledger.run_id).get("golden_unique_email").passed
    moved = next(k for k, g in goldens(config).items() if g == survivor and k == "2")
    unmerge(engine, survivor, f"crm:{moved}", policy=POLICY, actor="test")
    assert len(set(goldens(config).values())) == 2  # apart again, and pinned apart
    kept_apart = run_quality(engine, config, result.ledger.run_id).get("golden_unique_email")
    assert kept_apart.passed, kept_apart.message

    third = {
        **WANG,
        "source_id": "3",
        "full_name": "Olu Adeyemi",
        "phone": "+44 20 7946 0958",
        "city": "London",
        "postcode": "SW1A 1AA",
        "birth_date": "1970-10-10",
    }
    write_rows(path, [ANNA, WANG, third])
    later = sync(config)
    found = run_quality(engine, config, later.ledger.run_id).get("golden_unique_email")
    assert found.status == "failed" and found.observed["pairs"] == 2  # 3 pairs, 1 pinned apart


def test_an_orphaned_cross_reference_fails_the_run(store_url: str, tmp_path: Path) -> None:
    config = hub(store_url, write_rows(tmp_path / "crm.csv", [ANNA]))
    result = sync(config)
    engine = open_store(config, "write")
    golden_id = goldens(config)["1"]
    with engine.begin() as connection:
        connection.execute(sa.delete(golden_record).where(golden_record.c.golden_id == golden_id))
    report = run_quality(engine, config, result.ledger.run_id)
    orphans = report.get("golden_orphans")
    assert orphans.status == "failed"
    assert orphans.message == (
        "golden records: golden_orphans: 1 cross reference point at a missing or inactive "
        f"golden record (e.g. crm:1 → {golden_id} (missing)): the store contradicts itself"
    )
    assert report.problems() == [orphans.message]
    with engine.connect() as connection:
        status = connection.execute(sa.text("SELECT status, message FROM run")).one()
    assert status.status == "failed" and "golden_orphans" in status.message


def test_completeness_and_multi_source_share_are_measured(store_url: str, tmp_path: Path) -> None:
    crm = write_rows(tmp_path / "crm.csv", [ANNA, {"source_id": "5", "full_name": "Only Name"}])
    shop = write_rows(tmp_path / "shop.csv", [{**ANNA, "source_id": "A-1"}])
    config = HubConfig(
        store=store_url,
        sources=(
            SourceConfig(name="crm", kind="spreadsheet", connection={"path": str(crm)}),
            SourceConfig(name="shop", kind="spreadsheet", connection={"path": str(shop)}),
        ),
        base_dir=tmp_path,
    )
    result = sync(config)
    assert result.ok, result.problems
    report = run_quality(open_store(config, "write"), config, result.ledger.run_id)
    completeness = report.get("golden_completeness")
    # Anna: name, email, phone, city, postcode, birth date = 6 of 8; Only Name: 1 of 8
    assert completeness.observed["records"] == 2
    assert completeness.observed["mean"] == (6 / 8 + 1 / 8) / 2
    assert completeness.observed["fields_filled"] == {"1/8": 1, "6/8": 1}
    assert completeness.status == "warned"  # 43.75% < the 50% required by default
    assert "2 active golden records fill 43.8% of the 8 key fields on average" in (
        completeness.message
    )
    multi = report.get("golden_multi_source")
    assert (multi.observed["multi_source"], multi.observed["share"]) == (1, 0.5)
