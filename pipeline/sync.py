"""The main job: every configured source (or those named) through one :class:`Run`.

Extract → map → validate → stage each source, then resolve → merge → publish,
then the ledger and the quality checks; see :mod:`pipeline.run` for how a
killed run resumes.
"""

from __future__ import annotations

from core.errors import ConfigError
from core.settings import HubConfig
from core.store import Engine
from core.store.writer_lock import writer_lock
from pipeline.preflight import preflight
from pipeline.run import Run, RunOptions, RunResult
from pipeline.sources import open_source
from pipeline.store import open_store


def sync(
    config: HubConfig, options: RunOptions | None = None, *, engine: Engine | None = None
) -> RunResult:
    """Run the sources (all, or those named in ``options``): extract each, resolve, close the
    ledger, then run the quality checks (a failed ``error`` check is a problem of the run).

    A failing source is recorded and the others go on; with ``options.fail_fast`` its
    error is raised instead.
    """
    options = options or RunOptions()
    selected = [config.source(n) for n in options.sources] or list(config.sources)
    if not selected:
        raise ConfigError("no sources to run: add one under sources: in the config")
    opened = [open_source(config, s) for s in selected]
    preflight(opened)  # a missing file or a mapping reading absent columns: exit 2, nothing written
    engine = engine or open_store(config, "write")
    names = [s.name for s in selected]
    with writer_lock(engine, options.kind):  # re-entrant: a command holding it already goes on
        run = Run.begin(
            config,
            engine,
            options.kind,
            names,
            clock=options.clock,
            progress=options.progress,
            external_key=options.external_key,
        )
        for source in opened:
            run.extract(source, fail_fast=options.fail_fast)
        return run.complete(names, check=options.check_quality)
