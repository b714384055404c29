"""The main job: every configured source through extract → map → validate → stage, then
resolve → merge → publish, then the ledger.

Each batch is staged, counted and its stream position saved in one
transaction. A run killed at any point is resumed by the next call: it keeps
its run ID, skips what was committed, and ends with the same records, golden
records and ledger as an uninterrupted run.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine

from connectors.base import Combine, Stream
from core.errors import ConfigError, HubError, ReconciliationError
from core.ledger import RunLedger
from core.records import RawRecord
from core.settings import HubConfig
from core.store import UnitOfWork, make_engine, migrate
from core.store.writer_lock import name_run, writer_lock
from mdm import FellegiSunterMatcher, Matcher
from mdm.model import default_model
from pipeline.clock import Clock, utc_now
from pipeline.preflight import preflight
from pipeline.prepare import PreparedBatch
from pipeline.prepare_ahead import BatchJob, Preparation, prepared_batches
from pipeline.progress import Progress
from pipeline.quality_run import run_quality
from pipeline.reconcile import reconcile_source
from pipeline.resolve import ResolveCounts, resolve_pending
from pipeline.sources import OpenSource, open_source, standardise_options
from pipeline.stage import stage_batch
from pipeline.survivorship import policy_for, resurvive_if_changed
from pipeline.training import learn_model
from quality import BatchValidator, ValidationReport

log = logging.getLogger(__name__)


@dataclass
class SyncResult:
    ledger: RunLedger
    resolve: ResolveCounts
    problems: list[str] = field(default_factory=list)
    resumed: bool = False
    quality: ValidationReport | None = None  # None when the run was not checked

    @property
    def ok(self) -> bool:
        return not self.problems and self.ledger.status == "succeeded"


def open_store(config: HubConfig) -> Engine:
    engine = make_engine(config.store_url())
    migrate(engine)
    return engine


def matcher_for(config: HubConfig) -> Matcher:
    """The configured matcher: trained weights if ``crmhub match train`` saved some, else the
    defaults (good on their own; training adapts them to the data)."""
    path = config.resolve_path(config.match_model)
    try:
        model = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else default_model()
    except (OSError, ValueError) as e:
        raise ConfigError(f"{path}: cannot read the match model ({e}); retrain or remove it") from e
    thresholds = (config.thresholds.auto_merge, config.thresholds.review)
    return FellegiSunterMatcher.from_model(model, thresholds)


def run_matcher(config: HubConfig, engine: Engine) -> Matcher:
    """The matcher a run resolves with: the saved model, else one learned from the store by
    EM (a bounded sample, only when records are pending: an idle run learns nothing)."""
    if config.resolve_path(config.match_model).is_file():
        return matcher_for(config)
    with UnitOfWork(engine) as uow:
        pending = uow.staging.pending_count()
    if not pending:
        return matcher_for(config)
    model, records = learn_model(engine)
    log.info(
        "no saved match model: weights learned from %d staged records for this run "
        "(crmhub match train saves them)",
        records,
    )
    thresholds = (config.thresholds.auto_merge, config.thresholds.review)
    return FellegiSunterMatcher.from_model(model, thresholds)


def sync(
    config: HubConfig,
    *,
    source_names: Sequence[str] | None = None,
    kind: str = "sync",
    clock: Clock = utc_now,
    progress: Progress | None = None,
    engine: Engine | None = None,
    fail_fast: bool = False,
    external_key: str | None = None,
    check_quality: bool = True,
) -> SyncResult:
    """Run the sources (all, or those named): extract each, resolve, close the ledger, then
    run the quality checks (a failed ``error`` check is a problem of the run).

    A failing source is recorded and the others go on; with ``fail_fast`` its
    error is raised instead (for one-file jobs such as ``dedupe``, which also
    skips the checks: its store is thrown away and nobody reads a report of it).
    """
    selected = [config.source(n) for n in source_names] if source_names else list(config.sources)
    if not selected:
        raise ConfigError("no sources to run: add one under sources: in the config")
    opened = [open_source(config, s) for s in selected]
    preflight(opened)  # a missing file or a mapping reading absent columns: exit 2, nothing written
    engine = engine or open_store(config)
    names = [s.name for s in selected]
    with writer_lock(engine, kind):  # re-entrant: a command holding it already goes on
        run_id, resumed = begin_run(engine, kind, names, clock=clock, external_key=external_key)
        for source in opened:
            extract_source(
                config, engine, run_id, source, clock=clock, progress=progress, fail_fast=fail_fast
            )
        counts = resolve_run(config, engine, run_id, clock=clock, progress=progress)
        problems = close_run(engine, run_id, [s.name for s in selected], clock=clock)
        quality = run_quality(engine, config, run_id, clock=clock) if check_quality else None
        if quality is not None:
            problems += quality.problems()
        with UnitOfWork(engine) as uow:
            ledger = uow.runs.ledger(run_id)
    return SyncResult(ledger, counts, problems, resumed=resumed, quality=quality)


def begin_run(
    engine: Engine,
    kind: str,
    sources: Sequence[str],
    *,
    clock: Clock = utc_now,
    external_key: str | None = None,
) -> tuple[int, bool]:
    """The run to work in: the one with this scheduler key, an interrupted one, or a new one.

    Call it holding the store's writer lock: a run still marked running is then one whose
    process died, never a live one.

    Returns the run ID and whether an existing run is resumed.
    """
    with UnitOfWork(engine) as uow:
        existing = (
            uow.runs.by_external_key(kind, external_key)
            if external_key
            else uow.runs.interrupted(kind, sources)
        )
        run_id = existing or uow.runs.start(kind, sources, at=clock(), external_key=external_key)
        uow.commit()
    name_run(engine, run_id)  # a writer waiting for the store's lock is told which run holds it
    if existing:
        log.warning("resuming run %s", run_id)
    return run_id, existing is not None


def extract_source(
    config: HubConfig,
    engine: Engine,
    run_id: int,
    source: OpenSource | str,
    *,
    clock: Clock = utc_now,
    progress: Progress | None = None,
    fail_fast: bool = True,
) -> None:
    """Extract, map, validate and stage one source into ``run_id`` (idempotent, resumable)."""
    opened = (
        source if isinstance(source, OpenSource) else open_source(config, config.source(source))
    )
    _Runner(config, engine, run_id, clock, progress, fail_fast).extract(opened)


def resolve_run(
    config: HubConfig,
    engine: Engine,
    run_id: int,
    *,
    clock: Clock = utc_now,
    progress: Progress | None = None,
) -> ResolveCounts:
    """If the survivorship rules changed since the last run, re-survive the golden records;
    then match, merge and publish every pending record (committed batch by batch)."""
    policy = policy_for(config)
    resurvived = resurvive_if_changed(engine, policy, run_id=run_id, clock=clock)
    if progress is not None:
        with UnitOfWork(engine) as uow:
            progress("resolve", "", 0, total=uow.staging.pending_count())
    counts = resolve_pending(
        engine,
        run_matcher(config, engine),
        policy,
        run_id=run_id,
        clock=clock,
        progress=(lambda n: progress("resolve", "", n)) if progress else None,
        workers=config.workers,
    )
    counts.golden.add(resurvived)
    return counts


def close_run(
    engine: Engine, run_id: int, sources: Sequence[str], *, clock: Clock = utc_now
) -> list[str]:
    """Check every source's ledger against the store and finish the run; return problems."""
    problems: list[str] = []
    with UnitOfWork(engine) as uow:
        statuses = {s.source: s for s in uow.runs.ledger(run_id).source_ledgers}
        for name in sources:
            ledger = statuses.get(name)
            if ledger is None or ledger.status == "running":
                problems.append(f"source {name} was not extracted in run {run_id}")
                continue
            if ledger.status == "failed" and ledger.message and not ledger.pending:
                problems.append(f"source {name} failed: {ledger.message}")
                continue
            pending, found = reconcile_source(uow, name, run_id)
            status = "failed" if found or pending else "done"
            uow.runs.finish_source(
                run_id, name, status, pending=pending, message="; ".join(found) or None
            )
            problems.extend(found)
            if pending:
                problems.append(f"source {name}: {pending} staged records not resolved")
        status = "failed" if problems else "succeeded"
        uow.runs.finish(run_id, status, at=clock(), message="; ".join(problems) or None)
        uow.commit()
    return problems


class _Runner:
    def __init__(
        self,
        config: HubConfig,
        engine: Engine,
        run_id: int,
        clock: Clock,
        progress: Progress | None,
        fail_fast: bool,
    ) -> None:
        self.config, self.engine, self.run_id = config, engine, run_id
        self.clock, self.progress, self.fail_fast = clock, progress, fail_fast
        self.validator = BatchValidator()

    def extract(self, source: OpenSource) -> None:
        name = source.config.name
        with UnitOfWork(self.engine) as uow:
            status = uow.runs.open_source(self.run_id, name)
            uow.commit()
        if status != "running":
            return  # already extracted by the run this call resumes
        try:
            for stream in source.connector.streams():
                self._extract_stream(source, stream)
        except HubError as e:
            with UnitOfWork(self.engine) as uow:
                uow.runs.finish_source(self.run_id, name, "failed", message=str(e))
                uow.commit()
            if self.fail_fast:
                raise
            log.error("source %s failed: %s", name, e)
            return
        with UnitOfWork(self.engine) as uow:
            uow.runs.finish_source(self.run_id, name, "staged")
            uow.commit()

    def _extract_stream(self, source: OpenSource, stream: Stream) -> None:
        name = source.config.name
        with UnitOfWork(self.engine) as uow:
            saved = uow.sync_state.get(name, stream.name)
        state = saved[0] if saved else None
        if stream.cursor_field is None and saved and saved[1] != self.run_id:
            # A full refresh resumes only within its own run: records before a position
            # saved by another run were not seen by this one and would look deleted.
            state = None
        counted = _Counted(stream.read(state), lambda: self._announce(name, _expected(stream)))
        jobs = (self._job(name, stream, raws) for raws in _batches(counted, source))
        combine = getattr(stream, "combine", None)  # folds into what the last batch staged
        workers = 1 if combine is not None else self.config.workers
        preparation = Preparation(
            source.mapping,
            standardise_options(self.config, source.config),
            dict(self.config.quality.field_policy),
        )
        for job, prepared in prepared_batches(
            jobs, preparation, validator=self.validator, workers=workers
        ):
            self._stage(source, stream, job, prepared)
        if counted.read and _expected(stream) is not None:
            self._announce(name, counted.read)  # the count was an upper bound: blank lines
        with UnitOfWork(self.engine) as uow:
            at = self.clock()
            uow.sync_state.save(
                name, stream.name, stream.completed_state(state), run_id=self.run_id, at=at
            )
            if stream.cursor_field is None:
                deleted = uow.staging.mark_vanished(name, self.run_id, at)
                uow.runs.add_counts(self.run_id, name, deleted=deleted)
            uow.commit()

    def _announce(self, name: str, total: object) -> None:
        """Tell the progress bar how many records the stream holds, when it knows."""
        if self.progress is not None and isinstance(total, int):
            self.progress("extract", name, 0, total=total)

    def _job(self, name: str, stream: Stream, batch: list[RawRecord]) -> BatchJob:
        at = self.clock()
        combine = getattr(stream, "combine", None)
        if combine is not None:
            batch = self._combine(name, batch, combine)
        return BatchJob(batch, at)

    def _stage(
        self, source: OpenSource, stream: Stream, job: BatchJob, prepared: PreparedBatch
    ) -> None:
        at, batch = job.at, job.raws
        name = source.config.name
        with UnitOfWork(self.engine) as uow:
            counts = stage_batch(uow, name, prepared, run_id=self.run_id, at=at)
            uow.runs.add_counts(self.run_id, name, **counts.ledger())
            position = batch[-1].position
            if position is not None:
                uow.sync_state.save(name, stream.name, position, run_id=self.run_id, at=at)
            uow.commit()
        if self.progress is not None:
            self.progress("extract", name, len(batch))

    def _combine(self, name: str, batch: list[RawRecord], combine: Combine) -> list[RawRecord]:
        """Fold each record into its staged version (aggregating streams; see ``Combine``)."""
        ids = [raw.source_id for raw in batch if raw.source_id]
        with UnitOfWork(self.engine) as uow:
            staged = uow.staging.payloads(name, ids)
        return [
            raw.model_copy(update={"payload": combine(staged[raw.source_id], raw.payload)})
            if raw.source_id in staged
            else raw
            for raw in batch
        ]


def _expected(stream: Stream) -> object:
    return getattr(stream, "expected_records", None)


class _Counted:
    """The records of a stream, counted as they are read; ``first`` is called before the
    first one is handed on."""

    def __init__(self, records: Iterable[RawRecord], first: Callable[[], None]) -> None:
        self.records, self.first, self.read = records, first, 0

    def __iter__(self) -> Iterator[RawRecord]:
        for raw in self.records:
            if self.read == 0:
                self.first()
            self.read += 1
            yield raw


def _batches(records: Iterable[RawRecord], source: OpenSource) -> Iterator[list[RawRecord]]:
    batch: list[RawRecord] = []
    for raw in records:
        batch.append(raw)
        if len(batch) >= source.config.batch_size:
            yield batch
            batch = []
    if batch:
        yield batch


def require_reconciled(result: SyncResult) -> None:
    """Raise when the run's ledger does not add up (for callers that must fail loudly)."""
    if result.problems:
        raise ReconciliationError("; ".join(result.problems))
