"""The store side of an erasure: find a person's rows, delete them, scrub what remains.

Deleting is by key (the person's source records and golden IDs). What cannot
be deleted by key (audit details, run messages, other records' history that
once held the person's values) is scrubbed: every string holding one of the
person's values is replaced by :data:`ERASED`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import sqlalchemy as sa

from core.store.staging import RecordKey
from core.store.tables import (
    block_key,
    field_issue,
    golden_history,
    match_decision,
    metadata,
    quarantine,
    review_task,
    source_record,
    xref,
)
from core.store.upsert import chunked, ids_by_source

ERASED = "[erased]"

#: Tables an erasure handles by key, or that cannot hold personal data.
_NOT_SCRUBBED = frozenset(
    {
        "source_record",
        "golden_record",
        "golden_key",
        "block_key",
        "field_issue",
        "tombstone",
        "store_setting",
        "api_token",
        "sync_state",
        "alembic_version",
    }
)


class ErasureRepository:
    def __init__(self, connection: sa.Connection) -> None:
        self._c = connection

    def staged_holding(self, values: Sequence[str]) -> list[RecordKey]:
        """Staged records whose standardised form holds one of ``values`` anywhere."""
        if not values:
            return []
        t = source_record.c
        rows = self._c.execute(
            sa.select(t.source, t.source_id).where(_text_holds(t.record, values))
        )
        return [(r.source, r.source_id) for r in rows]

    def delete_records(
        self, keys: Sequence[RecordKey], record_keys: Sequence[str]
    ) -> dict[str, int]:
        """Delete the source records ``keys`` (and ``record_keys``, the same as ``source:id``)
        with their cross references, blocking keys, field issues, match decisions and review
        tasks."""
        removed = {"source_record": 0, "xref": 0, "block_key": 0, "field_issue": 0}
        for table in (source_record, xref, block_key, field_issue):
            for source, ids in ids_by_source(keys).items():
                for chunk in chunked(ids):
                    removed[table.name] += self._c.execute(
                        sa.delete(table).where(
                            table.c.source == source, table.c.source_id.in_(chunk)
                        )
                    ).rowcount
        for table in (match_decision, review_task):
            removed[table.name] = 0
            for chunk in chunked(sorted(record_keys)):
                removed[table.name] += self._c.execute(
                    sa.delete(table).where(
                        sa.or_(table.c.left_key.in_(chunk), table.c.right_key.in_(chunk))
                    )
                ).rowcount
        return removed

    def delete_history(self, golden_ids: Iterable[str]) -> int:
        removed = 0
        for chunk in chunked(sorted(set(golden_ids))):
            removed += self._c.execute(
                sa.delete(golden_history).where(golden_history.c.golden_id.in_(chunk))
            ).rowcount
        return removed

    def quarantine_rows(self) -> Iterator[sa.Row[Any, Any, Any, Any]]:
        """Every quarantine entry (any status), in key order, a page at a time."""
        q = quarantine.c
        after: tuple[str, str] = ("", "")
        while True:
            rows = list(
                self._c.execute(
                    sa.select(q.source, q.record_key, q.source_id, q.payload)
                    .where(sa.tuple_(q.source, q.record_key) > sa.tuple_(*after))
                    .order_by(q.source, q.record_key)
                    .limit(1000)
                )
            )
            yield from rows
            if len(rows) < 1000:
                return
            after = (rows[-1].source, rows[-1].record_key)

    def delete_quarantined(self, entries: Sequence[tuple[str, str]]) -> int:
        removed = 0
        for source, record_key in entries:
            removed += self._c.execute(
                sa.delete(quarantine).where(
                    quarantine.c.source == source, quarantine.c.record_key == record_key
                )
            ).rowcount
        return removed

    def scrub(self, values: Sequence[str]) -> dict[str, int]:
        """Replace ``values`` wherever they remain (audit trail, run messages, history of
        other records, …); returns the rows changed per table."""
        changed: dict[str, int] = {}
        if not values:
            return changed
        for table in metadata.sorted_tables:
            if table.name in _NOT_SCRUBBED:
                continue
            columns = [c for c in table.columns if _holds_text(c) and not c.primary_key]
            keys = list(table.primary_key.columns)
            if not columns or not keys:
                continue
            holds = sa.or_(*(_text_holds(c, values) for c in columns))
            for row in list(self._c.execute(sa.select(*keys, *columns).where(holds))):
                update = {
                    c.name: _scrubbed(getattr(row, c.name), values)
                    for c in columns
                    if getattr(row, c.name) is not None
                }
                self._c.execute(
                    sa.update(table)
                    .where(*(k == getattr(row, k.name) for k in keys))
                    .values(update)
                )
                changed[table.name] = changed.get(table.name, 0) + 1
        return changed


def _holds_text(column: sa.Column[Any]) -> bool:
    return isinstance(column.type, sa.String | sa.JSON)


def _text_holds(column: Any, values: Sequence[str]) -> sa.ColumnElement[bool]:
    text = sa.func.lower(sa.cast(column, sa.Text))
    return sa.or_(*(text.contains(v.lower(), autoescape=True) for v in values))


def _scrubbed(value: Any, values: Sequence[str]) -> Any:
    lowered = [v.lower() for v in values]
    if isinstance(value, str):
        return ERASED if any(v in value.lower() for v in lowered) else value
    if isinstance(value, dict):
        return {k: _scrubbed(v, values) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrubbed(v, values) for v in value]
    return value
