"""The contract every connector follows.

A stream yields :class:`~core.records.RawRecord` in cursor order; each record's
``position`` is the state to save once it is staged. The pipeline saves that
state in the same transaction as the staged batch, so a re-run resumes from it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

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


#: Streams that emit aggregates (a mail contact's message count) may set ``combine``: the
#: pipeline then folds each new record into the staged one, ``combine(staged, new)``.
Combine = Callable[[dict[str, Any], dict[str, Any]], dict[str, Any]]


class Connector(Protocol):
    name: str

    def check(self) -> None:
        """Raise ConfigError / SourceUnavailable / SourceRejected with a clear message."""
        ...

    def streams(self) -> Sequence[Stream]: ...


@runtime_checkable
class TableConnector(Protocol):
    """A connector whose records are the rows of one table (a spreadsheet file).

    Its columns are known before any row is read, so the pipeline checks the
    mapping against them first (``pipeline.preflight``).
    """

    location: str  # the file, as shown in errors

    def columns(self) -> tuple[str, ...]:
        """The table's column names; raises InputFileError when the table cannot be opened."""
        ...


class ConnectorFactory(Protocol):
    """``build(source_name, connection, base_dir)``: every connector package exposes one."""

    def __call__(self, name: str, connection: Mapping[str, Any], base_dir: Path) -> Connector: ...
