"""The ledger's cross-check: what was counted while reading against what the store holds."""

from __future__ import annotations

from core.store import UnitOfWork


def reconcile_source(uow: UnitOfWork, source: str, run_id: int) -> tuple[int, list[str]]:
    """Return (pending, problems) for one source of one run.

    Counted while reading: read, unchanged, staged, quarantined. Found in the
    store: records changed by this run, records seen unchanged, quarantine
    entries seen. They must agree, and no staged record may be left unlinked.
    """
    ledger = next(s for s in uow.runs.ledger(run_id).source_ledgers if s.source == source)
    problems = list(ledger.problems())
    staged, unchanged = uow.staging.run_counts(source, run_id)
    quarantined = uow.quarantine.seen_count(source, run_id)
    for name, counted, stored in (
        ("staged", ledger.staged, staged),
        ("unchanged", ledger.unchanged, unchanged),
        ("quarantined", ledger.quarantined, quarantined),
    ):
        if counted != stored:
            problems.append(
                f"source {source}: counted {name} {counted} but the store holds {stored}"
            )
    pending = uow.staging.pending_count(source)
    unlinked = uow.staging.unlinked_count(source)
    if unlinked:
        problems.append(
            f"source {source}: {unlinked} staged records are not linked to a golden record"
        )
    return pending, problems
