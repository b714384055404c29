"""
### crm_backup — a daily backup of the store, proven restorable

`backup` takes a consistent backup while syncs may be running (SQLite: the
online backup API; PostgreSQL: one repeatable-read snapshot) as a portable
dump with a manifest of row counts and SHA-256 checksums; `verify` checks every
file against the manifest; `drill` restores it into a scratch store and
compares every table's count and checksum; `retention` keeps the newest
`backup.keep` backups (hub.yaml). Params: `config` (path of hub.yaml).
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from typing import Any  # at run time too: Airflow reads return types for multiple_outputs

from airflow.sdk import Param, dag, task

RETRY_DELAY = timedelta(seconds=int(os.environ.get("CRMHUB_RETRY_DELAY_SECONDS", "300")))


def _config() -> str | None:
    from airflow.sdk import get_current_context

    return get_current_context()["params"].get("config")


@dag(
    dag_id="crm_backup",
    schedule=os.environ.get("CRMHUB_BACKUP_SCHEDULE", "@daily"),
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    doc_md=__doc__,
    tags=["crm-hub", "backup"],
    default_args={"owner": "data-engineering", "retries": 2, "retry_delay": RETRY_DELAY},
    params={"config": Param(None, type=["null", "string"], description="path of hub.yaml")},
)
def crm_backup() -> None:
    @task
    def backup() -> str:
        from pipeline import tasks

        return tasks.backup(_config())["backup"]

    @task
    def verify(path: str) -> dict[str, Any]:
        from pipeline import tasks

        return tasks.verify(path)

    @task
    def drill(path: str) -> dict[str, Any]:
        from pipeline import tasks

        return tasks.drill(path)

    @task
    def retention() -> dict[str, Any]:
        from pipeline import tasks

        return tasks.retention(_config())

    path = backup()
    # verify and drill are handed the path backup returned; Airflow's types see an XComArg.
    verify(path) >> drill(path) >> retention()  # type: ignore[arg-type]  # see above


crm_backup()
