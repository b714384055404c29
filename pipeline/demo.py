"""The demo: the bundled sample of three systems, run end to end into a fresh SQLite store."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from core.settings import load_config
from pipeline.export import export_golden
from pipeline.report import write_report
from pipeline.sync import Progress, SyncResult, open_store, sync


@dataclass(frozen=True)
class DemoOutcome:
    result: SyncResult
    config_path: Path
    store_path: Path
    report_path: Path
    export_path: Path


def sample_dir() -> Path:
    return Path(str(resources.files("crmhub") / "sample"))


def run_demo(directory: Path, *, progress: Progress | None = None) -> DemoOutcome:
    """Copy the sample into ``directory`` (replacing an earlier demo there) and sync it."""
    directory = directory.resolve()
    if directory.exists():
        shutil.rmtree(directory)
    shutil.copytree(sample_dir(), directory)
    config_path = directory / "hub.yaml"
    config = load_config(config_path)
    engine = open_store(config)
    result = sync(config, progress=progress, engine=engine)
    export_path = directory / "golden.csv"
    with export_path.open("w", newline="", encoding="utf-8") as out:
        export_golden(engine, out, "csv")
    report_path = write_report(engine, config, result.ledger.run_id).html
    engine.dispose()
    return DemoOutcome(result, config_path, directory / "crmhub.db", report_path, export_path)
