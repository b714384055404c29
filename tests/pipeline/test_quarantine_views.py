"""Listing, showing and exporting the quarantine: reasons always, personal data masked."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from quality_helpers import hub, write_rows  # type: ignore[import-not-found]

from core.errors import ConfigError
from pipeline.quarantine import export_quarantine, iter_entries, list_quarantine, show_entry
from pipeline.store import open_store
from pipeline.sync import sync

BAD = [
    {
        "source_id": "1",
        "full_name": "Zhao Wei",
        "email": "zhao.wei@@example.cn",
        "phone": "+8613800138000",
    },
    {"source_id": "2", "full_name": "Anna Schmidt", "email": "anna@example.de", "phone": "12"},
    {
        "source_id": "3",
        "full_name": "Ben Wagner",
        "email": "ben@example.de",
        "phone": "+49 40 7654321",
    },
]


@pytest.fixture
def engine(store_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    rows = write_rows(tmp_path / "crm.csv", BAD)  # a team that wants bad contacts held back:
    config = hub(store_url, rows, field_policy={"email": "quarantine", "phone": "quarantine"})
    assert sync(config).ledger.total("quarantined") == 2
    engine = open_store(config, "write")
    yield engine
    engine.dispose()


def test_list_shows_open_entries_with_masked_reasons(engine) -> None:  # type: ignore[no-untyped-def]
    entries = list_quarantine(engine)
    assert [e.record_key for e in entries] == ["1", "2"]
    assert entries[0].reason_text() == "email: 'z***@example.cn' is not a valid email address"
    assert entries[0].payload["full_name"] == "Z*** W**"
    assert entries[0].payload["phone"] == "+86******8000"
    assert [e.record_key for e in list_quarantine(engine, limit=1)] == ["1"]
    assert list_quarantine(engine, source="other") == []
    with pytest.raises(ConfigError, match="--limit"):
        list_quarantine(engine, limit=0)


def test_show_masks_by_default_and_unmasks_on_request(engine) -> None:  # type: ignore[no-untyped-def]
    masked = show_entry(engine, "crm", "1")
    assert "zhao" not in json.dumps(masked.payload) + masked.reason_text()
    raw = show_entry(engine, "crm", "1", unmask=True)
    assert raw.payload["email"] == "zhao.wei@@example.cn"
    assert "'zhao.wei@@example.cn'" in raw.reason_text()
    with pytest.raises(ConfigError, match="no quarantine entry '9' for source 'crm'"):
        show_entry(engine, "crm", "9")


def test_export_writes_every_entry_with_its_reasons(engine) -> None:  # type: ignore[no-untyped-def]
    out = io.StringIO()
    assert export_quarantine(engine, out, "csv") == 2
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [r["record_key"] for r in rows] == ["1", "2"]
    assert rows[1]["reasons"].startswith("phone: '**' is not a valid phone number")
    assert json.loads(rows[0]["payload"])["email"] == "z***@example.cn"
    assert "zhao.wei" not in out.getvalue()

    lines = io.StringIO()
    assert export_quarantine(engine, lines, "jsonl", unmask=True) == 2
    first = json.loads(lines.getvalue().splitlines()[0])
    assert first["payload"]["email"] == "zhao.wei@@example.cn"
    assert first["reasons"][0]["field"] == "email"


def test_entries_are_read_in_pages(engine) -> None:  # type: ignore[no-untyped-def]
    assert [e.record_key for e in iter_entries(engine, page=1)] == ["1", "2"]
