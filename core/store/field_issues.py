"""Field issues of staged records: defective values set aside, kept until a fix clears them.

A record's issues are replaced whenever the record is staged again (a changed
record, a retry after a fix): an issue that no longer holds disappears, one that
still holds keeps its first run. Values and reasons arrive masked.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa

from core.store.rows import FieldIssueRow
from core.store.tables import field_issue, source_record
from core.store.upsert import chunked, one_of, upsert

Position = tuple[str, str, str, str]  # (source, source_id, field, value_key)
_KEY = ("source", "source_id", "field", "value_key")
#: What an issue found again replaces: all but its key and the run that first found it.
_REWRITTEN = tuple(c.name for c in field_issue.c if c.name not in (*_KEY, "first_run_id"))


class FieldIssueRepository:
    def __init__(self, connection: sa.Connection) -> None:
        self._c = connection

    def replace(
        self, source: str, source_ids: Sequence[str], rows: Sequence[FieldIssueRow]
    ) -> None:
        """Make ``rows`` the issues of the records ``source_ids`` (they were staged again).

        Issues already known keep their ``first_run_id``; those not in ``rows`` go.
        """
        t = field_issue.c
        keep = {(r.source_id, r.field, r.value_key) for r in rows}
        if source_ids:
            found = self._c.execute(
                sa.select(t.source_id, t.field, t.value_key).where(
                    t.source == source, one_of(self._c, t.source_id, source_ids)
                )
            ).all()
            gone = [
                {"b_source": source, "b_id": i, "b_field": name, "b_key": key}
                for i, name, key in found
                if (i, name, key) not in keep
            ]
            if gone:
                self._c.execute(
                    sa.delete(field_issue).where(
                        t.source == sa.bindparam("b_source"),
                        t.source_id == sa.bindparam("b_id"),
                        t.field == sa.bindparam("b_field"),
                        t.value_key == sa.bindparam("b_key"),
                    ),
                    gone,
                )
        upsert(self._c, field_issue, rows, key=_KEY, update=_REWRITTEN)

    def touch(self, source: str, source_ids: Sequence[str], run_id: int) -> None:
        """Unchanged records read again: their issues were seen by ``run_id`` too."""
        t = field_issue.c
        if source_ids:
            self._c.execute(
                sa.update(field_issue)
                .where(t.source == source, one_of(self._c, t.source_id, source_ids))
                .values(seen_run_id=run_id)
            )

    def delete_records(self, keys: Iterable[tuple[str, str]]) -> int:
        """Drop the issues of these records (erased, or gone for good); return how many."""
        t = field_issue.c
        removed = 0
        for source, source_id in keys:
            result = self._c.execute(
                sa.delete(field_issue).where(t.source == source, t.source_id == source_id)
            )
            removed += int(result.rowcount or 0)
        return removed

    def page(
        self,
        *,
        source: str | None = None,
        field: str | None = None,
        after: Position | None = None,
        limit: int = 500,
    ) -> list[sa.Row[Any]]:
        """Issues of active staged records in (source, source id, field, value key) order."""
        t = field_issue.c
        s = source_record.c
        query = (
            sa.select(field_issue, s.line, s.stream)
            .join(
                source_record,
                sa.and_(s.source == t.source, s.source_id == t.source_id),
            )
            .where(s.status == "active")
            .order_by(t.source, t.source_id, t.field, t.value_key)
            .limit(limit)
        )
        if source is not None:
            query = query.where(t.source == source)
        if field is not None:
            query = query.where(t.field == field)
        if after is not None:
            query = query.where(sa.tuple_(t.source, t.source_id, t.field, t.value_key) > after)
        return list(self._c.execute(query))

    def count_by_field(self, source: str | None = None) -> dict[tuple[str, str], int]:
        """Open issues per (source, field) of active staged records."""
        t = field_issue.c
        s = source_record.c
        query = (
            sa.select(t.source, t.field, sa.func.count())
            .join(source_record, sa.and_(s.source == t.source, s.source_id == t.source_id))
            .where(s.status == "active")
            .group_by(t.source, t.field)
        )
        if source is not None:
            query = query.where(t.source == source)
        return {(row[0], row[1]): int(row[2]) for row in self._c.execute(query)}

    def sources_with_issues(self) -> list[str]:
        t = field_issue.c
        return [r[0] for r in self._c.execute(sa.select(t.source).distinct().order_by(t.source))]

    def staged_with_issues(
        self, source: str, *, after: str | None = None, limit: int = 500
    ) -> list[sa.Row[Any]]:
        """Active staged records of ``source`` carrying a field issue, by source id, paged
        after ``after``: what a retry re-checks."""
        t = field_issue.c
        s = source_record.c
        carrying = sa.exists().where(t.source == s.source, t.source_id == s.source_id)
        query = (
            sa.select(s.source_id, s.stream, s.payload, s.line, s.source_updated_at)
            .where(s.source == source, s.status == "active", carrying)
            .order_by(s.source_id)
            .limit(limit)
        )
        if after is not None:
            query = query.where(s.source_id > after)
        return list(self._c.execute(query))

    def of_check(
        self, source: str, source_ids: Sequence[str], check: str
    ) -> list[sa.Row[Any, Any, Any, Any]]:
        """The issues ``check`` found on these records (``reader``: only a new read clears
        them, a retry from the stored payload cannot)."""
        t = field_issue.c
        found: list[sa.Row[Any, Any, Any, Any]] = []
        for chunk in chunked(list(source_ids)):
            found += self._c.execute(
                sa.select(t.source_id, t.field, t.reason, t.check).where(
                    t.source == source, t.source_id.in_(chunk), t.check == check
                )
            ).all()
        return found

    def count(self, source: str | None = None) -> int:
        """Issues of active staged records (of ``source``)."""
        return sum(self.count_by_field(source).values())

    def seen_in(
        self, run_id: int, *, after: Position | None = None, limit: int = 500
    ) -> list[sa.Row[Any]]:
        """Issues of active records the run read (staged or unchanged), in key order, paged."""
        t = field_issue.c
        s = source_record.c
        query = (
            sa.select(field_issue, s.line)
            .join(source_record, sa.and_(s.source == t.source, s.source_id == t.source_id))
            .where(t.seen_run_id == run_id, s.status == "active")
            .order_by(t.source, t.source_id, t.field, t.value_key)
            .limit(limit)
        )
        if after is not None:
            query = query.where(sa.tuple_(t.source, t.source_id, t.field, t.value_key) > after)
        return list(self._c.execute(query))
