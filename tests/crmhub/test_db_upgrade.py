"""Schema upgrades are explicit: no command but ``crmhub db upgrade`` migrates a store.

A store behind the code is left exactly as it is by readers and writers alike, and
they say which command brings it up; a store ahead of the code is refused.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from core.store.engine import MIGRATIONS, current_revision, make_engine
from core.store.schema import head_revision
from crmhub.cli import main
from pipeline.demo import sample_dir

OLDER = "0006"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def hub_at(store_url: str, directory: Path) -> Path:
    """The bundled sample in ``directory``, its store at ``store_url``."""
    shutil.copytree(sample_dir(), directory)
    config = directory / "hub.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("store: sqlite:///crmhub.db", f"store: {store_url}"), "utf-8")
    return config


def downgrade(store_url: str, revision: str) -> None:
    engine = make_engine(store_url)
    with engine.begin() as connection:
        alembic = Config()
        alembic.set_main_option("script_location", str(MIGRATIONS))
        alembic.attributes["connection"] = connection
        command.downgrade(alembic, revision)
    engine.dispose()


def fingerprint(store_url: str) -> tuple[object, ...]:
    """What must not change: the revision, the tables, the runs; on SQLite the file's bytes."""
    engine = make_engine(store_url)
    revision = current_revision(engine)
    tables = sorted(sa.inspect(engine).get_table_names())
    with engine.connect() as connection:
        runs = connection.execute(sa.text("SELECT count(*) FROM run")).scalar()
    engine.dispose()
    url = sa.make_url(store_url)
    digest = None
    if url.get_backend_name() == "sqlite":
        digest = hashlib.sha256(Path(url.database or "").read_bytes()).hexdigest()
    return revision, tables, runs, digest


@pytest.fixture
def behind(
    store_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[Path, str, str]:
    """(hub.yaml, store URL, a golden ID): the sample synced, then its schema taken back."""
    config = hub_at(store_url, tmp_path / "hub")
    code, _, err = run(capsys, "sync", "--config", str(config))
    assert code == 0, err
    engine = make_engine(store_url)
    with engine.connect() as connection:
        golden_id = connection.execute(
            sa.text("SELECT golden_id FROM golden_record WHERE status = 'active' LIMIT 1")
        ).scalar_one()
    engine.dispose()
    downgrade(store_url, OLDER)
    return config, store_url, golden_id


def test_status_and_golden_show_leave_an_older_store_untouched_and_name_the_upgrade(
    behind: tuple[Path, str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    config, store_url, golden_id = behind
    before = fingerprint(store_url)
    assert before[0] == OLDER
    for args in (("status",), ("golden", "show", golden_id)):
        code, out, err = run(capsys, *args, "--config", str(config))
        assert code == 2, (args, out, err)
        assert err.strip().count("\n") == 0, err  # one line
        assert f"revision {OLDER}" in err and "run `crmhub db upgrade`" in err, err
        assert fingerprint(store_url) == before


def test_writers_refuse_an_older_store_too(
    behind: tuple[Path, str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    config, store_url, _ = behind
    before = fingerprint(store_url)
    code, _, err = run(capsys, "sync", "--config", str(config))
    assert code == 2 and "crmhub db upgrade" in err, err
    assert fingerprint(store_url) == before


def test_after_db_upgrade_status_and_golden_show_work(
    behind: tuple[Path, str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    config, store_url, golden_id = behind
    code, out, err = run(capsys, "db", "upgrade", "--config", str(config))
    assert code == 0, err
    assert f"upgraded from schema revision {OLDER} to {head_revision()}" in out
    assert fingerprint(store_url)[0] == head_revision()
    code, out, err = run(capsys, "status", "--config", str(config))
    assert code == 0 and "25 golden records" in out, err
    code, out, err = run(capsys, "golden", "show", golden_id, "--config", str(config))
    assert code == 0 and golden_id in out, err
    code, out, _ = run(capsys, "db", "upgrade", "--config", str(config))
    assert code == 0 and "nothing to do" in out


def test_a_store_ahead_of_the_code_is_refused_by_every_mode(
    behind: tuple[Path, str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    config, store_url, _ = behind
    engine = make_engine(store_url)
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    before = fingerprint(store_url)
    for args in (("status",), ("sync",), ("db", "upgrade")):
        code, _, err = run(capsys, *args, "--config", str(config))
        assert code == 2, (args, err)
        assert "revision 9999, which this version of crm-hub does not know" in err, err
        assert fingerprint(store_url) == before


def test_readers_create_no_store_and_a_first_sync_creates_one_at_head(
    store_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = hub_at(store_url, tmp_path / "hub")
    code, _, err = run(capsys, "status", "--config", str(config))
    assert code == 2
    if store_url.startswith("sqlite"):
        assert "no store at" in err and "run `crmhub sync` first" in err, err
        assert not Path(sa.make_url(store_url).database or "").exists()
    else:
        assert "no crm-hub schema yet: run `crmhub db upgrade`" in err, err
        engine = make_engine(store_url)
        assert sa.inspect(engine).get_table_names() == []
        engine.dispose()
    code, _, err = run(capsys, "sync", "--config", str(config))
    assert code == 0, err
    assert fingerprint(store_url)[0] == head_revision()


def test_db_upgrade_creates_an_empty_store_at_head(
    store_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = hub_at(store_url, tmp_path / "hub")
    code, out, err = run(capsys, "db", "upgrade", "--config", str(config))
    assert code == 0, err
    assert f"store created at schema revision {head_revision()}" in out
    code, out, _ = run(capsys, "status", "--config", str(config))
    assert code == 0 and "no runs yet" in out
