"""``crmhub sources check``: can each source be reached, and do its credentials work?"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from core.errors import ConfigError, HubError, SourceRejected, SourceUnavailable
from core.settings import HubConfig
from pipeline.preflight import check_columns
from pipeline.sources import open_source


@dataclass(frozen=True)
class SourceCheck:
    source: str
    kind: str
    ok: bool
    problem: str | None = None
    verdict: str = "ok"  # ok | unreachable | rejected | misconfigured


def check_sources(config: HubConfig, names: Sequence[str] | None = None) -> list[SourceCheck]:
    """Run every selected connector's ``check()``; one result per source, never an exception."""
    selected = [config.source(n) for n in names] if names else list(config.sources)
    results = []
    for source in selected:
        try:
            opened = open_source(config, source)
            opened.connector.check()
            check_columns(opened)
        except SourceUnavailable as e:
            results.append(SourceCheck(source.name, source.kind, False, str(e), "unreachable"))
        except SourceRejected as e:
            results.append(SourceCheck(source.name, source.kind, False, str(e), "rejected"))
        except ConfigError as e:
            results.append(SourceCheck(source.name, source.kind, False, str(e), "misconfigured"))
        except HubError as e:
            results.append(SourceCheck(source.name, source.kind, False, str(e), "failed"))
        else:
            results.append(SourceCheck(source.name, source.kind, True))
    return results
