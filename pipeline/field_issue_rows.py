"""Field issues of accepted records as the store keeps them: masked, one row per value.

The value and the reason are masked before they are written (whatever
``privacy.mask_personal_data`` says for displays): the payload and the staged
record keep the value as read, so nothing a fix needs is lost, and the issue
table never becomes a second copy of personal data.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from core.masking import mask_reason, mask_value
from core.store.rows import FieldIssueRow
from pipeline.prepare import Accepted


def value_key(field: str, value: str) -> str:
    """A short digest telling two defective values of one field apart.

    >>> value_key("phone", "12345") == value_key("phone", "12345") != value_key("email", "12345")
    True
    """
    return hashlib.sha256(f"{field}\0{value}".encode()).hexdigest()[:16]


def issue_rows(source: str, item: Accepted, run_id: int, at: datetime) -> list[FieldIssueRow]:
    """One row per defective value of ``item`` (none for a clean record)."""
    rows: dict[tuple[str, str], FieldIssueRow] = {}
    for issue in item.field_issues:
        key = value_key(issue.field, issue.value)
        if (issue.field, key) in rows:
            continue
        rows[(issue.field, key)] = FieldIssueRow(
            source=source,
            source_id=item.source_id,
            field=issue.field,
            value_key=key,
            value=str(mask_value(issue.field, issue.value)),
            reason=mask_reason(issue.field, issue.reason),
            check=issue.check,
            first_run_id=run_id,
            seen_run_id=run_id,
            seen_at=at,
        )
    return list(rows.values())
