"""A source's ``phone_region`` reads its national numbers; nothing invents a country."""

from __future__ import annotations

from pathlib import Path

from store_helpers import csv_config, table, write_csv  # type: ignore[import-not-found]

from core.store.tables import source_record
from pipeline.sync import sync

ROWS = [
    {"source_id": "1", "full_name": "Anna Smith", "phone": "020 7946 0958", "country": ""},
    {"source_id": "2", "full_name": "Wong Ka Yan", "phone": "15024960369", "country": "HK"},
    {"source_id": "3", "full_name": "Li Wei", "phone": "138 0013 8000", "country": "CN"},
]


def _store(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'store.db'}"  # standardising does not depend on the store


def _phones(config) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {r.source_id: r.record["phone"] for r in table(config, source_record)}


def test_a_sources_phone_region_comes_between_the_record_country_and_the_default(
    tmp_path: Path,
) -> None:
    config = csv_config(_store(tmp_path), write_csv(tmp_path / "crm.csv", ROWS), phone_region="GB")
    result = sync(config)
    assert result.ok, result.problems
    assert _phones(config) == {
        "1": "+442079460958",  # blank country: the source's region (London)
        "2": "+8615024960369",  # not valid in HK, nor in GB: the default (CN); never +1
        "3": "+8613800138000",
    }


def test_without_a_source_region_the_default_region_reads_blank_countries(
    tmp_path: Path,
) -> None:
    config = csv_config(_store(tmp_path), write_csv(tmp_path / "crm.csv", ROWS))
    sync(config)
    assert _phones(config)["1"] == "+862079460958"  # Guangzhou
