"""Survivorship configured in hub.yaml, end to end on SQLite and PostgreSQL: the values and
their provenance, a config change re-surviving only what it changes, and re-runs that
change nothing."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml
from store_helpers import table  # type: ignore[import-not-found]

from core.settings import HubConfig, load_config
from core.store.tables import change_event, golden_history, golden_record
from pipeline.run import Run, RunOptions
from pipeline.store import open_store
from pipeline.survivorship import policy_for, resurvive_if_changed
from pipeline.sync import sync

MAPPING = """\
version: 1
name: people
source_id: {from: id}
fields:
  full_name: {from: name}
  email: {from: email}
  phone: {from: phone}
  city: {from: city}
  company: {from: company}
  consent.email: {from: newsletter, transforms: [to_bool]}
unmapped: attributes
"""
COLUMNS = ["id", "name", "email", "phone", "city", "company", "newsletter"]
CRM = {
    "id": "C1",
    "name": "Anna Schmidt",
    "email": "anna@example.de",
    "phone": "+49 30 1234567",
    "city": "Berlin",
    "company": "ACME",
    "newsletter": "yes",
}
SHOP = {
    "id": "S7",
    "name": "Anna Schmidt",
    "email": "anna@example.de",
    "phone": "+49 30 1234567",
    "city": "Potsdam",
    "company": "ACME Holding GmbH",
    "newsletter": "no",
}


def ticking() -> Iterator[datetime]:
    at = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    while True:
        yield at
        at += timedelta(minutes=1)


def write_sources(
    tmp_path: Path,
    crm: dict[str, str] | list[dict[str, str]],
    shop: dict[str, str] | list[dict[str, str]],
) -> None:
    (tmp_path / "people.yaml").write_text(MAPPING, encoding="utf-8")
    for name, rows in (("crm", crm), ("shop", shop)):
        with (tmp_path / f"{name}.csv").open("w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=COLUMNS)
            writer.writeheader()
            writer.writerows(rows if isinstance(rows, list) else [rows])


def configure(tmp_path: Path, store_url: str, survivorship: dict[str, object]) -> HubConfig:
    hub = {
        "store": store_url,
        "default_region": "DE",
        "sources": [
            {
                "name": name,
                "kind": "spreadsheet",
                "trust": trust,
                "mapping": "people.yaml",
                "connection": {"path": f"{name}.csv"},
            }
            for name, trust in (("crm", 80), ("shop", 20))
        ],
        "survivorship": survivorship,
    }
    path = tmp_path / "hub.yaml"
    path.write_text(yaml.safe_dump(hub, allow_unicode=True), encoding="utf-8")
    return load_config(path)


def the_golden(config: HubConfig) -> tuple[dict, dict, int]:  # type: ignore[type-arg]
    (row,) = [r for r in table(config, golden_record) if r.status == "active"]
    return dict(row.record), dict(row.provenance), row.version


def test_configured_rules_build_the_golden_record_and_a_rule_change_updates_only_its_field(
    store_url: str, tmp_path: Path
) -> None:
    clock = ticking().__next__
    write_sources(tmp_path, CRM, SHOP)
    config = configure(tmp_path, store_url, {"fields": {"company": "longest"}})
    assert sync(config, RunOptions(clock=clock)).ok

    record, provenance, version = the_golden(config)
    assert (record["phone"], record["city"]) == ("+49301234567", "Berlin")
    assert record["company"] == "ACME Holding GmbH"
    assert record["consent"] == {"email": False}  # the later explicit answer, from less trust
    assert provenance["city"] == {"source": "crm", "source_id": "C1", "rule": "source_priority"}
    assert provenance["company"] == {"source": "shop", "source_id": "S7", "rule": "longest"}
    assert provenance["consent.email"]["source"] == "shop"
    assert provenance["consent.email"]["rule"] == "most_recent"
    assert "at" in provenance["consent.email"]
    events = len(table(config, change_event))
    assert version == 1 and events == 1

    changed = configure(
        tmp_path,
        store_url,
        {
            "fields": {
                "company": "longest",
                "city": {"rule": "source_priority", "sources": ["shop"]},
            }
        },
    )
    result = sync(changed, RunOptions(clock=clock))
    assert result.ok and result.ledger.golden_updated == 1
    new_record, new_provenance, version = the_golden(changed)
    assert version == 2
    assert {k for k in new_record if new_record[k] != record.get(k)} == {"city"}
    assert new_record["city"] == "Potsdam"
    assert new_provenance["city"] == {
        "source": "shop",
        "source_id": "S7",
        "rule": "source_priority",
    }
    updates = [e for e in table(changed, change_event) if e.run_id == result.ledger.run_id]
    assert [(e.kind, e.version) for e in updates] == [("update", 2)]

    again = sync(changed, RunOptions(clock=clock))
    assert again.ok and again.ledger.events == 0
    assert the_golden(changed)[2] == 2
    assert len(table(changed, change_event)) == events + 1
    assert len(table(changed, golden_history)) == 2


def test_a_rule_change_that_keeps_every_value_writes_no_version(
    store_url: str, tmp_path: Path
) -> None:
    clock = ticking().__next__
    write_sources(tmp_path, CRM, {**SHOP, "company": "ACME"})
    assert sync(configure(tmp_path, store_url, {}), RunOptions(clock=clock)).ok
    relabelled = configure(tmp_path, store_url, {"fields": {"company": "most_frequent"}})
    result = sync(relabelled, RunOptions(clock=clock))
    assert result.ok and result.ledger.events == 0
    record, provenance, version = the_golden(relabelled)
    assert version == 1 and record["company"] == "ACME"
    assert provenance["company"]["rule"] == "most_frequent"  # the label follows the config
    assert provenance["company"]["votes"] == 2


def test_consent_takes_the_latest_explicit_answer_and_ignores_an_unknown(
    store_url: str, tmp_path: Path
) -> None:
    clock = ticking().__next__
    write_sources(tmp_path, {**CRM, "newsletter": "no"}, {**SHOP, "newsletter": "unknown"})
    config = configure(tmp_path, store_url, {})
    assert sync(config, RunOptions(clock=clock)).ok
    record, provenance, _ = the_golden(config)
    assert record["consent"] == {"email": False}
    assert provenance["consent.email"]["source"] == "crm"

    write_sources(tmp_path, {**CRM, "newsletter": "no"}, {**SHOP, "newsletter": "yes"})
    assert sync(config, RunOptions(clock=clock)).ok
    record, provenance, version = the_golden(config)
    assert record["consent"] == {"email": True} and version == 2
    assert provenance["consent.email"]["source"] == "shop"


def people(prefix: str, city: str) -> list[dict[str, str]]:
    names = ("Anna Schmidt", "Ben Wagner", "Clara Hoffmann")
    return [
        {
            "id": f"{prefix}{n}",
            "name": name,
            "email": f"{name.split()[0].lower()}@example.de",
            "phone": f"+49 30 123456{n}",
            "city": city,
            "company": "",
            "newsletter": "",
        }
        for n, name in enumerate(names)
    ]


def test_re_surviving_pages_through_every_golden_record_once(
    store_url: str, tmp_path: Path
) -> None:
    clock = ticking().__next__
    write_sources(tmp_path, people("C", "Berlin"), people("S", "Potsdam"))
    config = configure(tmp_path, store_url, {})
    assert sync(config, RunOptions(clock=clock)).ok
    engine = open_store(config, "write")
    assert resurvive_if_changed(engine, policy_for(config), run_id=1, clock=clock).events == 0

    changed = configure(
        tmp_path, store_url, {"fields": {"city": {"rule": "source_priority", "sources": ["shop"]}}}
    )
    run_id = Run.begin(changed, engine, "sync", [], clock=clock).run_id
    counts = resurvive_if_changed(
        engine, policy_for(changed), run_id=run_id, clock=clock, batch_size=1
    )
    assert (counts.updated, counts.events) == (3, 3)
    golden = [r for r in table(changed, golden_record) if r.status == "active"]
    assert sorted((r.record["city"], r.version) for r in golden) == [("Potsdam", 2)] * 3
    again = resurvive_if_changed(
        engine, policy_for(changed), run_id=run_id, clock=clock, batch_size=1
    )
    assert again.events == 0
    engine.dispose()
