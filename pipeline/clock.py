"""Time comes in from the edge; business logic never calls ``now()`` itself."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """A stored time in UTC: SQLite hands back ``DateTime(timezone=True)`` values naive."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
