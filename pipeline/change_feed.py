"""The change feed as a consumer reads it: pages of events after a sequence number.

A consumer keeps ``next_since`` and asks again from there; it must never miss
an event nor get one twice. Sequence numbers are handed out when an event is
inserted, not when its transaction commits, so on PostgreSQL a writer can
commit event 11 while event 10 is still in flight: a reader that saw 11 and
moved its cursor past it would never see 10. The reader therefore takes a
``SHARE`` lock on ``change_event`` for the length of one short query: it
waits for writers that have inserted events to commit or roll back, and
every event inserted afterwards gets a higher number than anything it
returns. SQLite has one writer at a time and numbers events inside it, so it
needs no lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from core.errors import HubError
from core.store.tables import change_event
from pipeline.clock import as_utc

#: How long a reader waits for writers to finish before answering "busy, retry".
LOCK_TIMEOUT_MS = 5000


class FeedBusy(HubError):
    """Writers held the change feed longer than :data:`LOCK_TIMEOUT_MS`: retry shortly."""


@dataclass(frozen=True)
class ChangeEvent:
    seq: int
    golden_id: str
    kind: str
    version: int
    recorded_at: datetime
    detail: dict[str, Any]


@dataclass(frozen=True)
class ChangePage:
    events: list[ChangeEvent]
    next_since: int
    last_seq: int

    @property
    def more(self) -> bool:
        return self.next_since < self.last_seq


def change_page(engine: Engine, since: int, limit: int) -> ChangePage:
    """Events with ``seq > since`` in sequence order, at most ``limit`` of them.

    ``next_since`` is the last sequence number returned (``since`` when none
    was), ``last_seq`` the newest event committed when the page was read.
    """
    t = change_event.c
    with engine.connect() as connection, connection.begin():
        _hold_back_writers(connection)
        rows = list(
            connection.execute(
                sa.select(change_event)
                .where(t.seq > sa.literal(since, sa.BigInteger))  # a client's cursor may be huge
                .order_by(t.seq)
                .limit(limit)
            )
        )
        last = connection.execute(sa.select(sa.func.max(t.seq))).scalar()
    events = [
        ChangeEvent(
            seq=r.seq,
            golden_id=r.golden_id,
            kind=r.kind,
            version=r.version,
            recorded_at=as_utc(r.recorded_at),
            detail=dict(r.detail or {}),
        )
        for r in rows
    ]
    next_since = events[-1].seq if events else since
    return ChangePage(events, next_since, max(int(last or 0), next_since))


def _hold_back_writers(connection: sa.Connection) -> None:
    if connection.dialect.name != "postgresql":
        return
    connection.execute(sa.text(f"SET LOCAL lock_timeout = {LOCK_TIMEOUT_MS}"))
    try:
        connection.execute(sa.text("LOCK TABLE change_event IN SHARE MODE"))
    except sa.exc.OperationalError as e:
        if getattr(e.orig, "sqlstate", None) == "55P03":  # lock_not_available
            raise FeedBusy("the change feed is being written; retry in a moment") from e
        raise
