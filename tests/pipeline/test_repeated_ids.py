"""A source id read twice in one run: the last copy is staged, only the earlier ones quarantined."""

from __future__ import annotations

from pathlib import Path

import pytest
from store_helpers import csv_config, table, write_csv  # type: ignore[import-not-found]

from core.settings import HubConfig
from core.store.tables import golden_record, quarantine, source_record
from pipeline.sync import sync

OLD = {"source_id": "1", "full_name": "Anna Schmidt", "email": "anna@example.de", "city": "Berlin"}
NEW = {**OLD, "city": "Potsdam"}  # the same customer, exported again after she moved
BEN = {"source_id": "2", "full_name": "Ben Wagner", "email": "ben@example.de", "city": "Hamburg"}


def _config(store_url: str, path: Path, batch_size: int) -> HubConfig:
    return csv_config(store_url, path, batch_size=batch_size)


def _staged(config: HubConfig) -> dict[str, tuple[str, int]]:
    return {r.source_id: (r.record["city"], r.line) for r in table(config, source_record)}


def _open_entries(config: HubConfig) -> list[tuple[str, int, str]]:
    return [
        (q.source_id, q.line, q.reasons[0]["reason"])
        for q in table(config, quarantine)
        if q.status == "open"
    ]


@pytest.mark.parametrize("batch_size", [1000, 1], ids=["one batch", "one record per batch"])
def test_the_last_copy_is_staged_and_only_the_earlier_one_quarantined(
    store_url: str, tmp_path: Path, batch_size: int
) -> None:
    config = _config(store_url, write_csv(tmp_path / "crm.csv", [OLD, BEN, NEW]), batch_size)
    result = sync(config)
    assert result.ok, result.problems
    ledger = result.ledger
    assert (ledger.total("read"), ledger.total("staged"), ledger.total("quarantined")) == (3, 2, 1)
    assert _staged(config) == {"1": ("Potsdam", 4), "2": ("Hamburg", 3)}
    assert _open_entries(config) == [
        ("1", 2, "repeated source id: the later copy at line 4 was kept")
    ]
    assert len(table(config, golden_record)) == 2


def test_an_unchanged_earlier_copy_gives_way_to_a_later_line(
    store_url: str, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "crm.csv", [OLD, BEN])
    config = _config(store_url, path, batch_size=1)
    assert sync(config).ok
    write_csv(path, [OLD, BEN, NEW])  # the next export appends the new version
    result = sync(config)
    assert result.ok, result.problems
    ledger = result.ledger
    counted = [ledger.total(c) for c in ("read", "unchanged", "staged", "quarantined")]
    assert counted == [3, 1, 1, 1]
    assert _staged(config)["1"] == ("Potsdam", 4)
    assert [e[:2] for e in _open_entries(config)] == [("1", 2)]


def test_reading_the_same_file_again_keeps_the_same_copy_and_one_entry(
    store_url: str, tmp_path: Path
) -> None:
    config = _config(store_url, write_csv(tmp_path / "crm.csv", [OLD, BEN, NEW]), 1)
    sync(config)
    again = sync(config)
    assert again.ok, again.problems
    assert again.ledger.total("read") == 3
    assert again.ledger.total("quarantined") == 1
    assert _staged(config)["1"] == ("Potsdam", 4)
    assert [e[:2] for e in _open_entries(config)] == [("1", 2)]
    (golden,) = [g for g in table(config, golden_record) if g.record["email"] == OLD["email"]]
    assert golden.record["city"] == "Potsdam"


def test_a_repeat_no_longer_in_the_source_leaves_quarantine(store_url: str, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "crm.csv", [OLD, BEN, NEW])
    config = _config(store_url, path, batch_size=1)
    sync(config)
    write_csv(path, [BEN, NEW])
    result = sync(config)
    assert result.ok, result.problems
    assert _open_entries(config) == []
    assert result.ledger.total("quarantined") == 0
