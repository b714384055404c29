"""The command line as a user meets it: outputs, one-line errors and exit codes."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from crmhub.cli import main

HEADER = "source_id,full_name,email,phone,city\n"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_demo_prints_counts_that_add_up_and_where_the_results_are(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "demo", "--dir", str(tmp_path / "demo"))
    assert code == 0
    match = re.search(
        r"read (\d+) = unchanged (\d+) \+ staged (\d+) \+ quarantined (\d+) \(adds up\); "
        r"(\d+) golden records created",
        " ".join(out.split()),
    )
    assert match, out
    read, unchanged, staged, quarantined, golden = map(int, match.groups())
    assert read == unchanged + staged + quarantined == 37
    assert golden == 25
    demo = tmp_path / "demo"
    for name in ("crmhub.db", "reports/run-1.html", "reports/run-1.json", "golden.csv"):
        assert (demo / name).is_file(), name
    assert f"report:  {demo / 'reports' / 'run-1.html'}" in out
    assert "张伟" in (demo / "golden.csv").read_text(encoding="utf-8")
    facts = json.loads((demo / "reports" / "run-1.json").read_text(encoding="utf-8"))
    assert (facts["totals"]["read"], facts["check_counts"]["failed"]) == (37, 0)


def test_sync_twice_the_second_run_adds_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "demo", "--dir", str(tmp_path / "demo"))
    config = str(tmp_path / "demo" / "hub.yaml")
    code, out, _ = run(capsys, "sync", "--config", config)
    assert code == 0
    totals = re.search(r"total\s+│\s+(\d+)\s+│\s+(\d+)\s+│\s+(\d+)\s+│\s+(\d+)", out)
    assert totals and totals.groups() == ("37", "35", "0", "2"), out
    assert re.search(r"│\s+0\s+│\s+0\s+│\s+0\s+│\s+0\s+│\s+0\s+│", out), out
    code, out, _ = run(capsys, "status", "--config", config)
    assert code == 0 and "25 golden records" in out


def test_dedupe_writes_every_input_record_exactly_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], customers_csv
) -> None:  # type: ignore[no-untyped-def]
    source, rows = customers_csv(300)
    out = tmp_path / "out.csv"
    code, printed, err = run(capsys, "dedupe", str(source), "--output", str(out))
    assert code == 0, err
    with source.open(encoding="utf-8") as f:
        wanted = [r["source_id"] for r in csv.DictReader(f)]
    with out.open(encoding="utf-8") as f:
        written = list(csv.DictReader(f))
    assert sorted(r["source_id"] for r in written) == sorted(wanted)
    assert len(written) == rows
    assert len({r["golden_id"] for r in written}) < rows  # duplicates were found
    with (tmp_path / "out.rejects.csv").open(encoding="utf-8") as f:
        rejects = list(csv.DictReader(f))
    assert rejects == []  # a bad email or phone is a field issue: every customer is matched
    assert f"{rows} records" in printed


def write_zhang_wei_and_li_na(path: Path) -> Path:
    """张伟 twice (CJK and Latin, different phone formats) and 李娜 once."""
    path.write_text(
        HEADER
        + "1,张伟,zhang.wei@example.cn,138 0013 8000,北京\n"
        + "2,Wei Zhang,ZHANG.WEI@example.cn,0086-138-0013-8000,Beijing\n"
        + "3,李娜,li.na@example.cn,139 1234 5678,上海\n",
        encoding="utf-8",
    )
    return path


def test_dedupe_groups_the_same_person_across_scripts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_zhang_wei_and_li_na(tmp_path / "people.csv")
    out = tmp_path / "out.csv"
    assert run(capsys, "dedupe", str(source), "-o", str(out))[0] == 0
    with out.open(encoding="utf-8") as f:
        golden = {r["source_id"]: r["golden_id"] for r in csv.DictReader(f)}
    assert golden["1"] == golden["2"] != golden["3"]


def test_dedupe_counts_the_customers_it_found_and_not_the_rejected_records(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_zhang_wei_and_li_na(tmp_path / "people.csv")
    with source.open("a", encoding="utf-8") as f:
        f.write(",王芳,wang.fang@example.cn,137 1111 2222,北京\n")  # no source id
        f.write(",Li Lei,li.lei@example.cn,136 3333 4444,上海\n")  # no source id
    code, printed, err = run(capsys, "dedupe", str(source), "-o", str(tmp_path / "o.csv"))
    assert code == 0, err
    assert "5 records → 2 customers; 2 rejected" in " ".join(printed.split())


def test_dedupe_with_a_truth_file_reports_precision_recall_and_f1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_zhang_wei_and_li_na(tmp_path / "people.csv")
    truth = tmp_path / "truth.csv"
    truth.write_text("source_id,person\n1,a\n2,b\n3,b\n", encoding="utf-8")
    code, printed, err = run(
        capsys, "dedupe", str(source), "-o", str(tmp_path / "o.csv"), "--truth", str(truth)
    )
    assert code == 0, err
    assert "precision 0.0000, recall 0.0000, F1 0.0000 (0 of 1 true pairs found, 1 wrong)" in (
        " ".join(printed.split())
    )


@pytest.mark.parametrize(
    ("content", "extra", "expected"),
    [
        ("", [], r"bad\.csv(, line 1)?: .*empty"),
        ("1,Anna,a@x.de,,Berlin\n", [], r"bad\.csv.*(header|source_id)"),
        (
            HEADER + "1,Anna,a@x.de,,Berlin\n2,Ben,b@x.de\n",
            [],
            r"bad\.csv, line 3: 3 fields.*5 columns",
        ),
        (
            HEADER + "1,Jörg,j@x.de,,Köln\n",
            ["--mapping", "MAPPING"],
            r"encoding|decode|utf-8",
        ),
    ],
    ids=["empty-file", "missing-header", "ragged-row", "bad-encoding-declared"],
)
def test_a_malformed_file_gives_one_line_naming_file_line_and_problem_and_exit_2(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: str,
    extra: list[str],
    expected: str,
) -> None:
    source = tmp_path / "bad.csv"
    if extra:  # a file in cp1252 read through a mapping whose source declares utf-8
        source.write_bytes(content.encode("cp1252"))
        mapping = tmp_path / "m.yaml"
        mapping.write_text("version: 1\nsource_id: source_id\nfields: {full_name: full_name}\n")
        extra = ["--mapping", str(mapping), "--encoding", "utf-8"]
    else:
        source.write_text(content, encoding="utf-8")
    code, out, err = run(capsys, "dedupe", str(source), "-o", str(tmp_path / "o.csv"), *extra)
    assert code == 2, out + err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert re.search(expected, lines[0]), lines[0]
    assert "Traceback" not in err


def test_an_unknown_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "frobnicate")[0] == 2


def test_a_missing_config_is_exit_2_with_the_file_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "sync", "--config", str(tmp_path / "hub.yaml"))
    assert code == 2
    assert f"{tmp_path / 'hub.yaml'}: file not found" in err


def test_golden_show_follows_the_golden_id_and_names_each_fields_source(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "demo", "--dir", str(tmp_path / "demo"))
    config = str(tmp_path / "demo" / "hub.yaml")
    with (tmp_path / "demo" / "golden.csv").open(encoding="utf-8") as f:
        zhang = next(r for r in csv.DictReader(f) if r["email"] == "zhang.wei@example.cn")
    code, out, _ = run(capsys, "golden", "show", zhang["golden_id"], "--config", config)
    assert code == 0
    assert "crm:C1001" in out and "erp:K1007" in out and "webshop:W-20001" in out
    assert "source_priority" in out and "most_recent" in out  # the rule of each field
    code, out, _ = run(capsys, "golden", "export", "--format", "jsonl", "--config", config)
    assert code == 0 and out.count("\n") == 25


def test_the_installed_entry_point_runs() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "crmhub", "--help"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0
    for command in ("demo", "sync", "dedupe", "golden", "status"):
        assert command in done.stdout


def test_sources_check_reports_each_source_and_fails_on_a_broken_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "demo", "--dir", str(tmp_path / "demo"))
    config = tmp_path / "demo" / "hub.yaml"
    code, out, _ = run(capsys, "sources", "check", "--config", str(config))
    assert code == 0
    assert out.count(" ok ") >= 3
    (tmp_path / "demo" / "data" / "erp_kunden.csv").unlink()
    code, out, err = run(capsys, "sources", "check", "--config", str(config), "-s", "erp")
    assert code == 2  # a missing file is the user's to fix
    assert "source erp: misconfigured" in err and "erp_kunden.csv" in err


def test_a_steward_works_the_review_queue_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "crm.csv").write_text(
        "source_id,full_name,city\n1,Anna Schmidt,Berlin\n2,Anna Schmidt,Berlin\n",
        encoding="utf-8",
    )
    config = tmp_path / "hub.yaml"
    config.write_text(
        "sources:\n  - {name: crm, kind: spreadsheet, connection: {path: crm.csv}}\n",
        encoding="utf-8",
    )
    assert run(capsys, "sync", "-c", str(config))[0] == 0
    code, out, _ = run(capsys, "review", "list", "-c", str(config))
    assert code == 0 and "crm:1" in out and "crm:2" in out
    code, out, _ = run(capsys, "review", "show", "1", "-c", str(config))
    assert code == 0 and "city" in out and "evidence" in out
    code, out, _ = run(capsys, "review", "accept", "1", "-c", str(config), "--by", "maria")
    assert code == 0 and "accepted" in out
    code, _, err = run(capsys, "review", "accept", "1", "-c", str(config))
    assert code == 2 and "already accepted" in err
    code, out, _ = run(capsys, "match", "explain", "crm:1", "crm:2", "-c", str(config))
    assert code == 0 and "stored: match by maria (pinned)" in " ".join(out.split())
    assert "compared because of block_on('name')" in " ".join(out.split())
    code, out, _ = run(capsys, "golden", "export", "-c", str(config))
    golden_id = out.splitlines()[1].split(",")[0]
    code, out, _ = run(capsys, "golden", "explain", golden_id, "-c", str(config))
    assert code == 0 and "2 members" in out and "pinned" in out
    assert "source_priority" in out
    code, out, _ = run(capsys, "golden", "unmerge", golden_id, "crm:2", "-c", str(config))
    assert code == 0 and "now in" in out


def test_migrate_backup_and_restore_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "demo", "--dir", str(tmp_path / "demo"))
    config = str(tmp_path / "demo" / "hub.yaml")
    legacy = tmp_path / "legacy.csv"
    legacy.write_text(HEADER + "L1,Otto Normal,otto@example.de,+49 30 555555,Berlin\n")
    code, out, _ = run(capsys, "migrate", str(legacy), "-c", config, "--dry-run")
    assert code == 0 and "new 1" in out and "nothing was written" in out
    code, out, _ = run(capsys, "migrate", str(legacy), "-c", config)
    assert code == 0 and "legacy" in out
    code, out, _ = run(capsys, "backup", "create", "-c", config)
    assert code == 0
    backup = out.split()[1].rstrip(":")
    code, out, _ = run(capsys, "backup", "verify", backup)
    assert code == 0 and "restore drill passed" in out
    code, out, _ = run(capsys, "restore", backup, "--to", f"sqlite:///{tmp_path / 'r.db'}")
    assert code == 0 and "checksums match" in out
    damaged = Path(backup) / "tables" / "xref.jsonl.gz"
    damaged.write_bytes(damaged.read_bytes()[:-8])
    code, _, err = run(capsys, "restore", backup, "--to", f"sqlite:///{tmp_path / 'r2.db'}")
    assert code == 2
    assert err.count("\n") == 1 and "xref.jsonl.gz does not match its SHA-256 checksum" in err
