"""A restore checks the whole backup before it writes anything: an edited row count, an
edited row or a truncated file is refused with exit 2 and one line, and no target is left.

Each damaged backup is made by the test from a real one, with its file checksum
recomputed where needed, so only the deeper check can catch it.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from store_helpers import csv_config, write_csv  # type: ignore[import-not-found]

from core.settings import BackupSettings
from crmhub.cli import main
from pipeline.backup import BackupInvalid, create_backup, restore_backup, verify_backup
from pipeline.sync import sync

PEOPLE = [
    {"source_id": str(i), "full_name": f"Person {i}", "email": f"p{i}@example.de"}
    for i in range(1, 13)
]


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real backup of a small synced store (made once; tests damage copies of it)."""
    directory = tmp_path_factory.mktemp("backup-source")
    data = write_csv(directory / "crm.csv", PEOPLE)
    config = csv_config(f"sqlite:///{directory / 'store.db'}", data)
    config = config.model_copy(update={"backup": BackupSettings(directory=str(directory / "b"))})
    assert sync(config).ok
    return create_backup(config).path


@pytest.fixture
def backup(pristine: Path, tmp_path: Path) -> Path:
    copy = tmp_path / pristine.name
    shutil.copytree(pristine, copy)
    return copy


def _manifest(backup: Path) -> dict:  # type: ignore[type-arg]
    return json.loads((backup / "manifest.json").read_text())


def _save_manifest(backup: Path, manifest: dict) -> None:  # type: ignore[type-arg]
    (backup / "manifest.json").write_text(json.dumps(manifest, indent=2))


def _rewrite(backup: Path, table: str, change: Callable[[bytes], bytes]) -> None:
    """Change a table file and record its new file checksum (as a careless edit would)."""
    file = backup / "tables" / f"{table}.jsonl.gz"
    file.write_bytes(change(file.read_bytes()))
    manifest = _manifest(backup)
    manifest["tables"][table]["file_sha256"] = hashlib.sha256(file.read_bytes()).hexdigest()
    _save_manifest(backup, manifest)


def _edit_count(backup: Path) -> None:
    manifest = _manifest(backup)
    manifest["tables"]["source_record"]["rows"] += 1
    _save_manifest(backup, manifest)


def _edit_row(backup: Path) -> None:
    def change(data: bytes) -> bytes:
        text = gzip.decompress(data).replace(b"p3@example.de", b"p3@example.com")
        return gzip.compress(text)

    _rewrite(backup, "source_record", change)


def _truncate(backup: Path) -> None:
    _rewrite(backup, "source_record", lambda data: data[: len(data) // 2])


def _drop_line(backup: Path) -> None:
    def change(data: bytes) -> bytes:
        return gzip.compress(b"".join(gzip.decompress(data).splitlines(keepends=True)[1:]))

    _rewrite(backup, "golden_record", change)


DAMAGE = {
    "edited row count": (_edit_count, r"source_record: .* holds 12 rows, the manifest says 13"),
    "edited row": (_edit_row, r"source_record: the rows in .* content checksum"),
    "truncated file": (_truncate, r"source_record: source_record\.jsonl\.gz is damaged"),
    "row removed": (_drop_line, r"golden_record: .* holds 11 rows, the manifest says 12"),
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_backup_is_refused_before_anything_is_written(
    damage: str, backup: Path, tmp_path: Path
) -> None:
    make, reason = DAMAGE[damage]
    restore_backup(backup, f"sqlite:///{tmp_path / 'before.db'}")  # the copy restores as it is
    make(backup)
    with pytest.raises(BackupInvalid, match=reason):
        verify_backup(backup)
    target = tmp_path / "target.db"
    with pytest.raises(BackupInvalid, match=reason):
        restore_backup(backup, f"sqlite:///{target}")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("target")) == []


def test_the_cli_refuses_with_exit_2_and_one_line(
    backup: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _edit_count(backup)
    target = tmp_path / "target.db"
    code = main(["restore", str(backup), "--to", f"sqlite:///{target}"])
    err = capsys.readouterr().err
    assert code == 2
    assert len(err.strip().splitlines()) == 1, err
    assert "holds 12 rows, the manifest says 13" in err and "Traceback" not in err
    assert not target.exists()


def test_a_refused_restore_leaves_a_postgresql_target_untouched(backup: Path, pg_url: str) -> None:
    _edit_row(backup)
    with pytest.raises(BackupInvalid, match="content checksum"):
        restore_backup(backup, pg_url)
    engine = sa.create_engine(pg_url)
    assert sa.inspect(engine).get_table_names() == []  # not even the schema
    engine.dispose()
