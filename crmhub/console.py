"""Terminal output: rich tables and progress bars on stderr/stdout, one place."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from rich.console import Console, JustifyMethod
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from core.errors import redact
from core.ledger import RunLedger
from core.log_masking import PersonalDataFilter

if TYPE_CHECKING:
    from pipeline.progress import Progress as ProgressCallback

out = Console(soft_wrap=True)  # paths and IDs stay on one line, copyable
err = Console(stderr=True)


class _RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = ()
        return True


def nothing(message: str) -> None:
    """What an empty listing says instead of drawing an empty table."""
    out.print(message, markup=False, highlight=False, soft_wrap=True)


def error(message: str) -> None:
    """One line on stderr, never wrapped, never styled: scripts and people both read it."""
    err.print(f"error: {redact(message)}", markup=False, highlight=False, soft_wrap=True)


class _OneLineHandler(logging.Handler):
    """``warning: source crm: validity: …``: one line per record, like :func:`error`, never
    wrapped; the level word coloured on a terminal."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = self.format(record)
        except Exception:  # noqa: BLE001 - logging must never break the command
            self.handleError(record)
            return
        level = record.levelname.lower()
        line = Text(f"{level}: ", style=_LEVEL_STYLES.get(level, "")) + Text(message)
        err.print(line, soft_wrap=True, highlight=False)


_LEVEL_STYLES = {"warning": "yellow", "error": "bold red", "critical": "bold red", "info": "dim"}


def setup_logging(verbose: bool) -> None:
    """One handler on the root logger, so every record is printed once.

    A plain stderr handler put there before (``logging.basicConfig()``, which the
    first ``logging.warning()`` call of any library runs) would print each
    warning a second time as ``WARNING:name:…``; it is replaced, as is the
    handler of an earlier call.
    """
    root = logging.getLogger()
    for old in list(root.handlers):
        if isinstance(old, _OneLineHandler) or _is_plain_stderr(old):
            root.removeHandler(old)
    handler = _OneLineHandler()
    handler.setFormatter(logging.Formatter("%(message)s"))
    handler.addFilter(_RedactingFilter())
    handler.addFilter(PersonalDataFilter())
    root.addHandler(handler)
    root.setLevel(logging.INFO if verbose else logging.WARNING)
    for noisy in ("great_expectations", "alembic", "sqlalchemy"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def _is_plain_stderr(handler: logging.Handler) -> bool:
    return type(handler) is logging.StreamHandler and getattr(handler, "stream", None) in (
        sys.stderr,
        sys.__stderr__,
    )


class _RateColumn(ProgressColumn):
    """``1,250/s``: records per second, once there is a rate to show."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("" if speed is None else f"{speed:,.0f}/s", style="progress.data.speed")


class _RemainingColumn(ProgressColumn):
    """The time left, only for a bar whose total is known (a file's rows, the pending records)."""

    def __init__(self) -> None:
        super().__init__()
        self._left = TimeRemainingColumn()

    def render(self, task: Task) -> Text:
        if task.total is None or task.finished:
            return Text("")
        return self._left.render(task)


@contextmanager
def progress_bars(target: Console | None = None) -> Iterator[ProgressCallback]:
    """A callback ``progress(stage, source, n, total=None)`` drawing one bar per stage and
    source: done/total where the total is known (``5000/?`` only where it is not), the rate,
    and the time left. Drawn only on a terminal."""
    target = target or err
    interactive = target.is_terminal and (target is not err or sys.stderr.isatty())
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        _RateColumn(),
        TimeElapsedColumn(),
        _RemainingColumn(),
        console=target,
        disable=not interactive,
        transient=False,
    ) as bars:
        tasks: dict[str, TaskID] = {}

        def advance(stage: str, source: str, amount: int, *, total: int | None = None) -> None:
            label = f"{stage} {source}".strip()
            if label not in tasks:
                tasks[label] = bars.add_task(label, total=None)
            if total is not None:
                bars.update(tasks[label], total=total)
            if amount:
                bars.advance(tasks[label], amount)

        yield advance


def ledger_table(ledger: RunLedger) -> Table:
    table = Table(title=f"run {ledger.run_id} ({ledger.kind}): {ledger.status}")
    counted: tuple[str, ...] = ("read", "unchanged", "staged", "quarantined", "erased", "deleted")
    if not ledger.total("erased"):
        counted = tuple(c for c in counted if c != "erased")  # only after a ``crmhub forget``
    counted += ("with_field_issues",)  # a part of staged: kept with a value set aside
    headers = {"with_field_issues": "staged with field issues"}
    for column in ("source", *counted, "status"):
        justify: JustifyMethod = "left" if column in ("source", "status") else "right"
        table.add_column(headers.get(column, column), justify=justify)
    for s in ledger.source_ledgers:
        table.add_row(s.source, *(str(getattr(s, c)) for c in counted), s.status)
    if len(ledger.source_ledgers) > 1:
        table.add_row(
            "total",
            *(str(ledger.total(c)) for c in counted),
            "",
            style="bold",
        )
    return table


def field_issues_line(ledger: RunLedger) -> str | None:
    """What to say about the staged records that carry field issues, if any."""
    kept = ledger.total("with_field_issues")
    if not kept:
        return None
    return (
        f"{kept} staged records carry field issues: kept and matched, the defective value "
        "set aside (crmhub quarantine issues list shows them)"
    )


def golden_table(ledger: RunLedger) -> Table:
    table = Table(title="golden records")
    for column in ("created", "updated", "merged away", "deleted", "change events"):
        table.add_column(column, justify="right")
    table.add_row(
        str(ledger.golden_created),
        str(ledger.golden_updated),
        str(ledger.golden_merged),
        str(ledger.golden_deleted),
        str(ledger.events),
    )
    return table


def checks_line(counts: dict[str, int]) -> str:
    """``checks: 12 passed, 1 warned, 0 failed``: what the quality checks of a run found."""
    return (
        f"checks: {counts.get('passed', 0)} passed, {counts.get('warned', 0)} warned, "
        f"{counts.get('failed', 0)} failed"
    )


def pair_table(left_key: str, left: dict[str, Any], right_key: str, right: dict[str, Any]) -> Table:
    table = Table(title="records")
    for column in ("field", left_key, right_key):
        table.add_column(column)
    for name in sorted({*left, *right} - {"source_id"}):
        a, b = left.get(name), right.get(name)
        if a in (None, "") and b in (None, ""):
            continue
        style = None if a == b else "yellow"
        table.add_row(
            name, str(a if a is not None else ""), str(b if b is not None else ""), style=style
        )
    return table


def explanation_table(explanation: dict[str, Any]) -> Table:
    """Per-field levels and weights (log2 odds): how each field moved the decision.

    The rows add up to the total: the prior (how likely any two records match
    before their fields are compared), each field's weight and its adjustment
    for how rare the agreeing value is.
    """
    table = Table(
        title=f"evidence (total {explanation.get('total_weight', '?')} bits, "
        f"p={explanation.get('probability', '?')})"
    )
    items = explanation.get("fields", [])
    rarity = any(item.get("tf_adjustment") for item in items)
    columns = ["field", "level", "similarity", "weight", *(["rarity"] if rarity else [])]
    for column in columns:
        table.add_column(column, justify="left" if column in ("field", "level") else "right")
    prior = explanation.get("prior")
    if prior is not None:
        table.add_row("prior", "", "", f"{prior:+.2f}", *([""] if rarity else []), style="dim")
    for item in items:
        similarity = item.get("similarity")
        row = [
            item["field"],
            str(item["level"]),
            "" if similarity is None else f"{similarity:.3f}",
            f"{item['weight']:+.2f}",
        ]
        if rarity:
            tf = item.get("tf_adjustment")
            row.append(f"{tf:+.2f}" if tf else "")
        table.add_row(*row)
    if "total_weight" in explanation:
        total = f"{explanation['total_weight']:+.2f}"
        table.add_row("total", "", "", total, *([""] if rarity else []), style="bold")
    return table


def provenance_table(title: str, record: dict[str, Any], provenance: dict[str, Any]) -> Table:
    """Each golden field, its value, the member it came from and the rule that chose it."""
    table = Table(title=title)
    for column in ("field", "value", "from", "rule"):
        table.add_column(column)
    for name, value in record.items():
        if name == "consent" and isinstance(value, dict):
            rows = [(f"consent.{flag}", flag_value) for flag, flag_value in value.items()]
        else:
            rows = [(name, value)]
        for field, shown in rows:
            origin = provenance.get(field, {})
            table.add_row(
                field,
                str(shown),
                f"{origin.get('source', '')}:{origin.get('source_id', '')}",
                _rule_text(origin),
            )
    return table


def _rule_text(origin: dict[str, Any]) -> str:
    """``most_recent (2026-03-01T09:00:00+00:00)``, ``most_frequent (2 votes)``."""
    rule = str(origin.get("rule", ""))
    if "at" in origin:
        return f"{rule} ({origin['at']})"
    if "votes" in origin:
        return f"{rule} ({origin['votes']} votes)"
    return rule
