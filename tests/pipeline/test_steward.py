"""Steward decisions: review, merge, unmerge — pinned, audited, and published."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from store_helpers import csv_config, table, write_csv  # type: ignore[import-not-found]

from core.errors import ConfigError
from core.store.tables import change_event, golden_record, steward_action, xref
from mdm.survivorship import SurvivorshipPolicy
from pipeline.steward import (
    accept_review,
    list_reviews,
    merge_golden,
    reject_review,
    unmerge,
)
from pipeline.store import open_store
from pipeline.sync import sync

POLICY = SurvivorshipPolicy(trust={"crm": 50})
# Same name and city, nothing else to corroborate: the matcher asks a steward.
ANNA_1 = {"source_id": "1", "full_name": "Anna Schmidt", "city": "Berlin"}
ANNA_2 = {"source_id": "2", "full_name": "Anna Schmidt", "city": "Berlin"}
BEN = {
    "source_id": "3",
    "full_name": "Ben Wagner",
    "email": "ben@example.de",
    "phone": "+49 40 7654321",
}


def golden_of(config, source_id: str) -> str:  # type: ignore[no-untyped-def]
    return next(r.golden_id for r in table(config, xref) if r.source_id == source_id)


def active_goldens(config) -> dict[str, dict]:  # type: ignore[no-untyped-def,type-arg]
    return {
        r.golden_id: {"record": r.record, "provenance": r.provenance}
        for r in table(config, golden_record)
        if r.status == "active"
    }


@pytest.fixture
def review_setup(store_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    path = write_csv(tmp_path / "crm.csv", [ANNA_1, ANNA_2, BEN])
    config = csv_config(store_url, path)
    assert sync(config).ok
    return config, path, open_store(config, "write")


def test_an_uncertain_pair_waits_in_the_review_queue(review_setup) -> None:  # type: ignore[no-untyped-def]
    config, _, engine = review_setup
    (item,) = list_reviews(engine)
    assert {item.left_key, item.right_key} == {"crm:1", "crm:2"}
    assert 0.75 <= item.score < 0.9
    assert item.explanation["fields"]
    assert golden_of(config, "1") != golden_of(config, "2")


def test_accepting_a_review_merges_keeps_the_older_id_and_survives_the_next_run(
    review_setup,  # type: ignore[no-untyped-def]
) -> None:
    config, path, engine = review_setup
    first, second = golden_of(config, "1"), golden_of(config, "2")
    (item,) = list_reviews(engine)
    result = accept_review(engine, item.task_id, policy=POLICY, actor="maria")
    survivor = result.golden_ids[0]
    assert golden_of(config, "1") == golden_of(config, "2") == survivor
    assert survivor in (first, second)
    kinds = sorted(e.kind for e in table(config, change_event) if e.run_id == 2)
    assert kinds == ["merge", "merged_away"]
    assert list_reviews(engine) == []
    write_csv(path, [ANNA_1, {**ANNA_2, "city": "Potsdam"}, BEN])
    assert sync(config).ok
    assert golden_of(config, "1") == golden_of(config, "2") == survivor
    (audit,) = table(config, steward_action)
    assert (audit.action, audit.actor) == ("accept", "maria")


def test_a_rejected_pair_is_never_merged_automatically_even_when_it_later_matches(
    review_setup,  # type: ignore[no-untyped-def]
) -> None:
    config, path, engine = review_setup
    (item,) = list_reviews(engine)
    reject_review(engine, item.task_id, policy=POLICY, actor="maria")
    sure = {"email": "anna@home.de", "birth_date": "1982-05-05"}
    write_csv(path, [{**ANNA_1, **sure}, {**ANNA_2, **sure}, BEN])  # now a sure match
    assert sync(config).ok
    assert golden_of(config, "1") != golden_of(config, "2")


def test_unmerge_restores_the_exact_records_from_before_a_merge(review_setup) -> None:  # type: ignore[no-untyped-def]
    config, _, engine = review_setup
    before = active_goldens(config)
    anna, ben = golden_of(config, "1"), golden_of(config, "3")
    survivor = merge_golden(engine, anna, ben, policy=POLICY, actor="maria").golden_ids[0]
    assert golden_of(config, "3") == survivor
    loser = ben if survivor == anna else anna
    moved = "3" if loser == ben else "1"
    unmerge(engine, loser, f"crm:{moved}", policy=POLICY, actor="maria")  # the alias resolves
    assert active_goldens(config) == before
    assert golden_of(config, "1") == anna and golden_of(config, "3") == ben
    kinds = [e.kind for e in table(config, change_event)][-4:]
    assert kinds == ["merged_away", "merge", "unmerge", "unmerge"]


def test_an_unmerged_record_gets_its_own_golden_record_and_stays_out(
    store_url: str, tmp_path: Path
) -> None:
    twin = {**BEN, "source_id": "4"}
    path = write_csv(tmp_path / "crm.csv", [BEN, twin])
    config = csv_config(store_url, path)
    sync(config)
    engine = open_store(config, "write")
    together = golden_of(config, "3")
    assert golden_of(config, "4") == together
    result = unmerge(engine, together, "crm:4", policy=POLICY, actor="maria")
    assert golden_of(config, "4") == result.golden_ids[1] != together
    write_csv(path, [BEN, {**twin, "city": "Hamburg"}])  # pending again, still a sure match
    assert sync(config).ok
    assert golden_of(config, "4") != golden_of(config, "3") == together


def test_steward_mistakes_are_config_errors_with_a_reason(review_setup) -> None:  # type: ignore[no-untyped-def]
    config, _, engine = review_setup
    anna = golden_of(config, "1")
    with pytest.raises(ConfigError, match="already the same golden record"):
        merge_golden(engine, anna, anna, policy=POLICY, actor="x")
    with pytest.raises(ConfigError, match="is not part of golden record"):
        unmerge(engine, anna, "crm:3", policy=POLICY, actor="x")
    with pytest.raises(ConfigError, match="SOURCE:ID"):
        unmerge(engine, anna, "nonsense", policy=POLICY, actor="x")
    with pytest.raises(ConfigError, match="no review task 999"):
        accept_review(engine, 999, policy=POLICY, actor="x")
    with sa.create_engine(config.store_url()).connect() as c:
        assert c.execute(sa.select(sa.func.count()).select_from(steward_action)).scalar() == 0
