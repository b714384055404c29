"""Time comes in from the edge; business logic never calls ``now()`` itself."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """A time read back from the store, in UTC: SQLite returns it naive (it was stored in UTC).

    >>> as_utc(datetime(2026, 3, 1, 8)).isoformat()
    '2026-03-01T08:00:00+00:00'
    """
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
