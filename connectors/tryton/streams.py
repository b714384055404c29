"""The ``parties`` stream: every party that changed since the saved cursor, with its
addresses, contact mechanisms and identifiers.

The cursor is the time of the last change read, kept as ISO text::

    {"last_modified_at": "2024-05-01T09:30:00.123456+00:00"}

A read yields parties in non-decreasing order of that time (see
:mod:`connectors.tryton.changes`) and restarts inclusively, ``>=`` the saved time
(less ``lookback_seconds``): parties changed at exactly that time are read again
and the pipeline drops those it already staged. Changes are taken ``page_size``
at a time; the page's parties are then read in bulk, one request per model, and
each party is yielded once per page, at its first change in it.

Deactivated parties are read (``active: false``); deactivating an address or a
contact mechanism brings its party back without it. A child row deleted outright
leaves no trace in Tryton, so its party is read again only once the party itself
changes; the payload holds no timestamps, so a party read twice in one run
without changing is recognised as a replay.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime, timedelta
from itertools import islice
from typing import Any

from connectors.base import StreamState
from connectors.tryton.changes import MODIFIED, PARTY, Change, changes_since
from connectors.tryton.client import TrytonClient
from connectors.tryton.codec import plain
from core.records import RawRecord

log = logging.getLogger(__name__)

STREAM_NAME = "parties"

#: What is read of each model; a dotted field reads the named field of the related record.
PARTY_FIELDS = ["id", "code", "name", "lang.code", "active", "replaced_by"]
CHILD_FIELDS: dict[str, tuple[str, list[str]]] = {
    # payload key: (model, fields)
    "addresses": (
        "party.address",
        [
            "party_name",
            "street",
            "postal_code",
            "city",
            "subdivision.code",
            "subdivision.name",
            "country.code",
            "country.name",
        ],
    ),
    "contact_mechanisms": ("party.contact_mechanism", ["type", "value", "name", "comment"]),
    "identifiers": ("party.identifier", ["type", "code"]),
}


class PartiesStream:
    """``party.party`` records as :class:`RawRecord`, keyed by id, cursor ``last_modified_at``."""

    name = STREAM_NAME
    primary_key: tuple[str, ...] = ("id",)
    cursor_field: str | None = MODIFIED

    def __init__(
        self, source: str, client: TrytonClient, page_size: int, lookback_seconds: float = 0
    ) -> None:
        self.source = source
        self.client = client
        self.page_size = page_size
        self.lookback = timedelta(seconds=lookback_seconds)
        self._last_change: datetime | None = None

    def read(self, state: StreamState | None) -> Iterator[RawRecord]:
        since = cursor_time(state)
        if since is not None:
            since -= self.lookback
        self._last_change = None
        changes = changes_since(self.client, since, self.page_size)
        try:
            while page := list(islice(changes, self.page_size)):
                yield from self._page(page)
                self._last_change = page[-1].at
        finally:
            self.client.close()

    def completed_state(self, state: StreamState | None) -> StreamState:
        """The time of the last change read through to the end, else ``state`` unchanged."""
        saved = cursor_time(state)
        last = self._last_change
        if last is None or (saved is not None and saved > last):
            return dict(state or {})
        return {MODIFIED: last.isoformat()}

    def _page(self, page: list[Change]) -> Iterator[RawRecord]:
        first: dict[int, datetime] = {}
        for change in page:
            first.setdefault(change.party, change.at)
        parties = self._read_parties(list(first))
        for party_id, at in first.items():
            payload = parties.get(party_id)
            if payload is None:
                log.info("party %s changed at %s but is gone (deleted)", party_id, at)
                continue
            yield RawRecord(
                source=self.source,
                stream=STREAM_NAME,
                source_id=str(party_id),
                updated_at=at,
                payload=payload,
                position={MODIFIED: at.isoformat()},
                line=party_id,
            )

    def _read_parties(self, ids: list[int]) -> dict[int, dict[str, Any]]:
        """The parties ``ids`` as payloads, their children attached: one request per model."""
        # search_read, not read: a party deleted since its change was seen is just absent
        rows = self.client.search_read(
            PARTY, [["id", "in", ids]], PARTY_FIELDS, context={"active_test": False}
        )
        parties = {row["id"]: _party_payload(row) for row in rows}
        for key, (model, fields) in CHILD_FIELDS.items():
            for party in parties.values():
                party[key] = []
            children = self.client.search_read(
                model,
                [["party", "in", list(parties)]],
                ["id", "party", *fields],
                order=[["sequence", "ASC"], ["id", "ASC"]] if key != "identifiers" else None,
            )
            for child in children:
                owner = parties.get(child["party"])
                if owner is not None:
                    owner[key].append(_child_payload(child, fields))
        return parties


def cursor_time(state: StreamState | None) -> datetime | None:
    """The saved cursor as a datetime; no state (or an unreadable one) reads everything."""
    value = (state or {}).get(MODIFIED)
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        log.warning("unreadable Tryton cursor %r; reading every party", value)
        return None


def _related(row: dict[str, Any], fields: list[str]) -> dict[str, Any]:
    """Plain fields as they are; ``country.code`` and ``country.name`` as ``country: {...}``."""
    out: dict[str, Any] = {}
    for field in fields:
        head, dot, tail = field.partition(".")
        if not dot:
            out[field] = plain(row.get(field))
            continue
        related = row.get(f"{head}.")
        if related is None:
            out.setdefault(head, None)
        else:
            nested = out.get(head) or {}
            nested[tail] = plain(related.get(tail))
            out[head] = nested
    return out


def _party_payload(row: dict[str, Any]) -> dict[str, Any]:
    payload = _related(row, PARTY_FIELDS)
    payload["lang"] = (payload.get("lang") or {}).get("code")
    payload["active"] = bool(payload.get("active"))
    return payload


def _child_payload(row: dict[str, Any], fields: list[str]) -> dict[str, Any]:
    return {"id": row["id"], **_related(row, fields)}
