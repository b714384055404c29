"""The demo: the bundled sample of three systems, run end to end into a fresh SQLite store."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from core.errors import ConfigError
from core.settings import load_config
from pipeline.export import export_golden
from pipeline.report import write_report
from pipeline.run import Progress, RunOptions, RunResult
from pipeline.store import open_store
from pipeline.sync import sync


@dataclass(frozen=True)
class DemoOutcome:
    result: RunResult
    config_path: Path
    store_path: Path
    report_path: Path
    export_path: Path


def sample_dir() -> Path:
    return Path(str(resources.files("crmhub") / "sample"))


#: Written into every demo directory: a directory holding it may be replaced by the next demo.
MARKER = ".crmhub-demo"


def run_demo(
    directory: Path, *, progress: Progress | None = None, force: bool = False
) -> DemoOutcome:
    """Copy the sample into ``directory`` and sync it.

    An earlier demo's directory is replaced; any other directory that is not
    empty is refused unless ``force``, so a mistyped ``--dir`` never wipes work.
    """
    directory = directory.resolve()
    if directory.exists():
        _check_replaceable(directory, force)
        shutil.rmtree(directory)
    shutil.copytree(sample_dir(), directory)
    (directory / MARKER).write_text("written by crmhub demo; replaced by the next one\n")
    config_path = directory / "hub.yaml"
    config = load_config(config_path)
    engine = open_store(config, "write")  # a new store: created at the current schema
    result = sync(config, RunOptions(progress=progress), engine=engine)
    export_path = directory / "golden.csv"
    with export_path.open("w", newline="", encoding="utf-8") as out:
        export_golden(engine, out, "csv")
    report_path = write_report(engine, config, result.ledger.run_id).html
    engine.dispose()
    return DemoOutcome(result, config_path, directory / "crmhub.db", report_path, export_path)


def _check_replaceable(directory: Path, force: bool) -> None:
    if not directory.is_dir():
        raise ConfigError(f"{directory} exists and is not a directory; choose another --dir")
    if force or (directory / MARKER).is_file() or not any(directory.iterdir()):
        return
    raise ConfigError(
        f"{directory} is not empty and was not written by crmhub demo; choose another --dir, "
        "or pass --force to replace everything in it"
    )
