"""A source's streams into its run: read in batches, each prepared and staged in one commit.

Batches are prepared ahead in worker processes when ``workers`` allows
(:mod:`pipeline.prepare_ahead`); each is staged, counted and its stream position
saved in one transaction, so a run killed half-way resumes after the last
committed batch. A full-refresh stream (no cursor) also marks the records it no
longer sent as deleted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from connectors.base import Combine, Stream
from core.records import RawRecord
from core.store import UnitOfWork
from pipeline.prepare import PreparedBatch
from pipeline.prepare_ahead import BatchJob, prepared_batches

if TYPE_CHECKING:
    from pipeline.run import SourceRun


def extract_streams(part: SourceRun) -> None:
    """Every stream of the source, each from its saved position."""
    for stream in part.source.connector.streams():
        _extract_stream(part, stream)


def _extract_stream(part: SourceRun, stream: Stream) -> None:
    engine, run_id = part.run.engine, part.run_id
    with UnitOfWork(engine) as uow:
        saved = uow.sync_state.get(part.name, stream.name)
    state = saved[0] if saved else None
    if stream.cursor_field is None and saved and saved[1] != run_id:
        # A full refresh resumes only within its own run: records before a position
        # saved by another run were not seen by this one and would look deleted.
        state = None
    counted = _Counted(stream.read(state), lambda: part.announce(_expected(stream)))
    jobs = (_job(part, stream, raws) for raws in _batches(counted, part.source.config.batch_size))
    combine = getattr(stream, "combine", None)  # folds into what the last batch staged
    workers = 1 if combine is not None else part.run.config.workers
    for job, prepared in prepared_batches(
        jobs, part.preparation, validator=part.validator, workers=workers
    ):
        _stage(part, stream, job, prepared)
    if counted.read and _expected(stream) is not None:
        part.announce(counted.read)  # the count was an upper bound: blank lines, long cells
    with UnitOfWork(engine) as uow:
        at = part.run.clock()
        uow.sync_state.save(
            part.name, stream.name, stream.completed_state(state), run_id=run_id, at=at
        )
        if stream.cursor_field is None:
            deleted = uow.staging.mark_vanished(part.name, run_id, at)
            uow.runs.add_counts(run_id, part.name, deleted=deleted)
        uow.commit()


def _job(part: SourceRun, stream: Stream, batch: list[RawRecord]) -> BatchJob:
    at = part.run.clock()
    combine = getattr(stream, "combine", None)
    if combine is not None:
        batch = _combine(part, batch, combine)
    return BatchJob(batch, at)


def _stage(part: SourceRun, stream: Stream, job: BatchJob, prepared: PreparedBatch) -> None:
    at, batch = job.at, job.raws
    with UnitOfWork(part.run.engine) as uow:
        part.stage(uow, prepared, at)
        position = batch[-1].position
        if position is not None:
            uow.sync_state.save(part.name, stream.name, position, run_id=part.run_id, at=at)
        uow.commit()
    part.report_progress(len(batch))


def _combine(part: SourceRun, batch: list[RawRecord], combine: Combine) -> list[RawRecord]:
    """Fold each record into its staged version (aggregating streams; see ``Combine``)."""
    ids = [raw.source_id for raw in batch if raw.source_id]
    with UnitOfWork(part.run.engine) as uow:
        staged = uow.staging.payloads(part.name, ids)
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


def _batches(records: Iterable[RawRecord], size: int) -> Iterator[list[RawRecord]]:
    batch: list[RawRecord] = []
    for raw in records:
        batch.append(raw)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
