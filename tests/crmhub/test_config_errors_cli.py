"""A mistake in hub.yaml is reported like a compiler error: file:line:column, key, fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from crmhub.cli import main

TYPO = """\
store: sqlite:///crmhub.db
date_order: dmy
thresholds: {auto_merge: 0.9, review: 0.75}
default_regoin: DE
quality:
  volume: {bnd: 0.3}
sources:
  - name: crm
    knd: spreadsheet
"""


def test_a_misspelt_key_names_its_line_column_and_the_key_meant(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "hub.yaml"
    config.write_text(TYPO, encoding="utf-8")
    code = main(["status", "-c", str(config)])
    err = capsys.readouterr().err
    assert code == 2
    lines = err.removeprefix("error: ").splitlines()
    assert (
        lines[0] == f"{config}:4:1: unknown key 'default_regoin' (did you mean 'default_region'?)"
    )
    assert f"{config}:6:12: quality.volume: unknown key 'bnd' (did you mean 'band'?)" in lines
    assert f"{config}:8:5: sources[0].kind: Field required" in lines
    assert f"{config}:9:5: sources[0]: unknown key 'knd' (did you mean 'kind'?)" in lines


def test_a_key_nothing_resembles_lists_the_keys_that_are_known(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "hub.yaml"
    config.write_text("sources: []\nzzz: 1\n", encoding="utf-8")
    assert main(["status", "-c", str(config)]) == 2
    err = capsys.readouterr().err
    assert f"{config}:2:1: unknown key 'zzz' (known: store, default_region, date_order" in err


def test_a_wrong_value_names_where_it_was_written_and_what_was_expected(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "hub.yaml"
    config.write_text("sources: []\nbackup:\n  keep: lots\n", encoding="utf-8")
    assert main(["status", "-c", str(config)]) == 2
    err = capsys.readouterr().err
    assert f"{config}:3:3: backup.keep: Input should be a valid integer" in err


def test_a_connection_key_names_its_line_and_the_key_meant(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "crm.csv").write_text("source_id,full_name\n1,Anna Müller\n", encoding="utf-8")
    config = tmp_path / "hub.yaml"
    config.write_text(
        "store: sqlite:///hub.db\n"
        "sources:\n"
        "  - name: crm\n"
        "    kind: spreadsheet\n"
        "    connection:\n"
        "      path: crm.csv\n"
        "      id_colum: source_id\n",
        encoding="utf-8",
    )
    assert main(["sync", "-c", str(config)]) == 2
    err = capsys.readouterr().err
    assert (
        f"error: {config}:7:7: source crm: connection.id_colum: unknown key (allowed: path, " in err
    )
    assert err.rstrip().endswith("did you mean 'id_column'?")
