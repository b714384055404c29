"""The contract every connector follows.

A stream yields :class:`~core.records.RawRecord` in cursor order; each record's
``position`` is the state to save once it is staged. The pipeline saves that
state in the same transaction as the staged batch, so a re-run resumes from it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, Protocol

from core.records import RawRecord

StreamState = dict[str, Any]


class Stream(Protocol):
    name: str
    primary_key: tuple[str, ...]
    cursor_field: str | None  # None: a full refresh, diffed against what is staged

    def read(self, state: StreamState | None) -> Iterator[RawRecord]:
        """Yield records from ``state`` on (inclusive), never holding the source in memory."""
        ...

    def completed_state(self, state: StreamState | None) -> StreamState:
        """The state to save once the stream has been read to its end."""
        ...


class Connector(Protocol):
    name: str

    def check(self) -> None:
        """Raise ConfigError / SourceUnavailable / SourceRejected with a clear message."""
        ...

    def streams(self) -> Sequence[Stream]: ...
