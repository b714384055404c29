"""The getting-started page works as written: its files load, its commands run and say what
the page says they say; and every ``crmhub`` command line shown in the docs or the README
names a real command with real options."""

from __future__ import annotations

import csv
import re
import shlex
import shutil
from pathlib import Path

import pytest
from typer.main import get_command

from crmhub.cli import app, main
from crmhub.command_tree import parameters, subcommands

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "examples" / "legacy"
PAGE = ROOT / "docs" / "getting-started.md"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, " ".join(out.split()), err


def test_the_walk_through_runs_as_the_page_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    work = tmp_path / "legacy"
    shutil.copytree(EXAMPLE, work)
    monkeypatch.chdir(work)
    page = " ".join(PAGE.read_text(encoding="utf-8").split())

    assert run(capsys, "config", "schema", "-o", "hub.schema.json")[0] == 0
    assert run(capsys, "config", "schema", "--for", "mapping", "-o", "mapping.schema.json")[0] == 0
    code, out, _ = run(capsys, "sources", "check")
    assert code == 0 and "legacy spreadsheet ok" in re.sub(r"[│┃ ]+", " ", out)

    code, out, _ = run(capsys, "migrate", "kunden.csv", "-s", "legacy", "--dry-run")
    assert code == 0
    dry_run = (
        "dry run of kunden.csv as source legacy: read 10 = new 9 + changed 0 + unchanged 0 "
        "+ quarantined 1; nothing was written"
    )
    assert dry_run in out and dry_run in page

    code, out, err = run(capsys, "migrate", "kunden.csv", "-s", "legacy")
    assert code == 0, err
    assert "10 read, 9 staged, 1 quarantined" in page and "**7 golden records**" in page
    ledger = re.sub(r"[│┃ ]+", " ", out)
    assert " legacy 10 0 9 1 0 1 done " in ledger, out
    assert err.count("warning: ") == 2, err

    assert run(capsys, "golden", "export", "-o", "golden.csv")[0] == 0
    with (work / "golden.csv").open(encoding="utf-8") as handle:
        golden = list(csv.DictReader(handle))
    assert len(golden) == 7
    assert sum(row["family_name"] in ("Müller", "Mueller") for row in golden) == 1
    assert sum(row["family_name"] == "Schmidt" for row in golden) == 1

    code, out, _ = run(capsys, "quarantine", "list")
    assert code == 0 and "10008" in out and "nothing identifies this customer" in out
    code, out, _ = run(capsys, "quarantine", "issues", "list")
    assert code == 0 and "birth_date" in out and "email" in out and "10005" in out


def test_the_typo_the_page_shows_is_the_error_crmhub_gives(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(EXAMPLE, tmp_path / "legacy")
    config = tmp_path / "legacy" / "hub.yaml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("default_region", "default_regoin")
    )
    code, _, err = run(capsys, "status", "-c", str(config))
    assert code == 2
    shown = "hub.yaml:3:1: unknown key 'default_regoin' (did you mean 'default_region'?)"
    assert f"{config}:3:1: unknown key 'default_regoin'" in err
    assert shown in PAGE.read_text(encoding="utf-8")


def _command_lines() -> list[tuple[str, str]]:
    found = []
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = page.read_text(encoding="utf-8")
        for block in re.findall(r"```(?:sh|bash)\n(.*?)```", text, re.DOTALL):
            for line in block.splitlines():
                line = line.split("  #")[0].strip()
                if line.startswith("crmhub "):
                    found.append((page.name, line))
    return found


@pytest.mark.parametrize(("page", "line"), _command_lines())
def test_every_command_line_in_the_docs_is_a_real_command(page: str, line: str) -> None:
    command = get_command(app)
    words = shlex.split(line)[1:]
    while words and words[0] in subcommands(command):
        command = subcommands(command)[words.pop(0)]
    is_root_option = words and words[0] in ("--version", "--help")
    assert is_root_option or not subcommands(command), f"{page}: {line!r} names a group"
    known = {name for p in parameters(command) for name in [*p.opts, *p.secondary_opts]}
    for word in words:
        if word.startswith("-"):
            assert word.split("=")[0] in known, f"{page}: {line!r}: no option {word}"
