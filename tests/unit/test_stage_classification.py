"""Staging decides, record by record, what a batch is: staged, unchanged, replayed or held back.

Run against the in-memory unit of work (``tests/support/fake_store.py``): the decisions
are the pipeline's, the store is a fake, so these run in milliseconds.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fake_store import FakeUnitOfWork, as_uow
from unit_records import accepted, batch, rejected

from pipeline.stage import stage_batch
from quality.field_issues import FieldIssue

AT = datetime(2026, 5, 6, 7, 8, 9, tzinfo=UTC)
ANNA = {"full_name": "Anna Schmidt", "email": "anna@example.de", "city": "Berlin"}
BEN = {"full_name": "Ben Becker", "email": "ben@example.de", "city": "Hamburg"}


def test_new_records_are_staged_and_pending() -> None:
    uow = FakeUnitOfWork()
    counts = stage_batch(as_uow(uow), "crm", batch(accepted("1", 2, **ANNA)), run_id=1, at=AT)
    assert counts.ledger() == {
        "read": 1,
        "unchanged": 0,
        "staged": 1,
        "quarantined": 0,
        "erased": 0,
        "with_field_issues": 0,
    }
    row = uow.staging.rows[("crm", "1")]
    assert (row.status, row.resolve_pending, row.first_run_id, row.record["city"]) == (
        "active",
        True,
        1,
        "Berlin",
    )


def test_the_same_content_in_a_later_run_is_unchanged_and_only_seen() -> None:
    uow = FakeUnitOfWork()
    stage_batch(as_uow(uow), "crm", batch(accepted("1", 2, **ANNA)), run_id=1, at=AT)
    uow.staging.clear_pending([("crm", "1")])
    counts = stage_batch(as_uow(uow), "crm", batch(accepted("1", 5, **ANNA)), run_id=2, at=AT)
    assert (counts.unchanged, counts.staged, counts.read) == (1, 0, 1)
    row = uow.staging.rows[("crm", "1")]
    assert (row.seen_run_id, row.changed_run_id, row.line, row.resolve_pending) == (2, 1, 5, False)


def test_changed_content_is_staged_again_and_keeps_its_first_run() -> None:
    uow = FakeUnitOfWork()
    stage_batch(as_uow(uow), "crm", batch(accepted("1", 2, **ANNA)), run_id=1, at=AT)
    moved = {**ANNA, "city": "Munich"}
    counts = stage_batch(as_uow(uow), "crm", batch(accepted("1", 2, **moved)), run_id=2, at=AT)
    assert (counts.staged, counts.unchanged) == (1, 0)
    row = uow.staging.rows[("crm", "1")]
    assert (row.first_run_id, row.changed_run_id, row.record["city"]) == (1, 2, "Munich")


def test_a_repeated_id_keeps_the_last_copy_and_quarantines_the_earlier() -> None:
    uow = FakeUnitOfWork()
    earlier, later = accepted("1", 2, **ANNA), accepted("1", 7, **{**ANNA, "city": "Bonn"})
    counts = stage_batch(as_uow(uow), "crm", batch(earlier, later), run_id=1, at=AT)
    assert (counts.read, counts.staged, counts.quarantined) == (2, 1, 1)
    assert uow.staging.rows[("crm", "1")].line == 7
    (entry,) = uow.quarantine.open_entries()
    assert (entry.record_key, entry.line, entry.reasons[0]["check"]) == ("1@line2", 2, "repeat")


def test_a_resumed_run_reading_its_boundary_record_again_counts_it_once() -> None:
    uow = FakeUnitOfWork()
    stage_batch(as_uow(uow), "crm", batch(accepted("1", 2, **ANNA)), run_id=1, at=AT)
    again = stage_batch(as_uow(uow), "crm", batch(accepted("1", 2, **ANNA)), run_id=1, at=AT)
    assert (again.replayed, again.read, again.staged, again.unchanged) == (1, 0, 0, 0)


def test_a_rejected_record_is_held_back_until_a_passing_copy_closes_it() -> None:
    uow = FakeUnitOfWork()
    first = stage_batch(
        as_uow(uow), "crm", batch(rejected("2", 3, "not an email")), run_id=1, at=AT
    )
    assert (first.read, first.quarantined) == (1, 1)
    assert [e.status for e in uow.quarantine.rows.values()] == ["open"]
    fixed = stage_batch(as_uow(uow), "crm", batch(accepted("2", 3, **BEN)), run_id=2, at=AT)
    assert (fixed.staged, fixed.released) == (1, 1)
    assert [e.status for e in uow.quarantine.rows.values()] == ["resolved"]


def test_field_issues_are_stored_masked_and_go_when_the_value_is_fixed() -> None:
    uow = FakeUnitOfWork()
    issue = FieldIssue("phone", "+49 30 1234567", "no carrier holds this range", "phone_valid")
    item = accepted("3", 4, issues=(issue,), **BEN)
    counts = stage_batch(as_uow(uow), "crm", batch(item), run_id=1, at=AT)
    assert counts.with_field_issues == 1
    (row,) = uow.field_issues.rows.values()
    assert row.field == "phone" and "1234567" not in row.value
    clean = accepted("3", 4, **{**BEN, "city": "Kiel"})
    stage_batch(as_uow(uow), "crm", batch(clean), run_id=2, at=AT)
    assert uow.field_issues.rows == {}
