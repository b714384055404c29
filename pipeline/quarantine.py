"""The quarantine as stewards use it: list, show and export entries (PII masked), and retry.

Records that fail mapping or validation are kept with every reason; they are
never dropped. Reading the quarantine is paged (keyset on source and key), so
an export of millions of entries holds one page in memory. Personal data is
masked unless the caller asks for it (``unmask=True``): a list on a shared
screen or an export mailed around must not leak it. The retry lives in
:mod:`pipeline.quarantine_retry`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from typing import IO, Any, Literal

from core.errors import ConfigError
from core.masking import mask_payload, mask_reason
from core.safe_csv import DictCsvWriter
from core.store import Engine, UnitOfWork
from core.store.quarantine_review import PAGE, Position, QuarantineReview
from pipeline.masking_targets import ColumnTargets
from pipeline.quarantine_retry import RetryResult, retry_quarantine

ExportFormat = Literal["csv", "jsonl"]
EXPORT_FORMATS: tuple[ExportFormat, ...] = ("csv", "jsonl")
CSV_COLUMNS = (
    "source",
    "record_key",
    "source_id",
    "stream",
    "line",
    "status",
    "first_run_id",
    "seen_run_id",
    "seen_at",
    "reasons",
    "payload",
)

__all__ = [
    "EXPORT_FORMATS",
    "QuarantineEntry",
    "RetryResult",
    "export_quarantine",
    "iter_entries",
    "list_quarantine",
    "retry_quarantine",
    "show_entry",
]


@dataclass(frozen=True)
class QuarantineEntry:
    """One quarantined record with its reasons (``[{"field", "reason", "check"}]``)."""

    source: str
    record_key: str
    source_id: str | None
    stream: str
    line: int | None
    status: str
    first_run_id: int
    seen_run_id: int
    seen_at: datetime
    payload: dict[str, Any]
    reasons: list[dict[str, str]]

    @classmethod
    def from_row(cls, row: Any) -> QuarantineEntry:
        return cls(
            source=row.source,
            record_key=row.record_key,
            source_id=row.source_id,
            stream=row.stream,
            line=row.line,
            status=row.status,
            first_run_id=row.first_run_id,
            seen_run_id=row.seen_run_id,
            seen_at=row.seen_at,
            payload=dict(row.payload),
            reasons=[dict(r) for r in row.reasons],
        )

    def masked(self, targets: ColumnTargets | None = None) -> QuarantineEntry:
        """The entry with personal data in its payload and reasons masked; ``targets`` says
        which canonical field each column of the source feeds (see
        :mod:`pipeline.masking_targets`)."""
        return replace(
            self,
            payload=mask_payload(self.payload, (targets or {}).get(self.source)),
            reasons=[
                {**r, "reason": mask_reason(r.get("field", ""), r.get("reason", ""))}
                for r in self.reasons
            ],
        )

    def reason_text(self) -> str:
        """``email: '…' is not a valid email address; phone: …``"""
        return "; ".join(f"{r.get('field')}: {r.get('reason')}" for r in self.reasons)


def iter_entries(
    engine: Engine,
    *,
    source: str | None = None,
    status: str | None = "open",
    unmask: bool = False,
    page: int = PAGE,
    targets: ColumnTargets | None = None,
) -> Iterator[QuarantineEntry]:
    """Every matching entry in (source, key) order, read page by page."""
    after: Position | None = None
    while True:
        with UnitOfWork(engine) as uow:
            rows = QuarantineReview(uow.connection).page(
                source=source, status=status, after=after, limit=page
            )
        for row in rows:
            entry = QuarantineEntry.from_row(row)
            yield entry if unmask else entry.masked(targets)
        if len(rows) < page:
            return
        after = (rows[-1].source, rows[-1].record_key)


def list_quarantine(
    engine: Engine,
    *,
    source: str | None = None,
    limit: int = 50,
    unmask: bool = False,
    targets: ColumnTargets | None = None,
) -> list[QuarantineEntry]:
    """The first ``limit`` open entries (of ``source``), masked unless ``unmask``."""
    if limit < 1:
        raise ConfigError(f"--limit: expected a positive number, got {limit}")
    with UnitOfWork(engine) as uow:
        rows = QuarantineReview(uow.connection).page(source=source, limit=limit)
    entries = [QuarantineEntry.from_row(r) for r in rows]
    return entries if unmask else [e.masked(targets) for e in entries]


def count_open(engine: Engine, source: str | None = None) -> int:
    with UnitOfWork(engine) as uow:
        return uow.quarantine.count(source)


def show_entry(
    engine: Engine,
    source: str,
    record_key: str,
    *,
    unmask: bool = False,
    targets: ColumnTargets | None = None,
) -> QuarantineEntry:
    """One entry (open or resolved); :class:`ConfigError` naming it when there is none."""
    with UnitOfWork(engine) as uow:
        row = QuarantineReview(uow.connection).entry(source, record_key)
    if row is None:
        raise ConfigError(
            f"no quarantine entry {record_key!r} for source {source!r} "
            "(crmhub quarantine list shows the keys)"
        )
    entry = QuarantineEntry.from_row(row)
    return entry if unmask else entry.masked(targets)


def export_quarantine(
    engine: Engine,
    out: IO[str],
    fmt: ExportFormat,
    *,
    source: str | None = None,
    unmask: bool = False,
    raw: bool = False,
    targets: ColumnTargets | None = None,
) -> int:
    """Write every open entry with its reasons as CSV or JSON lines; return how many.

    CSV cells that a spreadsheet would run as formulas get a leading ``'`` unless ``raw``.
    """
    if fmt not in EXPORT_FORMATS:
        raise ConfigError(f"export format: expected csv or jsonl, got {fmt!r}")
    count = 0
    writer = DictCsvWriter(out, CSV_COLUMNS, raw=raw) if fmt == "csv" else None
    if writer is not None:
        writer.writeheader()
    for entry in iter_entries(engine, source=source, unmask=unmask, targets=targets):
        item = _exported(entry)
        if writer is not None:
            writer.writerow(
                {
                    **item,
                    "reasons": entry.reason_text(),
                    "payload": json.dumps(entry.payload, ensure_ascii=False, sort_keys=True),
                }
            )
        else:
            out.write(json.dumps(item, ensure_ascii=False, sort_keys=True, default=str) + "\n")
        count += 1
    return count


def _exported(entry: QuarantineEntry) -> dict[str, Any]:
    return {
        "source": entry.source,
        "record_key": entry.record_key,
        "source_id": entry.source_id,
        "stream": entry.stream,
        "line": entry.line,
        "status": entry.status,
        "first_run_id": entry.first_run_id,
        "seen_run_id": entry.seen_run_id,
        "seen_at": entry.seen_at.isoformat(),
        "reasons": entry.reasons,
        "payload": entry.payload,
    }
