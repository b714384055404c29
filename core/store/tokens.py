"""API tokens: only a SHA-256 of each token is stored, never the token itself."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from core.store.tables import api_token


class TokenRepository:
    def __init__(self, connection: sa.Connection) -> None:
        self._c = connection

    def add(self, name: str, token_hash: str, scopes: Sequence[str], *, at: datetime) -> None:
        self._c.execute(
            sa.insert(api_token).values(
                name=name, token_hash=token_hash, scopes=list(scopes), created_at=at
            )
        )

    def by_name(self, name: str) -> sa.Row[Any] | None:
        return self._c.execute(sa.select(api_token).where(api_token.c.name == name)).first()

    def by_hash(self, token_hash: str) -> sa.Row[Any] | None:
        """The token with this hash, by its unique index; the caller compares in constant time."""
        return self._c.execute(
            sa.select(api_token).where(api_token.c.token_hash == token_hash)
        ).first()

    def all(self) -> list[sa.Row[Any]]:
        return list(self._c.execute(sa.select(api_token).order_by(api_token.c.name)))

    def revoke(self, name: str, *, at: datetime) -> None:
        self._c.execute(
            sa.update(api_token)
            .where(api_token.c.name == name, api_token.c.revoked_at.is_(None))
            .values(revoked_at=at)
        )

    def touch(self, token_id: int, *, at: datetime) -> None:
        """Record a use; never moves ``last_used_at`` backwards (requests finish out of order)."""
        t = api_token.c
        self._c.execute(
            sa.update(api_token)
            .where(t.token_id == token_id, sa.or_(t.last_used_at.is_(None), t.last_used_at < at))
            .values(last_used_at=at)
        )
