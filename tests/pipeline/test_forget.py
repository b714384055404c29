"""``crmhub forget``: the person leaves every table, stays out of later syncs, and downstream
hears of it through the change feed."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import sqlalchemy as sa
from store_helpers import csv_config, table, write_csv  # type: ignore[import-not-found]

from core.errors import ConfigError
from core.settings import QualitySettings
from core.store.tables import field_issue, golden_record, metadata, steward_action, xref
from crmhub.cli import main
from mdm import SurvivorshipPolicy
from pipeline.change_feed import change_page
from pipeline.forget import ForgetRequest, forget
from pipeline.read_model import CustomerQuery, find_customers, read_customer
from pipeline.steward import accept_review, list_reviews
from pipeline.store import open_store
from pipeline.sync import sync

LENA = {
    "source_id": "1",
    "full_name": "Lena Kraus",
    "email": "lena.kraus@example.de",
    "phone": "+49 171 5550123",
    "city": "Leipzig",
}
LENA_AGAIN = {
    **LENA,
    "source_id": "2",
    "email": "Lena.Kraus@Example.de",
    "phone": "+49 (171) 555-0123",
}
LENA_BROKEN = {**LENA, "source_id": "3", "birth_date": "31.02.1990"}  # quarantined by policy
BEN = {"source_id": "4", "full_name": "Ben Wagner", "email": "ben@example.de", "city": "Kiel"}
# Traces of Lena that must not survive, however they are spelled.
TRACES = ("lena.kraus@example.de", "+491715550123", "1715550123", "lena kraus", "kraus")


def everything(config) -> str:  # type: ignore[no-untyped-def]
    """Every row of every table, as text, lower case."""
    engine = sa.create_engine(config.store_url())
    with engine.connect() as connection:
        rows = [
            repr(tuple(row))
            for t in metadata.sorted_tables
            for row in connection.execute(sa.select(t))
        ]
    engine.dispose()
    return "\n".join(rows).lower()


def golden_of(config, source_id: str) -> str:  # type: ignore[no-untyped-def]
    return next(r.golden_id for r in table(config, xref) if r.source_id == source_id)


@pytest.fixture
def synced(store_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    path = write_csv(tmp_path / "crm.csv", [LENA, LENA_AGAIN, LENA_BROKEN, BEN])
    config = csv_config(store_url, path)  # a team that holds records with bad dates back:
    quality = QualitySettings(field_policy={"birth_date": "quarantine"})
    config = config.model_copy(update={"quality": quality})
    result = sync(config)
    assert result.ok, result.problems
    assert result.ledger.total("quarantined") == 1
    assert golden_of(config, "1") == golden_of(config, "2")
    text = everything(config)
    assert all(trace in text for trace in TRACES[:2])  # the check below can fail
    return config, path, open_store(config, "write")


def test_forget_by_email_leaves_no_trace_and_the_feed_says_deleted(synced) -> None:  # type: ignore[no-untyped-def]
    config, _, engine = synced
    lena = golden_of(config, "1")
    before = change_page(engine, 0, 1000).last_seq

    result = forget(engine, ForgetRequest(email=" LENA.KRAUS@example.DE "), actor="dpo")

    assert result.golden_ids == [lena]
    assert result.source_records == 2
    assert result.removed["quarantine"] == 1  # found by her email in the raw record
    assert result.tombstones == 5  # 3 source records, her email, her name with her phone
    text = everything(config)
    for trace in TRACES:
        assert trace not in text, trace
    assert "ben@example.de" in text  # Ben is untouched
    (row,) = [r for r in table(config, golden_record) if r.golden_id == lena]
    assert (row.status, row.record, row.provenance) == ("deleted", {}, {})
    events = change_page(engine, before, 100).events
    assert [(e.golden_id, e.kind) for e in events] == [(lena, "delete")]
    (audit,) = [a for a in table(config, steward_action) if a.action == "forget"]
    assert audit.actor == "dpo"
    assert audit.detail["selector"] == "email" and audit.detail["golden_ids"] == [lena]
    assert audit.detail["rows"]["source_record"] == 2
    query = CustomerQuery.from_params(email="lena.kraus@example.de", default_region="DE")
    assert find_customers(engine, query, limit=10).customers == []
    assert read_customer(engine, lena).status == "deleted"  # type: ignore[union-attr]


def test_a_new_sync_of_the_same_data_does_not_bring_the_person_back(synced) -> None:  # type: ignore[no-untyped-def]
    config, path, engine = synced
    forget(engine, ForgetRequest(email="lena.kraus@example.de"), actor="dpo")
    # A new record of hers in the source, under a new id: still recognised.
    write_csv(path, [LENA, LENA_AGAIN, LENA_BROKEN, BEN, {**LENA, "source_id": "9"}])

    result = sync(config)

    assert result.ok, result.problems
    (ledger,) = result.ledger.source_ledgers
    assert (ledger.read, ledger.unchanged, ledger.staged, ledger.quarantined, ledger.erased) == (
        5,
        1,
        0,
        0,
        4,
    )
    text = everything(config)
    for trace in TRACES:
        assert trace not in text, trace
    assert sync(config).ok  # and the run after that


def test_forgetting_erases_the_field_issues_of_her_kept_records(
    store_url: str, tmp_path: Path
) -> None:
    config = csv_config(store_url, write_csv(tmp_path / "crm.csv", [LENA, LENA_BROKEN, BEN]))
    assert sync(config).ledger.total("with_field_issues") == 1  # the date is set aside
    assert [r.source_id for r in table(config, field_issue)] == ["3"]

    result = forget(
        open_store(config, "write"), ForgetRequest(email="lena.kraus@example.de"), actor="dpo"
    )

    assert result.source_records == 2
    assert table(config, field_issue) == []


def test_forgetting_a_merged_golden_id_erases_the_alias_too(store_url: str, tmp_path: Path) -> None:
    anna = {"full_name": "Anna Schmidt", "city": "Berlin"}
    path = write_csv(
        tmp_path / "crm.csv",
        [{**anna, "source_id": "1"}, {**anna, "source_id": "2"}, BEN],
    )
    config = csv_config(store_url, path)
    assert sync(config).ok
    engine = open_store(config, "write")
    first, second = golden_of(config, "1"), golden_of(config, "2")
    (item,) = list_reviews(engine)
    (survivor,) = accept_review(
        engine, item.task_id, policy=SurvivorshipPolicy(trust={"crm": 50}), actor="maria"
    ).golden_ids
    alias = second if survivor == first else first

    result = forget(engine, ForgetRequest(golden_id=alias), actor="dpo")  # the alias resolves

    assert sorted(result.golden_ids) == sorted([survivor, alias])
    assert "anna" not in everything(config) and "schmidt" not in everything(config)
    assert sync(config).ok
    assert "schmidt" not in everything(config)


def test_a_shared_landline_stays_with_the_rest_of_the_household(
    store_url: str, tmp_path: Path
) -> None:
    landline = "+49 341 5550000"
    lena = {**LENA, "phone": landline}
    max_ = {"source_id": "5", "full_name": "Max Kraus", "phone": landline, "city": "Leipzig"}
    path = write_csv(tmp_path / "crm.csv", [lena, max_])
    config = csv_config(store_url, path)
    assert sync(config).ok
    engine = open_store(config, "write")
    assert golden_of(config, "1") != golden_of(config, "5")

    forget(engine, ForgetRequest(source="crm", source_id="1"), actor="dpo")
    write_csv(path, [lena, {**max_, "city": "Halle"}])
    result = sync(config)

    assert result.ok
    assert result.ledger.source_ledgers[0].erased == 1
    text = everything(config)
    assert "lena" not in text and "+493415550000" in text and "halle" in text


def test_selectors_are_checked_before_anything_happens(synced) -> None:  # type: ignore[no-untyped-def]
    _, _, engine = synced
    with pytest.raises(ConfigError, match="exactly one"):
        forget(engine, ForgetRequest(email="a@b.de", golden_id="G1"), actor="x")
    with pytest.raises(ConfigError, match="go together"):
        forget(engine, ForgetRequest(source="crm"), actor="x")
    with pytest.raises(ConfigError, match="no golden record 'GNOPE'"):
        forget(engine, ForgetRequest(golden_id="GNOPE"), actor="x")
    with pytest.raises(ConfigError, match="not an email address"):
        forget(engine, ForgetRequest(email="nobody"), actor="x")


def test_the_command_line_asks_and_reports_without_the_values(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_csv(tmp_path / "crm.csv", [LENA, BEN])
    hub = tmp_path / "hub.yaml"
    hub.write_text(
        f"store: sqlite:///{tmp_path / 'store.db'}\nsources:\n  - name: crm\n"
        f"    kind: spreadsheet\n    connection: {{path: {path}}}\n",
        encoding="utf-8",
    )
    assert main(["sync", "-c", str(hub)]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("n\n"))
    assert main(["forget", "--email", LENA["email"], "-c", str(hub)]) == 1  # declined
    assert main(["forget", "--email", "x@y.de", "--golden-id", "G", "-c", str(hub)]) == 2
    assert "exactly one" in capsys.readouterr().err
    code = main(["forget", "--email", LENA["email"], "--yes", "--by", "dpo", "-c", str(hub)])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "1 golden records and 1 source records erased" in out
    assert "lena" not in (out + err).lower()
