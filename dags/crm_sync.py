"""
### crm_sync — keep the golden records in sync with every source

`upgrade` first brings the store's schema up to this crm-hub (no other task
migrates it; they refuse a store behind the code). One mapped task per
configured source extracts, maps, validates and stages it
(a failing source is retried on its own and never blocks the others); then
`resolve` matches and merges the changes into golden records; `finish` checks
the run's ledger (read = unchanged + staged + quarantined, per source) and runs
the quality checks (`quality:` in hub.yaml), and fails loudly when the ledger
does not add up, a source failed or an `error` check failed; `report` runs even
then (a teardown: the run fails with `finish`, and the report says why) and
writes the run's HTML + JSON quality report and Great Expectations Data Docs:
its XCom summary holds their paths (`report`, `json`, `data_docs`) and the
checks per status. Golden-record changes are published as the asset
`crmhub://golden-records`, so downstream DAGs can be scheduled on it.

Schedule: `$CRMHUB_SYNC_SCHEDULE` (a cron expression or preset; `none` for triggered runs
only), hourly by default.

Params: `config` (path of hub.yaml; default `$CRMHUB_CONFIG`, else `hub.yaml`),
`store_conn_id` (an Airflow connection holding the store URL; default: the
config's `store`). Every task is idempotent: a retry joins the same crm-hub run.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from typing import Any  # at run time too: Airflow reads return types for multiple_outputs

from airflow.sdk import Asset, Param, dag, task

GOLDEN_RECORDS = Asset("crmhub://golden-records")
RETRY_DELAY = timedelta(seconds=int(os.environ.get("CRMHUB_RETRY_DELAY_SECONDS", "120")))
SCHEDULE = os.environ.get("CRMHUB_SYNC_SCHEDULE", "@hourly")


def _settings() -> tuple[str | None, str | None]:
    """(config path, store URL) for this run, from the DAG params."""
    from airflow.sdk import Connection, get_current_context

    from pipeline.tasks import store_url_from_uri

    params = get_current_context()["params"]
    conn_id = params.get("store_conn_id")
    store = store_url_from_uri(Connection.get(conn_id).get_uri()) if conn_id else None
    return params.get("config"), store


@dag(
    dag_id="crm_sync",
    schedule=None if SCHEDULE.strip().lower() in ("", "none") else SCHEDULE,
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    doc_md=__doc__,
    tags=["crm-hub", "sync"],
    default_args={"owner": "data-engineering", "retries": 2, "retry_delay": RETRY_DELAY},
    params={
        "config": Param(None, type=["null", "string"], description="path of hub.yaml"),
        "store_conn_id": Param(None, type=["null", "string"], description="store connection"),
    },
)
def crm_sync() -> None:
    @task
    def sources() -> list[str]:
        from pipeline import tasks

        return tasks.source_names(_settings()[0])

    @task
    def upgrade() -> dict[str, Any]:
        from airflow.sdk.exceptions import AirflowFailException

        from core.errors import ConfigError
        from pipeline import tasks

        try:
            return tasks.upgrade(*_settings())
        except ConfigError as e:  # a store ahead of this code, a bad URL: no retry cures it
            raise AirflowFailException(str(e)) from e

    @task
    def start() -> int:
        from airflow.sdk import get_current_context

        from pipeline import tasks

        run_key = f"airflow:crm_sync:{get_current_context()['run_id']}"
        return tasks.start_sync(*_settings(), run_key=run_key)

    @task
    def extract(source: str, crmhub_run: int) -> dict[str, Any]:
        from pipeline import tasks

        config, store = _settings()
        return tasks.extract(config, crmhub_run, source, store)

    @task(trigger_rule="all_done")
    def resolve(crmhub_run: int) -> dict[str, Any]:
        from pipeline import tasks

        config, store = _settings()
        return tasks.resolve(config, crmhub_run, store)

    @task(trigger_rule="all_done", outlets=[GOLDEN_RECORDS])
    def finish(crmhub_run: int) -> dict[str, Any]:
        from airflow.sdk.exceptions import AirflowFailException

        from pipeline import tasks
        from quality import QualityFailure

        config, store = _settings()
        try:
            return tasks.finish(config, crmhub_run, store)
        except QualityFailure as e:  # the same data fails the same checks: no retry
            raise AirflowFailException(str(e)) from e

    @task
    def report(crmhub_run: int) -> dict[str, Any]:
        from pipeline import tasks

        config, store = _settings()
        return tasks.report(config, crmhub_run, store)

    crmhub_run = start()
    upgrade() >> crmhub_run  # the other tasks never migrate: a store behind the code fails them
    staged = extract.partial(crmhub_run=crmhub_run).expand(source=sources())
    # A task called with another's output (an XComArg) is handed the value it returned at run
    # time; Airflow's types see only the XComArg, hence the ignores.
    written = report(crmhub_run).as_teardown()  # type: ignore[arg-type]  # see above
    staged >> resolve(crmhub_run) >> finish(crmhub_run) >> written  # type: ignore[arg-type]  # see above


crm_sync()
