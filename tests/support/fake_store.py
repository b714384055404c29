"""A unit of work kept in memory: the repositories the write steps use, without a database.

It holds the same typed rows the real repositories take and return
(``core.store.rows``) and answers the calls ``pipeline.stage``, ``pipeline.resolve`` and
``pipeline.golden_writer`` make, with the same meaning; whatever else a test reaches for
fails loudly (``AttributeError``), so a unit test never passes on a call the fake ignores.
The store tests (``tests/core``, ``tests/pipeline``) check the real repositories against
SQLite and PostgreSQL; these fakes let the logic above them be tested in milliseconds.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, cast

from core.store import UnitOfWork
from core.store.rows import (
    ChangeEvent,
    FieldIssueRow,
    GoldenVersion,
    HistoryEntry,
    MatchDecision,
    QuarantineEntry,
    ReviewTask,
    StagedRecord,
)
from core.store.staging import RecordKey, StagedState


@dataclass
class FakeStaging:
    rows: dict[RecordKey, StagedRecord] = field(default_factory=dict)

    def states(self, source: str, source_ids: Sequence[str]) -> dict[str, StagedState]:
        found = {}
        for source_id in source_ids:
            row = self.rows.get((source, source_id))
            if row is not None:
                found[source_id] = StagedState(
                    row.payload_hash, row.status, row.seen_run_id, row.changed_run_id, row.line
                )
        return found

    def records(
        self, keys: Iterable[RecordKey], *, payload: bool = True
    ) -> dict[RecordKey, StagedRecord]:
        found = {k: self.rows[k] for k in keys if k in self.rows}
        return found if payload else {k: replace(r, payload=None) for k, r in found.items()}

    def write(self, rows: Sequence[StagedRecord]) -> None:
        for row in rows:
            key = (row.source, row.source_id)
            before = self.rows.get(key)
            first = before.first_run_id if before is not None else row.first_run_id
            self.rows[key] = replace(row, first_run_id=first)

    def touch(self, source: str, seen: Sequence[tuple[str, int | None]], run_id: int) -> None:
        for source_id, line in seen:
            key = (source, source_id)
            self.rows[key] = replace(self.rows[key], seen_run_id=run_id, line=line)

    def pending_keys(self, limit: int, after: RecordKey | None = None) -> list[RecordKey]:
        pending = sorted(k for k, r in self.rows.items() if r.resolve_pending)
        return [k for k in pending if after is None or k > after][:limit]

    def clear_pending(self, keys: Iterable[RecordKey]) -> None:
        for key in keys:
            self.rows[key] = replace(self.rows[key], resolve_pending=False)

    def count(self, source: str | None = None, status: str | None = "active") -> int:
        return sum(
            (source is None or r.source == source) and (status is None or r.status == status)
            for r in self.rows.values()
        )


@dataclass
class FakeQuarantine:
    rows: dict[tuple[str, str], QuarantineEntry] = field(default_factory=dict)

    def seen(self, source: str, record_keys: Sequence[str]) -> dict[str, tuple[int, int | None]]:
        return {
            k: (row.seen_run_id, row.line)
            for k in record_keys
            if (row := self.rows.get((source, k))) is not None and row.status == "open"
        }

    def write(self, rows: Sequence[QuarantineEntry]) -> None:
        for row in rows:
            before = self.rows.get((row.source, row.record_key))
            first = before.first_run_id if before is not None else row.first_run_id
            self.rows[(row.source, row.record_key)] = replace(row, first_run_id=first)

    def resolve(self, source: str, record_keys: Sequence[str]) -> int:
        return self._close(
            lambda r: r.source == source and r.record_key in set(record_keys) and r.status == "open"
        )

    def resolve_repeats(self, source: str, source_ids: Sequence[str], *, before_run: int) -> int:
        ids = set(source_ids)
        return self._close(
            lambda r: (
                r.source == source
                and r.source_id in ids
                and r.status == "open"
                and r.seen_run_id < before_run
                and any(reason.get("check") == "repeat" for reason in r.reasons)
            )
        )

    def _close(self, matches: Any) -> int:
        closing = [k for k, r in self.rows.items() if matches(r)]
        for key in closing:
            self.rows[key] = replace(self.rows[key], status="resolved")
        return len(closing)

    def open_entries(self) -> list[QuarantineEntry]:
        return sorted(
            (r for r in self.rows.values() if r.status == "open"), key=lambda r: r.record_key
        )


@dataclass
class FakeFieldIssues:
    rows: dict[tuple[str, str, str, str], FieldIssueRow] = field(default_factory=dict)

    def replace(
        self, source: str, source_ids: Sequence[str], rows: Sequence[FieldIssueRow]
    ) -> None:
        ids = set(source_ids)
        keep = {(source, r.source_id, r.field, r.value_key): r for r in rows}
        for key in [k for k in self.rows if k[0] == source and k[1] in ids and k not in keep]:
            del self.rows[key]
        for key, row in keep.items():
            before = self.rows.get(key)
            first = before.first_run_id if before is not None else row.first_run_id
            self.rows[key] = replace(row, first_run_id=first)

    def touch(self, source: str, source_ids: Sequence[str], run_id: int) -> None:
        ids = set(source_ids)
        for key, row in self.rows.items():
            if key[0] == source and key[1] in ids:
                self.rows[key] = replace(row, seen_run_id=run_id)


@dataclass
class StoredEvent:
    seq: int
    golden_id: str
    kind: str
    version: int
    run_id: int
    detail: Mapping[str, Any]
    recorded_at: datetime


@dataclass
class FakeGolden:
    records: dict[str, GoldenVersion] = field(default_factory=dict)
    xref: dict[RecordKey, str] = field(default_factory=dict)
    history_rows: dict[tuple[str, int], HistoryEntry] = field(default_factory=dict)
    events: list[StoredEvent] = field(default_factory=list)
    next_seq: int = 1

    def get_many(self, golden_ids: Iterable[str]) -> dict[str, GoldenVersion]:
        return {g: self.records[g] for g in set(golden_ids) if g in self.records}

    def links(self, keys: Iterable[RecordKey]) -> dict[RecordKey, str]:
        return {k: self.xref[k] for k in keys if k in self.xref}

    def members(self, golden_ids: Iterable[str]) -> dict[str, list[RecordKey]]:
        wanted, found = set(golden_ids), {}
        for key, golden_id in sorted(self.xref.items()):
            if golden_id in wanted:
                found.setdefault(golden_id, []).append(key)
        return found

    def link_many(
        self, links: Sequence[tuple[RecordKey, str]], *, method: str, run_id: int, at: datetime
    ) -> None:
        self.xref.update(links)

    def unlink(self, keys: Sequence[RecordKey]) -> None:
        for key in keys:
            self.xref.pop(key, None)

    def save_many(self, rows: Sequence[GoldenVersion]) -> None:
        self.records.update((row.golden_id, row) for row in rows)

    def record_history(self, rows: Sequence[HistoryEntry]) -> None:
        self.history_rows.update(((row.golden_id, row.version), row) for row in rows)

    def emit_many(self, events: Sequence[ChangeEvent]) -> None:
        for e in events:
            self.events.append(
                StoredEvent(
                    self.next_seq, e.golden_id, e.kind, e.version, e.run_id, e.detail, e.recorded_at
                )
            )
            self.next_seq += 1

    def drop_events(self, seqs: Iterable[int]) -> None:
        gone = set(seqs)
        self.events = [e for e in self.events if e.seq not in gone]

    def relabel(self, provenance: Mapping[str, dict[str, Any]]) -> None:
        for golden_id, value in provenance.items():
            self.records[golden_id] = replace(self.records[golden_id], provenance=value)

    def run_events(
        self, run_id: int, golden_ids: Iterable[str], kinds: Iterable[str]
    ) -> list[StoredEvent]:
        wanted, kinds = set(golden_ids), set(kinds)
        return [
            e
            for e in self.events
            if e.run_id == run_id and e.golden_id in wanted and e.kind in kinds
        ]


@dataclass
class FakeMatching:
    block_keys: dict[RecordKey, set[str]] = field(default_factory=dict)
    decisions: dict[tuple[str, str], MatchDecision] = field(default_factory=dict)
    reviews: dict[tuple[str, str], ReviewTask] = field(default_factory=dict)

    def replace_block_keys(self, keys: Mapping[RecordKey, Iterable[str]]) -> None:
        for record, values in keys.items():
            self.block_keys[record] = set(values)

    def key_counts(self, values: Iterable[str]) -> dict[str, int]:
        wanted = set(values)
        counts = Counter(k for held in self.block_keys.values() for k in held if k in wanted)
        return dict(counts)

    def block_members(
        self, values: Iterable[str], cap: int
    ) -> tuple[dict[str, set[RecordKey]], set[str]]:
        sizes = self.key_counts(values)
        oversized = {k for k, n in sizes.items() if n > cap}
        members: dict[str, set[RecordKey]] = {}
        for record, held in self.block_keys.items():
            for k in held:
                if k in sizes and k not in oversized:
                    members.setdefault(k, set()).add(record)
        return members, oversized

    def key_totals(self, prefix: str) -> tuple[int, int, int]:
        counts = Counter(
            k for held in self.block_keys.values() for k in held if k.startswith(prefix)
        )
        return sum(counts.values()), sum(n * n for n in counts.values()), len(counts)

    def pinned(self, pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
        return {
            p: self.decisions[p].outcome
            for p in pairs
            if p in self.decisions and self.decisions[p].pinned
        }

    def pinned_distinct(self, record_keys: Sequence[str]) -> list[tuple[str, str]]:
        wanted = set(record_keys)
        return sorted(
            p
            for p, d in self.decisions.items()
            if d.pinned and d.outcome == "distinct" and (p[0] in wanted or p[1] in wanted)
        )

    def save_decisions(self, rows: Sequence[MatchDecision]) -> None:
        for row in rows:
            key = (row.left_key, row.right_key)
            if not (key in self.decisions and self.decisions[key].pinned):
                self.decisions[key] = row

    def open_review(self, rows: Sequence[ReviewTask]) -> None:
        for row in rows:
            key = (row.left_key, row.right_key)
            self.reviews[key] = replace(self.reviews.get(key, row), score=row.score)


class FakePrivacy:
    """No one was erased (``tests/pipeline/test_forget.py`` covers erasure on real stores)."""

    def any(self) -> bool:
        return False


@dataclass
class FakeRuns:
    golden_counts: Counter[str] = field(default_factory=Counter)

    def add_golden_counts(self, run_id: int, **counts: int) -> None:
        self.golden_counts.update(counts)


@dataclass
class FakeUnitOfWork:
    """Stands in for ``core.store.UnitOfWork`` in unit tests; commits are counted."""

    staging: FakeStaging = field(default_factory=FakeStaging)
    quarantine: FakeQuarantine = field(default_factory=FakeQuarantine)
    field_issues: FakeFieldIssues = field(default_factory=FakeFieldIssues)
    golden: FakeGolden = field(default_factory=FakeGolden)
    matching: FakeMatching = field(default_factory=FakeMatching)
    privacy: FakePrivacy = field(default_factory=FakePrivacy)
    runs: FakeRuns = field(default_factory=FakeRuns)
    commits: int = 0

    def commit(self) -> None:
        self.commits += 1


def as_uow(fake: FakeUnitOfWork) -> UnitOfWork:
    """The fake where the pipeline's signatures ask for the real unit of work."""
    return cast(UnitOfWork, fake)
