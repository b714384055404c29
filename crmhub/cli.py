"""The ``crmhub`` command line.

Exit codes: 0 the job succeeded, 1 the run failed (e.g. its ledger does not
add up, a source failed), 2 a usage, config or input-file error the user must
fix. Errors are one line on stderr, never a traceback, and never hold secrets.
"""

from __future__ import annotations

import os
import sys
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from core.errors import ConfigError, HubError
from core.log_masking import set_masking
from core.settings import HubConfig, load_config
from crmhub import console
from crmhub.api_commands import register as register_api_commands
from crmhub.command_tree import FlagsAsFlags
from crmhub.config_commands import config_app
from crmhub.options import (
    DEFAULT_CONFIG,
    ActorOption,
    ConfigOption,
    RawOption,
    WaitOption,
    WorkersOption,
    one_of,
)
from crmhub.privacy_commands import register as register_privacy_commands

if TYPE_CHECKING:
    from core.standardise.dates import DateOrder
    from mdm.survivorship import SurvivorshipPolicy
from crmhub.quality_commands import quarantine_app, report

app = typer.Typer(
    name="crmhub",
    help="Pull customer data together, check it, and keep one golden record per customer.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=FlagsAsFlags,
)
_DATE_ORDERS: tuple[DateOrder, ...] = ("dmy", "mdy", "ymd")

golden_app = typer.Typer(help="Read golden records.", no_args_is_help=True)
app.add_typer(golden_app, name="golden")
sources_app = typer.Typer(help="Look at the configured sources.", no_args_is_help=True)
app.add_typer(sources_app, name="sources")
review_app = typer.Typer(help="The queue of uncertain matches.", no_args_is_help=True)
app.add_typer(review_app, name="review")
match_app = typer.Typer(help="Why records match or not.", no_args_is_help=True)
app.add_typer(match_app, name="match")
backup_app = typer.Typer(help="Backups of the store.", no_args_is_help=True)
app.add_typer(backup_app, name="backup")
db_app = typer.Typer(help="The store's schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(quarantine_app, name="quarantine")
app.add_typer(config_app, name="config")


def _config(path: Path) -> HubConfig:
    config = load_config(path)
    set_masking(config.privacy.mask_personal_data)
    return config


def _with_workers(config: HubConfig, workers: int | None) -> HubConfig:
    """``--workers`` over hub.yaml's ``workers``."""
    return config if workers is None else config.model_copy(update={"workers": workers})


def _policy(hub: HubConfig) -> SurvivorshipPolicy:
    from pipeline.survivorship import policy_for

    return policy_for(hub)


def _engine(config: HubConfig):
    """The store for reading: never migrated, never written (see pipeline.store)."""
    from pipeline.store import open_store

    return open_store(config, "read")


def _writer(config: HubConfig, purpose: str, wait: float):
    """The store as its only writer (``with _writer(...) as engine``); see store_writer."""
    from pipeline.store import store_writer

    return store_writer(config, purpose, wait=wait)


def _print_version(asked: bool) -> None:
    if asked:
        from importlib.metadata import version

        console.out.print(f"crmhub {version('crm-hub')}", markup=False, highlight=False)
        raise typer.Exit()


@app.callback()
def _root(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log progress details.")] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    console.setup_logging(verbose)


@app.command()
def demo(
    directory: Annotated[
        Path, typer.Option("--dir", help="Where to write the demo store and reports.")
    ] = Path("crmhub-demo"),
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Replace the directory even if it holds files an earlier demo did not write.",
        ),
    ] = False,
) -> None:
    """Run the bundled sample (three systems, dirty overlapping customers) into SQLite."""
    from pipeline.demo import run_demo

    with console.progress_bars() as progress:
        outcome = run_demo(directory, progress=progress, force=force)
    ledger = outcome.result.ledger
    console.out.print(console.ledger_table(ledger))
    console.out.print(console.golden_table(ledger))
    read, staged = ledger.total("read"), ledger.total("staged")
    unchanged, quarantined = ledger.total("unchanged"), ledger.total("quarantined")
    verdict = "adds up" if read == unchanged + staged + quarantined else "DOES NOT ADD UP"
    console.out.print(
        f"read {read} = unchanged {unchanged} + staged {staged} + quarantined {quarantined}"
        f" ({verdict}); {ledger.golden_created} golden records created"
    )
    console.out.print(f"store:   {outcome.store_path}")
    console.out.print(f"report:  {outcome.report_path}")
    console.out.print(f"export:  {outcome.export_path}")
    console.out.print(f"config:  {outcome.config_path}")
    if not outcome.result.ok:
        _fail(outcome.result.problems)


@app.command()
def sync(
    config: ConfigOption = DEFAULT_CONFIG,
    source: Annotated[
        list[str] | None, typer.Option("--source", "-s", help="Only this source (repeatable).")
    ] = None,
    wait: WaitOption = 0,
    workers: WorkersOption = None,
) -> None:
    """Run the configured sources: extract, map, validate, stage, resolve, publish."""
    from pipeline.run import RunOptions
    from pipeline.sync import sync as run_sync

    hub = _with_workers(_config(config), workers)
    with _writer(hub, "sync", wait) as engine, console.progress_bars() as progress:
        options = RunOptions(sources=source or (), progress=progress)
        result = run_sync(hub, options, engine=engine)
    if result.resumed:
        console.err.print(f"resumed interrupted run {result.ledger.run_id}")
    console.out.print(console.ledger_table(result.ledger))
    if issues := console.field_issues_line(result.ledger):
        console.out.print(issues, markup=False, highlight=False)
    console.out.print(console.golden_table(result.ledger))
    if result.quality is not None:
        console.out.print(
            f"{console.checks_line(result.quality.counts())} "
            f"(crmhub report --run {result.ledger.run_id} writes the report)"
        )
    if not result.ok:
        _fail(result.problems)


app.command("run", help="Same as sync.")(sync)


@app.command()
def dedupe(
    input_file: Annotated[Path, typer.Argument(metavar="INPUT", help="CSV or XLSX file.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="source_id,golden_id CSV.")],
    mapping: Annotated[
        Path | None,
        typer.Option(
            "--mapping",
            "-m",
            help="Mapping YAML (not needed for files with the canonical columns).",
        ),
    ] = None,
    region: Annotated[str, typer.Option(help="Default phone region (ISO 3166).")] = "CN",
    date_order: Annotated[
        str, typer.Option(help="dmy, mdy or ymd for dates like 03/05/1990.")
    ] = "dmy",
    encoding: Annotated[str | None, typer.Option(help="CSV encoding (default: detected).")] = None,
    delimiter: Annotated[str | None, typer.Option(help="CSV delimiter (default: sniffed).")] = None,
    sheet: Annotated[str | None, typer.Option(help="XLSX sheet name (default: first).")] = None,
    truth: Annotated[
        Path | None,
        typer.Option(
            help="CSV of source_id and the true entity of each record: print precision, "
            "recall and F1 of the result against it."
        ),
    ] = None,
    raw: RawOption = False,
    workers: WorkersOption = None,
) -> None:
    """Deduplicate one file: one output line per input record, rejects listed with reasons."""
    from pipeline.dedupe import dedupe_file
    from pipeline.evaluate import pairwise_score, read_clusters

    order = one_of(date_order, _DATE_ORDERS)
    if order is None:
        raise ConfigError(f"--date-order: expected dmy, mdy or ymd, got {date_order!r}")
    known = read_clusters(truth) if truth is not None else None
    with console.progress_bars() as progress:
        result = dedupe_file(
            input_file,
            output,
            mapping=mapping,
            default_region=region.upper(),
            date_order=order,
            progress=progress,
            read_options={
                k: v
                for k, v in (("encoding", encoding), ("delimiter", delimiter), ("sheet", sheet))
                if v is not None
            },
            raw=raw,
            workers=workers,
        )
    console.out.print(
        f"{result.records} records → {result.clusters} customers; "
        f"{result.rejected} rejected (see {result.rejects}); "
        f"{result.sync.ledger.total('with_field_issues')} kept with field issues"
    )
    console.out.print(f"output: {result.output}")
    if known is not None:
        score = pairwise_score(read_clusters(result.output), known)
        console.out.print(
            f"against {truth}: precision {score.precision:.4f}, recall {score.recall:.4f}, "
            f"F1 {score.f1:.4f} ({score.correct} of {score.true} true pairs found, "
            f"{score.found - score.correct} wrong)"
        )
    if not result.sync.ok:
        _fail(result.sync.problems)


@golden_app.command("show")
def golden_show(
    golden_id: Annotated[str, typer.Argument(metavar="ID")],
    config: ConfigOption = DEFAULT_CONFIG,
) -> None:
    """Show a golden record with the source and survivorship rule of every field (merged-away
    IDs redirect)."""
    from pipeline.views import golden_view

    view = golden_view(_engine(_config(config)), golden_id)
    if view.golden_id != view.asked_for:
        console.out.print(f"{view.asked_for} was merged into {view.golden_id}")
    title = f"{view.golden_id} (version {view.version}, {view.status})"
    console.out.print(console.provenance_table(title, view.record, view.provenance))
    console.out.print("members: " + ", ".join(f"{s}:{i}" for s, i in view.members))
    for h in view.history:
        console.out.print(f"  v{h['version']} {h['change']} (run {h['run_id']}, {h['at']})")


@golden_app.command("export")
def golden_export(
    fmt: Annotated[str, typer.Option("--format", "-f", help="csv, jsonl or parquet")] = "csv",
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="File (default stdout; parquet needs one)."),
    ] = None,
    since: Annotated[
        int | None,
        typer.Option(
            "--since",
            min=0,
            help="Only records changed after this change-event seq (tombstones too).",
        ),
    ] = None,
    provenance: Annotated[
        bool, typer.Option("--provenance", help="Add the source of each field (<field>__source).")
    ] = False,
    raw: RawOption = False,
    config: ConfigOption = DEFAULT_CONFIG,
) -> None:
    """Stream active golden records (or those changed after SEQ) as CSV, JSON lines or Parquet."""
    from pipeline.export import FORMATS, export_golden

    chosen = one_of(fmt, FORMATS)
    if chosen is None:
        raise ConfigError(f"--format: expected one of {', '.join(FORMATS)}, got {fmt!r}")
    if chosen == "parquet" and output is None:
        raise ConfigError("--format parquet is binary: write it to a file with -o FILE")
    engine = _engine(_config(config))
    write = partial(export_golden, engine, fmt=chosen, since=since, provenance=provenance, raw=raw)
    if output is None:
        result = write(sys.stdout)
        where = "stdout"
    elif chosen == "parquet":
        with output.open("wb") as binary:
            result = write(binary)
        where = str(output)
    else:
        with output.open("w", newline="", encoding="utf-8") as out:
            result = write(out)
        where = str(output)
    console.err.print(
        f"{result.count} golden records written to {where}; changes up to seq {result.last_seq} "
        f"(next time: --since {result.last_seq})",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )


@app.command()
def status(
    config: ConfigOption = DEFAULT_CONFIG,
    limit: Annotated[int, typer.Option(help="How many recent runs.")] = 5,
) -> None:
    """The last runs with their ledgers, and what the store holds."""
    from pipeline.views import recent_runs, store_totals

    engine = _engine(_config(config))
    runs = recent_runs(engine, limit)
    if not runs:
        console.out.print("no runs yet")
    for ledger in reversed(runs):
        console.out.print(console.ledger_table(ledger))
    totals = store_totals(engine)
    console.out.print(
        f"store: {totals.source_records} source records, {totals.quarantined} quarantined, "
        f"{totals.golden_active} golden records ({totals.golden_merged} merged away), "
        f"{totals.reviews_open} open reviews, {totals.events} change events"
    )


@review_app.command("list")
def review_list(
    config: ConfigOption = DEFAULT_CONFIG,
    status: Annotated[str, typer.Option(help="open, accepted, rejected or all")] = "open",
    limit: Annotated[int, typer.Option(help="How many.")] = 50,
) -> None:
    """Uncertain pairs waiting for a decision, most likely matches first."""
    from rich.table import Table

    from pipeline.steward import list_reviews

    items = list_reviews(_engine(_config(config)), None if status == "all" else status, limit)
    if not items:
        hint = "" if status == "all" else " (--status all lists every task)"
        console.nothing(f"no review tasks{'' if status == 'all' else f' {status}'}{hint}")
        return
    table = Table(title=f"review tasks ({status})")
    for column in ("task", "score", "left", "right", "names", "status"):
        table.add_column(column)
    for item in items:
        names = f"{item.left.get('full_name') or ''} / {item.right.get('full_name') or ''}"
        table.add_row(
            str(item.task_id),
            f"{item.score:.3f}",
            item.left_key,
            item.right_key,
            names,
            item.status,
        )
    console.out.print(table)


@review_app.command("show")
def review_show(
    task_id: Annotated[int, typer.Argument(metavar="TASK")],
    config: ConfigOption = DEFAULT_CONFIG,
) -> None:
    """Both records side by side, and the evidence field by field."""
    from pipeline.steward import show_review

    item = show_review(_engine(_config(config)), task_id)
    console.out.print(console.pair_table(item.left_key, item.left, item.right_key, item.right))
    console.out.print(console.explanation_table(item.explanation))
    console.out.print(
        f"task {item.task_id}: {item.status}, score {item.score:.3f}; golden "
        f"records {item.left_golden} / {item.right_golden}"
    )


@review_app.command("accept")
def review_accept(
    task_id: Annotated[int, typer.Argument(metavar="TASK")],
    config: ConfigOption = DEFAULT_CONFIG,
    by: ActorOption = "steward",
    wait: WaitOption = 0,
) -> None:
    """The pair is one customer: merge, and never split it automatically."""
    from pipeline.steward import accept_review

    hub = _config(config)
    with _writer(hub, "steward action", wait) as engine:
        result = accept_review(engine, task_id, policy=_policy(hub), actor=by)
    console.out.print(f"{result.message} ({result.events} change events)")


@review_app.command("reject")
def review_reject(
    task_id: Annotated[int, typer.Argument(metavar="TASK")],
    config: ConfigOption = DEFAULT_CONFIG,
    by: ActorOption = "steward",
    wait: WaitOption = 0,
) -> None:
    """The pair is two customers: never merge it automatically."""
    from pipeline.steward import reject_review

    hub = _config(config)
    with _writer(hub, "steward action", wait) as engine:
        result = reject_review(engine, task_id, policy=_policy(hub), actor=by)
    console.out.print(f"{result.message} ({result.events} change events)")


@golden_app.command("merge")
def golden_merge(
    first: Annotated[str, typer.Argument(metavar="ID")],
    second: Annotated[str, typer.Argument(metavar="OTHER_ID")],
    config: ConfigOption = DEFAULT_CONFIG,
    by: ActorOption = "steward",
    wait: WaitOption = 0,
) -> None:
    """Merge two golden records (the older ID survives; the other redirects to it)."""
    from pipeline.steward import merge_golden

    hub = _config(config)
    with _writer(hub, "steward action", wait) as engine:
        result = merge_golden(engine, first, second, policy=_policy(hub), actor=by)
    console.out.print(f"{result.message} ({result.events} change events)")


@golden_app.command("unmerge")
def golden_unmerge(
    golden_id: Annotated[str, typer.Argument(metavar="ID")],
    source_record: Annotated[str, typer.Argument(metavar="SOURCE:ID")],
    config: ConfigOption = DEFAULT_CONFIG,
    by: ActorOption = "steward",
    wait: WaitOption = 0,
) -> None:
    """Take a source record out of a golden record (restoring what a merge joined)."""
    from pipeline.steward import unmerge

    hub = _config(config)
    with _writer(hub, "steward action", wait) as engine:
        result = unmerge(engine, golden_id, source_record, policy=_policy(hub), actor=by)
    console.out.print(f"{result.message} ({result.events} change events)")


@golden_app.command("explain")
def golden_explain(
    golden_id: Annotated[str, typer.Argument(metavar="ID")],
    config: ConfigOption = DEFAULT_CONFIG,
) -> None:
    """Why these records form one golden record: the decisions between its members, and the
    rule that chose each field's value."""
    from pipeline.explain import explain_golden

    view, decisions = explain_golden(_engine(_config(config)), golden_id)
    console.out.print(f"{view.golden_id}: {len(view.members)} members")
    console.out.print(console.provenance_table("fields", view.record, view.provenance))
    for decision in decisions:
        pinned = ", pinned" if decision.pinned else ""
        console.out.print(
            f"{decision.left_key} ~ {decision.right_key}: {decision.outcome} "
            f"(p={decision.score:.3f}, by {decision.decided_by}{pinned})"
        )
        console.out.print(console.explanation_table(dict(decision.explanation)))


@match_app.command("train")
def match_train(config: ConfigOption = DEFAULT_CONFIG) -> None:
    """Learn the matcher's weights from the staged records (no labels needed); later runs use
    them. Run it after the first big load, and again when the data changes character."""
    from pipeline.training import train_model

    hub = _config(config)
    trained = train_model(hub, _engine(hub))
    console.out.print(
        f"trained on {trained.records} records ({trained.source}); model saved to {trained.path}"
    )


@match_app.command("explain")
def match_explain(
    left: Annotated[str, typer.Argument(metavar="SOURCE:ID")],
    right: Annotated[str, typer.Argument(metavar="SOURCE:ID")],
    config: ConfigOption = DEFAULT_CONFIG,
) -> None:
    """Score two source records now, field by field, and show any stored decision."""
    from pipeline.explain import explain_pair

    hub = _config(config)
    result = explain_pair(_engine(hub), hub, left, right)
    console.out.print(console.pair_table(left, result.left, right, result.right))
    console.out.print(console.explanation_table(result.explanation))
    console.out.print(f"now: {result.outcome} (p={result.probability:.3f})")
    if result.blocked_by:
        console.out.print(f"compared because of {', '.join(result.blocked_by)}", markup=False)
    else:
        console.out.print("no blocking rule brings these two together: a run never compares them")
    if result.stored is not None:
        console.out.print(
            f"stored: {result.stored.outcome} by {result.stored.decided_by}"
            f"{' (pinned)' if result.stored.pinned else ''}"
        )


@app.command()
def migrate(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="The legacy file to load once.")],
    config: ConfigOption = DEFAULT_CONFIG,
    source: Annotated[
        str | None, typer.Option("--source", "-s", help="Source name (settings reused if known).")
    ] = None,
    mapping: Annotated[
        str | None, typer.Option("--mapping", "-m", help="Mapping file or built-in name.")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Report only; write nothing.")] = False,
    wait: WaitOption = 0,
    workers: WorkersOption = None,
) -> None:
    """Load a legacy file in resumable batches; fail if its ledger does not add up."""
    from pipeline.migrate import migrate_file, preview_file

    hub = _with_workers(_config(config), workers)
    if dry_run:
        preview = preview_file(hub, file, source=source, mapping=mapping)
        console.out.print(
            f"dry run of {file} as source {preview.source}: read {preview.read} = "
            f"new {preview.new} + changed {preview.changed} + unchanged {preview.unchanged} "
            f"+ quarantined {preview.quarantined}; nothing was written"
        )
        for reason, count in preview.reasons.most_common(5):
            console.out.print(f"  {count} × {reason}")
        if preview.with_field_issues:
            console.out.print(
                f"{preview.with_field_issues} of the records to stage carry field issues "
                "(kept, the defective value set aside):"
            )
            for reason, count in preview.field_issues.most_common(5):
                console.out.print(f"  {count} × {reason}")
        return
    with _writer(hub, "migrate", wait), console.progress_bars() as progress:
        result = migrate_file(hub, file, source=source, mapping=mapping, progress=progress)
    console.out.print(console.ledger_table(result.ledger))
    if issues := console.field_issues_line(result.ledger):
        console.out.print(issues, markup=False, highlight=False)
    console.out.print(console.golden_table(result.ledger))


@db_app.command("upgrade")
def db_upgrade(
    config: ConfigOption = DEFAULT_CONFIG,
    store: Annotated[
        str | None,
        typer.Option(
            "--store",
            envvar="CRMHUB_STORE_URL",
            show_envvar=True,
            metavar="URL",
            help="The store to upgrade (default: the config's store:).",
        ),
    ] = None,
    wait: WaitOption = 0,
) -> None:
    """Bring the store's schema up to this version of crm-hub (after an update; take a backup
    first). Other commands never migrate: they name this one when the store is behind."""
    from core.errors import register_secret
    from pipeline.store import upgrade_store

    hub = _config(config)
    if store:
        register_secret(store)  # a URL with a password never reaches a message
        hub = hub.model_copy(update={"store": store})
    before, now = upgrade_store(hub, wait=wait)
    if before is None:
        console.out.print(f"the store's schema is already at revision {now}; nothing to do")
    elif before == "none":
        console.out.print(f"store created at schema revision {now}")
    else:
        console.out.print(f"store upgraded from schema revision {before} to {now}")


@backup_app.command("create")
def backup_create(config: ConfigOption = DEFAULT_CONFIG) -> None:
    """Take a consistent backup now (safe while a sync runs), then apply the retention."""
    from pipeline.backup import create_backup

    info = create_backup(_config(config))
    console.out.print(f"backup {info.path}: {len(info.tables)} tables, {info.rows} rows")


@backup_app.command("list")
def backup_list(config: ConfigOption = DEFAULT_CONFIG) -> None:
    """The backups kept, newest first."""
    from pipeline.backup import list_backups

    hub = _config(config)
    backups = list_backups(hub)
    if not backups:
        where = hub.resolve_path(hub.backup.directory)
        console.nothing(f"no backups in {where} (crmhub backup create takes one)")
        return
    for info in backups:
        console.out.print(f"{info.path}  {info.created_at}  {info.rows} rows")


@backup_app.command("verify")
def backup_verify(
    backup: Annotated[Path, typer.Argument(metavar="BACKUP")],
    drill: Annotated[bool, typer.Option(help="Also restore into a scratch store.")] = True,
) -> None:
    """Check a backup's files against its checksums (and drill a restore)."""
    from pipeline.backup import restore_drill, verify_backup

    info = restore_drill(backup) if drill else verify_backup(backup)
    console.out.print(f"{backup}: ok ({info.rows} rows{', restore drill passed' if drill else ''})")


@app.command()
def restore(
    backup: Annotated[Path, typer.Argument(metavar="BACKUP")],
    to: Annotated[str, typer.Option("--to", help="URL of an empty store, e.g. sqlite:///x.db")],
) -> None:
    """Restore a backup into an empty store and prove it identical, table by table."""
    from pipeline.backup import restore_backup

    info = restore_backup(backup, to)
    console.out.print(f"restored {info.rows} rows from {backup}; counts and checksums match")


@sources_app.command("check")
def sources_check(
    config: ConfigOption = DEFAULT_CONFIG,
    source: Annotated[
        list[str] | None, typer.Option("--source", "-s", help="Only this source (repeatable).")
    ] = None,
) -> None:
    """Connect to each source and try its credentials; say clearly what is wrong."""
    from rich.table import Table

    from pipeline.check import check_sources

    hub = _config(config)
    if not hub.sources:
        console.nothing(f"no sources in {config}: add one under sources:")
        return
    results = check_sources(hub, source)
    table = Table(title="sources")
    for column in ("source", "kind", "result", "problem"):
        table.add_column(column)
    for r in results:
        table.add_row(r.source, r.kind, r.verdict, r.problem or "")
    console.out.print(table)
    failed = [r for r in results if not r.ok]
    if failed:
        for r in failed:
            console.error(f"source {r.source}: {r.verdict}: {r.problem}")
        # 2 when every failure is the user's to fix in the config or the file
        raise typer.Exit(2 if all(r.verdict == "misconfigured" for r in failed) else 1)


app.command("report")(report)
register_api_commands(app)  # serve, token
register_privacy_commands(app)  # forget


def _fail(problems: list[str]) -> None:
    for problem in problems:
        console.error(problem)
    raise typer.Exit(1)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; map every expected failure to a one-line message and an exit code."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    try:
        app(args=argv, prog_name="crmhub")  # usage errors: click prints them and exits 2
    except SystemExit as e:
        return e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    except HubError as e:
        console.error(str(e))
        return e.exit_code
    except Exception as e:  # a store a person must fix (wrong file, missing rights): one line
        from core.store.failures import store_failure

        failure = store_failure(e)
        if failure is None:
            raise
        console.error(str(failure))
        return failure.exit_code
    except KeyboardInterrupt:
        console.error("interrupted")
        return 130
    return 0
