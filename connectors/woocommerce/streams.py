"""A store's customers: incremental where the store can filter by change time, else in full.

Customers are paged by ascending id: WooCommerce cannot sort them by change
time. So the position saved with each record is a page, not a timestamp::

    {"mode": "incremental", "date_modified_gmt": "2024-07-01T09:30:00",
     "page": 3, "first_id": 241, "newest": "2024-07-02T08:00:00"}

``date_modified_gmt`` is where this read's window starts (the cursor of the
last complete read), ``page`` and ``first_id`` where to resume, ``newest``
the newest change seen so far. Resuming re-reads page 3 from its start (the
pipeline's upsert drops the replays); if customers were deleted meanwhile,
records moved to earlier pages, so the read first steps back until the page
holds ``first_id`` again. A complete read saves ``{"mode": "incremental",
"date_modified_gmt": <newest>}``; the next one asks for ``modified_after`` one
second before it, because WordPress's "after" is exclusive and timestamps have
whole seconds: customers sharing the cursor's second are read again instead of
lost. ``dates_are_gmt=true`` makes the store read the cursor as GMT.

Consequence of paging by id: in incremental mode records come in change-time
order within each page (each page is sorted here), not across pages. The
saved positions never depend on that order, so nothing is lost; but a consumer
must not assume a globally sorted stream from a multi-page incremental read.

A full read (``cursor_field = None``) yields every customer by id and saves
``{"mode": "full", "complete": true}``; the pipeline marks customers it no
longer lists as deleted.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from connectors.base import StreamState
from connectors.woocommerce.client import WooCommerceClient
from core.errors import ConfigError, SourceUnavailable
from core.records import RawRecord

log = logging.getLogger(__name__)

STREAM_NAME = "customers"
CURSOR = "date_modified_gmt"
_FORMAT = "%Y-%m-%dT%H:%M:%S"


class CustomersStream:
    """Every customer of the store, or (``incremental``) those changed since the cursor."""

    name = STREAM_NAME
    primary_key: tuple[str, ...] = ("id",)

    def __init__(self, source: str, client: WooCommerceClient, *, incremental: bool) -> None:
        self.source = source
        self.incremental = incremental
        self.cursor_field: str | None = CURSOR if incremental else None
        self._client = client
        self._read: dict[str, Any] | None = None
        #: once a read has started: how many customers it will yield (the store's X-WP-Total)
        self.expected_records: int | None = None

    @property
    def mode(self) -> str:
        return "incremental" if self.incremental else "full"

    def read(self, state: StreamState | None) -> Iterator[RawRecord]:
        state = state if state and state.get("mode") == self.mode else {}
        window = _text(state.get(CURSOR)) if self.incremental else None
        newest = _text(state.get("newest")) or window
        page, first_id = _resume_point(state)
        filters = self._client.change_filter(_second_before(window)) if window else None
        if page > 1 and first_id is not None:
            page = self._page_holding(first_id, page, filters)
        self._read = None
        self.expected_records = None
        for number, customers in self._client.customer_pages(start_page=page, filters=filters):
            if self.expected_records is None and self._client.matching is not None:
                before = (number - 1) * self._client.settings.page_size
                self.expected_records = max(self._client.matching - before, 0)
            rows = [_stamped(c) for c in customers]
            if not rows:
                continue
            if self.incremental:
                rows.sort(key=lambda row: (row[0] or "", row[1]["id"]))
            page_start = min(row[1]["id"] for row in rows)
            for stamp, customer in rows:
                if stamp is not None and (newest is None or stamp > newest):
                    newest = stamp
                position: dict[str, Any] = {
                    "mode": self.mode,
                    "page": number,
                    "first_id": page_start,
                }
                if self.incremental:
                    position.update({CURSOR: window, "newest": newest})
                else:
                    position["complete"] = False
                yield RawRecord(
                    source=self.source,
                    stream=STREAM_NAME,
                    source_id=str(customer["id"]),
                    updated_at=_as_datetime(stamp),
                    payload=customer,
                    position=position,
                )
        self._read = {"mode": self.mode, CURSOR: newest}

    def completed_state(self, state: StreamState | None) -> StreamState:
        if not self.incremental:
            return {"mode": "full", "complete": True}
        newest = self._read.get(CURSOR) if self._read else _text((state or {}).get(CURSOR))
        return {"mode": "incremental", CURSOR: newest} if newest else {"mode": "incremental"}

    def _page_holding(self, first_id: int, page: int, filters: dict[str, str] | None) -> int:
        """The page where ``first_id`` (or the first id after it) is now; deletions move it back."""
        while page > 1:
            pages = self._client.customer_pages(start_page=page, filters=filters)
            number, customers = next(pages)
            pages.close()
            ids: list[int] = [
                c["id"] for c in customers if isinstance(c, dict) and isinstance(c.get("id"), int)
            ]
            if ids and min(ids) <= first_id:
                return number
            log.info(
                "%s: page %d moved since the interrupted read; stepping back", self.source, page
            )
            page -= 1
        return 1


def _resume_point(state: StreamState) -> tuple[int, int | None]:
    page, first_id = state.get("page"), state.get("first_id")
    if state.get("complete") or not isinstance(page, int) or page < 1:
        return 1, None
    return page, first_id if isinstance(first_id, int) else None


def _stamped(customer: Any) -> tuple[str | None, dict[str, Any]]:
    if not isinstance(customer, dict) or not isinstance(customer.get("id"), int):
        raise SourceUnavailable(f"WooCommerce sent a customer without an id: {str(customer)[:80]}")
    stamp = customer.get("date_modified_gmt") or customer.get("date_created_gmt")
    return (_normal(stamp, customer["id"]) if stamp else None), customer


def _normal(value: Any, customer_id: int) -> str:
    """A GMT timestamp as ``YYYY-MM-DDTHH:MM:SS`` (sortable as text, WooCommerce's own form)."""
    stamp = _as_datetime(str(value))
    if stamp is None:
        raise SourceUnavailable(f"customer {customer_id}: {value!r} is not an ISO 8601 timestamp")
    return stamp.strftime(_FORMAT)


def _as_datetime(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        stamp = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(UTC).replace(tzinfo=None)
    return stamp.replace(tzinfo=UTC)


def _second_before(cursor: str) -> str:
    stamp = _as_datetime(cursor)
    if stamp is None:
        raise ConfigError(
            f"the saved state's {CURSOR} {cursor!r} is not a timestamp; reset the source's state"
        )
    return (stamp - timedelta(seconds=1)).strftime(_FORMAT)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
