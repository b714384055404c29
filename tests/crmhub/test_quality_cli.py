"""``crmhub quarantine …`` and ``crmhub report`` as a user meets them: output, exit codes."""

from __future__ import annotations

import csv
import json
import stat
import time
from pathlib import Path

import pytest
import yaml

from crmhub.cli import main

#: ``e_mail`` is empty (a mapping reading an absent column is refused before the run).
ROWS = (
    "id,name,mail,phone,e_mail\n"
    "1,Zhao Wei,zhao.wei@example.cn,+8613800138000,\n"
    "2,Anna Schmidt,anna@example.de,+49 30 1234567,\n"
)
MAPPING = """version: 1
source_id: id
fields:
  full_name: name
  email: {{from: {column}, required: true}}
  phone: phone
"""


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def hub(tmp_path: Path) -> Path:
    """A hub whose mapping reads the wrong (empty) column: both records are quarantined."""
    (tmp_path / "crm.csv").write_text(ROWS, encoding="utf-8")
    (tmp_path / "crm.yaml").write_text(MAPPING.format(column="e_mail"), encoding="utf-8")
    path = tmp_path / "hub.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "store": "sqlite:///hub.db",
                "sources": [
                    {
                        "name": "crm",
                        "kind": "spreadsheet",
                        "mapping": "crm.yaml",
                        "connection": {"path": "crm.csv"},
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    return path


def test_quarantine_list_show_and_export_mask_personal_data(
    hub: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "sync", "-c", str(hub))[0] == 0
    code, out, _ = run(capsys, "quarantine", "list", "-c", str(hub))
    assert code == 0
    assert out.count("email: required source field") == 2 and "'e_mail'" in out
    assert "2 open entries; 2 shown" in out
    code, out, _ = run(capsys, "quarantine", "show", "crm", "1", "-c", str(hub))
    assert code == 0
    assert "Z*** W**" in out and "z***@example.cn" in out and "+86******8000" in out
    assert "zhao.wei" not in out
    code, out, _ = run(capsys, "quarantine", "show", "crm", "1", "--unmask", "-c", str(hub))
    assert code == 0 and "zhao.wei@example.cn" in out

    target = tmp_path / "held.csv"
    code, _, err = run(capsys, "quarantine", "export", "-o", str(target), "-c", str(hub))
    assert code == 0 and f"2 quarantine entries written to {target}" in err
    with target.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [r["record_key"] for r in rows] == ["1", "2"]
    assert all(r["reasons"].startswith("email:") for r in rows)
    assert "zhao.wei" not in target.read_text(encoding="utf-8")
    lines = tmp_path / "held.jsonl"
    assert run(capsys, "quarantine", "export", "-o", str(lines), "-c", str(hub))[0] == 0
    assert json.loads(lines.read_text(encoding="utf-8").splitlines()[1])["record_key"] == "2"


def test_retry_after_fixing_the_mapping_stages_the_records(
    hub: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "sync", "-c", str(hub))
    (tmp_path / "crm.yaml").write_text(MAPPING.format(column="mail"), encoding="utf-8")
    code, out, err = run(capsys, "quarantine", "retry", "-c", str(hub))
    assert code == 0, err
    flat = " ".join(out.split())
    assert "run 2 (retry): succeeded" in flat
    assert (
        "retry run 2: 2 staged, 0 unchanged, 0 still quarantined; 2 golden records created" in flat
    )
    assert "checks: " in flat and "0 failed" in flat
    code, out, _ = run(capsys, "quarantine", "retry", "-c", str(hub))
    assert (code, out.strip()) == (
        0,
        "nothing to retry: no open quarantine entries or field issues for those sources",
    )
    assert "no open quarantine entries" in run(capsys, "quarantine", "list", "-c", str(hub))[1]


def test_retry_fails_with_exit_1_when_an_error_check_fails(
    hub: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = yaml.safe_load(hub.read_text(encoding="utf-8"))
    config["quality"] = {"severity": {"validity": "error"}}
    hub.write_text(yaml.safe_dump(config), encoding="utf-8")
    assert run(capsys, "sync", "-c", str(hub))[0] == 1  # 100% quarantined is an error now
    code, _, err = run(capsys, "quarantine", "retry", "-c", str(hub))
    assert code == 1
    assert "error: source crm: validity: 2 of 2 records read (100.0%) failed mapping" in err


def test_report_writes_the_files_and_prints_their_paths(
    hub: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, synced, _ = run(capsys, "sync", "-c", str(hub))
    assert "(crmhub report --run 1 writes the report)" in synced
    assert " ".join(synced.split()).count("checks: 12 passed, 1 warned, 0 failed") == 1
    run(capsys, "sync", "-c", str(hub))
    code, out, err = run(capsys, "report", "--run", "1", "-c", str(hub))
    assert code == 0, err
    reports = tmp_path / "reports"
    assert f"report:    {reports / 'run-1.html'}" in out
    assert f"json:      {reports / 'run-1.json'}" in out
    assert f"data docs: {reports / 'run-1-data-docs' / 'index.html'}" in out
    flat = " ".join(out.split())
    assert "run 1: succeeded with 1 warning; checks: 12 passed, 1 warned, 0 failed" in flat
    assert "records staged, " in flat and " records joined existing golden records" in flat
    assert run(capsys, "report", "-c", str(hub))[0] == 0
    assert (reports / "run-2.html").is_file()


def test_report_open_hands_the_file_to_the_browser(
    hub: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    opened = tmp_path / "opened.txt"
    browser = tmp_path / "browser.sh"
    script = f'#!/bin/sh\necho "$1" > {opened}.part && mv {opened}.part {opened}\n'
    browser.write_text(script, encoding="utf-8")
    browser.chmod(browser.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("BROWSER", str(browser))
    run(capsys, "sync", "-c", str(hub))
    assert run(capsys, "report", "--open", "-c", str(hub))[0] == 0
    deadline = time.monotonic() + 10  # the browser command runs in the background
    while not opened.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    expected = (tmp_path / "reports" / "run-1.html").as_uri()
    assert opened.read_text(encoding="utf-8").strip() == expected


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("quarantine", "show", "crm", "nope"),
            "error: no quarantine entry 'nope' for source 'crm'",
        ),
        (("quarantine", "export", "-o", "x.txt"), "error: --output: name the file .csv or .jsonl"),
        (
            ("quarantine", "export", "-o", "/no-such-dir/held.csv"),
            "error: --output: cannot write /no-such-dir/held.csv: No such file or directory",
        ),
        (("quarantine", "retry", "--source", "erp"), "error: no source named 'erp' in the config"),
        (("report", "--run", "99"), "error: no run 99 in the store"),
    ],
)
def test_user_errors_exit_2_with_one_line(
    hub: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    run(capsys, "sync", "-c", str(hub))
    code, _, err = run(capsys, *args, "-c", str(hub))
    assert code == 2
    assert err.startswith(message) and len(err.strip().splitlines()) == 1


def test_report_without_runs_says_what_to_do(hub: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "report", "-c", str(hub))
    assert (code, err.strip()) == (2, "error: no runs yet: run crmhub sync first")


def test_a_report_directory_that_cannot_be_written_is_named(
    hub: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = yaml.safe_load(hub.read_text(encoding="utf-8"))
    config["quality"] = {"report_dir": "crm.csv/reports"}  # a file where a directory should be
    hub.write_text(yaml.safe_dump(config), encoding="utf-8")
    run(capsys, "sync", "-c", str(hub))
    code, _, err = run(capsys, "report", "-c", str(hub))
    assert code == 2
    assert err.strip() == (
        f"error: quality.report_dir: cannot write reports to {hub.parent / 'crm.csv' / 'reports'}"
        ": Not a directory"
    )
