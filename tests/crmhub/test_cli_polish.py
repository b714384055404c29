"""The command line reads well: flags as flags, one line per warning, no phantom
subcommands, a version, a demo that never wipes someone's directory, listings that say
when they are empty, and match evidence whose rows add up to its total."""

from __future__ import annotations

import logging
import re
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from core.errors import ConfigError
from crmhub.cli import app
from crmhub.command_tree import walk

runner = CliRunner()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("polish") / "demo"
    result = runner.invoke(app, ["demo", "--dir", str(directory)])
    assert result.exit_code == 0, result.output
    return directory / "hub.yaml"


@pytest.fixture
def root_handlers() -> Iterator[None]:
    root = logging.getLogger()
    kept, level = list(root.handlers), root.level
    yield
    root.handlers[:] = kept
    root.setLevel(level)


def test_help_shows_boolean_flags_without_a_type() -> None:
    result = runner.invoke(app, ["migrate", "--help"])
    assert result.exit_code == 0
    assert re.search(r"--dry-run\s+Report only", result.output), result.output
    assert "<bool>" not in result.output
    assert "--drill" in runner.invoke(app, ["backup", "verify", "--help"]).output


def test_no_help_page_of_any_command_shows_a_flag_as_taking_a_value() -> None:
    from typer.main import get_command

    paths = [list(path) for path, _ in walk(get_command(app))]
    assert len(paths) > 40
    for path in paths:
        result = runner.invoke(app, [*path, "--help"])
        assert result.exit_code == 0, (path, result.output)
        assert "<bool>" not in result.output, path


def test_report_help_has_no_phantom_subcommand() -> None:
    result = runner.invoke(app, ["report", "--help"])
    assert result.exit_code == 0
    assert "Usage: crmhub report [OPTIONS]" in " ".join(result.output.split())
    assert "COMMAND" not in result.output and "[ARGS]" not in result.output


def test_version_prints_the_installed_version() -> None:
    from importlib.metadata import version

    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"crmhub {version('crm-hub')}"


def test_a_warning_is_one_line_printed_once(
    demo: Path, root_handlers: None, capsys: pytest.CaptureFixture[str]
) -> None:
    # A library's first logging.warning() gives the root logger a plain stderr handler.
    logging.getLogger().addHandler(logging.StreamHandler(sys.stderr))
    result = runner.invoke(app, ["sync", "-c", str(demo)])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stderr.splitlines() if "golden_unique_phone" in line]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("warning: golden records: golden_unique_phone: ")
    assert lines[0].endswith("merge them or pin them as distinct")
    assert "WARNING" not in result.stderr
    assert "WARNING" not in capsys.readouterr().err


def test_demo_refuses_a_directory_it_did_not_write(tmp_path: Path) -> None:
    mine = tmp_path / "thesis"
    mine.mkdir()
    (mine / "chapter1.md").write_text("months of work", encoding="utf-8")
    result = runner.invoke(app, ["demo", "--dir", str(mine)])
    assert isinstance(result.exception, ConfigError) and result.exception.exit_code == 2
    assert "is not empty and was not written by crmhub demo" in str(result.exception)
    assert "--force" in str(result.exception)
    assert (mine / "chapter1.md").read_text(encoding="utf-8") == "months of work"


def test_demo_replaces_its_own_directory_and_a_forced_one(demo: Path, tmp_path: Path) -> None:
    again = runner.invoke(app, ["demo", "--dir", str(demo.parent)])
    assert again.exit_code == 0, again.output
    other = tmp_path / "scratch"
    other.mkdir()
    (other / "old.txt").write_text("x", encoding="utf-8")
    forced = runner.invoke(app, ["demo", "--dir", str(other), "--force"])
    assert forced.exit_code == 0, forced.output
    assert not (other / "old.txt").exists() and (other / "hub.yaml").is_file()


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["review", "list"], "no review tasks open (--status all lists every task)"),
        (["token", "list"], "no API tokens (crmhub token create --name APP --scope read"),
        (["backup", "list"], "no backups in "),
        (["quarantine", "list", "-s", "ledger"], "no open quarantine entries from source ledger"),
        (["quarantine", "issues", "list", "-f", "national_id"], "no field issues in field"),
    ],
)
def test_an_empty_listing_says_so_instead_of_drawing_an_empty_table(
    demo: Path, args: list[str], said: str
) -> None:
    result = runner.invoke(app, [*args, "-c", str(demo)])
    assert result.exit_code == 0, result.output
    assert said in result.stdout
    assert "┏" not in result.stdout and "│" not in result.stdout


def test_golden_explain_shows_the_prior_and_rows_that_add_up_to_the_total(demo: Path) -> None:
    exported = runner.invoke(app, ["golden", "export", "-c", str(demo)])
    golden_ids = [line.split(",")[0] for line in exported.stdout.splitlines()[1:]]
    explained = None
    for golden_id in golden_ids:
        result = runner.invoke(app, ["golden", "explain", golden_id, "-c", str(demo)])
        if "evidence (total" in result.stdout:
            explained = result.stdout
            break
    assert explained is not None, "the demo has no merged golden record"
    table = explained[explained.index("evidence (total") :]
    total = float(re.search(r"evidence \(total (-?[\d.]+) bits", table).group(1))  # type: ignore[union-attr]
    rows = [
        [cell.strip() for cell in line.strip("│ ").split("│")]
        for line in table.splitlines()
        if line.startswith("│")
    ]
    assert rows[0][0] == "prior" and rows[-1][0] == "total"
    parts = sum(float(cell) for row in rows[:-1] for cell in row[3:] if cell)
    assert abs(parts - total) < 0.01 * len(rows)
    assert abs(float(rows[-1][3]) - total) < 0.01


def test_report_prints_the_verdict_and_the_merge_figures(demo: Path) -> None:
    result = runner.invoke(app, ["report", "-c", str(demo)])
    assert result.exit_code == 0, result.output
    verdict = re.search(
        r"run (\d+): (succeeded with \d+ warnings|succeeded); checks: ", result.stdout
    )
    assert verdict, result.stdout
    assert re.search(
        r"\d+ records staged, \d+ golden records created, \d+ records joined existing golden "
        r"records",
        result.stdout,
    ), result.stdout


def test_progress_bars_show_the_total_and_the_rate() -> None:
    from io import StringIO

    from rich.console import Console

    from crmhub.console import progress_bars

    screen = Console(file=StringIO(), force_terminal=True, color_system=None, width=120)
    with progress_bars(screen) as progress:
        progress("extract", "crm", 0, total=5000)
        for _ in range(5):
            progress("extract", "crm", 1000)
            time.sleep(0.02)
        progress("resolve", "", 40)  # no total known
    drawn = screen.file.getvalue()  # type: ignore[attr-defined]
    assert "5000/5000" in drawn and "/s" in drawn
    assert "40/?" in drawn
