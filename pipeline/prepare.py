"""Map, standardise and validate a batch of raw records: accepted or rejected, never dropped."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from typing import Any

from core.errors import Problem
from core.records import RawRecord
from core.standardise import StandardiseOptions, standardise_flat
from mappings import Mapping, apply_mapping
from pipeline.hashing import content_hash
from pipeline.repeats import split_repeats
from quality import BatchValidator


@dataclass(frozen=True, slots=True)
class Accepted:
    raw: RawRecord
    source_id: str
    record: dict[str, Any]
    content_hash: str


@dataclass(frozen=True, slots=True)
class Rejected:
    raw: RawRecord
    source_id: str | None
    problems: tuple[Problem, ...]
    content_hash: str


@dataclass(frozen=True, slots=True)
class PreparedBatch:
    accepted: list[Accepted]
    rejected: list[Rejected]


@lru_cache(maxsize=64)
def _options(options: StandardiseOptions, source_region: str | None) -> StandardiseOptions:
    return replace(options, source_region=source_region or options.source_region)


def prepare_batch(
    raws: Sequence[RawRecord],
    *,
    mapping: Mapping,
    options: StandardiseOptions,
    validator: BatchValidator,
    today: date,
) -> PreparedBatch:
    """Run every record of the batch through map → standardise → validate."""
    rejected: list[Rejected] = []
    candidates: list[tuple[RawRecord, dict[str, Any]]] = []
    for raw in raws:
        flat, problems = apply_mapping(mapping, raw.payload)
        source_id = flat.get("source_id") or raw.source_id
        if problems:
            digest = content_hash(raw.payload, {})
            rejected.append(Rejected(raw, source_id or None, tuple(problems), digest))
            continue
        flat["source_id"] = source_id
        region = flat.pop("phone_region", None)  # the mapping's word on the source's numbers
        candidates.append((raw, standardise_flat(flat, _options(options, region))))
    if not candidates:
        return PreparedBatch([], rejected)
    candidates, earlier = split_repeats(candidates, _candidate_id, _candidate_line)
    for candidate, repeat in earlier:  # before validation: GE would reject every copy
        raw, flat = candidate[0], candidate[1]
        digest = content_hash(raw.payload, flat)
        rejected.append(Rejected(raw, flat.get("source_id"), (repeat,), digest))
    source = raws[0].source
    result = validator.validate([flat for _, flat in candidates], source=source, today=today)
    accepted: list[Accepted] = []
    for (raw, flat), problems in zip(candidates, result.problems, strict=True):
        digest = content_hash(raw.payload, flat)
        if problems:
            rejected.append(Rejected(raw, flat.get("source_id") or None, tuple(problems), digest))
        else:
            accepted.append(Accepted(raw, str(flat["source_id"]), flat, digest))
    return PreparedBatch(accepted, rejected)


def _candidate_id(candidate: tuple[Any, ...]) -> Any:
    return candidate[1].get("source_id")


def _candidate_line(candidate: tuple[Any, ...]) -> int | None:
    return candidate[0].line  # type: ignore[no-any-return]
