"""Golden records, cross references, history and the change feed."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from core.store.lookup_keys import golden_keys
from core.store.rows import ChangeEvent, GoldenVersion, HistoryEntry
from core.store.staging import RecordKey
from core.store.tables import change_event, golden_history, golden_key, golden_record, xref
from core.store.upsert import ids_by_source, insert_rows, one_of, upsert


class GoldenRepository:
    def __init__(self, connection: sa.Connection) -> None:
        self._c = connection

    # -- reading -----------------------------------------------------------------
    def get(self, golden_id: str) -> sa.Row[Any] | None:
        return self._c.execute(
            sa.select(golden_record).where(golden_record.c.golden_id == golden_id)
        ).first()

    def get_many(self, golden_ids: Iterable[str]) -> dict[str, sa.Row[Any]]:
        wanted = sorted(set(golden_ids))
        if not wanted:
            return {}
        rows = self._c.execute(
            sa.select(golden_record).where(one_of(self._c, golden_record.c.golden_id, wanted))
        )
        return {row.golden_id: row for row in rows}

    def resolve_alias(self, golden_id: str) -> sa.Row[Any] | None:
        """Follow ``merged_into`` so that an ID that lost a merge still resolves."""
        seen: set[str] = set()
        row = self.get(golden_id)
        while row is not None and row.status == "merged" and row.merged_into not in seen:
            seen.add(row.golden_id)
            row = self.get(row.merged_into)
        return row

    def links(self, keys: Iterable[RecordKey]) -> dict[RecordKey, str]:
        found: dict[RecordKey, str] = {}
        for source, ids in ids_by_source(keys).items():
            for row in self._c.execute(
                sa.select(xref.c.source, xref.c.source_id, xref.c.golden_id).where(
                    xref.c.source == source, one_of(self._c, xref.c.source_id, ids)
                )
            ):
                found[(row.source, row.source_id)] = row.golden_id
        return found

    def members(self, golden_ids: Iterable[str]) -> dict[str, list[RecordKey]]:
        found: dict[str, list[RecordKey]] = {}
        wanted = sorted(set(golden_ids))
        if not wanted:
            return found
        for row in self._c.execute(
            sa.select(xref.c.golden_id, xref.c.source, xref.c.source_id)
            .where(one_of(self._c, xref.c.golden_id, wanted))
            .order_by(xref.c.source, xref.c.source_id)
        ):
            found.setdefault(row.golden_id, []).append((row.source, row.source_id))
        return found

    def count(self, status: str | None = "active") -> int:
        query = sa.select(sa.func.count()).select_from(golden_record)
        if status is not None:
            query = query.where(golden_record.c.status == status)
        return int(self._c.execute(query).scalar_one())

    def iter_active(self, batch_size: int = 1000) -> Iterator[sa.Row[Any]]:
        """Active golden records in ID order, read in keyset pages (constant memory)."""
        last = ""
        while True:
            rows = list(
                self._c.execute(
                    sa.select(golden_record)
                    .where(golden_record.c.status == "active", golden_record.c.golden_id > last)
                    .order_by(golden_record.c.golden_id)
                    .limit(batch_size)
                )
            )
            yield from rows
            if len(rows) < batch_size:
                return
            last = rows[-1].golden_id

    # -- writing -----------------------------------------------------------------
    def save_many(self, rows: Sequence[GoldenVersion]) -> None:
        """Write golden records (full rows, as in the table) in one statement, and keep their
        lookup keys in step: only active records can be found."""
        if not rows:
            return
        upsert(self._c, golden_record, rows, key=("golden_id",))
        latest = {row.golden_id: row for row in rows}  # a batch may hold several versions
        self._c.execute(
            sa.delete(golden_key).where(one_of(self._c, golden_key.c.golden_id, sorted(latest)))
        )
        keys = [
            key
            for golden_id, row in latest.items()
            if row.status == "active"
            for key in golden_keys(golden_id, row.record)
        ]
        insert_rows(self._c, golden_key, keys)

    def find_by_key(self, kind: str, value: str) -> list[str]:
        """Golden IDs of active records holding this lookup key."""
        return list(
            self._c.execute(
                sa.select(golden_key.c.golden_id)
                .where(golden_key.c.kind == kind, golden_key.c.value == value)
                .order_by(golden_key.c.golden_id)
            ).scalars()
        )

    def relabel(self, provenance: Mapping[str, dict[str, Any]]) -> None:
        """Replace the provenance of current versions in place (no new version, no event)."""
        if not provenance:
            return
        self._c.execute(
            sa.update(golden_record)
            .where(golden_record.c.golden_id == sa.bindparam("target"))
            .values(provenance=sa.bindparam("value")),
            [{"target": g, "value": v} for g, v in provenance.items()],
        )

    def active_ids(self, after: str, limit: int) -> list[str]:
        """IDs of active golden records after ``after`` in ID order: one keyset page."""
        return list(
            self._c.execute(
                sa.select(golden_record.c.golden_id)
                .where(golden_record.c.status == "active", golden_record.c.golden_id > after)
                .order_by(golden_record.c.golden_id)
                .limit(limit)
            ).scalars()
        )

    def record_history(self, rows: Sequence[HistoryEntry]) -> None:
        upsert(self._c, golden_history, rows, key=("golden_id", "version"))

    def emit_many(self, events: Sequence[ChangeEvent]) -> None:
        """Append change events; their sequence numbers follow the order given."""
        insert_rows(self._c, change_event, events)

    def link_many(
        self, links: Sequence[tuple[RecordKey, str]], *, method: str, run_id: int, at: datetime
    ) -> None:
        """Point each source record at its golden ID (insert or move the cross reference)."""
        rows = [
            {
                "source": source,
                "source_id": source_id,
                "golden_id": golden_id,
                "method": method,
                "run_id": run_id,
                "linked_at": at,
            }
            for (source, source_id), golden_id in links
        ]
        upsert(self._c, xref, rows, key=("source", "source_id"))

    def unlink(self, keys: Sequence[RecordKey]) -> None:
        for source, ids in ids_by_source(keys).items():
            self._c.execute(
                sa.delete(xref).where(
                    xref.c.source == source, one_of(self._c, xref.c.source_id, ids)
                )
            )

    def aliases_of(self, golden_id: str) -> list[sa.Row[Any]]:
        """Golden records merged into ``golden_id`` (newest merge first)."""
        t = golden_record.c
        return list(
            self._c.execute(
                sa.select(golden_record)
                .where(t.merged_into == golden_id, t.status == "merged")
                .order_by(t.updated_at.desc(), t.golden_id)
            )
        )

    def history(self, golden_id: str) -> list[sa.Row[Any]]:
        return list(
            self._c.execute(
                sa.select(golden_history)
                .where(golden_history.c.golden_id == golden_id)
                .order_by(golden_history.c.version)
            )
        )

    # -- the change feed -------------------------------------------------------------
    def events_since(self, seq: int, limit: int = 1000) -> list[sa.Row[Any]]:
        return list(
            self._c.execute(
                sa.select(change_event)
                .where(change_event.c.seq > seq)
                .order_by(change_event.c.seq)
                .limit(limit)
            )
        )

    def run_events(
        self, run_id: int, golden_ids: Iterable[str], kinds: Iterable[str]
    ) -> list[sa.Row[Any]]:
        """The events of one run for these golden records and kinds, oldest first."""
        t = change_event.c
        wanted = sorted(set(golden_ids))
        if not wanted:
            return []
        return list(
            self._c.execute(
                sa.select(change_event)
                .where(
                    t.run_id == run_id,
                    one_of(self._c, t.golden_id, wanted),
                    t.kind.in_(list(kinds)),
                )
                .order_by(t.seq)
            )
        )

    def drop_events(self, seqs: Iterable[int]) -> None:
        """Remove events superseded by a later one of the same run (see ``GoldenWriter``)."""
        wanted = sorted(set(seqs))
        if wanted:
            self._c.execute(
                sa.delete(change_event).where(one_of(self._c, change_event.c.seq, wanted))
            )

    def event_count(self, run_id: int | None = None) -> int:
        query = sa.select(sa.func.count()).select_from(change_event)
        if run_id is not None:
            query = query.where(change_event.c.run_id == run_id)
        return int(self._c.execute(query).scalar_one())
