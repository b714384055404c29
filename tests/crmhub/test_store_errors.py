"""A store that cannot be used is one line naming it and exit 2, never a driver traceback:
a file that is not a database, a folder where the file should be, a PostgreSQL role
without rights on crm-hub's tables."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from store_helpers import write_csv  # type: ignore[import-not-found]

from crmhub.cli import main

COMMANDS = (["sync"], ["status"], ["golden", "export"])


def _hub(tmp_path: Path, store_url: str) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    data = write_csv(tmp_path / "crm.csv", [{"source_id": "1", "full_name": "Anna Schmidt"}])
    config = tmp_path / "hub.yaml"
    config.write_text(
        f"store: '{store_url}'\nsources:\n"
        f"  - {{name: crm, kind: spreadsheet, connection: {{path: {data}}}}}\n",
        encoding="utf-8",
    )
    return config


def _one_line_error(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1 and err.startswith("error: "), err
    assert "Traceback" not in err and "sqlalche.me" not in err
    return err


@pytest.mark.parametrize("command", COMMANDS)
def test_a_file_that_is_not_a_database(
    command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "notes.db"
    store.write_text("shopping list: milk, bread\n" * 50)
    config = _hub(tmp_path, f"sqlite:///{store}")
    err = _one_line_error(capsys, [*command, "-c", str(config)])
    assert f"the store ({store}) cannot be used: file is not a database" in err


def test_a_folder_where_the_store_file_should_be(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "store.db"
    store.mkdir()
    config = _hub(tmp_path, f"sqlite:///{store}")
    for command in COMMANDS:
        assert "unable to open database file" in _one_line_error(
            capsys, [*command, "-c", str(config)]
        )


@pytest.fixture
def weak_role_url(pg_url: str) -> Iterator[str]:
    """The store at ``pg_url``, migrated, and a URL for a login role with no rights on it."""
    role = f"crmhub_weak_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE ROLE "{role}" LOGIN'))
    try:
        yield sa.make_url(pg_url).set(username=role, password=None).render_as_string()
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP OWNED BY "{role}"'))
            connection.execute(sa.text(f'DROP ROLE "{role}"'))
        admin.dispose()


def test_a_postgresql_role_without_rights(
    pg_url: str, weak_role_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sync", "-c", str(_hub(tmp_path / "owner", pg_url))]) == 0
    capsys.readouterr()
    config = _hub(tmp_path / "weak", weak_role_url)
    for command in COMMANDS:
        err = _one_line_error(capsys, [*command, "-c", str(config)])
        assert "the store's database role lacks a right it needs" in err
        assert "permission denied for table" in err
