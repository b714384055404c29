"""A file or mapping that cannot work fails in one line with exit 2, before anything is written."""

import sqlite3
import time
from pathlib import Path

import pytest

from crmhub.cli import main
from tests.support.xlsx_files import SHEET_PART, replace_part, sheet_xml, write_workbook

PEOPLE = "source_id,姓名,邮箱\n1,张伟,zw@example.com\n2,李娜,ln@example.com\n"
MAPPING = "version: 1\nsource_id: source_id\nfields:\n  full_name: 姓名\n  email: 电子邮箱\n"


def hub(tmp_path: Path, path: str = "people.csv") -> Path:
    (tmp_path / "people.csv").write_text(PEOPLE, encoding="utf-8")
    (tmp_path / "map.yaml").write_text(MAPPING, encoding="utf-8")
    config = tmp_path / "hub.yaml"
    config.write_text(
        f"store: sqlite:///{tmp_path / 'store.db'}\n"
        "sources:\n"
        "  - name: people\n"
        "    kind: spreadsheet\n"
        f"    connection: {{path: {path}}}\n"
        "    mapping: map.yaml\n",
        encoding="utf-8",
    )
    return config


def nothing_written(store: Path) -> bool:
    """No run was started: the store is absent, or holds no run (the lock may create it)."""
    if not store.exists():
        return True
    with sqlite3.connect(store) as db:
        tables = {name for (name,) in db.execute("select name from sqlite_master")}
        return "run" not in tables or db.execute("select count(*) from run").fetchone()[0] == 0


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


ABSENT = (
    "mapping map.yaml reads '电子邮箱' (for email), but {file} has no such column "
    "(its columns: 'source_id', '姓名', '邮箱'); did you mean '电子邮箱' → '邮箱'?"
)


@pytest.mark.parametrize(
    "command",
    [["sync"], ["sources", "check"], ["migrate", "{file}", "--dry-run", "-s", "people"]],
    ids=["sync", "sources-check", "migrate-dry-run"],
)
def test_a_mapping_reading_an_absent_column_is_exit_2_naming_column_mapping_and_columns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    config = hub(tmp_path)
    file = str(tmp_path / "people.csv")
    code, _, err = run(capsys, *[c.format(file=file) for c in command], "--config", str(config))
    assert code == 2
    assert ABSENT.format(file=file) in err
    assert nothing_written(tmp_path / "store.db")


def test_a_wrong_connection_path_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = hub(tmp_path, path="nope.csv")
    code, out, err = run(capsys, "sync", "--config", str(config))
    assert code == 2
    assert out == ""
    assert err.strip() == f"error: source people: {tmp_path / 'nope.csv'}: file not found"
    assert nothing_written(tmp_path / "store.db")


def test_a_fitting_mapping_still_syncs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = hub(tmp_path)
    (tmp_path / "map.yaml").write_text(MAPPING.replace("电子邮箱", "邮箱"), encoding="utf-8")
    code, out, _ = run(capsys, "sync", "--config", str(config))
    assert code == 0, out


def test_dedupe_of_a_zip_bomb_is_one_line_and_exit_2_in_seconds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bomb = write_workbook(tmp_path / "bomb.xlsx", [("source_id", "full_name")])
    row = b'<row><c t="inlineStr"><is><t>1</t></is></c></row>' * 10_000
    replace_part(bomb, SHEET_PART, sheet_xml([row] * 100))
    started = time.perf_counter()
    code, _, err = run(capsys, "dedupe", str(bomb), "-o", str(tmp_path / "out.csv"))
    assert time.perf_counter() - started < 5
    assert code == 2
    assert err.count("\n") == 1 and "refused as a possible zip bomb" in err
