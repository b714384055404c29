"""What a connector yields: a raw record, untouched, with where it came from."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from core.errors import Problem


class RawRecord(BaseModel):
    """One record as the source gave it.

    ``position`` is the stream state to save once this record is staged, so a
    run killed right after it resumes from here; ``line`` points a person at
    the record in the source (a spreadsheet row, a message UID) in errors.
    ``problems`` are what the reader could not read faithfully in one field
    (an XLSX formula with no cached value): the record still goes on, the
    field's value in ``payload`` is what was read (often None), and each
    problem names the field it concerns and where in the source it sits.
    """

    model_config = ConfigDict(frozen=True)

    source: str
    stream: str
    source_id: str | None
    updated_at: datetime | None = None
    payload: dict[str, Any]
    position: dict[str, Any] | None = None
    line: int | None = Field(default=None, description="row or record number in the source")
    problems: tuple[Problem, ...] = Field(
        default=(), description="field problems the reader found (check 'reader')"
    )
