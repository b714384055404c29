"""The steps a scheduler calls, one function per task, small JSON-able summaries out.

Every function takes the config path (default: ``$CRMHUB_CONFIG``, else
``hub.yaml``) and is idempotent: a retried task joins the same run through the
scheduler's run key and continues where the failed attempt stopped. The store
URL may come from the scheduler (an Airflow connection) through ``store_url``
or ``$CRMHUB_STORE_URL``; it is never logged.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from core.errors import ConfigError, ReconciliationError, register_secret
from core.log_masking import install as install_masking
from core.log_masking import set_masking
from core.settings import HubConfig, load_config
from pipeline.backup import apply_retention, create_backup, restore_drill, verify_backup
from pipeline.migrate import migrate_file, preview_file
from pipeline.report import write_report
from pipeline.run import Run
from pipeline.store import store_writer, upgrade_store

#: How long a task waits for another writer of the store (a CLI sync, a parallel task).
LOCK_WAIT_ENV = "CRMHUB_TASK_LOCK_WAIT_SECONDS"
DEFAULT_LOCK_WAIT = 3600.0


def load(config_path: str | None = None, store_url: str | None = None) -> HubConfig:
    path = Path(config_path or os.environ.get("CRMHUB_CONFIG") or "hub.yaml")
    config = load_config(path)
    install_masking()  # the scheduler's own log handlers
    set_masking(config.privacy.mask_personal_data)
    url = store_url or os.environ.get("CRMHUB_STORE_URL")
    if url:
        register_secret(url)
        config = config.model_copy(update={"store": url})
    return config


def lock_wait() -> float:
    """Seconds a task waits for the store's writer lock (``$CRMHUB_TASK_LOCK_WAIT_SECONDS``)."""
    raw = os.environ.get(LOCK_WAIT_ENV)
    try:
        return float(raw) if raw else DEFAULT_LOCK_WAIT
    except ValueError as e:
        raise ConfigError(f"{LOCK_WAIT_ENV}: expected seconds, got {raw!r}") from e


def _writer(config: HubConfig, purpose: str):
    return store_writer(config, purpose, wait=lock_wait())


def source_names(config_path: str | None = None) -> list[str]:
    return [s.name for s in load(config_path).sources]


def upgrade(config_path: str | None, store_url: str | None = None) -> dict[str, Any]:
    """Bring the store's schema to this code's (the first task of a run: the others never
    migrate, and refuse a store behind the code)."""
    before, now = upgrade_store(load(config_path, store_url), wait=lock_wait())
    return {"upgraded_from": before, "revision": now}


def start_sync(config_path: str | None, store_url: str | None = None, *, run_key: str) -> int:
    config = load(config_path, store_url)
    with _writer(config, "sync start") as engine:
        run = Run.begin(config, engine, "sync", source_names(config_path), external_key=run_key)
    return run.run_id


def extract(
    config_path: str | None, run_id: int, source: str, store_url: str | None = None
) -> dict[str, Any]:
    """Stage one source; raises on failure so the scheduler retries just this source."""
    config = load(config_path, store_url)
    with _writer(config, f"extract of {source}") as engine:
        run = Run(config, engine, run_id)
        run.extract(source, fail_fast=True)
        ledger = next(s for s in run.ledger().source_ledgers if s.source == source)
    return ledger.model_dump(
        include={"source", "read", "unchanged", "staged", "quarantined", "erased", "deleted"}
    )


def resolve(config_path: str | None, run_id: int, store_url: str | None = None) -> dict[str, Any]:
    config = load(config_path, store_url)
    with _writer(config, "resolve") as engine:
        counts = Run(config, engine, run_id).resolve()
    return {"resolved": counts.resolved, **counts.golden.as_run_counts(), "reviews": counts.reviews}


def finish(config_path: str | None, run_id: int, store_url: str | None = None) -> dict[str, Any]:
    """Close the run's ledger and run the quality checks; fail loudly (naming sources, checks
    and counts) if the ledger does not add up or an ``error`` check failed.

    The checks run even when the ledger is off, so the report shows the reconciliation check.
    """
    config = load(config_path, store_url)
    with _writer(config, "finish") as engine:
        run = Run(config, engine, run_id)
        problems = run.close(source_names(config_path))
        quality = run.check()
        ledger = run.ledger()
    if problems:
        raise ReconciliationError(f"run {run_id}: " + "; ".join(problems))
    quality.raise_for_failures()
    return {
        "run_id": run_id,
        "status": ledger.status,
        "read": ledger.total("read"),
        "staged": ledger.total("staged"),
        "quarantined": ledger.total("quarantined"),
        "golden_created": ledger.golden_created,
        "events": ledger.events,
        "checks": quality.counts(),
    }


def report(config_path: str | None, run_id: int, store_url: str | None = None) -> dict[str, Any]:
    """Write the run's HTML + JSON report and Data Docs; the summary carries their paths.

    It does not fail on failed checks (``finish`` already failed the run for them): the
    report is what ops read to see why.
    """
    config = load(config_path, store_url)
    with _writer(config, "report") as engine:  # it stores the quality results it computes
        written = write_report(engine, config, run_id)
    return {
        "run_id": run_id,
        "report": str(written.html),
        "json": str(written.json),
        "data_docs": str(written.data_docs) if written.data_docs else None,
        "checks": written.quality.counts(),
    }


def migrate(
    config_path: str | None,
    file: str,
    *,
    source: str | None = None,
    mapping: str | None = None,
    dry_run: bool = False,
    run_key: str | None = None,
    store_url: str | None = None,
) -> dict[str, Any]:
    """Load a legacy file (a retry with the same ``run_key`` continues the same run)."""
    config = load(config_path, store_url)
    path = config.resolve_path(file)
    if dry_run:
        preview = preview_file(config, path, source=source, mapping=mapping)
        return {
            "dry_run": True,
            "source": preview.source,
            "read": preview.read,
            "new": preview.new,
            "changed": preview.changed,
            "unchanged": preview.unchanged,
            "quarantined": preview.quarantined,
            "top_reasons": dict(preview.reasons.most_common(5)),
        }
    with _writer(config, "migrate"):  # migrate_file takes it again (re-entrant)
        result = migrate_file(config, path, source=source, mapping=mapping, run_key=run_key)
    ledger = result.ledger
    return {
        "dry_run": False,
        "run_id": ledger.run_id,
        "read": ledger.total("read"),
        "staged": ledger.total("staged"),
        "unchanged": ledger.total("unchanged"),
        "quarantined": ledger.total("quarantined"),
        "golden_created": ledger.golden_created,
    }


def backup(config_path: str | None, store_url: str | None = None) -> dict[str, Any]:
    """Take a consistent backup of the store; returns its folder and row count."""
    made = create_backup(load(config_path, store_url))
    return {"backup": str(made.path), "rows": made.rows}


def verify(backup_path: str) -> dict[str, Any]:
    info = verify_backup(Path(backup_path))
    return {"backup": backup_path, "tables": len(info.tables), "rows": info.rows}


def drill(backup_path: str) -> dict[str, Any]:
    """Restore into a scratch store and compare counts and checksums table by table."""
    info = restore_drill(Path(backup_path))
    return {"backup": backup_path, "restored_rows": info.rows, "drill": "passed"}


def retention(config_path: str | None) -> dict[str, Any]:
    removed = apply_retention(load(config_path))
    return {"removed": [p.name for p in removed]}


def store_url_from_uri(uri: str) -> str:
    """A connection URI as schedulers hand it over → a SQLAlchemy URL crm-hub can use.

    >>> store_url_from_uri("postgres://hub:pw@db:5432/hub")
    'postgresql+psycopg://hub:pw@db:5432/hub'
    """
    register_secret(uri)
    scheme, sep, rest = uri.partition("://")
    if scheme in ("postgres", "postgresql"):
        scheme = "postgresql+psycopg"
    url = f"{scheme}{sep}{rest}"
    register_secret(url)
    return url
