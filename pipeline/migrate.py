"""Load a legacy file once, with proof: resumable batches and a ledger that must add up.

``migrate_file`` runs the normal pipeline for one file as a run of kind
``migrate``; ``preview_file`` is the dry run: it reads, maps and validates
everything and compares it with the store, writing nothing anywhere.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from core.errors import ConfigError, InputFileError, ReconciliationError
from core.records import RawRecord
from core.settings import DEFAULT_BATCH_SIZE, HubConfig, SourceConfig
from core.standardise import StandardiseOptions
from core.store import UnitOfWork, make_engine
from pipeline.clock import Clock, utc_now
from pipeline.preflight import preflight
from pipeline.prepare import prepare_batch
from pipeline.run import Progress, RunOptions, RunResult
from pipeline.sources import OpenSource, open_source, standardise_options
from pipeline.sync import sync
from quality import BatchValidator


def migration_config(
    config: HubConfig, path: Path, *, source: str | None = None, mapping: str | None = None
) -> HubConfig:
    """The config with the file as a source: an existing source's settings, or a new one."""
    if not path.is_file():
        raise InputFileError(str(path), "file not found")
    name = source or _source_name(path)
    existing = next((s for s in config.sources if s.name == name), None)
    connection = {**(existing.connection if existing else {}), "path": str(path.resolve())}
    chosen = SourceConfig(
        name=name,
        kind=existing.kind if existing else "spreadsheet",
        connection=connection,
        mapping=mapping or (existing.mapping if existing else None),
        trust=existing.trust if existing else 50,
        batch_size=existing.batch_size if existing else DEFAULT_BATCH_SIZE,
    )
    others = tuple(s for s in config.sources if s.name != name)
    return config.model_copy(update={"sources": (*others, chosen)})


def _source_name(path: Path) -> str:
    cleaned = "".join(c if c.isalnum() else "_" for c in path.stem.lower()).strip("_")
    return cleaned if cleaned[:1].isalpha() else f"legacy_{cleaned}"


def migrate_file(
    config: HubConfig,
    path: Path,
    *,
    source: str | None = None,
    mapping: str | None = None,
    clock: Clock = utc_now,
    progress: Progress | None = None,
    run_key: str | None = None,
) -> RunResult:
    """Load ``path``; if its ledger does not add up, raise naming the source and the counts."""
    config = migration_config(config, path, source=source, mapping=mapping)
    name = config.sources[-1].name
    options = RunOptions(
        kind="migrate", sources=[name], clock=clock, progress=progress, external_key=run_key
    )
    result = sync(config, options)
    if result.problems:
        raise ReconciliationError(f"migration of {path} failed: " + "; ".join(result.problems))
    return result


@dataclass
class Preview:
    """What a migration would do. Nothing was written."""

    source: str
    field_policy: dict[str, str] = field(default_factory=dict)
    read: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    quarantined: int = 0
    with_field_issues: int = 0  # records that would be staged with a value set aside
    reasons: Counter[str] = field(default_factory=Counter)
    field_issues: Counter[str] = field(default_factory=Counter)


def preview_file(
    config: HubConfig,
    path: Path,
    *,
    source: str | None = None,
    mapping: str | None = None,
    clock: Clock = utc_now,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> Preview:
    """The dry run: every record read, mapped and validated, compared with the store."""
    config = migration_config(config, path, source=source, mapping=mapping)
    opened = open_source(config, config.sources[-1])
    preflight([opened])
    preview = Preview(opened.config.name, field_policy=dict(config.quality.field_policy))
    options = standardise_options(config, opened.config)
    validator = BatchValidator()
    url = sa.make_url(config.store_url())
    if url.get_backend_name() == "sqlite" and not Path(url.database or "").is_file():
        url = sa.make_url("sqlite://")  # no store yet: everything is new; create no file
    engine = make_engine(url.render_as_string(hide_password=False))
    try:
        has_store = sa.inspect(engine).has_table("source_record")
        for stream in opened.connector.streams():
            batch: list[RawRecord] = []
            for raw in stream.read(None):
                batch.append(raw)
                if len(batch) >= batch_size:
                    _preview_batch(
                        engine, has_store, opened, batch, options, validator, clock, preview
                    )
                    batch = []
            if batch:
                _preview_batch(engine, has_store, opened, batch, options, validator, clock, preview)
    except sa.exc.OperationalError as e:
        raise ConfigError(f"cannot read the store: {e.orig}") from e
    finally:
        engine.dispose()
    return preview


def _preview_batch(
    engine: sa.Engine,
    has_store: bool,
    opened: OpenSource,
    batch: list[RawRecord],
    options: StandardiseOptions,
    validator: BatchValidator,
    clock: Clock,
    preview: Preview,
) -> None:
    prepared = prepare_batch(
        batch,
        mapping=opened.mapping,
        options=options,
        validator=validator,
        today=clock().date(),
        field_policy=preview.field_policy,
    )
    preview.read += len(batch)
    preview.quarantined += len(prepared.rejected)
    for rejected in prepared.rejected:
        for problem in rejected.problems:
            preview.reasons[f"{problem.field}: {problem.check}"] += 1
    states = {}
    if has_store:
        with UnitOfWork(engine) as uow:
            states = uow.staging.states(preview.source, [a.source_id for a in prepared.accepted])
    for item in prepared.accepted:
        preview.with_field_issues += bool(item.field_issues)
        for issue in item.field_issues:
            preview.field_issues[f"{issue.field}: {issue.check}"] += 1
        state = states.get(item.source_id)
        if state is None:
            preview.new += 1
        elif state.payload_hash == item.content_hash and state.status == "active":
            preview.unchanged += 1
        else:
            preview.changed += 1
