"""The facts of one run's report, gathered once and rendered twice (HTML for people, JSON
for machines), so both always say the same thing.

Everything is read in bounded steps: the ledger and checks are small; the top
failure reasons are counted over the run's quarantine entries page by page,
keeping a few masked examples per reason; the trends read the last N runs'
ledgers. Personal data is masked before it enters the model.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from core.ledger import RunLedger, SourceLedger
from core.masking import mask_payload, mask_reason
from core.settings import HubConfig
from core.store import Engine, UnitOfWork
from core.store.quality import QualityRepository
from core.store.quarantine_review import PAGE, QuarantineReview
from pipeline.clock import as_utc
from pipeline.masking_targets import ColumnTargets, column_targets
from pipeline.quarantine import QuarantineEntry
from quality.results import CheckResult, ValidationReport

_QUOTED = re.compile(r"'(?:[^'\\]|\\.)*'")
MAX_REASON_GROUPS = 200
TOP_REASONS = 10


class LedgerRow(BaseModel):
    source: str
    status: str
    read: int
    unchanged: int
    staged: int
    quarantined: int
    erased: int = 0
    deleted: int
    adds_up: bool
    message: str | None = None

    @classmethod
    def of(cls, ledger: SourceLedger) -> LedgerRow:
        return cls(
            source=ledger.source,
            status=ledger.status,
            read=ledger.read,
            unchanged=ledger.unchanged,
            staged=ledger.staged,
            quarantined=ledger.quarantined,
            erased=ledger.erased,
            deleted=ledger.deleted,
            adds_up=not ledger.problems(),
            message=ledger.message,
        )


class ReasonExample(BaseModel):
    record_key: str
    line: int | None
    reason: str
    payload: dict[str, Any]


class TopReason(BaseModel):
    """One kind of failure: the reason with its values blanked (``'…'``), and how often."""

    source: str
    field: str
    check: str
    reason: str
    count: int
    examples: list[ReasonExample] = Field(default_factory=list)


class IssueExample(BaseModel):
    source_id: str
    line: int | None
    value: str  # masked as stored


class FieldIssueGroup(BaseModel):
    """One kind of field issue (a defective value set aside, the record kept): the reason
    with its values blanked, how many records of the run carry it, masked examples."""

    source: str
    field: str
    check: str
    reason: str
    count: int
    examples: list[IssueExample] = Field(default_factory=list)


class Trends(BaseModel):
    runs: list[int] = Field(default_factory=list)
    volume: dict[str, list[int | None]] = Field(default_factory=dict)
    failure_rate: dict[str, list[float | None]] = Field(default_factory=dict)
    checks: dict[str, list[int]] = Field(default_factory=dict)


class ProfileField(BaseModel):
    name: str
    types: list[str]
    fill_rate: float


class SourceProfile(BaseModel):
    source: str
    records: int
    fields: list[ProfileField]


class RunSummary(BaseModel):
    run_id: int
    kind: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    message: str | None
    sources: list[str]
    golden: dict[str, int]


class MergeFigures(BaseModel):
    """What the run did to the golden records, in records: how many it staged, how many new
    golden records it created, how many records it joined to golden records of earlier runs."""

    staged: int = 0
    golden_created: int = 0
    linked: int = 0  # source records linked to a golden record in the run
    joined_existing: int = 0  # of those, linked to one an earlier run created


class RunReport(BaseModel):
    """Everything the HTML report shows, as data (this is the JSON file)."""

    model_config = ConfigDict(frozen=True)

    generated_at: datetime
    run: RunSummary
    ledger: list[LedgerRow]
    totals: dict[str, int]
    checks: list[CheckResult]
    check_counts: dict[str, int]
    top_reasons: list[TopReason]
    quarantined_in_run: int
    field_issues: list[FieldIssueGroup] = Field(default_factory=list)
    field_issues_in_run: int = 0
    trends: Trends
    profiles: list[SourceProfile]
    data_docs: str | None = None
    merge: MergeFigures = Field(default_factory=MergeFigures)


def gather_report(
    engine: Engine,
    config: HubConfig,
    ledger: RunLedger,
    quality: ValidationReport,
    *,
    generated_at: datetime,
    data_docs: str | None,
) -> RunReport:
    settings = config.quality
    with UnitOfWork(engine) as uow:
        repository = QualityRepository(uow.connection)
        trends = _trends(repository, ledger.run_id, ledger.kind, settings.trend_runs)
        profiles = [
            _profile(row)
            for name in ledger.sources
            if (row := repository.profile(ledger.run_id, name)) is not None
        ]
        linked, joined = repository.merge_figures(ledger.run_id)
    mask = config.privacy.mask_personal_data
    targets = column_targets(config) if mask else None
    reasons, quarantined = _top_reasons(engine, ledger.run_id, settings.examples, mask, targets)
    issues, issue_count = _field_issues(engine, ledger.run_id, settings.examples)
    return RunReport(
        generated_at=generated_at,
        run=RunSummary(
            run_id=ledger.run_id,
            kind=ledger.kind,
            status=ledger.status,
            started_at=as_utc(ledger.started_at),
            finished_at=as_utc(ledger.finished_at) if ledger.finished_at else None,
            message=ledger.message,
            sources=list(ledger.sources),
            golden={
                "created": ledger.golden_created,
                "updated": ledger.golden_updated,
                "merged": ledger.golden_merged,
                "deleted": ledger.golden_deleted,
                "events": ledger.events,
            },
        ),
        ledger=[LedgerRow.of(s) for s in ledger.source_ledgers],
        totals={
            f: ledger.total(f)
            for f in ("read", "unchanged", "staged", "quarantined", "erased", "deleted")
        },
        checks=quality.checks,
        check_counts=quality.counts(),
        top_reasons=reasons,
        quarantined_in_run=quarantined,
        field_issues=issues,
        field_issues_in_run=issue_count,
        trends=trends,
        profiles=profiles,
        data_docs=data_docs,
        merge=MergeFigures(
            staged=ledger.total("staged"),
            golden_created=ledger.golden_created,
            linked=linked,
            joined_existing=joined,
        ),
    )


def reason_template(reason: str) -> str:
    """The reason with quoted values blanked, so that equal failures group together.

    >>> reason_template("'bob@@example' is not a valid email address")
    "'…' is not a valid email address"
    """
    return _QUOTED.sub("'…'", reason)


def _top_reasons(
    engine: Engine, run_id: int, examples: int, mask: bool, targets: ColumnTargets | None = None
) -> tuple[list[TopReason], int]:
    groups: dict[tuple[str, str, str, str], TopReason] = {}
    entries = 0
    after = None
    while True:
        with UnitOfWork(engine) as uow:
            rows = QuarantineReview(uow.connection).seen_in(run_id, after=after)
        for row in rows:
            entries += 1
            _count_reasons(groups, QuarantineEntry.from_row(row), examples, mask, targets)
        if len(rows) < PAGE:
            break
        after = (rows[-1].source, rows[-1].record_key)
    ranked = sorted(groups.values(), key=lambda g: (-g.count, g.source, g.field, g.reason))
    return ranked[:TOP_REASONS], entries


def _count_reasons(
    groups: dict[tuple[str, str, str, str], TopReason],
    entry: QuarantineEntry,
    examples: int,
    mask: bool = True,
    targets: ColumnTargets | None = None,
) -> None:
    """Count each reason of ``entry`` in its group; keep a masked example while a group has
    fewer than ``examples`` (the payload is masked only then: most entries need no example).
    ``mask=False`` (``privacy.mask_personal_data: false``) shows the values as read."""
    payload: dict[str, Any] | None = None
    for reason in entry.reasons:
        field, check = str(reason.get("field", "")), str(reason.get("check", ""))
        shown = str(reason.get("reason", ""))
        shown = mask_reason(field, shown) if mask else shown
        key = (entry.source, field, check, reason_template(shown))
        if key not in groups and len(groups) >= MAX_REASON_GROUPS:
            key = (entry.source, "*", "*", "other reasons")
        group = groups.setdefault(
            key, TopReason(source=key[0], field=key[1], check=key[2], reason=key[3], count=0)
        )
        group.count += 1
        if len(group.examples) < examples:
            if payload is None:
                columns = (targets or {}).get(entry.source)
                payload = mask_payload(entry.payload, columns) if mask else dict(entry.payload)
            group.examples.append(
                ReasonExample(
                    record_key=entry.record_key, line=entry.line, reason=shown, payload=payload
                )
            )


def _field_issues(engine: Engine, run_id: int, examples: int) -> tuple[list[FieldIssueGroup], int]:
    """The field issues of the records the run read, grouped by source, field and reason;
    values were masked when they were stored."""
    groups: dict[tuple[str, str, str, str], FieldIssueGroup] = {}
    count = 0
    after = None
    while True:
        with UnitOfWork(engine) as uow:
            rows = uow.field_issues.seen_in(run_id, after=after, limit=PAGE)
        for row in rows:
            count += 1
            key = (row.source, row.field, row.check, reason_template(row.reason))
            if key not in groups and len(groups) >= MAX_REASON_GROUPS:
                key = (row.source, "*", "*", "other field issues")
            group = groups.setdefault(
                key,
                FieldIssueGroup(source=key[0], field=key[1], check=key[2], reason=key[3], count=0),
            )
            group.count += 1
            if len(group.examples) < examples:
                group.examples.append(
                    IssueExample(source_id=row.source_id, line=row.line, value=row.value)
                )
        if len(rows) < PAGE:
            break
        last = rows[-1]
        after = (last.source, last.source_id, last.field, last.value_key)
    ranked = sorted(groups.values(), key=lambda g: (-g.count, g.source, g.field, g.reason))
    return ranked[:TOP_REASONS], count


def _trends(repository: QualityRepository, run_id: int, kind: str, runs: int) -> Trends:
    rows = repository.trend(run_id, kind, runs)
    run_ids = sorted({int(r.run_id) for r in rows})
    position = {r: i for i, r in enumerate(run_ids)}
    sources = sorted({r.source for r in rows if r.source is not None})
    volume: dict[str, list[int | None]] = {s: [None] * len(run_ids) for s in sources}
    failure: dict[str, list[float | None]] = {s: [None] * len(run_ids) for s in sources}
    for row in rows:
        if row.source is None:
            continue
        i = position[int(row.run_id)]
        volume[row.source][i] = int(row.read)
        failure[row.source][i] = int(row.quarantined) / int(row.read) if row.read else None
    by_run = repository.check_trend(run_ids)
    checks = {
        status: [by_run.get(r, {}).get(status, 0) for r in run_ids]
        for status in ("passed", "warned", "failed")
    }
    return Trends(runs=run_ids, volume=volume, failure_rate=failure, checks=checks)


def _profile(row: Any) -> SourceProfile:
    records = int(row.records)
    fields = [
        ProfileField(
            name=name,
            types=list(stats.get("types", [])),
            fill_rate=(int(stats.get("filled", 0)) / records) if records else 0.0,
        )
        for name, stats in sorted(dict(row.fields).items())
    ]
    return SourceProfile(source=row.source, records=records, fields=fields)
