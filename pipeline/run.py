"""One run of the pipeline, the path every write job takes: begin → extract → resolve →
close → check.

``sync``, ``migrate``, ``dedupe``, ``demo``, ``quarantine retry`` and the Airflow
tasks all compose a :class:`Run`; they differ only in what they hand it to
stage (a source's streams, or its quarantined records) and in how many
processes the steps are spread over (one for the CLI, one task per step for
Airflow). Each step commits its own work, so a run killed at any point is
resumed by the next :meth:`Run.begin` of the same kind over the same sources
(or with the same scheduler key): it keeps its run ID, skips what was
committed, and ends with the same records, golden records and ledger as an
uninterrupted run.

Call the steps holding the store's writer lock (:mod:`core.store.writer_lock`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from core.errors import HubError
from core.ledger import RunLedger
from core.records import RawRecord
from core.settings import HubConfig
from core.store import Engine, UnitOfWork
from core.store.writer_lock import name_run
from pipeline.clock import Clock, utc_now
from pipeline.matchers import run_matcher
from pipeline.prepare import PreparedBatch
from pipeline.prepare_ahead import BatchJob, Preparation
from pipeline.progress import Progress
from pipeline.quality_run import run_quality
from pipeline.reconcile import reconcile_source
from pipeline.resolve import ResolveCounts, resolve_pending
from pipeline.sources import OpenSource, open_source, standardise_options
from pipeline.stage import StageCounts, stage_batch
from pipeline.survivorship import policy_for, resurvive_if_changed
from quality import BatchValidator, ValidationReport

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunOptions:
    """How a run goes; the defaults are a plain ``crmhub sync`` of every source.

    ``fail_fast`` raises a failing source's error instead of recording it and going
    on with the others (one-file jobs such as ``dedupe``); ``external_key`` is the
    scheduler's run key (a retried task joins the same run); ``check_quality`` off
    skips the checks (``dedupe``: its store is thrown away unread).
    """

    kind: str = "sync"
    sources: Sequence[str] = ()  # source names; empty: every configured source
    clock: Clock = utc_now
    progress: Progress | None = None
    fail_fast: bool = False
    external_key: str | None = None
    check_quality: bool = True


@dataclass
class RunResult:
    """What a run did: its ledger, what resolve did, every problem, the checks' report."""

    ledger: RunLedger
    resolve: ResolveCounts
    problems: list[str] = field(default_factory=list)
    resumed: bool = False
    quality: ValidationReport | None = None  # None when the run was not checked

    @property
    def ok(self) -> bool:
        return not self.problems and self.ledger.status == "succeeded"


class Run:
    """One crm-hub run in the store, and the steps that fill it."""

    def __init__(
        self,
        config: HubConfig,
        engine: Engine,
        run_id: int,
        *,
        clock: Clock = utc_now,
        progress: Progress | None = None,
        resumed: bool = False,
    ) -> None:
        self.config, self.engine, self.run_id = config, engine, run_id
        self.clock, self.progress, self.resumed = clock, progress, resumed

    @classmethod
    def begin(
        cls,
        config: HubConfig,
        engine: Engine,
        kind: str,
        sources: Sequence[str],
        *,
        clock: Clock = utc_now,
        progress: Progress | None = None,
        external_key: str | None = None,
    ) -> Run:
        """The run to work in: the one with this scheduler key, an interrupted one, or a new
        one. Holding the writer lock, a run still marked running is one whose process died."""
        with UnitOfWork(engine) as uow:
            existing = (
                uow.runs.by_external_key(kind, external_key)
                if external_key
                else uow.runs.interrupted(kind, sources)
            )
            run_id = existing or uow.runs.start(
                kind, sources, at=clock(), external_key=external_key
            )
            uow.commit()
        name_run(engine, run_id)  # a writer waiting for the store's lock is told which run
        if existing:
            log.warning("resuming run %s", run_id)
        return cls(config, engine, run_id, clock=clock, progress=progress, resumed=bool(existing))

    def work_on(self, name: str, stage: Callable[[], None], *, fail_fast: bool) -> None:
        """Stage one source with ``stage`` unless this run already did; record the outcome.

        A :class:`HubError` marks the source failed (a later attempt continues it) and is
        raised with ``fail_fast``, else logged while the run goes on.
        """
        with UnitOfWork(self.engine) as uow:
            status = uow.runs.open_source(self.run_id, name)
            uow.commit()
        if status != "running":
            return  # already staged by the run this call resumes
        try:
            stage()
        except HubError as e:
            with UnitOfWork(self.engine) as uow:
                uow.runs.finish_source(self.run_id, name, "failed", message=str(e))
                uow.commit()
            if fail_fast:
                raise
            log.error("source %s failed: %s", name, e)
            return
        with UnitOfWork(self.engine) as uow:
            uow.runs.finish_source(self.run_id, name, "staged")
            uow.commit()

    def extract(self, source: OpenSource | str, *, fail_fast: bool = True) -> None:
        """Extract, map, validate and stage one source's streams (idempotent, resumable)."""
        from pipeline.extract import extract_streams

        opened = (
            source
            if isinstance(source, OpenSource)
            else open_source(self.config, self.config.source(source))
        )
        part = SourceRun(self, opened)
        self.work_on(opened.config.name, lambda: extract_streams(part), fail_fast=fail_fast)

    def resolve(self) -> ResolveCounts:
        """Re-survive the golden records if the survivorship rules changed since the last
        run; then match, merge and publish every pending record (committed batch by batch)."""
        policy = policy_for(self.config)
        resurvived = resurvive_if_changed(self.engine, policy, run_id=self.run_id, clock=self.clock)
        progress = self.progress
        if progress is not None:
            with UnitOfWork(self.engine) as uow:
                progress("resolve", "", 0, total=uow.staging.pending_count())
        counts = resolve_pending(
            self.engine,
            run_matcher(self.config, self.engine),
            policy,
            run_id=self.run_id,
            clock=self.clock,
            progress=(lambda n: progress("resolve", "", n)) if progress else None,
            workers=self.config.workers,
        )
        counts.golden.add(resurvived)
        return counts

    def close(self, sources: Sequence[str]) -> list[str]:
        """Check every source's ledger against the store and finish the run; return problems."""
        problems: list[str] = []
        with UnitOfWork(self.engine) as uow:
            statuses = {s.source: s for s in uow.runs.ledger(self.run_id).source_ledgers}
            for name in sources:
                ledger = statuses.get(name)
                if ledger is None or ledger.status == "running":
                    problems.append(f"source {name} was not extracted in run {self.run_id}")
                    continue
                if ledger.status == "failed" and ledger.message and not ledger.pending:
                    problems.append(f"source {name} failed: {ledger.message}")
                    continue
                pending, found = reconcile_source(uow, name, self.run_id)
                status = "failed" if found or pending else "done"
                uow.runs.finish_source(
                    self.run_id, name, status, pending=pending, message="; ".join(found) or None
                )
                problems.extend(found)
                if pending:
                    problems.append(f"source {name}: {pending} staged records not resolved")
            status = "failed" if problems else "succeeded"
            message = "; ".join(problems) or None
            uow.runs.finish(self.run_id, status, at=self.clock(), message=message)
            uow.commit()
        return problems

    def check(self) -> ValidationReport:
        """Run the quality checks (``quality:`` in hub.yaml) and store their results."""
        return run_quality(self.engine, self.config, self.run_id, clock=self.clock)

    def ledger(self) -> RunLedger:
        with UnitOfWork(self.engine) as uow:
            return uow.runs.ledger(self.run_id)

    def complete(self, sources: Sequence[str], *, check: bool = True) -> RunResult:
        """Resolve, close and (with ``check``) check: the end of a run done in one process.

        A failed ``error`` check is a problem of the run.
        """
        counts = self.resolve()
        problems = self.close(sources)
        quality = self.check() if check else None
        if quality is not None:
            problems += quality.problems()
        return RunResult(self.ledger(), counts, problems, resumed=self.resumed, quality=quality)


class SourceRun:
    """One source within a run: its raw records through prepare and stage, counted."""

    def __init__(self, run: Run, source: OpenSource) -> None:
        self.run, self.source = run, source
        self.name = source.config.name
        self.validator = BatchValidator()
        self.preparation = Preparation(
            source.mapping,
            standardise_options(run.config, source.config),
            dict(run.config.quality.field_policy),
        )

    @property
    def run_id(self) -> int:
        return self.run.run_id

    def prepare(self, raws: list[RawRecord], at: datetime) -> PreparedBatch:
        """Map, standardise and validate ``raws`` (accepted or rejected, each with reasons)."""
        return self.preparation.run(BatchJob(raws, at), self.validator)

    def stage(self, uow: UnitOfWork, prepared: PreparedBatch, at: datetime) -> StageCounts:
        """Stage ``prepared`` in ``uow`` and add its counts to the source's ledger."""
        counts = stage_batch(uow, self.name, prepared, run_id=self.run_id, at=at)
        uow.runs.add_counts(self.run_id, self.name, **counts.ledger())
        return counts

    def report_progress(self, amount: int) -> None:
        if self.run.progress is not None:
            self.run.progress("extract", self.name, amount)

    def announce(self, total: object) -> None:
        """Tell the progress bar how many records the stream holds, when it knows."""
        if self.run.progress is not None and isinstance(total, int):
            self.run.progress("extract", self.name, 0, total=total)
