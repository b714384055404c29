"""Value counts over the whole store follow every change, and a run without a saved model
learns its weights from the store."""

from __future__ import annotations

from pathlib import Path

from store_helpers import csv_config, write_csv  # type: ignore[import-not-found]

from core.store import UnitOfWork
from mdm import FellegiSunterMatcher
from pipeline.frequencies import batch_frequencies, store_frequencies
from pipeline.matchers import run_matcher
from pipeline.run import Run
from pipeline.store import open_store
from pipeline.sync import sync

ZHANG = {"full_name": "张伟", "city": "Beijing", "postcode": "100000"}


def _family_names(config) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    with UnitOfWork(open_store(config, "write")) as uow:
        store = store_frequencies(uow, ["family_name"])
        counted = batch_frequencies(
            uow, FellegiSunterMatcher(), store, [{"given_name": "三", "family_name": "张"}]
        )
    field = counted.fields["family_name"]
    return field.total, field.squares, field.counts["zhang"]


def test_value_counts_follow_new_changed_and_vanished_records(
    store_url: str, tmp_path: Path
) -> None:
    rows = [
        {**ZHANG, "source_id": "1", "email": "a@x.cn"},
        {**ZHANG, "source_id": "2", "email": "b@x.cn", "birth_date": "1980-01-02"},
        {"source_id": "3", "full_name": "李娜", "email": "c@x.cn"},
    ]
    path = write_csv(tmp_path / "crm.csv", rows)
    config = csv_config(store_url, path)
    assert sync(config).ok
    assert _family_names(config) == (3, 2 * 2 + 1, 2)

    write_csv(path, [rows[0], {**rows[2], "full_name": "张娜"}])
    assert sync(config).ok
    assert _family_names(config) == (2, 2 * 2, 2)


def test_a_run_without_a_saved_model_learns_weights_from_the_store(
    tmp_path: Path, customers_csv
) -> None:  # type: ignore[no-untyped-def]
    path, _ = customers_csv(600)
    config = csv_config(f"sqlite:///{tmp_path / 'hub.db'}", path)
    engine = open_store(config, "write")
    Run.begin(config, engine, "sync", ["crm"]).extract("crm")
    learned = run_matcher(config, engine)
    assert isinstance(learned, FellegiSunterMatcher)
    assert learned.model.training["source"] == "em"
    assert not config.resolve_path(config.match_model).exists()


def test_an_idle_run_learns_nothing(tmp_path: Path, customers_csv) -> None:  # type: ignore[no-untyped-def]
    path, _ = customers_csv(300)
    config = csv_config(f"sqlite:///{tmp_path / 'hub.db'}", path)
    assert sync(config).ok
    idle = run_matcher(config, open_store(config, "write"))
    assert isinstance(idle, FellegiSunterMatcher)
    assert idle.model.training["source"] == "defaults"
