"""Read-only views over the store for the CLI and reports."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.errors import ConfigError
from core.ledger import RunLedger
from core.store import Engine, UnitOfWork


@dataclass(frozen=True)
class GoldenView:
    golden_id: str
    asked_for: str
    status: str
    version: int
    record: dict[str, Any]
    provenance: dict[str, Any]
    members: list[tuple[str, str]]
    history: list[dict[str, Any]]


def golden_view(engine: Engine, golden_id: str) -> GoldenView:
    """The golden record (following merge aliases), its members and its history."""
    with UnitOfWork(engine) as uow:
        row = uow.golden.resolve_alias(golden_id)
        if row is None:
            raise ConfigError(f"no golden record {golden_id!r}")
        members = uow.golden.members([row.golden_id]).get(row.golden_id, [])
        history = [
            {"version": h.version, "change": h.change, "run_id": h.run_id, "at": h.recorded_at}
            for h in uow.golden.history(row.golden_id)
        ]
        return GoldenView(
            row.golden_id,
            golden_id,
            row.status,
            row.version,
            dict(row.record),
            dict(row.provenance),
            members,
            history,
        )


def recent_runs(engine: Engine, limit: int = 10) -> list[RunLedger]:
    with UnitOfWork(engine) as uow:
        return uow.runs.recent(limit)


def run_ledger(engine: Engine, run_id: int | None = None) -> RunLedger | None:
    with UnitOfWork(engine) as uow:
        run_id = run_id if run_id is not None else uow.runs.last_id()
        return uow.runs.ledger(run_id) if run_id is not None else None


@dataclass(frozen=True)
class StoreTotals:
    source_records: int
    quarantined: int
    golden_active: int
    golden_merged: int
    reviews_open: int
    events: int


def store_totals(engine: Engine) -> StoreTotals:
    with UnitOfWork(engine) as uow:
        return StoreTotals(
            source_records=uow.staging.count(),
            quarantined=uow.quarantine.count(),
            golden_active=uow.golden.count("active"),
            golden_merged=uow.golden.count("merged"),
            reviews_open=uow.matching.review_count(),
            events=uow.golden.event_count(),
        )
