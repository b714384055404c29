"""A bad mapping quarantines records; after the fix a retry run stages them and adds up."""

from __future__ import annotations

import json
from pathlib import Path

import sqlalchemy as sa
from quality_helpers import hub, write_rows  # type: ignore[import-not-found]

from core.store.tables import quarantine, source_record, xref
from pipeline.quality_run import stored_report
from pipeline.quarantine import retry_quarantine, show_entry
from pipeline.report import write_report
from pipeline.store import open_store
from pipeline.sync import sync

ROWS = [
    {"id": "1", "name": "Anna Schmidt", "mail": "anna@example.de", "phone": "+49 30 1234567"},
    {"id": "2", "name": "Ben Wagner", "mail": "ben@example.de", "phone": "+49 40 7654321"},
    {"id": "3", "name": "Chen Jing", "mail": "chen@example.cn", "phone": "+86 138 0013 8000"},
]
MAPPING = """version: 1
name: crm_export
source_id: id
fields:
  full_name: name
  email: {{from: {email}, required: true}}
  phone: phone
unmapped: attributes
"""


def with_empty_e_mail(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """The rows with an empty ``e_mail`` column (a mapping reading an absent one is refused)."""
    return [{**row, "e_mail": ""} for row in rows]


def write_mapping(directory: Path, email_column: str) -> Path:
    path = directory / "crm_export.yaml"
    path.write_text(MAPPING.format(email=email_column), encoding="utf-8")
    return path


def rows_of(url: str, table: sa.Table) -> list[sa.Row]:  # type: ignore[type-arg]
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        found = list(connection.execute(sa.select(table)))
    engine.dispose()
    return found


def test_a_fixed_mapping_and_a_retry_stage_the_records_and_the_ledger_adds_up(
    store_url: str, tmp_path: Path
) -> None:
    write_mapping(tmp_path, "e_mail")  # the addresses are in "mail": every record fails
    path = write_rows(tmp_path / "crm.csv", with_empty_e_mail(ROWS))
    config = hub(store_url, path, mapping="crm_export.yaml")
    first = sync(config)
    assert (first.ledger.total("read"), first.ledger.total("quarantined")) == (3, 3)
    entry = show_entry(open_store(config, "write"), "crm", "1")
    assert entry.reasons[0]["field"] == "email" and entry.reasons[0]["check"] == "mapping"

    write_mapping(tmp_path, "mail")
    result = retry_quarantine(config)
    assert result.ok, result.problems
    ledger = result.ledger
    assert ledger is not None and ledger.kind == "retry"
    (crm,) = ledger.source_ledgers
    assert (crm.read, crm.staged, crm.unchanged, crm.quarantined) == (3, 3, 0, 0)
    assert crm.problems() == [] and crm.status == "done"
    assert ledger.golden_created == 3
    assert {q.status for q in rows_of(config.store_url(), quarantine)} == {"resolved"}
    assert len(rows_of(config.store_url(), xref)) == 3
    staged = {r.source_id: r.record for r in rows_of(config.store_url(), source_record)}
    assert staged["1"]["email"] == "anna@example.de"
    report = stored_report(open_store(config, "write"), ledger.run_id)
    assert report is not None
    assert report.get("reconciliation", "crm").message == (
        "source crm: reconciliation: read 3 = unchanged 0 + staged 3 + quarantined 0, "
        "and the store agrees"
    )
    assert {c.name for c in report.checks if c.source} == {
        "completeness",
        "validity",
        "allowed_values",
        "uniqueness",
        "reconciliation",
    }  # a retry reads the quarantine, not the feed: no volume, freshness or drift

    again = sync(config)  # the source itself, through the fixed mapping: nothing new
    assert again.ok, again.problems
    assert (again.ledger.total("unchanged"), again.ledger.total("staged")) == (3, 0)
    assert again.ledger.golden_created == 0
    facts = json.loads(
        write_report(open_store(config, "write"), config).json.read_text(encoding="utf-8")
    )
    assert facts["trends"]["runs"] == [first.ledger.run_id, again.ledger.run_id]  # syncs only
    assert facts["trends"]["volume"]["crm"] == [3, 3]


def test_a_record_that_still_fails_stays_quarantined_with_the_reasons_found_now(
    store_url: str, tmp_path: Path
) -> None:
    write_mapping(tmp_path, "e_mail")
    rows = with_empty_e_mail([*ROWS[:2], {**ROWS[2], "mail": "chen@@example"}])
    path = write_rows(tmp_path / "crm.csv", rows)
    config = hub(store_url, path, mapping="crm_export.yaml", field_policy={"email": "quarantine"})
    sync(config)
    write_mapping(tmp_path, "mail")
    result = retry_quarantine(config, source_names=["crm"])
    assert result.ok, result.problems
    assert result.ledger is not None
    (crm,) = result.ledger.source_ledgers
    assert (crm.read, crm.staged, crm.quarantined) == (3, 2, 1)
    entry = show_entry(open_store(config, "write"), "crm", "3", unmask=True)
    assert entry.status == "open" and entry.seen_run_id == result.ledger.run_id
    assert [r["reason"] for r in entry.reasons] == ["'chen@@example' is not a valid email address"]
    assert retry_quarantine(config).ledger is not None  # it is still open: retried again


def test_a_repeat_still_in_the_source_stays_quarantined_and_never_replaces_the_kept_copy(
    store_url: str, tmp_path: Path
) -> None:
    write_mapping(tmp_path, "mail")
    path = write_rows(tmp_path / "crm.csv", [ROWS[0], ROWS[1], {**ROWS[2], "id": "1"}])
    config = hub(store_url, path, mapping="crm_export.yaml")
    first = sync(config)  # id 1 twice: the later copy (Chen, line 4) is kept
    assert first.ledger.total("quarantined") == 1
    result = retry_quarantine(config)
    assert result.ok, result.problems
    assert result.ledger is not None
    (crm,) = result.ledger.source_ledgers
    assert (crm.read, crm.unchanged, crm.staged, crm.quarantined) == (1, 0, 0, 1)
    staged = {r.source_id: r.record for r in rows_of(config.store_url(), source_record)}
    assert staged["1"]["full_name"] == ROWS[2]["name"]


def test_a_repeat_the_source_has_since_fixed_leaves_quarantine_with_the_next_sync(
    store_url: str, tmp_path: Path
) -> None:
    write_mapping(tmp_path, "mail")
    path = write_rows(tmp_path / "crm.csv", [ROWS[0], ROWS[1], {**ROWS[2], "id": "1"}])
    config = hub(store_url, path, mapping="crm_export.yaml")
    assert sync(config).ledger.total("quarantined") == 1
    write_rows(path, ROWS)  # the source fixed it: id 1 is Anna again, Chen got id 3
    assert sync(config).ok
    assert [
        q.record_key for q in rows_of(config.store_url(), quarantine) if q.status == "open"
    ] == []
    staged = {r.source_id: r.record for r in rows_of(config.store_url(), source_record)}
    assert staged["1"]["full_name"] == "Anna Schmidt"
    assert retry_quarantine(config).ledger is None  # nothing left to retry


def test_nothing_to_retry_starts_no_run(store_url: str, tmp_path: Path) -> None:
    write_mapping(tmp_path, "mail")
    config = hub(store_url, write_rows(tmp_path / "crm.csv", ROWS), mapping="crm_export.yaml")
    first = sync(config)
    result = retry_quarantine(config)
    assert (result.ledger, result.ok) == (None, True)
    assert sync(config).ledger.run_id == first.ledger.run_id + 1
