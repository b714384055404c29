"""Exports of the golden records: CSV, JSON lines and Parquet agree with the store; ``since``
gives exactly what changed, tombstones included."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa

import pipeline.export_parquet
from core.settings import HubConfig, load_config
from core.store.tables import change_event, golden_record, xref
from mdm import SurvivorshipPolicy
from pipeline.demo import sample_dir
from pipeline.export import export_golden
from pipeline.export_columns import EXPORT_COLUMNS, FIELD_COLUMNS, export_columns
from pipeline.export_parquet import parquet_schema
from pipeline.steward import merge_golden
from pipeline.store import open_store
from pipeline.sync import sync

TRUST = {"crm": 70, "erp": 60, "webshop": 40}
POLICY = SurvivorshipPolicy(trust=TRUST)


@pytest.fixture
def hub(store_url: str, tmp_path: Path) -> HubConfig:
    shutil.copytree(sample_dir(), tmp_path / "hub")
    config = load_config(tmp_path / "hub" / "hub.yaml").model_copy(update={"store": store_url})
    assert sync(config).ok
    return config


def goldens(config: HubConfig) -> dict[str, sa.Row]:  # type: ignore[type-arg]
    engine = sa.create_engine(config.store_url())
    with engine.connect() as c:
        found = {r.golden_id: r for r in c.execute(sa.select(golden_record))}
    engine.dispose()
    return found


def scalar(config: HubConfig, query: sa.Select) -> object:  # type: ignore[type-arg]
    engine = sa.create_engine(config.store_url())
    with engine.connect() as c:
        value = c.execute(query).scalar()
    engine.dispose()
    return value


def text_export(config: HubConfig, fmt: str, **options: object) -> tuple[str, int]:
    out = io.StringIO()
    result = export_golden(open_store(config, "write"), out, fmt, **options)  # type: ignore[arg-type]
    return out.getvalue(), result.count


def test_csv_has_one_row_per_active_record_with_its_fields(hub: HubConfig) -> None:
    text, count = text_export(hub, "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    active = {g: r for g, r in goldens(hub).items() if r.status == "active"}
    assert count == len(rows) == len(active) == 25
    assert tuple(rows[0]) == EXPORT_COLUMNS
    assert [r["golden_id"] for r in rows] == sorted(active)
    for row in rows:
        stored = active[row["golden_id"]]
        assert row["version"] == str(stored.version) and row["status"] == "active"
        for column in FIELD_COLUMNS:
            assert row[column] == str(stored.record.get(column) or ""), column


def test_jsonl_carries_whole_records_and_provenance_on_request(hub: HubConfig) -> None:
    plain, _ = text_export(hub, "jsonl")
    with_sources, count = text_export(hub, "jsonl", provenance=True)
    active = {g: r for g, r in goldens(hub).items() if r.status == "active"}
    items = [json.loads(line) for line in with_sources.splitlines()]
    assert count == len(items) == 25
    for item in items:
        stored = active[item["golden_id"]]
        assert item["record"] == stored.record and item["provenance"] == stored.provenance
    assert all("provenance" not in json.loads(line) for line in plain.splitlines())


def test_provenance_columns_name_the_source_record_of_each_field(hub: HubConfig) -> None:
    text, _ = text_export(hub, "csv", provenance=True)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0]) == export_columns(provenance=True)
    stored = goldens(hub)
    zhang = next(r for r in rows if r["email"] == "zhang.wei@example.cn")
    assert zhang["email__source"] == "crm:C1001"
    for row in rows:
        for column in FIELD_COLUMNS:
            origin = stored[row["golden_id"]].provenance.get(column)
            expected = f"{origin['source']}:{origin['source_id']}" if origin else ""
            assert row[f"{column}__source"] == expected


def test_parquet_has_the_fixed_schema_in_row_groups(
    hub: HubConfig, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline.export_parquet, "ROW_GROUP_SIZE", 5)
    path = tmp_path / "golden.parquet"
    with path.open("wb") as out:
        result = export_golden(open_store(hub, "write"), out, "parquet", provenance=True)
    parquet = pq.ParquetFile(path)
    assert parquet.schema_arrow == parquet_schema(provenance=True)
    assert parquet.metadata.num_rows == result.count == 25
    assert parquet.metadata.num_row_groups == 5  # 5+5+5+5+1
    table = parquet.read()
    text, _ = text_export(hub, "csv", provenance=True)
    rows = list(csv.DictReader(io.StringIO(text)))
    for row, item in zip(rows, table.to_pylist(), strict=True):
        assert item["updated_at"].isoformat() == row["updated_at"]
        for column in (c for c in export_columns(True) if c != "updated_at"):
            assert str(item[column] if item[column] is not None else "") == row[column], column


def test_since_gives_exactly_the_records_changed_after_it_in_their_current_state(
    hub: HubConfig,
) -> None:
    engine = open_store(hub, "write")
    seq = int(scalar(hub, sa.select(sa.func.max(change_event.c.seq))))  # type: ignore[arg-type]
    assert text_export(hub, "jsonl", since=seq) == ("", 0)

    def golden_of(source_id: str) -> str:
        query = sa.select(xref.c.golden_id).where(xref.c.source_id == source_id)
        return str(scalar(hub, query))

    anna, john, emma = golden_of("C1003"), golden_of("C1004"), golden_of("C1011")
    survivor = merge_golden(engine, anna, john, policy=POLICY, actor="test").golden_ids[0]
    loser = john if survivor == anna else anna
    crm = hub.base_dir / "data" / "crm_contacts.csv"
    lines = crm.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    crm.write_text("".join(x for x in lines if not x.startswith("C1011,")), encoding="utf-8")
    assert sync(hub).ok

    text, count = text_export(hub, "jsonl", since=seq)
    items = {i["golden_id"]: i for i in map(json.loads, text.splitlines())}
    assert set(items) == {survivor, loser, emma} and count == 3
    assert items[survivor]["status"] == "active" and items[survivor]["record"]["full_name"]
    assert (items[loser]["status"], items[loser]["merged_into"]) == ("merged", survivor)
    assert items[emma]["status"] == "deleted"
    assert items[loser]["record"] is None and items[emma]["record"] is None  # tombstones
    stored = goldens(hub)
    assert all(items[g]["version"] == stored[g].version for g in items)

    csv_text, _ = text_export(hub, "csv", since=seq)
    rows = {r["golden_id"]: r for r in csv.DictReader(io.StringIO(csv_text))}
    assert rows[emma]["status"] == "deleted" and rows[emma]["email"] == ""
    after_merge = seq + 2  # merged_away and merge; the deletion came after them
    later, _ = text_export(hub, "jsonl", since=after_merge)
    assert [json.loads(line)["golden_id"] for line in later.splitlines()] == [emma]


def test_the_export_command_refuses_parquet_on_stdout_and_names_the_next_since(
    hub: HubConfig, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from crmhub.cli import main

    config = hub.base_dir / "hub.yaml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("sqlite:///crmhub.db", hub.store),
        encoding="utf-8",
    )
    assert main(["golden", "export", "-f", "parquet", "-c", str(config)]) == 2
    assert "parquet is binary" in capsys.readouterr().err
    target = tmp_path / "g.parquet"
    assert main(["golden", "export", "-f", "parquet", "-o", str(target), "-c", str(config)]) == 0
    assert "25 golden records written" in capsys.readouterr().err
    assert pq.read_metadata(target).num_rows == 25
    assert main(["golden", "export", "-f", "jsonl", "--since", "25", "-c", str(config)]) == 0
    out, err = capsys.readouterr()
    assert out == "" and "next time: --since 25" in err
    assert main(["golden", "export", "-f", "xml", "-c", str(config)]) == 2
    assert "csv, jsonl, parquet" in capsys.readouterr().err
