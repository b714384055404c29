"""Map, standardise and validate a batch of raw records: accepted or rejected, never dropped.

A record with a defective field is accepted with that field set aside as a field
issue (:mod:`quality.field_issues`), unless ``quality.field_policy`` in hub.yaml
asks for the whole record to be quarantined for that field.
"""

from __future__ import annotations

from collections.abc import Mapping as AnyMapping
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from typing import Any

from core.errors import Problem
from core.records import RawRecord
from core.standardise import StandardiseOptions, standardise_flat
from mappings import Mapping, apply_mapping, source_value
from pipeline.hashing import content_hash
from pipeline.repeats import split_repeats
from quality import BatchValidator
from quality.field_issues import FieldIssue, add_defective, can_set_aside, policy_field
from quality.validator import shown


@dataclass(frozen=True, slots=True)
class Accepted:
    raw: RawRecord
    source_id: str
    record: dict[str, Any]
    content_hash: str
    field_issues: tuple[FieldIssue, ...] = field(default=())


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


#: A mapped, standardised record awaiting validation: its raw record and early field issues.
_Candidate = tuple[RawRecord, dict[str, Any], tuple[FieldIssue, ...]]


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
    field_policy: AnyMapping[str, str] | None = None,
) -> PreparedBatch:
    """Run every record of the batch through map → standardise → validate.

    What the reader could not read faithfully (``RawRecord.problems``: an XLSX formula
    without a saved value) becomes a field issue of its record, like a defective value.

    ``field_policy`` maps a field (``phone``, ``email``, ``birth_date``, ``country``,
    ``kind``, ``consent``) to ``"quarantine"`` for a team that wants a record with that
    field defective quarantined whole; every other field issue keeps the record.
    """
    quarantining = {f for f, p in (field_policy or {}).items() if p == "quarantine"}
    rejected: list[Rejected] = []
    candidates: list[_Candidate] = []
    for raw in raws:
        flat, problems = apply_mapping(mapping, raw.payload)
        source_id = flat.get("source_id") or raw.source_id
        early = _mapping_issues(mapping, raw, problems)
        blocking = [p for p in problems if not any(p is issue_of for issue_of, _ in early)]
        if blocking:
            digest = content_hash(raw.payload, {})
            found = (*problems, *raw.problems)
            rejected.append(Rejected(raw, source_id or None, found, digest))
            continue
        flat["source_id"] = source_id
        region = flat.pop("phone_region", None)  # the mapping's word on the source's numbers
        standard = standardise_flat(flat, _options(options, region))
        read_issues = tuple(FieldIssue(p.field, "", p.reason, p.check) for p in raw.problems)
        candidates.append((raw, standard, (*read_issues, *(issue for _, issue in early))))
    if not candidates:
        return PreparedBatch([], rejected)
    candidates, earlier = split_repeats(candidates, _candidate_id, _candidate_line)
    for candidate, repeat in earlier:  # before validation: GE would reject every copy
        raw, flat = candidate[0], candidate[1]
        digest = content_hash(raw.payload, flat)
        rejected.append(Rejected(raw, flat.get("source_id"), (repeat,), digest))
    source = raws[0].source
    result = validator.validate([flat for _, flat, _ in candidates], source=source, today=today)
    accepted: list[Accepted] = []
    for (raw, flat, early_issues), outcome in zip(candidates, result.outcomes, strict=True):
        issues = (*early_issues, *outcome.field_issues)
        refused = any(policy_field(i.field) in quarantining for i in issues)
        if outcome.problems or refused:
            digest = content_hash(raw.payload, flat)
            found = (*outcome.problems, *(i.as_problem() for i in issues))
            rejected.append(Rejected(raw, flat.get("source_id") or None, found, digest))
        else:
            record = add_defective(outcome.record, early_issues)
            digest = content_hash(raw.payload, record)
            accepted.append(Accepted(raw, str(record["source_id"]), record, digest, issues))
    return PreparedBatch(accepted, rejected)


def _candidate_id(candidate: _Candidate) -> object:
    return candidate[1].get("source_id")


def _candidate_line(candidate: _Candidate) -> int | None:
    return candidate[0].line


def _mapping_issues(
    mapping: Mapping, raw: RawRecord, problems: Sequence[Problem]
) -> list[tuple[Problem, FieldIssue]]:
    """The mapping problems that are field issues: a transform failed on a value that is
    there (``31.02.1980`` through ``parse_date``) in a field that can be set aside. A
    required field that is missing, or a source id that cannot be read, stops the record."""
    found = []
    for problem in problems:
        if not can_set_aside(problem.field):
            continue
        value = source_value(mapping, problem.field, raw.payload)
        if value is None:
            continue
        found.append(
            (problem, FieldIssue(problem.field, shown(value), problem.reason, problem.check))
        )
    return found
