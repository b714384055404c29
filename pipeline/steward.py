"""What a data steward does by hand: accept or reject a review, merge, unmerge.

Every action runs in one transaction, is pinned (a later automatic run never
overrules it), is written to the audit trail, and publishes change events like
any automatic change does.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import TracebackType
from typing import Any

from core.errors import ConfigError
from core.store import Engine, UnitOfWork
from core.store.staging import RecordKey
from core.store.writer_lock import writer_lock
from mdm import golden_id_for, record_key
from mdm.ids import parse_record_key
from mdm.survivorship import SurvivorshipPolicy
from pipeline.clock import Clock, utc_now
from pipeline.golden_writer import GoldenWriter


@dataclass(frozen=True)
class StewardResult:
    action: str
    golden_ids: tuple[str, ...]
    events: int
    message: str


@dataclass(frozen=True)
class ReviewItem:
    task_id: int
    status: str
    score: float
    left_key: str
    right_key: str
    left: dict[str, Any]
    right: dict[str, Any]
    left_golden: str | None
    right_golden: str | None
    explanation: dict[str, Any]


class _Action:
    """One steward action: a run of kind ``steward``, a golden writer, one commit."""

    def __init__(
        self, engine: Engine, policy: SurvivorshipPolicy, actor: str, clock: Clock
    ) -> None:
        self.engine, self.policy, self.actor, self.clock = engine, policy, actor, clock

    def __enter__(self) -> _Action:
        self._lock = writer_lock(self.engine, "steward action")
        self._lock.__enter__()
        try:
            self._uow = UnitOfWork(self.engine).__enter__()
        except BaseException:
            self._lock.__exit__(None, None, None)
            raise
        self.at = self.clock()
        self.run_id = self._uow.runs.start("steward", [], at=self.at)
        self.writer = GoldenWriter(self._uow, self.policy, self.run_id, self.at)
        return self

    @property
    def uow(self) -> UnitOfWork:
        return self._uow

    def finish(self, action: str, target: str, detail: dict[str, Any]) -> int:
        self.writer.flush()
        self.uow.matching.audit(action, target, actor=self.actor, at=self.at, detail=detail)
        self.uow.runs.add_golden_counts(self.run_id, **self.writer.counts.as_run_counts())
        self.uow.runs.finish(self.run_id, "succeeded", at=self.at, message=f"{action} {target}")
        self.uow.commit()
        return self.writer.counts.events

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self._uow.__exit__(exc_type, exc, tb)
        finally:
            self._lock.__exit__(None, None, None)


def _active(uow: UnitOfWork, golden_id: str) -> Any:
    row = uow.golden.resolve_alias(golden_id)
    if row is None or row.status != "active":
        raise ConfigError(f"no active golden record {golden_id!r}")
    return row


def _record_key(value: str) -> RecordKey:
    source, source_id = parse_record_key(value)
    if not source or not source_id:
        raise ConfigError(f"{value!r} is not a source record; write it as SOURCE:ID, e.g. crm:42")
    return source, source_id


def list_reviews(engine: Engine, status: str | None = "open", limit: int = 50) -> list[ReviewItem]:
    with UnitOfWork(engine) as uow:
        return [_review_item(uow, row) for row in uow.matching.reviews(status, limit)]


def show_review(engine: Engine, task_id: int) -> ReviewItem:
    with UnitOfWork(engine) as uow:
        row = uow.matching.review(task_id)
        if row is None:
            raise ConfigError(f"no review task {task_id}")
        return _review_item(uow, row)


def _review_item(uow: UnitOfWork, row: Any) -> ReviewItem:
    left, right = _record_key(row.left_key), _record_key(row.right_key)
    records = uow.staging.records([left, right])
    links = uow.golden.links([left, right])
    decision = uow.matching.decision(row.left_key, row.right_key)
    return ReviewItem(
        task_id=row.task_id,
        status=row.status,
        score=row.score,
        left_key=row.left_key,
        right_key=row.right_key,
        left=dict(records[left].record) if left in records else {},
        right=dict(records[right].record) if right in records else {},
        left_golden=links.get(left),
        right_golden=links.get(right),
        explanation=dict(decision.explanation) if decision is not None else {},
    )


def accept_review(
    engine: Engine, task_id: int, *, policy: SurvivorshipPolicy, actor: str, clock: Clock = utc_now
) -> StewardResult:
    """ "These two are the same customer": pin the match and merge their golden records."""
    with _Action(engine, policy, actor, clock) as action:
        task = _open_task(action.uow, task_id)
        action.uow.matching.pin(task.left_key, task.right_key, "match", actor=actor, at=action.at)
        action.uow.matching.close_review(task_id, "accepted", actor=actor, at=action.at)
        links = action.uow.golden.links([_record_key(task.left_key), _record_key(task.right_key)])
        goldens = sorted(set(links.values()))
        survivor = _merge(action, goldens) if len(goldens) > 1 else (goldens or [""])[0]
        events = action.finish(
            "accept", f"review {task_id}", {"pair": [task.left_key, task.right_key]}
        )
    return StewardResult("accept", (survivor,), events, f"review {task_id} accepted: {survivor}")


def reject_review(
    engine: Engine, task_id: int, *, policy: SurvivorshipPolicy, actor: str, clock: Clock = utc_now
) -> StewardResult:
    """ "Not the same customer": pin it, so no later run merges the pair automatically."""
    with _Action(engine, policy, actor, clock) as action:
        task = _open_task(action.uow, task_id)
        action.uow.matching.pin(
            task.left_key, task.right_key, "distinct", actor=actor, at=action.at
        )
        action.uow.matching.close_review(task_id, "rejected", actor=actor, at=action.at)
        right = _record_key(task.right_key)
        links = action.uow.golden.links([_record_key(task.left_key), right])
        split: tuple[str, ...] = ()
        if len(links) == 2 and len(set(links.values())) == 1:
            split = _detach(action, links[right], right)
        events = action.finish(
            "reject", f"review {task_id}", {"pair": [task.left_key, task.right_key]}
        )
    return StewardResult("reject", split, events, f"review {task_id} rejected")


def _open_task(uow: UnitOfWork, task_id: int) -> Any:
    task = uow.matching.review(task_id)
    if task is None:
        raise ConfigError(f"no review task {task_id}")
    if task.status != "open":
        raise ConfigError(f"review task {task_id} is already {task.status}")
    return task


def merge_golden(
    engine: Engine,
    first: str,
    second: str,
    *,
    policy: SurvivorshipPolicy,
    actor: str,
    clock: Clock = utc_now,
) -> StewardResult:
    """Merge two golden records; the older ID survives, the other becomes its alias."""
    with _Action(engine, policy, actor, clock) as action:
        goldens = sorted(
            {_active(action.uow, first).golden_id, _active(action.uow, second).golden_id}
        )
        if len(goldens) == 1:
            raise ConfigError(f"{first} and {second} are already the same golden record")
        members = action.uow.golden.members(goldens)
        left, right = members[goldens[0]][0], members[goldens[1]][0]
        action.uow.matching.pin(
            record_key(*left), record_key(*right), "match", actor=actor, at=action.at
        )
        survivor = _merge(action, goldens)
        events = action.finish("merge", survivor, {"merged": goldens})
    return StewardResult("merge", (survivor,), events, f"merged into {survivor}")


def _merge(action: _Action, goldens: list[str]) -> str:
    existing = action.uow.golden.get_many(goldens)
    ordered = sorted(goldens, key=lambda g: (existing[g].created_at, g))
    for loser in ordered[1:]:
        action.writer.merge_away(loser, ordered[0])
    action.writer.rebuild([ordered[0]])
    return ordered[0]


def unmerge(
    engine: Engine,
    golden_id: str,
    source_record: str,
    *,
    policy: SurvivorshipPolicy,
    actor: str,
    clock: Clock = utc_now,
) -> StewardResult:
    """Take a source record out of a golden record, and keep it out.

    If the record came in through a merge, the golden record it came with is
    restored exactly as it was before the merge (its ID, values and members);
    otherwise the record gets a golden record of its own.
    """
    key = _record_key(source_record)
    with _Action(engine, policy, actor, clock) as action:
        current = _active(action.uow, golden_id)
        if action.uow.golden.links([key]).get(key) != current.golden_id:
            raise ConfigError(f"{source_record} is not part of golden record {golden_id}")
        split = _detach(action, current.golden_id, key)
        events = action.finish(
            "unmerge", current.golden_id, {"record": source_record, "golden_ids": list(split)}
        )
    return StewardResult("unmerge", split, events, f"{source_record} now in {split[-1]}")


def _detach(action: _Action, golden_id: str, key: RecordKey) -> tuple[str, ...]:
    uow, writer = action.uow, action.writer
    moved, restored = [key], None
    for alias in uow.golden.aliases_of(golden_id):
        history = uow.golden.history(alias.golden_id)
        at_merge = history[-1] if history else None
        if at_merge is not None and list(key) in at_merge.members:
            restored, moved = at_merge, [tuple(m) for m in at_merge.members]
            break
    members_now = uow.golden.members([golden_id]).get(golden_id, [])
    moved = [m for m in moved if m in members_now]
    remaining = [m for m in members_now if m not in moved]
    if not remaining:
        raise ConfigError(f"{record_key(*key)} is the only record of {golden_id}; nothing to split")
    if restored is not None:
        target = restored.golden_id
        uow.golden.link_many(
            [(m, target) for m in moved], method="steward", run_id=action.run_id, at=action.at
        )
        writer.write(
            target,
            uow.golden.get(target),
            "unmerge",
            "active",
            dict(restored.record),
            dict(restored.provenance),
            moved,
        )
        writer.counts.updated += 1
    else:
        target = _fresh_id(uow, key)
        uow.golden.link_many([(key, target)], method="steward", run_id=action.run_id, at=action.at)
        writer.rebuild([target])
    for one in moved:
        for other in remaining:
            uow.matching.pin(
                record_key(*one), record_key(*other), "distinct", actor=action.actor, at=action.at
            )
    writer.membership_changed.add(golden_id)
    writer.rebuild([golden_id], change="unmerge")
    return golden_id, target


def _fresh_id(uow: UnitOfWork, key: RecordKey) -> str:
    candidate, n = golden_id_for(*key), 1
    while uow.golden.get(candidate) is not None:
        n += 1
        candidate = golden_id_for(key[0], f"{key[1]}#{n}")
    return candidate
