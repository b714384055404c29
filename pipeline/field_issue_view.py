"""Field issues as stewards use them: list, count and export (values always masked).

A field issue is a defective value set aside from a staged record: the customer
was kept and matched on the rest, the value waits for a fix. The store keeps
the value and the reason masked (the payload holds the value as read), so these
listings never show personal data; ``crmhub quarantine issues`` prints them,
``crmhub quarantine retry`` re-checks them after a mapping or config fix.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass, fields
from datetime import datetime
from typing import IO, Any, Literal

from core.errors import ConfigError
from core.safe_csv import DictCsvWriter
from core.store import Engine, UnitOfWork
from core.store.field_issues import Position

ExportFormat = Literal["csv", "jsonl"]
EXPORT_FORMATS: tuple[ExportFormat, ...] = ("csv", "jsonl")
PAGE = 500


@dataclass(frozen=True)
class FieldIssueEntry:
    """One defective value of a staged record: where, which field, the masked value, why."""

    source: str
    source_id: str
    stream: str
    line: int | None
    field: str
    value: str
    reason: str
    check: str
    first_run_id: int
    seen_run_id: int
    seen_at: datetime

    @classmethod
    def from_row(cls, row: Any) -> FieldIssueEntry:
        """The entry of a ``field_issue`` row: its columns carry the fields' names."""
        return cls(**{f.name: getattr(row, f.name) for f in fields(cls)})

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "seen_at": self.seen_at.isoformat()}


CSV_COLUMNS: tuple[str, ...] = tuple(FieldIssueEntry.__dataclass_fields__)


def iter_field_issues(
    engine: Engine, *, source: str | None = None, field: str | None = None, page: int = PAGE
) -> Iterator[FieldIssueEntry]:
    """Every issue of an active staged record, in (source, source id, field) order, paged."""
    after: Position | None = None
    while True:
        with UnitOfWork(engine) as uow:
            rows = uow.field_issues.page(source=source, field=field, after=after, limit=page)
        yield from (FieldIssueEntry.from_row(r) for r in rows)
        if len(rows) < page:
            return
        last = rows[-1]
        after = (last.source, last.source_id, last.field, last.value_key)


def list_field_issues(
    engine: Engine, *, source: str | None = None, field: str | None = None, limit: int = 50
) -> list[FieldIssueEntry]:
    """The first ``limit`` issues (of ``source``, of ``field``)."""
    if limit < 1:
        raise ConfigError(f"--limit: expected a positive number, got {limit}")
    with UnitOfWork(engine) as uow:
        rows = uow.field_issues.page(source=source, field=field, limit=limit)
    return [FieldIssueEntry.from_row(r) for r in rows]


def count_field_issues(engine: Engine, source: str | None = None) -> dict[tuple[str, str], int]:
    """Open issues per (source, field)."""
    with UnitOfWork(engine) as uow:
        return uow.field_issues.count_by_field(source)


def export_field_issues(
    engine: Engine,
    out: IO[str],
    fmt: ExportFormat,
    *,
    source: str | None = None,
    field: str | None = None,
    raw: bool = False,
) -> int:
    """Write every issue as CSV (the safe writer: formula-like cells made inert unless
    ``raw``) or JSON lines; return how many."""
    if fmt not in EXPORT_FORMATS:
        raise ConfigError(f"export format: expected csv or jsonl, got {fmt!r}")
    writer = DictCsvWriter(out, CSV_COLUMNS, raw=raw) if fmt == "csv" else None
    if writer is not None:
        writer.writeheader()
    count = 0
    for entry in iter_field_issues(engine, source=source, field=field):
        item = entry.as_dict()
        if writer is not None:
            writer.writerow(item)
        else:
            out.write(json.dumps(item, ensure_ascii=False, sort_keys=True) + "\n")
        count += 1
    return count
