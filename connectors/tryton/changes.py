"""Which parties changed since a time, in the order they changed.

A party changes when its own row does, or when one of its addresses, contact
mechanisms or identifiers does: those are rows of their own, with their own
timestamps, and editing a phone number leaves the party row untouched. Each of
the four models is read in pages ordered by ``(last_modified_at, id)``, Tryton's
own ``coalesce(write_date, create_date)`` (``write_date`` stays empty until a
row is first modified), with keyset paging: the next page starts after the last
``(time, id)`` seen, so rows sharing one time are neither skipped nor repeated
even when a page boundary falls among them. The four ordered sequences are
merged into one sequence of :class:`Change`, ordered by time.

A child row changed no later than its party's own row is left out: the party's
own change comes later in the sequence and covers it.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from connectors.tryton.client import Domain, TrytonClient
from core.errors import SourceRejected

PARTY = "party.party"
#: Child models whose changes change the party, each with its field naming the party.
CHILDREN: tuple[str, ...] = ("party.address", "party.contact_mechanism", "party.identifier")
MODIFIED = "last_modified_at"
_ORDER = [[MODIFIED, "ASC"], ["id", "ASC"]]
#: Deactivated rows count as changes too (the party's payload then leaves them out).
_ALL_ROWS = {"active_test": False}


@dataclass(frozen=True, order=True, slots=True)
class Change:
    """``party`` changed at ``at`` (through the row ``row`` of model number ``rank``)."""

    at: datetime
    rank: int
    row: int
    party: int


def changes_since(client: TrytonClient, since: datetime | None, page_size: int) -> Iterator[Change]:
    """Every change at or after ``since`` (everything when ``None``), in time order."""
    sequences = [_party_changes(client, since, page_size)]
    sequences += [
        _child_changes(client, model, rank, since, page_size)
        for rank, model in enumerate(CHILDREN, start=1)
    ]
    return heapq.merge(*sequences)


def _pages(
    client: TrytonClient, model: str, since: datetime | None, fields: list[str], page_size: int
) -> Iterator[dict[str, Any]]:
    """Rows of ``model`` changed at or after ``since``, keyset-paged on (time, id).

    Loop guard: every row must come strictly after the one before it. A server that
    compares times differently from how it orders them would otherwise hand out the
    same page forever.
    """
    domain: Domain = [[MODIFIED, ">=", since]] if since is not None else []
    previous: tuple[datetime, int] | None = None
    while True:
        rows = client.search_read(
            model, domain, fields, limit=page_size, order=_ORDER, context=_ALL_ROWS
        )
        for row in rows:
            key = (row[MODIFIED], row["id"])
            if previous is not None and key <= previous:
                raise SourceRejected(
                    f"Tryton returned {model} {row['id']} (changed {key[0].isoformat()}) after "
                    f"{previous[1]} (changed {previous[0].isoformat()}): its rows do not follow "
                    "their (last_modified_at, id) order, so paging cannot go on safely"
                )
            previous = key
            yield row
        if len(rows) < page_size:
            return
        last = rows[-1]
        domain = [
            "OR",
            [[MODIFIED, ">", last[MODIFIED]]],
            [[MODIFIED, "=", last[MODIFIED]], ["id", ">", last["id"]]],
        ]


def _party_changes(client: TrytonClient, since: datetime | None, size: int) -> Iterator[Change]:
    for row in _pages(client, PARTY, since, ["id", MODIFIED], size):
        yield Change(row[MODIFIED], 0, row["id"], row["id"])


def _child_changes(
    client: TrytonClient, model: str, rank: int, since: datetime | None, size: int
) -> Iterator[Change]:
    fields = ["id", MODIFIED, "party", f"party.{MODIFIED}"]
    for row in _pages(client, model, since, fields, size):
        party = row.get("party.") or {}
        party_modified = party.get(MODIFIED)
        if row.get("party") is None:
            continue  # not attached to a party (yet)
        if party_modified is not None and row[MODIFIED] <= party_modified:
            continue  # the party's own change comes later and covers this one
        yield Change(row[MODIFIED], rank, row["id"], row["party"])
