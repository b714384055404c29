"""Runs and their per-source ledgers (read = unchanged + staged + quarantined + erased)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa

from core.ledger import RunLedger, SourceLedger
from core.store.tables import run, run_source
from core.store.upsert import upsert

LEDGER_COUNTS = (
    "read",
    "unchanged",
    "staged",
    "quarantined",
    "erased",
    "deleted",
    "with_field_issues",
)
GOLDEN_COUNTS = ("golden_created", "golden_updated", "golden_merged", "golden_deleted", "events")


class RunRepository:
    def __init__(self, connection: sa.Connection) -> None:
        self._c = connection

    def start(
        self, kind: str, sources: Sequence[str], *, at: datetime, external_key: str | None = None
    ) -> int:
        result = self._c.execute(
            sa.insert(run).values(
                kind=kind,
                status="running",
                sources=list(sources),
                started_at=at,
                external_key=external_key,
            )
        )
        (run_id,) = result.inserted_primary_key or (None,)
        assert run_id is not None
        return int(run_id)

    def interrupted(self, kind: str, sources: Sequence[str]) -> int | None:
        """The newest run of this kind over the same sources still marked running (a crash).

        A scheduler's run (one with an external key) is never taken: between two of its
        tasks it holds no lock yet is alive, and only its own retries continue it.
        """
        rows = self._c.execute(
            sa.select(run.c.run_id, run.c.sources)
            .where(run.c.kind == kind, run.c.status == "running", run.c.external_key.is_(None))
            .order_by(run.c.run_id.desc())
        )
        for row in rows:
            if sorted(row.sources) == sorted(sources):
                return int(row.run_id)
        return None

    def by_external_key(self, kind: str, external_key: str) -> int | None:
        """The run a scheduler started under ``external_key`` (a retried task joins it)."""
        found = self._c.execute(
            sa.select(run.c.run_id)
            .where(run.c.kind == kind, run.c.external_key == external_key)
            .order_by(run.c.run_id.desc())
        ).first()
        return int(found.run_id) if found else None

    def open_source(self, run_id: int, source: str) -> str:
        """Start (or find) the ledger row of ``source`` in ``run_id``; return its status.

        A source that failed in this run is opened again (a retry continues it).
        """
        self._c.execute(
            sa.update(run_source)
            .where(
                run_source.c.run_id == run_id,
                run_source.c.source == source,
                run_source.c.status == "failed",
            )
            .values(status="running", message=None)
        )
        upsert(
            self._c,
            run_source,
            [{"run_id": run_id, "source": source, "status": "running"}],
            key=("run_id", "source"),
            update=(),
        )
        return str(
            self._c.execute(
                sa.select(run_source.c.status).where(
                    run_source.c.run_id == run_id, run_source.c.source == source
                )
            ).scalar_one()
        )

    def add_counts(self, run_id: int, source: str, **counts: int) -> None:
        unknown = set(counts) - set(LEDGER_COUNTS)
        assert not unknown, f"unknown ledger counts {unknown}"
        if not any(counts.values()):
            return
        self._c.execute(
            sa.update(run_source)
            .where(run_source.c.run_id == run_id, run_source.c.source == source)
            .values({name: run_source.c[name] + value for name, value in counts.items()})
        )

    def finish_source(
        self, run_id: int, source: str, status: str, *, pending: int = 0, message: str | None = None
    ) -> None:
        self._c.execute(
            sa.update(run_source)
            .where(run_source.c.run_id == run_id, run_source.c.source == source)
            .values(status=status, pending=pending, message=message)
        )

    def add_golden_counts(self, run_id: int, **counts: int) -> None:
        unknown = set(counts) - set(GOLDEN_COUNTS)
        assert not unknown, f"unknown golden counts {unknown}"
        if not any(counts.values()):
            return
        self._c.execute(
            sa.update(run)
            .where(run.c.run_id == run_id)
            .values({name: run.c[name] + value for name, value in counts.items()})
        )

    def finish(self, run_id: int, status: str, *, at: datetime, message: str | None = None) -> None:
        self._c.execute(
            sa.update(run)
            .where(run.c.run_id == run_id)
            .values(status=status, finished_at=at, message=message)
        )

    def ledger(self, run_id: int) -> RunLedger:
        head = self._c.execute(sa.select(run).where(run.c.run_id == run_id)).one()
        sources = [
            SourceLedger(**{k: v for k, v in row._mapping.items() if k != "run_id"})
            for row in self._c.execute(
                sa.select(run_source)
                .where(run_source.c.run_id == run_id)
                .order_by(run_source.c.source)
            )
        ]
        return RunLedger(**dict(head._mapping), source_ledgers=sources)

    def recent(self, limit: int = 10) -> list[RunLedger]:
        ids = self._c.execute(
            sa.select(run.c.run_id).order_by(run.c.run_id.desc()).limit(limit)
        ).scalars()
        return [self.ledger(run_id) for run_id in ids]

    def last_id(self) -> int | None:
        return self._c.execute(sa.select(sa.func.max(run.c.run_id))).scalar()
