"""Golden customers as downstream systems read them: by ID (aliases redirect) and by lookup.

Lookups compare normalised values: an email or phone is standardised the way
sync standardised the records (so ``0086 138-0013-8000`` finds
``+8613800138000``), a name is compared case-insensitively with the full name
and with its Latin form. Every condition is a probe of the ``golden_key``
index (kept in step with each golden record as it is written), never a scan
of the records, and every page is bounded by ``limit``
and continues from an opaque keyset cursor (ordered by golden ID), so a
client never gets a record twice however long it pages.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from core.customer import E164, EMAIL
from core.errors import ConfigError
from core.standardise import normalise_text, standardise_email, standardise_phone
from core.store import UnitOfWork
from core.store.lookup_keys import latin_name_key, name_key
from core.store.tables import golden_key, golden_record, xref
from pipeline.clock import as_utc

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class InvalidQuery(ConfigError):
    """A lookup parameter cannot be used as given; ``field`` names it."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field


@dataclass(frozen=True)
class GoldenCustomer:
    golden_id: str
    status: str
    version: int
    record: dict[str, Any]
    provenance: dict[str, Any]
    sources: list[tuple[str, str]]
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class MergedAway:
    """``golden_id`` lost a merge; ``survivor`` is where its alias chain ends."""

    golden_id: str
    survivor: str
    survivor_status: str


def read_customer(engine: Engine, golden_id: str) -> GoldenCustomer | MergedAway | None:
    """The golden record ``golden_id`` as stored (active or deleted), where a merged-away ID
    leads, or None when the ID was never issued."""
    with UnitOfWork(engine) as uow:
        row = uow.golden.get(golden_id)
        if row is None:
            return None
        if row.status == "merged":
            end = uow.golden.resolve_alias(golden_id)
            assert end is not None  # resolve_alias starts from an existing row
            return MergedAway(golden_id, end.golden_id, end.status)
        sources = uow.golden.members([golden_id]).get(golden_id, [])
        return _customer(row, sources)


@dataclass(frozen=True)
class CustomerQuery:
    """Normalised lookup conditions; all given ones must hold (AND)."""

    email: str | None = None
    phone: str | None = None
    name: str | None = None
    name_latin: str | None = None
    source: str | None = None
    source_id: str | None = None

    @classmethod
    def from_params(
        cls,
        *,
        email: str | None = None,
        phone: str | None = None,
        name: str | None = None,
        source: str | None = None,
        source_id: str | None = None,
        default_region: str,
    ) -> CustomerQuery:
        """Standardise what a client sent; raise :class:`InvalidQuery` naming the parameter."""
        given = {"email": email, "phone": phone, "name": name, "source": source}
        for field, value in {**given, "source_id": source_id}.items():
            if value is not None and _CONTROL.search(value):
                raise InvalidQuery(field, "must not contain control characters")
        found_email = found_phone = found_name = latin = None
        if email is not None:
            found_email = standardise_email(email)
            if found_email is None or not EMAIL.match(found_email):
                raise InvalidQuery("email", f"{email!r} is not an email address")
        if phone is not None:
            found_phone = standardise_phone(phone, default_region)
            if found_phone is None or not E164.match(found_phone):
                raise InvalidQuery(
                    "phone",
                    f"{phone!r} is not a phone number (write it with its country code, "
                    f"or as dialled in {default_region})",
                )
        if name is not None:
            if not normalise_text(name):
                raise InvalidQuery("name", "must not be blank")
            found_name, latin = name_key(name), latin_name_key(name)
        if (source is None) != (source_id is None):
            missing = "source_id" if source_id is None else "source"
            raise InvalidQuery(missing, "source and source_id go together")
        if source is not None and (not source or not source_id):
            raise InvalidQuery("source", "source and source_id must not be blank")
        return cls(found_email, found_phone, found_name, latin, source, source_id)

    def fingerprint(self) -> str:
        """Ties a cursor to its query, so that a cursor cannot silently page another one."""
        text = json.dumps(
            [self.email, self.phone, self.name, self.source, self.source_id], ensure_ascii=False
        )
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True)
class CustomerPage:
    customers: list[GoldenCustomer]
    next_cursor: str | None


def find_customers(
    engine: Engine, query: CustomerQuery, *, limit: int, cursor: str | None = None
) -> CustomerPage:
    """Active golden records meeting ``query``, in golden-ID order, ``limit`` per page."""
    after = decode_cursor(cursor, query) if cursor else ""
    with UnitOfWork(engine) as uow:
        statement = (
            sa.select(golden_record)
            .where(
                golden_record.c.status == "active",
                golden_record.c.golden_id > after,
                *_conditions(query),
            )
            .order_by(golden_record.c.golden_id)
            .limit(limit + 1)
        )
        rows = list(uow.connection.execute(statement))
        page, more = rows[:limit], len(rows) > limit
        members = uow.golden.members([r.golden_id for r in page])
    customers = [_customer(r, members.get(r.golden_id, [])) for r in page]
    next_cursor = encode_cursor(page[-1].golden_id, query) if more else None
    return CustomerPage(customers, next_cursor)


def encode_cursor(after: str, query: CustomerQuery) -> str:
    raw = json.dumps({"after": after, "q": query.fingerprint()}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode("utf-8")).decode("ascii").rstrip("=")


def decode_cursor(cursor: str, query: CustomerQuery) -> str:
    """The golden ID a page continues after; :class:`InvalidQuery` for a foreign cursor."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw.decode("utf-8"))
        after, fingerprint = data["after"], data["q"]
    except (binascii.Error, ValueError, UnicodeDecodeError, KeyError, TypeError) as e:
        raise InvalidQuery("cursor", "not a cursor this API handed out") from e
    if not isinstance(after, str) or fingerprint != query.fingerprint():
        raise InvalidQuery("cursor", "belongs to a different query; start without a cursor")
    return after


def _conditions(query: CustomerQuery) -> list[sa.ColumnElement[bool]]:
    conditions: list[sa.ColumnElement[bool]] = []
    if query.email is not None:
        conditions.append(_keyed("email", [query.email]))
    if query.phone is not None:
        conditions.append(_keyed("phone", [query.phone]))
    if query.name is not None:
        assert query.name_latin is not None
        conditions.append(_keyed("name", sorted({query.name, query.name_latin})))
    if query.source is not None:
        linked = sa.select(xref.c.golden_id).where(
            xref.c.source == query.source, xref.c.source_id == query.source_id
        )
        conditions.append(golden_record.c.golden_id.in_(linked))
    return conditions


def _keyed(kind: str, values: list[str]) -> sa.ColumnElement[bool]:
    """The record holds one of ``values`` as a ``kind`` lookup key (an index probe)."""
    holders = sa.select(golden_key.c.golden_id).where(
        golden_key.c.kind == kind, golden_key.c.value.in_(values)
    )
    return golden_record.c.golden_id.in_(holders)


def _customer(row: Any, sources: list[tuple[str, str]]) -> GoldenCustomer:
    return GoldenCustomer(
        golden_id=row.golden_id,
        status=row.status,
        version=row.version,
        record=dict(row.record),
        provenance=dict(row.provenance),
        sources=[(s, i) for s, i in sources],
        created_at=as_utc(row.created_at),
        updated_at=as_utc(row.updated_at),
    )
