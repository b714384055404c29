"""Re-process quarantined records through the current mapping and config: a ``retry`` run.

After a mapping or config fix, the open entries of a source go through map →
standardise → validate → stage again, in committed pages. Each entry ends in
exactly one ledger column, so the retry run's ledger adds up like any other
(``read = unchanged + staged + quarantined``):

- it now passes → **staged** (or unchanged, if the store already holds that
  very content), its entry resolved, and the next resolve links it to a
  golden record;
- it still fails → stays **quarantined** with the reasons found now;
- another record already holds its source id in the same read (a duplicate id
  in the source) → stays **quarantined**: staging it would overwrite that one;
- the source sent a newer version of the record since (a later run staged it)
  → the entry is stale: resolved without staging, counted **unchanged**.

Staged records carrying field issues (a defective value set aside, the record
kept) are re-checked too, from their stored payload (what the reader could not
read stays an issue until the source is read again): an issue the fix cured
disappears and the record is **staged** with its canonical value, so the next
resolve updates its golden record; one that still holds leaves the record
**unchanged**; a record a changed ``field_policy`` now refuses is **quarantined**
(its staged copy stays, as a sync would leave it).

A retry killed half-way resumes like a sync: entries it already handled carry
its run ID (or are resolved), the rest are picked up.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from core.errors import Problem, ReconciliationError
from core.ledger import RunLedger
from core.records import RawRecord
from core.settings import HubConfig
from core.store import Engine, UnitOfWork
from core.store.quarantine_review import QuarantineReview
from core.store.writer_lock import writer_lock
from pipeline.clock import Clock, utc_now
from pipeline.prepare import Accepted, PreparedBatch
from pipeline.resolve import ResolveCounts
from pipeline.run import Run, SourceRun
from pipeline.sources import open_source
from pipeline.stage import stage_batch
from pipeline.store import open_store
from quality import ValidationReport

log = logging.getLogger(__name__)

RETRY_KIND = "retry"
#: The check of field problems the reader found: the stored payload cannot cure them.
READER_CHECK = "reader"


@dataclass(frozen=True)
class RetryResult:
    """The retry run's ledger, what resolve did, and every problem (ledger or checks)."""

    ledger: RunLedger | None
    resolve: ResolveCounts | None
    quality: ValidationReport | None
    problems: list[str]
    field_issues_before: int = 0
    field_issues_after: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems and (self.ledger is None or self.ledger.status == "succeeded")


def retry_quarantine(
    config: HubConfig,
    *,
    source_names: Sequence[str] | None = None,
    engine: Engine | None = None,
    clock: Clock = utc_now,
    page_size: int = 500,
) -> RetryResult:
    """Retry the open entries and re-check the field issues of the named sources (default:
    every configured source that has some). Returns a result with ``ledger=None`` when
    there was nothing to retry."""
    engine = engine or open_store(config, "write")
    with UnitOfWork(engine) as uow:
        entries = QuarantineReview(uow.connection).sources_with_open()
        waiting = sorted({*entries, *uow.field_issues.sources_with_issues()})
        before = uow.field_issues.count()
    if source_names:
        names = [config.source(n).name for n in source_names]  # unknown names: ConfigError
    else:
        configured = {s.name for s in config.sources}
        names = [n for n in waiting if n in configured]
        for name in sorted(set(waiting) - configured):
            log.warning(
                "source %s has quarantined records or field issues but is not configured: skipped",
                name,
            )
    names = [n for n in names if n in waiting]
    if not names:
        return RetryResult(None, None, None, [])
    opened = [open_source(config, config.source(n)) for n in names]  # a broken mapping fails here
    with writer_lock(engine, "quarantine retry"):
        run = Run.begin(config, engine, RETRY_KIND, names, clock=clock)
        for source in opened:
            retry = _Retry(SourceRun(run, source), page_size)
            run.work_on(retry.part.name, retry.run, fail_fast=True)
        result = run.complete(names)
        with UnitOfWork(engine) as uow:
            after = uow.field_issues.count()
    return RetryResult(
        result.ledger, result.resolve, result.quality, result.problems, before, after
    )


class _Retry:
    """What a retry stages for one source: pages of open entries, then the field issues."""

    def __init__(self, part: SourceRun, page_size: int) -> None:
        self.part, self.page_size = part, page_size
        self.engine, self.run_id, self.name = part.run.engine, part.run_id, part.name
        self.clock = part.run.clock

    def run(self) -> None:
        while True:
            with UnitOfWork(self.engine) as uow:
                review = QuarantineReview(uow.connection)
                entries = review.unprocessed(self.name, self.run_id, self.page_size)
                if not entries:
                    break
                counts = self._page(uow, review, entries, self.clock())
                uow.runs.add_counts(self.run_id, self.name, **counts)
                uow.commit()
        self._recheck_field_issues()

    def _recheck_field_issues(self) -> None:
        """Staged records with field issues through prepare and stage again, a page at a time
        (by source id: a resumed run meets the pages it did as replays, counted once)."""
        after: str | None = None
        while True:
            with UnitOfWork(self.engine) as uow:
                rows = uow.field_issues.staged_with_issues(
                    self.name, after=after, limit=self.page_size
                )
                if not rows:
                    return
                unread: dict[str, list[Problem]] = {}
                ids = [r.source_id for r in rows]
                for issue in uow.field_issues.of_check(self.name, ids, READER_CHECK):
                    problem = Problem(issue.field, issue.reason, issue.check)
                    unread.setdefault(issue.source_id, []).append(problem)
                raws = [
                    RawRecord(
                        source=self.name,
                        stream=r.stream,
                        source_id=r.source_id,
                        updated_at=r.source_updated_at,
                        payload=dict(r.payload),
                        line=r.line,
                        problems=tuple(unread.get(r.source_id, ())),
                    )
                    for r in rows
                ]
                at = self.clock()
                self.part.stage(uow, self.part.prepare(raws, at), at)
                uow.commit()
            after = rows[-1].source_id

    def _page(
        self, uow: UnitOfWork, review: QuarantineReview, entries: list[Any], at: datetime
    ) -> dict[str, int]:
        raws = [
            RawRecord(
                source=self.name,
                stream=e.stream,
                source_id=e.source_id,
                payload=dict(e.payload),
                line=e.line,
            )
            for e in entries
        ]
        entry_of = {id(raw): entry for raw, entry in zip(raws, entries, strict=True)}
        prepared = self.part.prepare(raws, at)
        requeue = [
            _requeued(entry_of[id(r.raw)], r.problems, r.content_hash) for r in prepared.rejected
        ]
        states = uow.staging.states(self.name, [a.source_id for a in prepared.accepted])
        to_stage: list[Accepted] = []
        superseded: list[tuple[str, int | None]] = []
        closing: list[str] = []
        claimed: set[str] = set()
        for item in prepared.accepted:
            entry, state = entry_of[id(item.raw)], states.get(item.source_id)
            if item.source_id in claimed or (
                state is not None and state.seen_run_id in (self.run_id, entry.seen_run_id)
            ):
                held = state.seen_run_id if state is not None else self.run_id
                reason = f"source id {item.source_id} is held by another record read in run {held}"
                requeue.append(
                    _requeued(entry, (Problem("source_id", reason, "retry"),), item.content_hash)
                )
            elif state is not None and state.seen_run_id > entry.seen_run_id:
                if state.status != "active":
                    reason = "the source sent a newer version of this record, then deleted it"
                    requeue.append(
                        _requeued(entry, (Problem("record", reason, "retry"),), item.content_hash)
                    )
                    continue
                superseded.append((item.source_id, state.line))
                closing.append(entry.record_key)
            else:
                claimed.add(item.source_id)
                to_stage.append(item)
                closing.append(entry.record_key)
        staged = stage_batch(uow, self.name, PreparedBatch(to_stage, []), run_id=self.run_id, at=at)
        uow.staging.touch(self.name, superseded, self.run_id)
        review.requeue(requeue, run_id=self.run_id, at=at)
        review.close(self.name, closing)
        counts = {
            "read": len(entries),
            "unchanged": staged.unchanged + len(superseded),
            "staged": staged.staged,
            "quarantined": staged.quarantined + len(requeue),
            "with_field_issues": staged.with_field_issues,
        }
        accounted = counts["unchanged"] + counts["staged"] + counts["quarantined"]
        if counts["read"] != accounted:
            raise ReconciliationError(  # stop before committing a page that does not add up
                f"retry of source {self.name}: page of {len(entries)} entries accounted as "
                f"{counts}; nothing was committed"
            )
        return counts


def _requeued(entry: Any, problems: Sequence[Problem], digest: str) -> dict[str, Any]:
    return {
        "source": entry.source,
        "record_key": entry.record_key,
        "reasons": [p.as_dict() for p in problems],
        "payload_hash": digest,
    }
