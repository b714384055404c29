"""Writing golden records: versions, history, change events, merges — for resolve and stewards.

Writes are queued and flushed once per unit of work; every version gets a
history row (with its members) and a change event in sequence order. A version
is written only when a value or the member supplying it changes: when only the
rule named in the provenance differs (the rules changed, the result did not),
the current provenance is relabelled in place, with no new version and no event.

A run emits one event per golden record and kind: a record created in the run
and joined by more records in later batches is one ``create``, one updated in
several batches one ``update``. The run's earlier event is replaced by one at
the newest version with a new sequence number, so a consumer that read the
earlier one mid-run still learns of the later state. Merges, merged-away and
deletes keep their own events.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from core.store import UnitOfWork
from core.store.rows import ChangeEvent, GoldenVersion, HistoryEntry
from core.store.staging import RecordKey
from mdm.survivorship import Member, SurvivorshipPolicy, survive

#: A new event of the key's kind replaces the run's earlier event of one of these kinds for
#: the same golden record, and keeps the earlier kind (created, then joined: one ``create``).
_FOLDS_INTO: dict[str, tuple[str, ...]] = {"create": ("create",), "update": ("create", "update")}


@dataclass
class GoldenCounts:
    created: int = 0
    updated: int = 0
    merged: int = 0
    deleted: int = 0
    events: int = 0

    def add(self, other: GoldenCounts) -> None:
        for name in ("created", "updated", "merged", "deleted", "events"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_run_counts(self) -> dict[str, int]:
        return {
            "golden_created": self.created,
            "golden_updated": self.updated,
            "golden_merged": self.merged,
            "golden_deleted": self.deleted,
            "events": self.events,
        }


@dataclass
class GoldenWriter:
    """Queues golden-record versions for one unit of work; :meth:`flush` writes them."""

    uow: UnitOfWork
    policy: SurvivorshipPolicy
    run_id: int
    at: datetime
    counts: GoldenCounts = field(default_factory=GoldenCounts)
    membership_changed: set[str] = field(default_factory=set)
    absorbed: dict[str, list[str]] = field(default_factory=dict)
    merged_away: set[str] = field(default_factory=set)
    golden_rows: list[GoldenVersion] = field(default_factory=list)
    history_rows: list[HistoryEntry] = field(default_factory=list)
    events: list[ChangeEvent] = field(default_factory=list)
    relabelled: dict[str, dict[str, Any]] = field(default_factory=dict)

    def merge_away(self, loser: str, winner: str) -> None:
        self.merge_away_many([(loser, winner)])

    def merge_away_many(self, merges: Sequence[tuple[str, str]]) -> None:
        """Move the members of each loser to its winner and write the loser as merged away
        (a loser already merged or deleted is left alone): the same reads and writes for
        one merge or a batch of them."""
        if not merges:
            return
        golden = self.uow.golden
        rows = golden.get_many(loser for loser, _ in merges)
        merges = [
            (lost, won) for lost, won in merges if lost in rows and rows[lost].status == "active"
        ]
        members = golden.members(loser for loser, _ in merges)
        golden.link_many(
            [(k, winner) for loser, winner in merges for k in members.get(loser, [])],
            method="merge",
            run_id=self.run_id,
            at=self.at,
        )
        for loser, winner in merges:
            row, moved = rows[loser], members.get(loser, [])
            self.write(
                loser,
                row,
                "merged_away",
                "merged",
                dict(row.record),
                dict(row.provenance),
                moved,
                merged_into=winner,
            )
            self.absorbed.setdefault(winner, []).append(loser)
            self.membership_changed.add(winner)
            self.counts.merged += 1

    def rebuild(self, golden_ids: list[str], change: str | None = None) -> None:
        """Re-survive golden records from their members; write a version only where one changed."""
        golden = self.uow.golden
        golden_ids = [g for g in golden_ids if g not in self.merged_away]
        currents = golden.get_many(golden_ids)
        member_keys = golden.members(golden_ids)
        wanted = (k for keys in member_keys.values() for k in keys)
        rows = self.uow.staging.records(wanted, payload=False)
        for golden_id in golden_ids:
            current = currents.get(golden_id)
            keys = member_keys.get(golden_id, [])
            if not keys:
                if current is not None and current.status == "active":
                    record = dict(current.record)
                    self.write(golden_id, current, "delete", "deleted", record, {}, [])
                    self.counts.deleted += 1
                continue
            members = [self._member(k, rows[k]) for k in keys if k in rows]
            record, provenance = survive(members, self.policy)
            if current is None or current.status != "active":
                self.write(golden_id, current, "create", "active", record, provenance, keys)
                self.counts.created += 1
                continue
            same = dict(current.record) == record and _winners(current.provenance) == _winners(
                provenance
            )
            if same and golden_id not in self.membership_changed:
                if dict(current.provenance) != provenance:
                    self.relabelled[golden_id] = provenance
                continue
            kind = change or ("merge" if golden_id in self.absorbed else "update")
            self.write(golden_id, current, kind, "active", record, provenance, keys)
            self.counts.updated += 1

    def _member(self, key: RecordKey, row: Any) -> Member:
        source, source_id = key
        trust = self.policy.trust_of(source)
        return Member(
            source, source_id, dict(row.record), trust, row.changed_at, row.source_updated_at
        )

    def write(
        self,
        golden_id: str,
        current: Any,
        kind: str,
        status: str,
        record: dict[str, Any],
        provenance: dict[str, Any],
        members: list[RecordKey],
        merged_into: str | None = None,
    ) -> None:
        """Queue the new version, its history row and its change event (flushed per batch)."""
        version = 1 if current is None else current.version + 1
        self.golden_rows.append(
            GoldenVersion(
                golden_id=golden_id,
                status=status,
                merged_into=merged_into,
                record=record,
                provenance=provenance,
                version=version,
                created_run_id=self.run_id if current is None else current.created_run_id,
                updated_run_id=self.run_id,
                created_at=self.at if current is None else current.created_at,
                updated_at=self.at,
            )
        )
        self.history_rows.append(
            HistoryEntry(
                golden_id=golden_id,
                version=version,
                change=kind,
                status=status,
                record=record,
                provenance=provenance,
                members=[list(m) for m in members],
                run_id=self.run_id,
                recorded_at=self.at,
            )
        )
        detail: dict[str, Any] = {"members": len(members)}
        if merged_into is not None:
            detail["merged_into"] = merged_into
            self.merged_away.add(golden_id)
        if golden_id in self.absorbed:
            detail["absorbed"] = sorted(self.absorbed[golden_id])
        self.events.append(ChangeEvent(golden_id, kind, version, self.run_id, detail, self.at))
        self.counts.events += 1

    def flush(self) -> None:
        golden = self.uow.golden
        golden.save_many(self.golden_rows)
        golden.record_history(self.history_rows)
        events, superseded = self._one_per_kind(self.events)
        golden.emit_many(events)  # before dropping: a reused sequence number could be missed
        golden.drop_events(superseded)
        golden.relabel(self.relabelled)

    def _one_per_kind(self, events: list[ChangeEvent]) -> tuple[list[ChangeEvent], list[int]]:
        """The events to emit, each replacing the run's earlier event it folds into, and the
        sequence numbers of the stored events they replace."""
        folding = {e.golden_id for e in events if e.kind in _FOLDS_INTO}
        # golden id -> (kind, stored seq or None, position in ``kept``) of its latest event
        latest: dict[str, tuple[str, int | None, int | None]] = {}
        for row in self.uow.golden.run_events(self.run_id, folding, ("create", "update")):
            latest[row.golden_id] = (row.kind, row.seq, None)
        kept: list[ChangeEvent | None] = []
        superseded: list[int] = []
        for event in events:
            golden_id, kind = event.golden_id, event.kind
            prior = latest.get(golden_id)
            if prior is not None and prior[0] in _FOLDS_INTO.get(kind, ()):
                earlier_kind, seq, position = prior
                if seq is not None:
                    superseded.append(seq)
                if position is not None:
                    kept[position] = None
                self.counts.events -= 1
                if kind == "update":
                    self.counts.updated -= 1
                elif kind == "create":
                    self.counts.created -= 1
                event = replace(event, kind=earlier_kind)
            if event.kind in _FOLDS_INTO:
                latest[golden_id] = (event.kind, None, len(kept))
            kept.append(event)
        return [e for e in kept if e is not None], superseded


def _winners(provenance: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Which member supplied each field: what makes a version, unlike a rule's label or time."""
    return {name: (p.get("source"), p.get("source_id")) for name, p in provenance.items()}
