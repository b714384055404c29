"""The Airflow steps: ``finish`` runs the checks and fails on error checks; ``report`` writes
the report anyway and returns its path for XCom."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml
from quality_helpers import write_rows  # type: ignore[import-not-found]

from core.store.tables import run
from pipeline import tasks
from quality import QualityFailure

SHARED = [
    {
        "source_id": "1",
        "full_name": "Anna Schmidt",
        "email": "info@example.de",
        "phone": "+49 30 1234567",
        "city": "Berlin",
        "postcode": "10115",
    },
    {
        "source_id": "2",
        "full_name": "Wang Lei",
        "email": "info@example.de",
        "phone": "+86 138 0013 8000",
        "city": "Shanghai",
        "postcode": "200040",
    },
]


def write_hub(tmp_path: Path, quality: dict[str, object]) -> Path:
    write_rows(tmp_path / "crm.csv", SHARED)
    path = tmp_path / "hub.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "store": "sqlite:///hub.db",
                "sources": [
                    {"name": "crm", "kind": "spreadsheet", "connection": {"path": "crm.csv"}}
                ],
                "quality": quality,
            }
        ),
        encoding="utf-8",
    )
    return path


def run_dag_steps(config: str, store: str) -> int:
    run_id = tasks.start_sync(config, store, run_key="airflow:crm_sync:test")
    summary = tasks.extract(config, run_id, "crm", store)
    assert summary["read"] == 2
    tasks.resolve(config, run_id, store)
    return run_id


def test_finish_fails_on_an_error_check_and_report_still_returns_its_path(
    store_url: str, tmp_path: Path
) -> None:
    config = str(write_hub(tmp_path, {"severity": {"golden_unique_email": "error"}}))
    run_id = run_dag_steps(config, store_url)
    with pytest.raises(QualityFailure, match=r"golden records: golden_unique_email: 1 pair"):
        tasks.finish(config, run_id, store_url)
    engine = sa.create_engine(store_url)
    with engine.connect() as connection:
        status = connection.execute(sa.select(run.c.status).where(run.c.run_id == run_id))
        assert status.scalar_one() == "failed"
    engine.dispose()

    summary = tasks.report(config, run_id, store_url)
    assert summary["report"] == str(tmp_path / "reports" / f"run-{run_id}.html")
    assert Path(summary["report"]).is_file() and Path(summary["json"]).is_file()
    assert summary["data_docs"].endswith(f"run-{run_id}-data-docs/index.html")
    assert summary["checks"]["failed"] == 1


def test_finish_passes_and_counts_the_checks_when_only_warnings_fire(
    store_url: str, tmp_path: Path
) -> None:
    config = str(write_hub(tmp_path, {}))
    run_id = run_dag_steps(config, store_url)
    summary = tasks.finish(config, run_id, store_url)
    assert summary["status"] == "succeeded"
    assert summary["checks"] == {"passed": 12, "warned": 1, "failed": 0}
