"""Which canonical field each column of a source feeds: what its values are masked as.

A column called ``姓名`` or ``Kundenname`` says little by its name, but the
mapping knows it fills ``full_name``: the steward's listings and the report mask
it as a name. Columns no mapping reads are masked by their own name and shape
(:mod:`core.masking`).
"""

from __future__ import annotations

import logging

from core.errors import ConfigError
from core.settings import HubConfig, SourceConfig
from mappings import Mapping, identity_mapping, resolve_mapping
from pipeline.sources import KINDS

log = logging.getLogger(__name__)

#: Per source: payload path → the canonical field the mapping fills from it.
ColumnTargets = dict[str, dict[str, str]]


def column_targets(config: HubConfig) -> ColumnTargets:
    """The targets of every configured source whose mapping loads.

    A mapping that does not load (it is being fixed) costs its source only this
    help: its values are still masked by their names and shapes.
    """
    targets: ColumnTargets = {}
    for source in config.sources:
        try:
            mapping = _mapping_of(config, source)
        except ConfigError as e:
            log.warning("source %s: %s; its values are masked by name and shape", source.name, e)
            continue
        targets[source.name] = paths_to_targets(mapping)
    return targets


def paths_to_targets(mapping: Mapping) -> dict[str, str]:
    """``{"姓名": "full_name", "手机": "phone", …}`` for one mapping."""
    found = {path: "source_id" for path in mapping.source_id.paths}
    for target, spec in mapping.fields.items():
        for path in spec.paths:
            found.setdefault(path, target)
    return found


def _mapping_of(config: HubConfig, source: SourceConfig) -> Mapping:
    kind = KINDS.get(source.kind)
    reference = source.mapping or (kind.default_mapping if kind else None)
    return resolve_mapping(reference, config.base_dir) or identity_mapping()
