"""Keep erased people out: records read that match a tombstone are dropped at the door.

They are counted (``erased`` in the ledger, so that read still adds up) and
nothing of them is written: not staged, not quarantined.
"""

from __future__ import annotations

from core.store import UnitOfWork
from pipeline.identifiers import (
    EMAIL,
    emails_in_payload,
    record_identifiers,
    source_key,
)
from pipeline.prepare import Accepted, PreparedBatch, Rejected


def drop_erased(uow: UnitOfWork, source: str, batch: PreparedBatch) -> tuple[PreparedBatch, int]:
    """The batch without records of erased people, and how many were dropped."""
    if not (batch.accepted or batch.rejected) or not uow.privacy.any():
        return batch, 0
    wanted: dict[int, set[tuple[str, str]]] = {}
    items: list[Accepted | Rejected] = [*batch.accepted, *batch.rejected]
    for index, item in enumerate(items):
        found: set[tuple[str, str]] = set()
        if item.source_id:
            found.add(source_key(source, item.source_id))
        if isinstance(item, Accepted):
            found |= record_identifiers(item.record)
        else:
            found |= {(EMAIL, e) for e in emails_in_payload(item.raw.payload)}
        wanted[index] = found
    hits = uow.privacy.tombstoned({i for ids in wanted.values() for i in ids})
    if not hits:
        return batch, 0
    keep = {index for index, ids in wanted.items() if not ids & hits}
    accepted = [a for i, a in enumerate(batch.accepted) if i in keep]
    offset = len(batch.accepted)
    rejected = [r for i, r in enumerate(batch.rejected) if i + offset in keep]
    return PreparedBatch(accepted, rejected), len(items) - len(keep)
