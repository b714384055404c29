"""Backups: consistent while a sync writes, checksummed, restorable anywhere, kept N deep."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from core.settings import BackupSettings, load_config
from core.store.tables import quarantine, run_source, source_record, sync_state
from pipeline.backup import (
    BackupInvalid,
    apply_retention,
    create_backup,
    list_backups,
    restore_backup,
    restore_drill,
    verify_backup,
)
from pipeline.demo import sample_dir
from pipeline.sync import sync


@pytest.fixture
def synced(tmp_path: Path):  # type: ignore[no-untyped-def]
    shutil.copytree(sample_dir(), tmp_path / "hub")
    config = load_config(tmp_path / "hub" / "hub.yaml")
    assert sync(config).ok
    return config


def clock_at(minutes: int):  # type: ignore[no-untyped-def]
    return lambda: datetime(2026, 11, 1, 3, 0, tzinfo=UTC) + timedelta(minutes=minutes)


def test_a_backup_restores_into_an_empty_store_with_identical_counts_and_checksums(
    synced,
    store_url: str,  # type: ignore[no-untyped-def]
) -> None:
    backup = create_backup(synced)
    assert backup.tables["source_record"]["rows"] == 35
    assert backup.tables["golden_record"]["rows"] == 25
    restored = restore_backup(backup.path, store_url)  # raises if any table differs
    assert restored.rows == backup.rows > 0
    engine = sa.create_engine(store_url)
    with engine.connect() as c:
        assert c.execute(sa.select(sa.func.count()).select_from(source_record)).scalar() == 35
    engine.dispose()


def test_a_restored_store_keeps_syncing_without_duplicates(synced, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    backup = create_backup(synced)
    url = f"sqlite:///{tmp_path / 'restored.db'}"
    restore_backup(backup.path, url)
    again = sync(synced.model_copy(update={"store": url}))
    assert again.ok, again.problems
    assert again.ledger.total("staged") == 0
    assert again.ledger.run_id == 2  # sequences continue after the restored rows


def test_a_corrupted_backup_is_refused_with_the_file_named(synced, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    backup = create_backup(synced)
    damaged = backup.path / "tables" / "golden_record.jsonl.gz"
    data = bytearray(damaged.read_bytes())
    data[len(data) // 2] ^= 0xFF
    damaged.write_bytes(bytes(data))
    with pytest.raises(BackupInvalid, match=r"golden_record\.jsonl\.gz does not match its SHA-256"):
        restore_backup(backup.path, f"sqlite:///{tmp_path / 'x.db'}")
    (backup.path / "manifest.json").write_text("{not json")
    with pytest.raises(BackupInvalid, match=r"manifest\.json is damaged"):
        verify_backup(backup.path)


def test_restoring_over_a_store_that_holds_data_is_refused(synced) -> None:  # type: ignore[no-untyped-def]
    from core.errors import ConfigError

    backup = create_backup(synced)
    with pytest.raises(ConfigError, match="restore target is not empty"):
        restore_backup(backup.path, synced.store_url())


def test_retention_keeps_the_newest_backups_and_the_drill_passes(synced) -> None:  # type: ignore[no-untyped-def]
    config = synced.model_copy(update={"backup": BackupSettings(keep=2)})
    made = [create_backup(config, clock=clock_at(m)).path.name for m in range(3)]
    kept = [b.path.name for b in list_backups(config)]
    assert kept == [made[2], made[1]]
    assert apply_retention(config) == []
    assert restore_drill(list_backups(config)[0].path).rows > 0


@pytest.mark.slow
def test_a_backup_taken_during_a_sync_restores_to_a_consistent_state(
    tmp_path: Path,
    customers_csv,  # type: ignore[no-untyped-def]
) -> None:
    data, _ = customers_csv(3000)
    config_path = tmp_path / "hub.yaml"
    config_path.write_text(
        "store: sqlite:///hub.db\nsources:\n"
        f"  - {{name: crm, kind: spreadsheet, batch_size: 200, connection: {{path: {data}}}}}\n"
    )
    config = load_config(config_path)
    running = subprocess.Popen(
        [sys.executable, "-m", "crmhub", "sync", "-c", str(config_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    backups = []
    try:
        while running.poll() is None and len(backups) < 4:
            if (tmp_path / "hub.db").exists():
                # While the schema is being created the file is not a store yet.
                with contextlib.suppress(sa.exc.OperationalError):
                    backups.append(create_backup(config, clock=clock_at(len(backups))))
            time.sleep(0.5)
    finally:
        running.wait(timeout=600)
    assert running.returncode == 0
    mid_run = [b for b in backups if b.tables["run_source"]["rows"]]
    assert mid_run, "no backup was taken while the sync was running"
    for backup in mid_run:
        url = f"sqlite:///{tmp_path / (backup.path.name + '.db')}"
        restore_backup(backup.path, url)
        engine = sa.create_engine(url)
        with engine.connect() as c:
            ledger = c.execute(sa.select(run_source)).one()
            staged = c.execute(
                sa.select(sa.func.count())
                .select_from(source_record)
                .where(source_record.c.seen_run_id == ledger.run_id)
            ).scalar()
            quarantined = c.execute(sa.select(sa.func.count()).select_from(quarantine)).scalar()
            state = c.execute(sa.select(sync_state.c.state)).scalar()
        engine.dispose()
        # Every committed batch moved counts, records and the position together.
        assert staged == ledger.staged + ledger.unchanged
        assert quarantined == ledger.quarantined
        assert ledger.read == staged + quarantined
        if state is not None and not state.get("complete"):
            assert state["row"] == ledger.read
