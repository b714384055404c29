"""The whole pipeline on real files, against SQLite and PostgreSQL."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from store_helpers import csv_config, table, write_csv  # type: ignore[import-not-found]

from core.settings import SourceConfig, load_config
from core.store import UnitOfWork
from core.store.tables import change_event, golden_record, quarantine, source_record, xref
from pipeline.demo import sample_dir
from pipeline.sync import sync

ANNA = {
    "source_id": "1",
    "full_name": "Anna Schmidt",
    "email": "anna@example.de",
    "phone": "+49 30 1234567",
    "postcode": "10115",
    "city": "Berlin",
    "birth_date": "",
}
BEN = {
    "source_id": "2",
    "full_name": "Ben Wagner",
    "email": "ben@example.de",
    "phone": "+49 40 7654321",
    "postcode": "20354",
    "city": "Hamburg",
    "birth_date": "",
}


def test_the_sample_runs_and_its_ledger_adds_up(store_url: str, tmp_path: Path) -> None:
    shutil.copytree(sample_dir(), tmp_path / "sample")
    config = load_config(tmp_path / "sample" / "hub.yaml").model_copy(update={"store": store_url})
    result = sync(config)
    ledger = result.ledger
    assert result.ok, result.problems
    assert ledger.total("read") == 37
    assert ledger.total("read") == (
        ledger.total("unchanged") + ledger.total("staged") + ledger.total("quarantined")
    )
    assert ledger.total("quarantined") == 2  # unidentifiable or the earlier copy of a repeated id
    assert ledger.total("with_field_issues") == 3  # a bad email, phone and date: kept
    assert ledger.golden_created == 25
    assert ledger.events == 25


def test_a_second_sync_stages_nothing_creates_nothing_and_emits_nothing(
    store_url: str, tmp_path: Path
) -> None:
    shutil.copytree(sample_dir(), tmp_path / "sample")
    config = load_config(tmp_path / "sample" / "hub.yaml").model_copy(update={"store": store_url})
    first = sync(config)
    events_before = len(table(config, change_event))
    second = sync(config)
    assert first.ok and second.ok
    assert second.ledger.total("staged") == 0
    assert second.ledger.total("unchanged") == first.ledger.total("staged")
    assert second.ledger.total("quarantined") == first.ledger.total("quarantined")
    assert second.ledger.golden_created == 0
    assert second.ledger.events == 0
    assert len(table(config, change_event)) == events_before


def test_a_changed_row_updates_its_golden_record_and_a_vanished_row_deletes_it(
    store_url: str, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "crm.csv", [ANNA, BEN])
    config = csv_config(store_url, path)
    sync(config)
    write_csv(path, [{**ANNA, "city": "Potsdam"}])
    result = sync(config)
    assert result.ok, result.problems
    assert (result.ledger.total("staged"), result.ledger.total("deleted")) == (1, 1)
    kinds = sorted(e.kind for e in table(config, change_event) if e.run_id == 2)
    assert kinds == ["delete", "update"]
    statuses = {r.source_id: r.status for r in table(config, source_record)}
    assert statuses == {"1": "active", "2": "deleted"}
    golden = {r.status: r for r in table(config, golden_record)}
    assert golden["active"].record["city"] == "Potsdam"


def test_a_record_bridging_two_golden_records_merges_them_and_keeps_the_older_id(
    store_url: str, tmp_path: Path
) -> None:
    by_email = {**ANNA, "phone": ""}
    by_phone = {**ANNA, "source_id": "9", "email": ""}
    path = write_csv(tmp_path / "crm.csv", [by_email])
    config = csv_config(store_url, path)
    sync(config)
    write_csv(path, [by_email, {**by_phone, "full_name": "Someone Else"}])
    sync(config)
    assert len({r.golden_id for r in table(config, xref)}) == 2
    older = next(r.golden_id for r in table(config, xref) if r.source_id == "1")
    bridge = {**ANNA, "source_id": "5"}
    write_csv(path, [by_email, {**by_phone, "full_name": "Anna Schmidt"}, bridge])
    result = sync(config)
    assert result.ok, result.problems
    assert {r.golden_id for r in table(config, xref)} == {older}
    merged = [r for r in table(config, golden_record) if r.status == "merged"]
    assert [m.merged_into for m in merged] == [older]
    kinds = [e.kind for e in table(config, change_event) if e.run_id == 3]
    assert "merged_away" in kinds and "merge" in kinds


def test_a_quarantined_row_fixed_at_the_source_is_staged_and_leaves_quarantine(
    store_url: str, tmp_path: Path
) -> None:
    nobody = {**BEN, "full_name": "", "phone": "", "email": "ben@@example"}  # names no one
    path = write_csv(tmp_path / "crm.csv", [ANNA, nobody])
    config = csv_config(store_url, path)
    first = sync(config)
    assert first.ledger.total("quarantined") == 1
    (entry,) = table(config, quarantine)
    assert [r["field"] for r in entry.reasons] == ["identity", "email"]
    assert "ben@@example" in entry.reasons[1]["reason"]
    write_csv(path, [ANNA, BEN])
    second = sync(config)
    assert second.ok, second.problems
    assert (second.ledger.total("staged"), second.ledger.total("quarantined")) == (1, 0)
    assert [q.status for q in table(config, quarantine)] == ["resolved"]
    assert len({r.golden_id for r in table(config, xref)}) == 2


def test_a_duplicate_id_further_down_the_file_keeps_the_later_copy_and_loses_nothing(
    store_url: str, tmp_path: Path
) -> None:
    rows = [ANNA, *({**BEN, "source_id": f"B{i}"} for i in range(5)), {**BEN, "source_id": "1"}]
    path = write_csv(tmp_path / "crm.csv", rows)
    config = csv_config(store_url, path).model_copy(
        update={
            "sources": (
                SourceConfig(
                    name="crm", kind="spreadsheet", batch_size=2, connection={"path": str(path)}
                ),
            )
        }
    )
    result = sync(config)
    assert result.ok, result.problems
    assert result.ledger.total("read") == 7
    (entry,) = table(config, quarantine)
    assert entry.line == 2
    assert "repeated source id: the later copy at line 8 was kept" in entry.reasons[0]["reason"]


def test_a_position_left_by_another_run_is_not_resumed_so_nothing_looks_deleted(
    store_url: str, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "crm.csv", [ANNA, BEN, {**BEN, "source_id": "3"}])
    config = csv_config(store_url, path)
    sync(config)
    engine = sa.create_engine(config.store_url())
    with UnitOfWork(engine) as uow:
        state, _ = uow.sync_state.get("crm", "rows")  # type: ignore[misc]
        stale = {**state, "row": 3, "complete": False}
        uow.sync_state.save("crm", "rows", stale, run_id=1, at=datetime.now(UTC))
        uow.commit()
    engine.dispose()
    result = sync(config)
    assert result.ok, result.problems
    assert (result.ledger.total("unchanged"), result.ledger.total("deleted")) == (3, 0)
