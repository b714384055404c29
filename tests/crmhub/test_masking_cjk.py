"""Personal data is masked whatever its columns are called (issue 12, #7).

The columns are Chinese: the mapping says which canonical field each feeds (``客户`` fills
full_name), and columns no mapping reads are masked by what their values look like.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import yaml

from crmhub.cli import main

PEOPLE = [
    # 编号, 客户, 手机, 邮箱, 备注, 证号, 联系方式
    (
        "1",
        "谭建国",
        "154 3231 9487",
        "not-an-email",
        "回电 154 3231 9487",
        "11010519491231002X",
        "tan.jianguo@example.cn",
    ),
    ("2", "欧阳娜娜", "+86 139 1234 5678", "", "", "", ""),
]
SECRETS = ["谭建国", "建国", "欧阳娜娜", "3231", "1234 5678", "91231002", "tan.jianguo", "not-an"]
MAPPING = {
    "version": 1,
    "source_id": "编号",
    "fields": {
        "full_name": "客户",
        "phone": "手机",
        "email": {"from": "邮箱", "required": True},
    },
}


@pytest.fixture
def hub(tmp_path: Path) -> Path:
    with (tmp_path / "crm.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["编号", "客户", "手机", "邮箱", "备注", "证号", "联系方式"])
        writer.writerows(PEOPLE)
    (tmp_path / "crm.yaml").write_text(yaml.safe_dump(MAPPING), encoding="utf-8")
    source = {"name": "crm", "kind": "spreadsheet", "mapping": "crm.yaml"}
    config = {
        "store": f"sqlite:///{tmp_path / 'hub.db'}",
        "sources": [{**source, "connection": {"path": "crm.csv"}}],
        # held back whole, so that the quarantine listings have them to mask
        "quality": {"field_policy": {"email": "quarantine", "phone": "quarantine"}},
    }
    path = tmp_path / "hub.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert code in (0, 1), err
    return out + err


def leaked(text: str) -> list[str]:
    return [secret for secret in SECRETS if secret in text]


def test_listings_exports_and_reports_mask_values_under_chinese_column_names(
    hub: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    c = ("-c", str(hub))
    run(capsys, "sync", *c)
    shown = run(capsys, "quarantine", "show", "crm", "1", *c)
    assert "谭**" in shown and "******9487" in shown, shown
    assert leaked(shown) == [], shown
    assert leaked(run(capsys, "quarantine", "show", "crm", "2", *c)) == []
    assert leaked(run(capsys, "quarantine", "list", *c)) == []
    run(capsys, "quarantine", "export", "-o", str(tmp_path / "q.csv"), *c)
    run(capsys, "quarantine", "export", "-o", str(tmp_path / "q.jsonl"), *c)
    for name in ("q.csv", "q.jsonl"):
        assert leaked((tmp_path / name).read_text(encoding="utf-8")) == [], name
    run(capsys, "report", *c)
    for name in ("run-1.json", "run-1.html"):
        assert leaked((tmp_path / "reports" / name).read_text(encoding="utf-8")) == [], name


def test_unmask_still_shows_the_values(hub: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "sync", "-c", str(hub))
    shown = run(capsys, "quarantine", "show", "crm", "1", "--unmask", "-c", str(hub))
    assert "谭建国" in shown and "154 3231 9487" in shown
