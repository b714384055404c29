"""Erasure tombstones: keyed hashes of an erased person's identifiers, never the values.

The hashing key is random per store (``store_setting``), so a digest cannot be
looked up in a precomputed table of hashed addresses; the same value always
gives the same digest within a store, which is all the next sync needs to
recognise the person and keep them out.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from datetime import datetime
from typing import Literal, overload

import sqlalchemy as sa

from core.store.tables import store_setting, tombstone
from core.store.upsert import chunked, upsert

_KEY_SETTING = "tombstone_key"


class PrivacyRepository:
    def __init__(self, connection: sa.Connection) -> None:
        self._c = connection
        self._key: bytes | None = None

    @overload
    def _hash_key(self, *, create: Literal[True]) -> bytes: ...
    @overload
    def _hash_key(self, *, create: bool) -> bytes | None: ...
    def _hash_key(self, *, create: bool) -> bytes | None:
        if self._key is None:
            found = self._c.execute(
                sa.select(store_setting.c.value).where(store_setting.c.name == _KEY_SETTING)
            ).scalar()
            if found is None and create:
                upsert(
                    self._c,
                    store_setting,
                    [{"name": _KEY_SETTING, "value": secrets.token_hex(32)}],
                    key=("name",),
                    update=(),
                )
                found = self._c.execute(
                    sa.select(store_setting.c.value).where(store_setting.c.name == _KEY_SETTING)
                ).scalar_one()
            self._key = bytes.fromhex(found) if found is not None else None
        return self._key

    def digest(self, kind: str, value: str, *, create: bool = False) -> str | None:
        """The tombstone digest of ``value``; None while the store has no key (no erasures)."""
        key = self._hash_key(create=create)
        return None if key is None else _digest(key, kind, value)

    def add(self, identifiers: Iterable[tuple[str, str]], *, erasure_id: int, at: datetime) -> int:
        """Tombstone each (kind, value); returns how many distinct ones were written."""
        key = self._hash_key(create=True)
        digests = {(kind, _digest(key, kind, value)) for kind, value in identifiers}
        rows = [
            {"kind": kind, "digest": digest, "erasure_id": erasure_id, "created_at": at}
            for kind, digest in sorted(digests)
        ]
        upsert(self._c, tombstone, rows, key=("kind", "digest"), update=())
        return len(rows)

    def any(self) -> bool:
        return self._c.execute(sa.select(tombstone.c.kind).limit(1)).first() is not None

    def tombstoned(self, identifiers: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
        """The (kind, value) pairs among ``identifiers`` that belong to an erased person."""
        by_digest: dict[tuple[str, str], tuple[str, str]] = {}
        for kind, value in identifiers:
            digest = self.digest(kind, value)
            if digest is None:
                return set()
            by_digest[(kind, digest)] = (kind, value)
        found: set[tuple[str, str]] = set()
        for kind in {k for k, _ in by_digest}:
            digests = sorted(d for k, d in by_digest if k == kind)
            for chunk in chunked(digests):
                for digest in self._c.execute(
                    sa.select(tombstone.c.digest).where(
                        tombstone.c.kind == kind, tombstone.c.digest.in_(chunk)
                    )
                ).scalars():
                    found.add(by_digest[(kind, digest)])
        return found


def _digest(key: bytes, kind: str, value: str) -> str:
    return hmac.new(key, f"{kind}\x1f{value}".encode(), hashlib.sha256).hexdigest()
