"""Resolution and survivorship on the in-memory unit of work: who joins whom, what survives.

The matcher, the clustering and the golden writer are the pipeline's own
(``pipeline.resolve.resolve_keys``); only the store is a fake, so these run without a
database. The store-backed runs (``tests/pipeline``) check the same on SQLite and
PostgreSQL.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from fake_store import FakeUnitOfWork, as_uow
from unit_records import accepted, batch

from core.store.staging import RecordKey
from mdm import FellegiSunterMatcher
from mdm.model import default_model
from mdm.survivorship import SurvivorshipPolicy
from pipeline.frequencies import store_frequencies
from pipeline.resolve import ResolveCounts, index_records, resolve_keys
from pipeline.stage import stage_batch

AT = datetime(2026, 5, 6, 7, 8, 9, tzinfo=UTC)
ANNA = {
    "given_name": "Anna",
    "family_name": "Schmidt",
    "email": "anna.schmidt@example.de",
    "phone": "+49 30 1234567",
    "birth_date": "1980-04-12",
    "city": "Berlin",
}
BEN = {
    "given_name": "Ben",
    "family_name": "Okafor",
    "email": "ben.okafor@example.de",
    "phone": "+49 40 7654321",
    "birth_date": "1975-11-02",
    "city": "Hamburg",
}
MATCHER = FellegiSunterMatcher.from_model(default_model(), (0.9, 0.5))


def resolve(uow: FakeUnitOfWork, run_id: int, policy: SurvivorshipPolicy) -> ResolveCounts:
    """What ``resolve_pending`` does for one batch, on the fake."""
    keys = uow.staging.pending_keys(1000)
    index_records(as_uow(uow), MATCHER, keys)
    store = store_frequencies(as_uow(uow), MATCHER.term_tables)
    matcher = MATCHER.for_store(uow.staging.count(), store)
    return resolve_keys(
        as_uow(uow), matcher, policy, keys, store, run_id=run_id, at=AT + timedelta(hours=run_id)
    )


def golden_of(uow: FakeUnitOfWork, key: RecordKey) -> str:
    return uow.golden.xref[key]


def test_twins_from_two_sources_make_one_golden_record_and_a_stranger_another() -> None:
    uow = FakeUnitOfWork()
    twin = {**ANNA, "email": "ANNA.SCHMIDT@EXAMPLE.DE", "phone": "0049-30-1234567"}
    stage_batch(as_uow(uow), "crm", batch(accepted("1", 2, **ANNA)), run_id=1, at=AT)
    shop = batch(accepted("s1", 2, source="shop", **twin), accepted("s2", 3, source="shop", **BEN))
    stage_batch(as_uow(uow), "shop", shop, run_id=1, at=AT)
    counts = resolve(uow, 1, SurvivorshipPolicy())
    assert counts.resolved == 3
    assert golden_of(uow, ("crm", "1")) == golden_of(uow, ("shop", "s1"))
    assert golden_of(uow, ("shop", "s2")) != golden_of(uow, ("crm", "1"))
    assert (counts.golden.created, counts.golden.events) == (2, 2)
    assert uow.staging.pending_keys(10) == []


def test_the_trusted_source_survives_and_a_later_join_keeps_the_golden_id() -> None:
    uow = FakeUnitOfWork()
    policy = SurvivorshipPolicy(trust={"crm": 90, "shop": 10})
    stage_batch(
        as_uow(uow), "shop", batch(accepted("s1", 2, source="shop", **ANNA)), run_id=1, at=AT
    )
    resolve(uow, 1, policy)
    golden_id = golden_of(uow, ("shop", "s1"))
    assert uow.golden.records[golden_id].record["city"] == "Berlin"

    moved = {**ANNA, "city": "Potsdam"}
    stage_batch(as_uow(uow), "crm", batch(accepted("1", 2, **moved)), run_id=2, at=AT)
    counts = resolve(uow, 2, policy)
    assert golden_of(uow, ("crm", "1")) == golden_id  # joined, not a new golden record
    current = uow.golden.records[golden_id]
    assert (current.version, current.record["city"]) == (2, "Potsdam")  # crm is trusted more
    assert current.provenance["city"]["source"] == "crm"
    assert (counts.golden.created, counts.golden.updated) == (0, 1)
    assert [(e.kind, e.version) for e in uow.golden.events] == [("create", 1), ("update", 2)]


def test_a_golden_record_changed_twice_in_one_run_has_one_event() -> None:
    uow = FakeUnitOfWork()
    stage_batch(as_uow(uow), "crm", batch(accepted("1", 2, **ANNA)), run_id=1, at=AT)
    resolve(uow, 1, SurvivorshipPolicy())
    stage_batch(
        as_uow(uow), "crm", batch(accepted("1", 2, **{**ANNA, "city": "Bonn"})), run_id=2, at=AT
    )
    resolve(uow, 2, SurvivorshipPolicy())
    stage_batch(
        as_uow(uow), "crm", batch(accepted("1", 2, **{**ANNA, "city": "Kiel"})), run_id=2, at=AT
    )
    resolve(uow, 2, SurvivorshipPolicy())
    golden_id = golden_of(uow, ("crm", "1"))
    assert uow.golden.records[golden_id].version == 3
    run_two = [(e.kind, e.version) for e in uow.golden.events if e.run_id == 2]
    assert run_two == [("update", 3)]


def test_resolving_a_record_again_unchanged_writes_no_version_and_no_event() -> None:
    uow = FakeUnitOfWork()
    stage_batch(as_uow(uow), "crm", batch(accepted("1", 2, **ANNA)), run_id=1, at=AT)
    resolve(uow, 1, SurvivorshipPolicy())
    key = ("crm", "1")
    uow.staging.rows[key] = replace(uow.staging.rows[key], resolve_pending=True)
    counts = resolve(uow, 2, SurvivorshipPolicy())
    assert uow.golden.records[golden_of(uow, key)].version == 1
    assert (counts.golden.updated, counts.golden.events, len(uow.golden.events)) == (0, 0, 1)
