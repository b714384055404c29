"""Quality facts and results: payload profiles, check outcomes, GE results, run history.

Everything a run's checks and its report need from the store, read in bounded
queries: aggregates, ``LIMIT``-ed history and keyset pages, never a whole table.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from core.store.tables import (
    golden_record,
    payload_profile,
    quality_check,
    quality_result,
    quarantine,
    run,
    run_source,
    source_record,
    xref,
)
from core.store.upsert import upsert

PAGE = 1000


class QualityRepository:
    def __init__(self, connection: sa.Connection) -> None:
        self._c = connection

    # -- payload profiles ----------------------------------------------------------
    def read_payloads(self, source: str, run_id: int, page: int = PAGE) -> Iterator[dict[str, Any]]:
        """The raw payload of every record of ``source`` read by ``run_id`` (staged,
        unchanged or quarantined), in keyset pages of ``page`` rows."""
        staged = source_record.c
        yield from self._pages(
            sa.select(staged.source_id.label("key"), staged.payload).where(
                staged.source == source, staged.seen_run_id == run_id
            ),
            staged.source_id,
            page,
        )
        held = quarantine.c
        yield from self._pages(
            sa.select(held.record_key.label("key"), held.payload).where(
                held.source == source, held.seen_run_id == run_id
            ),
            held.record_key,
            page,
        )

    def _pages(
        self,
        query: sa.Select[Any],
        key: sa.ColumnElement[str],
        page: int,
    ) -> Iterator[dict[str, Any]]:
        last: str | None = None
        while True:
            bounded = query if last is None else query.where(key > last)
            rows = list(self._c.execute(bounded.order_by(key).limit(page)))
            for row in rows:
                yield dict(row.payload)
            if len(rows) < page:
                return
            last = rows[-1].key

    def save_profile(
        self, run_id: int, source: str, records: int, fields: dict[str, Any], at: datetime
    ) -> None:
        upsert(
            self._c,
            payload_profile,
            [
                {
                    "run_id": run_id,
                    "source": source,
                    "records": records,
                    "fields": fields,
                    "profiled_at": at,
                }
            ],
            key=("run_id", "source"),
        )

    def profile(self, run_id: int, source: str) -> sa.Row[Any] | None:
        t = payload_profile.c
        return self._c.execute(
            sa.select(payload_profile).where(t.run_id == run_id, t.source == source)
        ).first()

    def previous_profile(self, source: str, before_run: int) -> sa.Row[Any] | None:
        """The newest profile of ``source`` from an earlier run that read something."""
        t = payload_profile.c
        return self._c.execute(
            sa.select(payload_profile)
            .where(t.source == source, t.run_id < before_run, t.records > 0)
            .order_by(t.run_id.desc())
            .limit(1)
        ).first()

    # -- history -------------------------------------------------------------------
    def volume_history(self, source: str, before_run: int, kind: str, limit: int) -> list[int]:
        """Records read from ``source`` by the last ``limit`` earlier runs of ``kind`` whose
        ledger closed cleanly (newest first)."""
        rows = self._c.execute(
            sa.select(run_source.c.read)
            .join(run, run.c.run_id == run_source.c.run_id)
            .where(
                run_source.c.source == source,
                run_source.c.run_id < before_run,
                run_source.c.status == "done",
                run.c.kind == kind,
            )
            .order_by(run_source.c.run_id.desc())
            .limit(limit)
        )
        return [int(r.read) for r in rows]

    def newest_change(self, source: str) -> datetime | None:
        """The newest change time the source reported for an active record."""
        t = source_record.c
        return self._c.execute(
            sa.select(sa.func.max(t.source_updated_at)).where(
                t.source == source, t.status == "active"
            )
        ).scalar()

    def trend(self, up_to_run: int, kind: str, runs: int) -> list[sa.Row[Any]]:
        """Per source and run: read and quarantined, for the last ``runs`` runs of ``kind`` up
        to ``up_to_run`` (oldest first). One kind only: a retry reads the quarantine, not the
        source, and would look like a collapse of its volume among syncs."""
        recent = (
            sa.select(run.c.run_id)
            .where(run.c.run_id <= up_to_run, run.c.kind == kind)
            .order_by(run.c.run_id.desc())
            .limit(runs)
            .subquery("recent")
        )
        return list(
            self._c.execute(
                sa.select(
                    run.c.run_id,
                    run.c.kind,
                    run.c.started_at,
                    run_source.c.source,
                    run_source.c.read,
                    run_source.c.quarantined,
                )
                .join(recent, recent.c.run_id == run.c.run_id)
                .outerjoin(run_source, run_source.c.run_id == run.c.run_id)
                .order_by(run.c.run_id, run_source.c.source)
            )
        )

    def check_trend(self, run_ids: Sequence[int]) -> dict[int, dict[str, int]]:
        """Checks per status for each of ``run_ids``: ``{7: {"passed": 11, "warned": 2}}``."""
        t = quality_check.c
        found: dict[int, dict[str, int]] = {}
        if not run_ids:
            return found
        for row in self._c.execute(
            sa.select(t.run_id, t.status, sa.func.count().label("n"))
            .where(t.run_id.in_(list(run_ids)))
            .group_by(t.run_id, t.status)
        ):
            found.setdefault(int(row.run_id), {})[row.status] = int(row.n)
        return found

    # -- check results ---------------------------------------------------------------
    def save_checks(self, run_id: int, rows: Sequence[dict[str, Any]]) -> None:
        """Replace the stored checks of ``run_id`` by ``rows`` (safe to repeat)."""
        t = quality_check.c
        keep = [(r["scope"], r["name"]) for r in rows]
        for row in self._c.execute(sa.select(t.scope, t.name).where(t.run_id == run_id)):
            if (row.scope, row.name) not in keep:
                self._c.execute(
                    sa.delete(quality_check).where(
                        t.run_id == run_id, t.scope == row.scope, t.name == row.name
                    )
                )
        upsert(self._c, quality_check, rows, key=("run_id", "scope", "name"))

    def merge_figures(self, run_id: int) -> tuple[int, int]:
        """``(linked, joined)``: source records linked to a golden record by the run, and of
        those the ones linked to a golden record an earlier run created."""
        linked = self._c.execute(
            sa.select(sa.func.count()).select_from(xref).where(xref.c.run_id == run_id)
        ).scalar_one()
        joined = self._c.execute(
            sa.select(sa.func.count())
            .select_from(xref.join(golden_record, golden_record.c.golden_id == xref.c.golden_id))
            .where(xref.c.run_id == run_id, golden_record.c.created_run_id < run_id)
        ).scalar_one()
        return int(linked), int(joined)

    def checks(self, run_id: int) -> list[sa.Row[Any]]:
        t = quality_check.c
        return list(self._c.execute(sa.select(quality_check).where(t.run_id == run_id)))

    def save_results(
        self, run_id: int, results: Sequence[tuple[str, dict[str, Any]]], at: datetime
    ) -> None:
        rows = [
            {"run_id": run_id, "suite": suite, "result": result, "validated_at": at}
            for suite, result in results
        ]
        self._c.execute(sa.delete(quality_result).where(quality_result.c.run_id == run_id))
        if rows:
            self._c.execute(sa.insert(quality_result), rows)

    def results(self, run_id: int) -> list[sa.Row[Any]]:
        t = quality_result.c
        return list(
            self._c.execute(sa.select(quality_result).where(t.run_id == run_id).order_by(t.suite))
        )

    def prune_results(self, keep_runs: int) -> int:
        """Drop GE results of all but the newest ``keep_runs`` runs holding some."""
        t = quality_result.c
        kept = (
            sa.select(t.run_id)
            .group_by(t.run_id)
            .order_by(t.run_id.desc())
            .limit(keep_runs)
            .subquery("kept")
        )
        result = self._c.execute(
            sa.delete(quality_result).where(t.run_id.not_in(sa.select(kept.c.run_id)))
        )
        return int(result.rowcount or 0)
