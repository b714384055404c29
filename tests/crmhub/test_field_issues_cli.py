"""``crmhub quarantine issues list|export`` and the retry's word on field issues."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import yaml

from crmhub.cli import main

ROWS = (
    "id,name,phone,dob\n"
    "1,Zhao Wei,+8613800138000,1985-03-02\n"
    "2,Anna Schmidt,+1 598 261 8470,02.03.1985\n"
)
MAPPING = """version: 1
source_id: id
fields:
  full_name: name
  phone: phone
  birth_date: {{from: dob, transforms: [{{parse_date: [{formats}]}}]}}
"""


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def write_hub(directory: Path, formats: str) -> Path:
    (directory / "crm.csv").write_text(ROWS, encoding="utf-8")
    (directory / "crm.yaml").write_text(MAPPING.format(formats=formats), encoding="utf-8")
    source = {"name": "crm", "kind": "spreadsheet", "mapping": "crm.yaml"}
    hub = {"store": "sqlite:///hub.db", "sources": [{**source, "connection": {"path": "crm.csv"}}]}
    path = directory / "hub.yaml"
    path.write_text(yaml.safe_dump(hub), encoding="utf-8")
    return path


def test_issues_are_listed_masked_exported_and_rechecked_by_retry(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = str(write_hub(tmp_path, '"%Y-%m-%d"'))  # Anna's date is written d.m.Y
    code, out, _ = run(capsys, "sync", "--config", config)
    assert code == 0
    assert "1 staged records carry field issues" in " ".join(out.split())

    code, out, _ = run(capsys, "quarantine", "issues", "list", "--config", config)
    assert code == 0
    assert "+1******8470" in out and "+1 598 261 8470" not in out
    assert "2 field issues (crm.birth_date 1, crm.phone 1); 2 shown" in out
    code, out, _ = run(capsys, "quarantine", "issues", "list", "-f", "phone", "--config", config)
    assert "1 field issues (crm.phone 1); 1 shown" in out

    target = tmp_path / "issues.csv"
    code, _, err = run(capsys, "quarantine", "issues", "export", "-o", str(target), "-c", config)
    assert code == 0 and "2 field issues written" in err
    with target.open(encoding="utf-8") as f:
        assert [r["field"] for r in csv.DictReader(f)] == ["birth_date", "phone"]
    code, _, err = run(capsys, "quarantine", "issues", "export", "-o", "x.txt", "-c", config)
    assert code == 2 and ".csv or .jsonl" in err

    write_hub(tmp_path, '"%Y-%m-%d", "%d.%m.%Y"')  # the mapping fix
    code, out, _ = run(capsys, "quarantine", "retry", "--config", config)
    assert code == 0
    assert "field issues 2 → 1" in out
    code, out, _ = run(capsys, "quarantine", "issues", "list", "--config", config)
    assert "1 field issues (crm.phone 1)" in out
