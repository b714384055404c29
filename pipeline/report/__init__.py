"""Per-run reports: one self-contained HTML page, the same facts as JSON, and GE Data Docs.

``write_report`` is what ``crmhub report`` and the Airflow ``report`` task call.
It never re-judges a run that was already checked: it renders the stored
check results (running the checks first only for a run that never had them).
Files go to ``quality.report_dir`` (default ``reports/`` next to hub.yaml)::

    reports/run-7.html              the page ops read
    reports/run-7.json              the same facts for machines
    reports/run-7-data-docs/        Great Expectations Data Docs (linked from the page)
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from core.errors import ConfigError
from core.settings import HubConfig
from core.store import UnitOfWork
from core.store.quality import QualityRepository
from pipeline.clock import Clock, as_utc, utc_now
from pipeline.quality_run import ensure_quality
from pipeline.report.facts import MergeFigures, RunReport, gather_report
from pipeline.report.page import render_html
from pipeline.report.verdict import verdict
from quality.data_docs import build_data_docs
from quality.results import ValidationReport

__all__ = ["ReportPaths", "RunReport", "write_report"]


@dataclass(frozen=True)
class ReportPaths:
    run_id: int
    html: Path
    json: Path
    data_docs: Path | None
    quality: ValidationReport
    verdict: str = ""  # "succeeded with 3 warnings", "failed: …"
    merge: MergeFigures | None = None


def write_report(
    engine: Engine, config: HubConfig, run_id: int | None = None, *, clock: Clock = utc_now
) -> ReportPaths:
    """Write the report of ``run_id`` (default: the newest run); return where it went."""
    with UnitOfWork(engine) as uow:
        run_id = run_id if run_id is not None else uow.runs.last_id()
        if run_id is None:
            raise ConfigError("no runs yet: run crmhub sync first")
        try:
            ledger = uow.runs.ledger(run_id)
        except sa.exc.NoResultFound as e:
            raise ConfigError(f"no run {run_id} in the store") from e
    quality = ensure_quality(engine, config, run_id, clock=clock)
    directory = config.resolve_path(config.quality.report_dir)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        probe = directory / f".run-{run_id}.writable"
        probe.touch()
        probe.unlink()
    except OSError as e:
        raise ConfigError(
            f"quality.report_dir: cannot write reports to {directory}: {e.strerror}"
        ) from e
    docs = _data_docs(engine, run_id, directory / f"run-{run_id}-data-docs")
    report = gather_report(
        engine,
        config,
        ledger,
        quality,
        generated_at=clock(),
        data_docs=docs.relative_to(directory).as_posix() if docs else None,
    )
    html_path = directory / f"run-{run_id}.html"
    json_path = directory / f"run-{run_id}.json"
    html_path.write_text(render_html(report), encoding="utf-8")
    json_path.write_text(_json(report), encoding="utf-8")
    said, _ = verdict(report.run.status, report.check_counts, report.run.message)
    return ReportPaths(run_id, html_path, json_path, docs, quality, said, report.merge)


def _data_docs(engine: Engine, run_id: int, directory: Path) -> Path | None:
    with UnitOfWork(engine) as uow:
        rows = QualityRepository(uow.connection).results(run_id)
    if not rows:
        return None
    return build_data_docs(
        [(row.suite, dict(row.result)) for row in rows],
        directory,
        run_name=f"crm-hub run {run_id}",
        run_time=as_utc(rows[0].validated_at),
    )


def _json(report: RunReport) -> str:
    return json.dumps(report.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"
