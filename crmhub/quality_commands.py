"""``crmhub quarantine …`` and ``crmhub report``: the data steward's side of quality.

Personal data is masked in everything these commands print or write unless
``--unmask`` is given. Exit codes as everywhere: 0 ok, 1 the retry run failed
(its ledger does not add up or an ``error`` check failed), 2 a usage or config
error.
"""

from __future__ import annotations

import json
import sys
import webbrowser
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from core.errors import ConfigError
from core.settings import HubConfig, load_config
from crmhub import console
from crmhub.options import DEFAULT_CONFIG, ConfigOption, RawOption, WaitOption, one_of

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

quarantine_app = typer.Typer(
    help="Records that cannot be processed or identified: list, show, export, retry; and the "
    "field issues of kept records (issues list, issues export).",
    no_args_is_help=True,
)
issues_app = typer.Typer(
    help="Field issues: defective values set aside from records that were kept and matched "
    "on the rest (values masked). crmhub quarantine retry re-checks them after a fix.",
    no_args_is_help=True,
)
quarantine_app.add_typer(issues_app, name="issues")

SourceOption = Annotated[str | None, typer.Option("--source", "-s", help="Only this source.")]
FieldOption = Annotated[
    str | None, typer.Option("--field", "-f", help="Only this field (email, phone, …).")
]
UnmaskOption = Annotated[
    bool, typer.Option("--unmask", help="Show personal data (masked by default).")
]
REASONS_SHOWN = 100


def _hub(path: Path) -> HubConfig:
    return load_config(path)


def _engine(config: HubConfig) -> Engine:
    """The store for reading: never migrated, never written (see pipeline.store)."""
    from pipeline.store import open_store

    return open_store(config, "read")


@quarantine_app.command("list")
def quarantine_list(
    config: ConfigOption = DEFAULT_CONFIG,
    source: SourceOption = None,
    limit: Annotated[int, typer.Option(help="How many entries at most.")] = 50,
    unmask: UnmaskOption = False,
) -> None:
    """Open entries with their reasons, by source and key."""
    unmask = unmask or not _masks(config)
    from rich.table import Table

    from pipeline.quarantine import count_open, list_quarantine

    hub = _hub(config)
    engine = _engine(hub)
    targets = None if unmask else _targets(hub)
    entries = list_quarantine(engine, source=source, limit=limit, unmask=unmask, targets=targets)
    if not entries:
        console.nothing(f"no open quarantine entries{_of_source(source)}")
        return
    table = Table(title="quarantine (open)")
    for column in ("source", "key", "line", "runs", "reasons"):
        table.add_column(column, justify="right" if column == "line" else "left")
    for entry in entries:
        reasons = entry.reason_text()
        if len(reasons) > REASONS_SHOWN:
            reasons = reasons[: REASONS_SHOWN - 1] + "…"
        table.add_row(
            entry.source,
            entry.record_key,
            "" if entry.line is None else str(entry.line),
            f"{entry.first_run_id}→{entry.seen_run_id}",
            reasons,
        )
    console.out.print(table)
    console.out.print(f"{count_open(engine, source)} open entries; {len(entries)} shown")


@quarantine_app.command("show")
def quarantine_show(
    source: Annotated[str, typer.Argument(metavar="SOURCE")],
    record_key: Annotated[str, typer.Argument(metavar="RECORD_KEY")],
    config: ConfigOption = DEFAULT_CONFIG,
    unmask: UnmaskOption = False,
) -> None:
    """One entry: where it came from, every reason, and its payload."""
    unmask = unmask or not _masks(config)
    from rich.table import Table

    from pipeline.quarantine import show_entry

    hub = _hub(config)
    targets = None if unmask else _targets(hub)
    entry = show_entry(_engine(hub), source, record_key, unmask=unmask, targets=targets)
    line = f", line {entry.line}" if entry.line is not None else ""
    console.out.print(
        f"{entry.source} {entry.record_key} ({entry.status}; stream {entry.stream}{line}; "
        f"first seen in run {entry.first_run_id}, last in run {entry.seen_run_id})",
        markup=False,
    )
    for reason in entry.reasons:
        console.out.print(
            f"  {reason.get('field')}: {reason.get('reason')} [{reason.get('check')}]",
            markup=False,
        )
    table = Table(title="payload" + ("" if unmask else " (personal data masked)"))
    table.add_column("field")
    table.add_column("value")
    for name, value in entry.payload.items():
        shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        table.add_row(str(name), shown)
    console.out.print(table)


@quarantine_app.command("export")
def quarantine_export(
    output: Annotated[
        Path, typer.Option("--output", "-o", help="FILE.csv or FILE.jsonl (format by suffix).")
    ],
    config: ConfigOption = DEFAULT_CONFIG,
    source: SourceOption = None,
    unmask: UnmaskOption = False,
    raw: RawOption = False,
) -> None:
    """Every open entry with its reasons, as CSV or JSON lines."""
    unmask = unmask or not _masks(config)
    from pipeline.quarantine import EXPORT_FORMATS, export_quarantine

    fmt = one_of(output.suffix.lower().lstrip("."), EXPORT_FORMATS)
    if fmt is None:
        raise ConfigError(f"--output: name the file .csv or .jsonl, got {output.name!r}")
    hub = _hub(config)
    engine = _engine(hub)
    targets = None if unmask else _targets(hub)
    try:
        out = output.open("w", newline="", encoding="utf-8")
    except OSError as e:
        raise ConfigError(f"--output: cannot write {output}: {e.strerror}") from e
    with out:
        count = export_quarantine(
            engine,
            out,
            fmt,
            source=source,
            unmask=unmask,
            raw=raw,
            targets=targets,
        )
    console.err.print(
        f"{count} quarantine entries written to {output}",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )


@issues_app.command("list")
def issues_list(
    config: ConfigOption = DEFAULT_CONFIG,
    source: SourceOption = None,
    field: FieldOption = None,
    limit: Annotated[int, typer.Option(help="How many issues at most.")] = 50,
) -> None:
    """Field issues by source, record and field, then the count per source and field."""
    from rich.table import Table

    from pipeline.field_issue_view import count_field_issues, list_field_issues

    engine = _engine(_hub(config))
    issues = list_field_issues(engine, source=source, field=field, limit=limit)
    if not issues:
        of_field = f" in field {field}" if field else ""
        console.nothing(f"no field issues{_of_source(source)}{of_field}")
        return
    table = Table(title="field issues (records kept, values set aside)")
    for column in ("source", "source id", "line", "field", "value", "reason", "runs"):
        table.add_column(column, justify="right" if column == "line" else "left")
    for issue in issues:
        reason = issue.reason if len(issue.reason) <= REASONS_SHOWN else issue.reason[:99] + "…"
        table.add_row(
            issue.source,
            issue.source_id,
            "" if issue.line is None else str(issue.line),
            issue.field,
            issue.value,
            reason,
            f"{issue.first_run_id}→{issue.seen_run_id}",
        )
    console.out.print(table)
    counts = count_field_issues(engine, source)
    if field is not None:
        counts = {k: n for k, n in counts.items() if k[1] == field}
    by_field = ", ".join(f"{s}.{f} {n}" for (s, f), n in sorted(counts.items()))
    console.out.print(
        f"{sum(counts.values())} field issues ({by_field or 'none'}); {len(issues)} shown",
        markup=False,
        highlight=False,
    )


@issues_app.command("export")
def issues_export(
    output: Annotated[
        Path, typer.Option("--output", "-o", help="FILE.csv or FILE.jsonl (format by suffix).")
    ],
    config: ConfigOption = DEFAULT_CONFIG,
    source: SourceOption = None,
    field: FieldOption = None,
    raw: RawOption = False,
) -> None:
    """Every field issue (values masked), as CSV or JSON lines."""
    from pipeline.field_issue_view import EXPORT_FORMATS, export_field_issues

    fmt = one_of(output.suffix.lower().lstrip("."), EXPORT_FORMATS)
    if fmt is None:
        raise ConfigError(f"--output: name the file .csv or .jsonl, got {output.name!r}")
    engine = _engine(_hub(config))
    try:
        out = output.open("w", newline="", encoding="utf-8")
    except OSError as e:
        raise ConfigError(f"--output: cannot write {output}: {e.strerror}") from e
    with out:
        count = export_field_issues(engine, out, fmt, source=source, field=field, raw=raw)
    console.err.print(
        f"{count} field issues written to {output}", markup=False, highlight=False, soft_wrap=True
    )


@quarantine_app.command("retry")
def quarantine_retry(
    config: ConfigOption = DEFAULT_CONFIG,
    source: Annotated[
        list[str] | None, typer.Option("--source", "-s", help="Only this source (repeatable).")
    ] = None,
    wait: WaitOption = 0,
) -> None:
    """Re-process open entries, and re-check field issues, through the current mapping and
    config (a run of kind retry)."""
    from pipeline.quarantine import retry_quarantine
    from pipeline.store import store_writer

    hub = _hub(config)
    with store_writer(hub, "quarantine retry", wait=wait) as engine:
        result = retry_quarantine(hub, source_names=source, engine=engine)
    if result.ledger is None:
        console.out.print(
            "nothing to retry: no open quarantine entries or field issues for those sources"
        )
        return
    ledger = result.ledger
    console.out.print(console.ledger_table(ledger))
    console.out.print(
        f"retry run {ledger.run_id}: {ledger.total('staged')} staged, "
        f"{ledger.total('unchanged')} unchanged, {ledger.total('quarantined')} still "
        f"quarantined; {ledger.golden_created} golden records created, "
        f"{ledger.golden_updated} updated; field issues {result.field_issues_before} → "
        f"{result.field_issues_after}"
    )
    if result.quality is not None:
        console.out.print(console.checks_line(result.quality.counts()))
    if not result.ok:
        for problem in result.problems or [f"run {ledger.run_id} {ledger.status}"]:
            console.error(problem)
        raise typer.Exit(1)


def report(
    config: ConfigOption = DEFAULT_CONFIG,
    run: Annotated[int | None, typer.Option("--run", help="Run ID (default: the newest).")] = None,
    open_it: Annotated[bool, typer.Option("--open", help="Open the HTML in a browser.")] = False,
) -> None:
    """Write a run's quality report (HTML, JSON, Data Docs) and print where it is."""
    from pipeline.report import write_report
    from pipeline.store import open_store

    hub = _hub(config)
    written = write_report(open_store(hub, "write"), hub, run)  # it stores the check results
    console.out.print(f"report:    {written.html}", markup=False, highlight=False)
    console.out.print(f"json:      {written.json}", markup=False, highlight=False)
    if written.data_docs is not None:
        console.out.print(f"data docs: {written.data_docs}", markup=False, highlight=False)
    console.out.print(
        f"run {written.run_id}: {written.verdict}; {console.checks_line(written.quality.counts())}",
        markup=False,
        highlight=False,
    )
    if written.merge is not None:
        merge = written.merge
        console.out.print(
            f"{merge.staged} records staged, {merge.golden_created} golden records created, "
            f"{merge.joined_existing} records joined existing golden records",
            markup=False,
            highlight=False,
        )
    if open_it and not webbrowser.open(written.html.resolve().as_uri()):
        console.err.print(
            f"no browser found: open {written.html} yourself", markup=False, soft_wrap=True
        )
        sys.stderr.flush()


def _of_source(source: str | None) -> str:
    return f" from source {source}" if source else ""


def _targets(hub: HubConfig) -> dict[str, dict[str, str]]:
    """What each source's columns feed, so that ``姓名`` is masked as the name it is."""
    from pipeline.masking_targets import column_targets

    return column_targets(hub)


def _masks(config: Path) -> bool:
    """``privacy.mask_personal_data`` of the hub: off means every listing shows values."""
    return _hub(config).privacy.mask_personal_data
