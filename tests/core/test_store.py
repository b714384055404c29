"""The store on SQLite and on a real PostgreSQL: migrations, upserts, runs, the feed."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from core.store import UnitOfWork, make_engine, migrate
from core.store.engine import current_revision
from core.store.rows import ChangeEvent, GoldenVersion, StagedRecord
from core.store.tables import metadata, source_record

AT = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def staged_row(source_id: str, digest: str, run_id: int = 1) -> StagedRecord:
    return StagedRecord(
        source="crm",
        source_id=source_id,
        stream="rows",
        payload={"name": "张伟", "n": 1},
        payload_hash=digest,
        record={"full_name": "张伟"},
        source_updated_at=None,
        status="active",
        line=2,
        first_run_id=run_id,
        seen_run_id=run_id,
        changed_run_id=run_id,
        changed_at=AT,
        resolve_pending=True,
    )


def test_migrations_build_exactly_the_declared_schema_and_rerun_safely(store_url: str) -> None:
    engine = make_engine(store_url)
    migrate(engine)
    migrate(engine)
    assert current_revision(engine) == "0007"
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), metadata) == []


def test_staging_upsert_is_safe_to_rerun_and_keeps_the_first_run(store_url: str) -> None:
    engine = make_engine(store_url)
    migrate(engine)
    for run_id, digest in ((1, "a" * 64), (1, "a" * 64), (2, "b" * 64)):
        with UnitOfWork(engine) as uow:
            uow.staging.write([staged_row("42", digest, run_id)])
            uow.commit()
    with engine.connect() as connection:
        rows = connection.execute(sa.select(source_record)).all()
    assert len(rows) == 1
    assert rows[0].payload_hash == "b" * 64
    assert rows[0].first_run_id == 1
    assert rows[0].payload == {"name": "张伟", "n": 1}


def test_leaving_without_commit_rolls_back(store_url: str) -> None:
    engine = make_engine(store_url)
    migrate(engine)
    with UnitOfWork(engine) as uow:
        uow.staging.write([staged_row("1", "c" * 64)])
    with UnitOfWork(engine) as uow:
        assert uow.staging.count() == 0


def test_run_ledger_counts_add_up_across_batches(store_url: str) -> None:
    engine = make_engine(store_url)
    migrate(engine)
    with UnitOfWork(engine) as uow:
        run_id = uow.runs.start("sync", ["crm"], at=AT)
        uow.runs.open_source(run_id, "crm")
        uow.runs.add_counts(run_id, "crm", read=10, staged=7, quarantined=3)
        uow.runs.add_counts(run_id, "crm", read=5, unchanged=5)
        uow.commit()
    with UnitOfWork(engine) as uow:
        ledger = uow.runs.ledger(run_id)
        assert uow.runs.interrupted("sync", ["crm"]) == run_id
    (crm,) = ledger.source_ledgers
    assert (crm.read, crm.unchanged, crm.staged, crm.quarantined) == (15, 5, 7, 3)
    assert crm.problems() == []


def test_a_ledger_that_does_not_add_up_says_which_source_and_counts(store_url: str) -> None:
    engine = make_engine(store_url)
    migrate(engine)
    with UnitOfWork(engine) as uow:
        run_id = uow.runs.start("sync", ["erp"], at=AT)
        uow.runs.open_source(run_id, "erp")
        uow.runs.add_counts(run_id, "erp", read=10, staged=7, quarantined=2)
        uow.commit()
        problems = uow.runs.ledger(run_id).problems()
    assert problems == ["source erp: read 10 != unchanged 0 + staged 7 + quarantined 2 (= 9)"]


def test_change_events_have_a_gapless_increasing_sequence(store_url: str) -> None:
    engine = make_engine(store_url)
    migrate(engine)
    with UnitOfWork(engine) as uow:
        for first in (0, 3):
            uow.golden.emit_many(
                [
                    ChangeEvent(f"G{i}", "create", 1, 1, {}, AT)
                    for i in range(first, first + 3 if first == 0 else first + 2)
                ]
            )
        uow.commit()
    with UnitOfWork(engine) as uow:
        events = uow.golden.events_since(0)
        later = uow.golden.events_since(events[2].seq)
    assert [e.golden_id for e in events] == ["G0", "G1", "G2", "G3", "G4"]
    assert [e.seq for e in events] == sorted(e.seq for e in events)
    assert [e.golden_id for e in later] == ["G3", "G4"]


def golden_row(golden_id: str, **changes: Any) -> GoldenVersion:
    first = GoldenVersion(golden_id, "active", None, {"full_name": golden_id}, {}, 1, 1, 1, AT, AT)
    return replace(first, **changes)


def test_a_merged_away_id_still_resolves_to_the_survivor(store_url: str) -> None:
    engine = make_engine(store_url)
    migrate(engine)
    with UnitOfWork(engine) as uow:
        uow.golden.save_many([golden_row("GA"), golden_row("GB")])
        uow.golden.save_many([golden_row("GB", status="merged", merged_into="GA", version=2)])
        uow.commit()
        row = uow.golden.resolve_alias("GB")
        assert uow.golden.count("active") == 1
    assert row is not None and row.golden_id == "GA"


def test_a_store_that_cannot_be_reached_is_a_config_error() -> None:
    import pytest

    from core.errors import ConfigError

    with pytest.raises(ConfigError, match="cannot reach the store"):
        migrate(make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none"))
