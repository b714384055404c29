"""Batches prepared ahead of staging, in worker processes when there are cores to spare.

Mapping, standardising and validating a batch touch no store: while this process reads
and stages, worker processes prepare the next batches. Each batch is prepared alone,
exactly as :func:`~pipeline.prepare.prepare_batch` prepares it in this process, and the
batches come back in the order they were read, so one worker and several stage the
same rows.

A pool is only worth its start (new processes, Great Expectations loaded in each) for a
stream of several large batches: a stream whose first batch is its only one, or whose
batches are small, is prepared here. Where processes can be forked, the workers are
copies of this process made after Great Expectations was loaded here (it takes seconds to
import); they prepare and return batches and never touch the store connections they
inherit.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from core.errors import Problem
from core.records import RawRecord
from core.standardise import StandardiseOptions
from mappings import Mapping
from pipeline.prepare import Accepted, PreparedBatch, Rejected, prepare_batch
from quality import BatchValidator
from quality.field_issues import FieldIssue
from quality.validator import shared_validator

#: The smallest batch sent to a worker. Each record crosses to the worker and back
#: (pickled: some tens of microseconds each way) and each worker loads Great Expectations
#: once; small batches (tests, incremental syncs, small sources) stay in this process.
MIN_POOLED_BATCH = 2000


@dataclass(frozen=True, slots=True)
class BatchJob:
    """One batch as read, and the time it is staged at (its date judges birth dates)."""

    raws: list[RawRecord]
    at: datetime


@dataclass(frozen=True)
class Preparation:
    """What every batch of one source is prepared with."""

    mapping: Mapping
    options: StandardiseOptions
    field_policy: dict[str, str] = field(default_factory=dict)

    def run(self, job: BatchJob, validator: BatchValidator) -> PreparedBatch:
        return prepare_batch(
            job.raws,
            mapping=self.mapping,
            options=self.options,
            validator=validator,
            today=job.at.date(),
            field_policy=self.field_policy,
        )


def prepared_batches(
    jobs: Iterable[BatchJob],
    preparation: Preparation,
    *,
    validator: BatchValidator,
    workers: int = 1,
) -> Iterator[tuple[BatchJob, PreparedBatch]]:
    """Each job with its prepared batch, in order.

    With ``workers`` > 1, up to ``workers`` batches are read and prepared ahead while
    the caller stages the current one. A read error is raised after the batches read
    before it have been handed over, as one worker would have handed them.
    """
    read = iter(jobs)
    first = next(read, None)
    if first is None:
        return
    ahead, failure = _read_ahead(read, 1) if workers > 1 else ([], None)
    if not ahead or len(first.raws) < MIN_POOLED_BATCH:
        yield first, preparation.run(first, validator)
        for job in ahead:
            yield job, preparation.run(job, validator)
        if failure is not None:
            raise failure
        for job in read:
            yield job, preparation.run(job, validator)
        return
    yield from _pooled(first, ahead, read, preparation, validator, workers)


def _pooled(
    first: BatchJob,
    ahead: list[BatchJob],
    read: Iterator[BatchJob],
    preparation: Preparation,
    validator: BatchValidator,
    workers: int,
) -> Iterator[tuple[BatchJob, PreparedBatch]]:
    validator.warm()  # imported once, here: forked workers inherit it
    context = multiprocessing.get_context(_start_method())
    pool = ProcessPoolExecutor(
        workers, mp_context=context, initializer=_start_worker, initargs=(preparation,)
    )
    try:
        pending: deque[tuple[BatchJob, Future[_Packed]]] = deque(
            (job, pool.submit(_prepare_packed, job)) for job in ahead
        )
        yield first, preparation.run(first, validator)  # here, while the workers start
        failure: Exception | None = None
        while failure is None:
            more, failure = _read_ahead(read, workers - len(pending) + 1)
            pending.extend((job, pool.submit(_prepare_packed, job)) for job in more)
            if not pending:
                break
            job, future = pending.popleft()
            yield job, future.result().unpack(job.raws)
        while pending:
            job, future = pending.popleft()
            yield job, future.result().unpack(job.raws)
        if failure is not None:
            raise failure
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _read_ahead(read: Iterator[BatchJob], count: int) -> tuple[list[BatchJob], Exception | None]:
    """Up to ``count`` more jobs, and the error that stopped the reading, if one did."""
    jobs: list[BatchJob] = []
    try:
        for _ in range(count):
            job = next(read, None)
            if job is None:
                break
            jobs.append(job)
    except Exception as error:  # noqa: BLE001 - raised again once what was read is handed over
        return jobs, error
    return jobs, None


def _start_method() -> str:
    return "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"


_worker_preparation: Preparation | None = None


def _start_worker(preparation: Preparation) -> None:
    global _worker_preparation
    _worker_preparation = preparation


def _prepare_packed(job: BatchJob) -> _Packed:
    """In a worker: the batch prepared, its records sent back by position, not as copies."""
    if _worker_preparation is None:
        raise RuntimeError("worker process started without its preparation")
    return _Packed.of(job.raws, _worker_preparation.run(job, shared_validator()))


@dataclass(frozen=True, slots=True)
class _Packed:
    """A prepared batch without its raw records (the caller has them): what a worker sends."""

    accepted: list[tuple[int, str, dict[str, Any], str, tuple[FieldIssue, ...]]]
    rejected: list[tuple[int, str | None, tuple[Problem, ...], str]]

    @classmethod
    def of(cls, raws: list[RawRecord], batch: PreparedBatch) -> _Packed:
        position = {id(raw): i for i, raw in enumerate(raws)}
        return cls(
            [
                (position[id(a.raw)], a.source_id, a.record, a.content_hash, a.field_issues)
                for a in batch.accepted
            ],
            [
                (position[id(r.raw)], r.source_id, r.problems, r.content_hash)
                for r in batch.rejected
            ],
        )

    def unpack(self, raws: list[RawRecord]) -> PreparedBatch:
        return PreparedBatch(
            [
                Accepted(raws[i], sid, record, digest, issues)
                for i, sid, record, digest, issues in self.accepted
            ],
            [
                Rejected(raws[i], sid, problems, digest)
                for i, sid, problems, digest in self.rejected
            ],
        )
