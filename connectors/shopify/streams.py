"""The customers of a shop, changed since the saved cursor, oldest change first.

State: ``{"updated_at_min": "2024-07-01T09:30:00+00:00"}``, the newest
``updated_at`` read so far. A read asks for ``updated_at_min`` equal to it:
Shopify's filter is inclusive, so customers sharing that timestamp are read
again, and the pipeline's upsert drops the ones already staged (an exclusive
restart would lose them).

The first request asks for ``order=updated_at asc``. Shopify honours it on
this endpoint although the customer reference does not list it (long-standing
connectors such as Airbyte's rely on it); without it customers come by id.
Each page is also sorted here, which costs nothing when the order is honoured.
Should a later page still bring an older customer, the read logs a warning and
the cursor never moves backwards; an interrupted read of such a shop could then
resume past unread customers, so clear the source's state to read it in full.

Deletions are not visible in this stream: a deleted customer is simply no
longer listed (Shopify reports them through webhooks only).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from connectors.base import StreamState
from connectors.shopify.client import ShopifyClient
from core.errors import ConfigError, SourceUnavailable
from core.records import RawRecord

log = logging.getLogger(__name__)

STREAM_NAME = "customers"
CURSOR = "updated_at_min"


class CustomersStream:
    """Every customer changed at or after the state's ``updated_at_min``."""

    name = STREAM_NAME
    primary_key: tuple[str, ...] = ("id",)
    cursor_field: str | None = "updated_at"

    def __init__(self, source: str, client: ShopifyClient) -> None:
        self.source = source
        self._client = client
        self._newest_read: datetime | None = None

    def read(self, state: StreamState | None) -> Iterator[RawRecord]:
        start = cursor_of(state)
        newest = _saved_cursor(start) if start else None
        self._newest_read = None
        warned = False
        for customers in self._client.customer_pages(start):
            page = sorted((_stamped(c) for c in customers), key=lambda p: (p[0], p[1]["id"]))
            for updated, customer in page:
                if newest is None or updated >= newest:
                    newest = updated
                elif not warned:
                    warned = True
                    log.warning(
                        "%s: Shopify sent customer %s (updated %s) after one updated %s: the "
                        "order=updated_at asc request was not honoured; the cursor stays at "
                        "the newest change read",
                        self.source,
                        customer["id"],
                        updated.isoformat(),
                        newest.isoformat(),
                    )
                yield RawRecord(
                    source=self.source,
                    stream=STREAM_NAME,
                    source_id=str(customer["id"]),
                    updated_at=updated,
                    payload=customer,
                    position={CURSOR: newest.isoformat()},
                )
        self._newest_read = newest

    def completed_state(self, state: StreamState | None) -> StreamState:
        if self._newest_read is not None:
            return {CURSOR: self._newest_read.isoformat()}
        return dict(state or {})


def cursor_of(state: StreamState | None) -> str | None:
    value = (state or {}).get(CURSOR)
    return value if isinstance(value, str) and value else None


def parse_timestamp(value: Any, what: str) -> datetime:
    """An ISO 8601 timestamp as an aware UTC datetime (Shopify sends the shop's offset)."""
    try:
        stamp = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise SourceUnavailable(f"{what}: {value!r} is not an ISO 8601 timestamp") from None
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=UTC)
    return stamp.astimezone(UTC)


def _saved_cursor(value: str) -> datetime:
    try:
        return parse_timestamp(value, CURSOR)
    except SourceUnavailable:
        raise ConfigError(
            f"the saved state's {CURSOR} {value!r} is not a timestamp; reset the source's state"
        ) from None


def _stamped(customer: Any) -> tuple[datetime, dict[str, Any]]:
    if not isinstance(customer, dict) or customer.get("id") is None:
        raise SourceUnavailable(f"Shopify sent a customer without an id: {str(customer)[:80]}")
    updated = customer.get("updated_at") or customer.get("created_at")
    if not updated:
        raise SourceUnavailable(f"Shopify sent customer {customer['id']} without updated_at")
    return parse_timestamp(updated, f"customer {customer['id']} updated_at"), customer
