"""
### crm_migration — load a legacy file once, with proof that nothing was lost

Trigger it by hand with the file to load. It reads the file in resumable
batches (a retry continues where the failed attempt stopped), writes the
reconciliation ledger and **fails loudly**, naming the source and the counts,
when read ≠ unchanged + staged + quarantined. Only a store or source that did
not answer is retried; a ledger that does not add up, a missing file or a
broken mapping fails at once (a retry would meet the same file). With `dry_run` it only reports
what would happen — new, changed, unchanged and quarantined records with the
top reasons — and writes nothing.

Params: `file` (path, relative to hub.yaml), `source` (a configured source whose
settings to use, or a new name), `mapping` (a mapping file or built-in name),
`dry_run`, `config` (path of hub.yaml; default `$CRMHUB_CONFIG`, else `hub.yaml`).
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from typing import Any  # at run time too: Airflow reads return types for multiple_outputs

from airflow.sdk import Param, dag, task

RETRY_DELAY = timedelta(seconds=int(os.environ.get("CRMHUB_RETRY_DELAY_SECONDS", "120")))


@dag(
    dag_id="crm_migration",
    schedule=None,
    start_date=datetime(2026, 1, 1),
    catchup=False,
    doc_md=__doc__,
    tags=["crm-hub", "migration"],
    default_args={"owner": "migration-team", "retries": 1, "retry_delay": RETRY_DELAY},
    params={
        "file": Param("", type="string", description="the legacy file to load"),
        "source": Param(None, type=["null", "string"], description="source name"),
        "mapping": Param(None, type=["null", "string"], description="mapping file or name"),
        "dry_run": Param(False, type="boolean", description="report only, write nothing"),
        "config": Param(None, type=["null", "string"], description="path of hub.yaml"),
    },
)
def crm_migration() -> None:
    @task
    def migrate() -> dict[str, Any]:
        from airflow.sdk import get_current_context
        from airflow.sdk.exceptions import AirflowFailException

        from core.errors import ConfigError, ReconciliationError
        from pipeline import tasks

        context = get_current_context()
        params = context["params"]
        try:
            return tasks.migrate(
                params["config"],
                params["file"],
                source=params["source"],
                mapping=params["mapping"],
                dry_run=params["dry_run"],
                run_key=f"airflow:crm_migration:{context['run_id']}",
            )
        except (ConfigError, ReconciliationError) as e:  # the same file fails the same way
            raise AirflowFailException(str(e)) from e

    migrate()


crm_migration()
