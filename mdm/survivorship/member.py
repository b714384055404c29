"""A source record taking part in a golden record, and what "blank" and "recent" mean."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from core.customer import DEFECTIVE

#: Fields that are bookkeeping, not customer data: ``defective`` holds the values set aside
#: as field issues (evidence for matching, never a golden value).
SKIPPED = frozenset({"source_id", DEFECTIVE})


@dataclass(frozen=True, slots=True)
class Member:
    """A source record taking part in a golden record.

    ``changed_at`` is when the hub saw the record change; ``updated_at`` is the
    source's own change time when it reports one, which says better which of two
    systems heard from the customer last.
    """

    source: str
    source_id: str
    record: Mapping[str, Any]
    trust: int
    changed_at: datetime
    updated_at: datetime | None = None

    @property
    def recency(self) -> datetime:
        """The source's change time if known, else the hub's; naive times are read as UTC.

        >>> Member("crm", "1", {}, 50, datetime(2026, 1, 2)).recency.isoformat()
        '2026-01-02T00:00:00+00:00'
        """
        at = self.updated_at or self.changed_at
        return at if at.tzinfo is not None else at.replace(tzinfo=UTC)

    @property
    def completeness(self) -> int:
        """How many fields the record fills.

        >>> Member("crm", "1", {"source_id": "1", "email": "a@x.cn", "phone": ""}, 50,
        ...        datetime(2026, 1, 1)).completeness
        1
        """
        return sum(1 for k, v in self.record.items() if k not in SKIPPED and not is_blank(v))


def is_blank(value: Any) -> bool:
    """``None``, blank text and empty collections carry no value; ``False`` and ``0`` do.

    >>> [is_blank(v) for v in (None, " ", [], {}, False, 0, "x")]
    [True, True, True, True, False, False, False]
    """
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple | dict | set | frozenset):
        return not value
    return False


def value_key(value: Any) -> str:
    """A hashable, type-aware form of a value, to count and compare values of any shape.

    >>> value_key(False) == value_key(0), value_key({"b": 1, "a": 2})
    (False, '{"a": 2, "b": 1}')
    """
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
