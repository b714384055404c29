"""The DAG files: they load, they are documented, they retry, and they run end to end."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

airflow = pytest.importorskip("airflow", reason="the airflow extra is part of `make test`")

from airflow.dag_processing.dagbag import DagBag  # noqa: E402
from airflow.utils.state import DagRunState  # noqa: E402

from core.settings import load_config  # noqa: E402
from core.store.tables import run, source_record  # noqa: E402
from pipeline.demo import sample_dir  # noqa: E402

DAGS = Path(__file__).resolve().parents[2] / "dags"


@pytest.fixture(scope="module")
def dagbag() -> DagBag:
    from airflow.utils import db

    db.resetdb()
    return DagBag(dag_folder=str(DAGS))


@pytest.fixture
def hub(tmp_path: Path) -> Path:
    shutil.copytree(sample_dir(), tmp_path / "hub")
    return tmp_path / "hub" / "hub.yaml"


def test_every_dag_file_loads_without_import_errors(dagbag: DagBag) -> None:
    assert dagbag.import_errors == {}
    assert set(dagbag.dag_ids) == {"crm_sync", "crm_migration", "crm_backup"}


@pytest.mark.parametrize("dag_id", ["crm_sync", "crm_migration", "crm_backup"])
def test_every_dag_is_documented_tagged_owned_and_retries(dagbag: DagBag, dag_id: str) -> None:
    dag = dagbag.get_dag(dag_id)
    assert dag.doc_md and dag_id in dag.doc_md
    assert "crm-hub" in dag.tags
    assert dag.catchup is False
    for task in dag.tasks:
        assert task.retries >= 1, task.task_id
        assert task.owner not in ("", "airflow"), task.task_id


def test_crm_sync_is_hourly_and_publishes_the_golden_records_asset(dagbag: DagBag) -> None:
    dag = dagbag.get_dag("crm_sync")
    assert "0 * * * *" in repr(dag.timetable)
    outlets = [o.uri.rstrip("/") for t in dag.tasks for o in t.outlets]
    assert outlets == ["crmhub://golden-records"]


def test_crm_sync_runs_only_when_triggered_with_the_schedule_none(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CRMHUB_SYNC_SCHEDULE", "none")
    dag = DagBag(dag_folder=str(DAGS / "crm_sync.py")).get_dag("crm_sync")
    assert not dag.timetable.can_be_scheduled


def sync_conf(hub: Path) -> dict[str, object]:
    return {"config": str(hub), "store_conn_id": None}


def store_rows(config_path: Path, table: sa.Table) -> list:  # type: ignore[type-arg]
    engine = sa.create_engine(load_config(config_path).store_url())
    with engine.connect() as c:
        rows = list(c.execute(sa.select(table)))
    engine.dispose()
    return rows


def test_crm_sync_runs_end_to_end_on_sqlite(dagbag: DagBag, hub: Path) -> None:
    dag_run = dagbag.get_dag("crm_sync").test(run_conf=sync_conf(hub))
    assert dag_run.state == DagRunState.SUCCESS
    (crmhub_run,) = store_rows(hub, run)
    assert (crmhub_run.status, crmhub_run.golden_created) == ("succeeded", 25)
    assert crmhub_run.external_key.startswith("airflow:crm_sync:")
    summary = dag_run.get_task_instance("report").xcom_pull(task_ids="report")
    reports = hub.parent / "reports"
    assert summary["report"] == str(reports / f"run-{crmhub_run.run_id}.html")
    assert summary["json"] == str(reports / f"run-{crmhub_run.run_id}.json")
    assert summary["data_docs"] == str(
        reports / f"run-{crmhub_run.run_id}-data-docs" / "index.html"
    )
    assert all(Path(summary[key]).is_file() for key in ("report", "json", "data_docs"))
    assert summary["checks"]["failed"] == 0
    assert sum(summary["checks"].values()) == 3 * 8 + 5  # 8 per source, 5 on golden records


def test_crm_sync_upgrades_an_older_store_before_any_other_task(dagbag: DagBag, hub: Path) -> None:
    from core.store import make_engine, migrate
    from core.store.engine import current_revision
    from core.store.schema import head_revision

    dag = dagbag.get_dag("crm_sync")
    assert dag.get_task("start").upstream_task_ids == {"upgrade"}
    engine = make_engine(load_config(hub).store_url())
    migrate(engine, "0006")  # a store an older crm-hub created
    dag_run = dag.test(run_conf=sync_conf(hub))
    assert dag_run.state == DagRunState.SUCCESS
    summary = dag_run.get_task_instance("upgrade").xcom_pull(task_ids="upgrade")
    assert summary == {"upgraded_from": "0006", "revision": head_revision()}
    assert current_revision(engine) == head_revision()
    engine.dispose()
    (crmhub_run,) = store_rows(hub, run)
    assert crmhub_run.status == "succeeded"


def test_an_error_check_fails_crm_sync_and_the_report_still_says_why(
    dagbag: DagBag, hub: Path
) -> None:
    hub.write_text(
        hub.read_text(encoding="utf-8")
        + "quality:\n  severity: {validity: error}\n  max_invalid_share: 0.0\n",
        encoding="utf-8",
    )
    dag_run = dagbag.get_dag("crm_sync").test(run_conf=sync_conf(hub))
    assert dag_run.state == DagRunState.FAILED
    states = {ti.task_id: ti.state for ti in dag_run.get_task_instances()}
    assert (states["finish"], states["report"]) == ("failed", "success")
    assert dag_run.get_task_instance("finish").try_number == 1  # checks fail again: no retry
    (crmhub_run,) = store_rows(hub, run)
    assert crmhub_run.status == "failed" and "validity" in crmhub_run.message
    summary = dag_run.get_task_instance("report").xcom_pull(task_ids="report")
    assert summary["checks"]["failed"] >= 1
    page = Path(summary["report"]).read_text(encoding="utf-8")
    assert "FAIL" in page and "failed mapping or validation" in page


def test_crm_sync_runs_end_to_end_on_postgresql(
    dagbag: DagBag, hub: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CRMHUB_STORE_URL", pg_url)
    dag_run = dagbag.get_dag("crm_sync").test(run_conf=sync_conf(hub))
    assert dag_run.state == DagRunState.SUCCESS
    engine = sa.create_engine(pg_url)
    with engine.connect() as c:
        assert c.execute(sa.select(sa.func.count()).select_from(source_record)).scalar() == 35
    engine.dispose()


def test_a_source_that_fails_once_is_retried_and_nothing_is_duplicated(
    dagbag: DagBag, hub: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from connector_contract import InterruptingStream  # type: ignore[import-not-found]

    import pipeline.run as run_module

    original, calls = run_module.open_source, []

    def flaky(config, source):  # type: ignore[no-untyped-def]
        opened = original(config, source)
        if source.name != "crm" or calls:
            return opened
        calls.append(source.name)
        streams = [InterruptingStream(s, after=5) for s in opened.connector.streams()]
        connector = type("Flaky", (), {"streams": lambda self: streams})()
        return run_module.OpenSource(opened.config, connector, opened.mapping)

    monkeypatch.setattr(run_module, "open_source", flaky)
    config = load_config(hub)
    crm = config.source("crm").model_copy(update={"batch_size": 2})
    hub.write_text(hub.read_text().replace("trust: 70 ", "trust: 70\n    batch_size: 2 "))
    assert load_config(hub).source("crm").batch_size == crm.batch_size
    dag_run = dagbag.get_dag("crm_sync").test(run_conf=sync_conf(hub))
    assert dag_run.state == DagRunState.SUCCESS
    assert calls == ["crm"]
    records = store_rows(hub, source_record)
    assert len(records) == len({(r.source, r.source_id) for r in records}) == 35
    (crmhub_run,) = store_rows(hub, run)
    assert crmhub_run.status == "succeeded"


def migration_conf(hub: Path, *, dry_run: bool = False) -> dict[str, object]:
    """Every param given: dag.test() keeps params of an earlier run on the same DAG object."""
    return {
        "config": str(hub),
        "file": "data/erp_kunden.csv",
        "source": "erp",
        "mapping": None,
        "dry_run": dry_run,
    }


def test_crm_migration_dry_run_writes_nothing(dagbag: DagBag, hub: Path) -> None:
    conf = migration_conf(hub, dry_run=True)
    dag_run = dagbag.get_dag("crm_migration").test(run_conf=conf)
    assert dag_run.state == DagRunState.SUCCESS
    assert not (hub.parent / "crmhub.db").exists()


def test_crm_migration_loads_a_legacy_file_with_its_ledger(dagbag: DagBag, hub: Path) -> None:
    conf = migration_conf(hub)
    dag_run = dagbag.get_dag("crm_migration").test(run_conf=conf)
    assert dag_run.state == DagRunState.SUCCESS
    (crmhub_run,) = store_rows(hub, run)
    assert (crmhub_run.kind, crmhub_run.status) == ("migrate", "succeeded")
    assert len(store_rows(hub, source_record)) == 10


def test_crm_migration_fails_loudly_when_the_ledger_does_not_add_up(
    dagbag: DagBag, hub: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pipeline.run as run_module

    original = run_module.stage_batch

    def lossy(*args, **kwargs):  # type: ignore[no-untyped-def]
        counts = original(*args, **kwargs)
        counts.read += 1  # one record "read" that is neither staged nor quarantined
        return counts

    monkeypatch.setattr(run_module, "stage_batch", lossy)
    conf = migration_conf(hub)
    dag_run = dagbag.get_dag("crm_migration").test(run_conf=conf)
    assert dag_run.state == DagRunState.FAILED
    (crmhub_run,) = store_rows(hub, run)
    assert crmhub_run.status == "failed"
    # no retry: the same file would fail the same way (and count one more record)
    assert re.search(
        r"source erp: read 12 != unchanged 0 \+ staged 10 \+ quarantined 1 \(= 11\)",
        crmhub_run.message,
    )
    (attempt,) = dag_run.get_task_instances()
    assert attempt.try_number == 1


def test_crm_migration_of_a_missing_file_fails_without_a_retry(dagbag: DagBag, hub: Path) -> None:
    conf = {**migration_conf(hub), "file": "data/no_such_file.csv"}
    dag_run = dagbag.get_dag("crm_migration").test(run_conf=conf)
    assert dag_run.state == DagRunState.FAILED
    (attempt,) = dag_run.get_task_instances()
    assert attempt.try_number == 1


def test_crm_backup_takes_verifies_and_drills_a_backup(dagbag: DagBag, hub: Path) -> None:
    assert dagbag.get_dag("crm_sync").test(run_conf=sync_conf(hub)).state == (DagRunState.SUCCESS)
    dag_run = dagbag.get_dag("crm_backup").test(run_conf=sync_conf(hub))
    assert dag_run.state == DagRunState.SUCCESS
    (backup,) = (hub.parent / "backups").iterdir()
    assert (backup / "manifest.json").is_file()
