"""One worker or two: the same sync stages, links and publishes exactly the same.

Batches are prepared ahead in a process pool when there are workers (see
``pipeline.prepare_ahead``); the pool is real here, started for batches far smaller than
it is started for in production so that a small file spans many of them.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sync_processes import snapshot

import pipeline.prepare_ahead as prepare_ahead
from core.records import RawRecord
from core.settings import HubConfig, QualitySettings, SourceConfig
from core.standardise import StandardiseOptions
from core.store.tables import field_issue, source_record
from mappings import identity_mapping
from pipeline.prepare_ahead import BatchJob, Preparation, prepared_batches
from pipeline.run import RunOptions
from pipeline.sync import sync
from quality import BatchValidator

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


class _CountedPool(prepare_ahead.ProcessPoolExecutor):
    started = 0

    def __init__(self, *args: object, **kwargs: object) -> None:
        type(self).started += 1
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # passed through as given


@pytest.fixture
def small_pooled_batches(monkeypatch: pytest.MonkeyPatch) -> type[_CountedPool]:
    monkeypatch.setattr(prepare_ahead, "MIN_POOLED_BATCH", 20)
    _CountedPool.started = 0
    monkeypatch.setattr(prepare_ahead, "ProcessPoolExecutor", _CountedPool)
    return _CountedPool


def _config(url: str, data: Path, workers: int) -> HubConfig:
    source = SourceConfig(
        name="crm", kind="spreadsheet", connection={"path": str(data)}, batch_size=60
    )
    quality = QualitySettings(field_policy={"email": "quarantine"})  # the rest: field issues
    return HubConfig(
        store=url, sources=(source,), workers=workers, quality=quality, base_dir=data.parent
    )


def _staged(url: str) -> dict[str, object]:
    engine = sa.create_engine(url)
    with engine.connect() as c:
        records = sorted(
            (r.source_id, str(sorted(r.record.items())), r.line)
            for r in c.execute(sa.select(source_record))
        )
        issues = sorted(
            (r.source_id, r.field, r.value, r.reason) for r in c.execute(sa.select(field_issue))
        )
    engine.dispose()
    return {"records": records, "field_issues": issues}


def _clock() -> datetime:
    return T0


def test_one_and_two_workers_stage_link_and_publish_the_same(
    store_url: str,
    tmp_path: Path,
    customers_csv,  # type: ignore[no-untyped-def]
    small_pooled_batches: type[_CountedPool],
) -> None:
    data, rows = customers_csv(300, invalid=0.05)
    one = f"sqlite:///{tmp_path / 'one.db'}"
    first = sync(_config(one, data, workers=1), RunOptions(clock=_clock, check_quality=False))
    assert small_pooled_batches.started == 0
    second = sync(
        _config(store_url, data, workers=2), RunOptions(clock=_clock, check_quality=False)
    )
    assert small_pooled_batches.started == 1  # the pool did prepare the batches
    assert first.ok and second.ok
    assert first.ledger.total("read") == rows > 5 * 60
    assert first.ledger.total("quarantined") > 0
    assert snapshot(store_url) == snapshot(one)
    assert _staged(store_url) == _staged(one)


def _jobs(batches: int, fail_after: int | None = None) -> Iterator[BatchJob]:
    for b in range(batches):
        if b == fail_after:
            raise OSError("the file went away")
        raws = [
            RawRecord(
                source="crm",
                stream="rows",
                source_id=f"{b}-{i}",
                payload={"source_id": f"{b}-{i}", "full_name": f"Person {b} {i}"},
                line=b * 30 + i,
            )
            for i in range(30)
        ]
        yield BatchJob(raws, T0)


def _preparation() -> Preparation:
    return Preparation(identity_mapping(), StandardiseOptions())


def test_batches_come_back_in_the_order_read(small_pooled_batches: type[_CountedPool]) -> None:
    handed = [
        (job.raws[0].source_id, [a.source_id for a in prepared.accepted])
        for job, prepared in prepared_batches(
            _jobs(7), _preparation(), validator=BatchValidator(), workers=2
        )
    ]
    assert small_pooled_batches.started == 1
    assert [first for first, _ in handed] == [f"{b}-0" for b in range(7)]
    assert all(ids == [f"{b}-{i}" for i in range(30)] for b, (_, ids) in enumerate(handed))


def test_a_read_error_comes_after_the_batches_read_before_it(
    small_pooled_batches: type[_CountedPool],
) -> None:
    handed = []
    with pytest.raises(OSError, match="went away"):
        for job, prepared in prepared_batches(
            _jobs(7, fail_after=4), _preparation(), validator=BatchValidator(), workers=2
        ):
            handed.append((job.raws[0].source_id, len(prepared.accepted)))
    assert handed == [(f"{b}-0", 30) for b in range(4)]
