"""API tokens for the read API: create, list, revoke, verify.

A token is shown once, when it is created, and only its SHA-256 is stored: a
copy of the database (a backup, a dump) does not let anyone call the API. The
token is a random 32-byte secret with a recognisable prefix (``crmhub_…``) so
that secret scanners and people can tell what a leaked string is.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from core.errors import ConfigError, register_secret
from core.store import UnitOfWork
from pipeline.clock import Clock, as_utc, utc_now

TOKEN_PREFIX = "crmhub_"
#: Scopes the read API checks; others may be granted for later use, with a warning.
API_SCOPES: dict[str, str] = {"read": "golden records, lookups and the change feed"}
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")
_SCOPE = re.compile(r"^[a-z][a-z0-9_.:\-]{0,31}$")
#: What a token looks like; used to keep tokens out of logs even when sent in a URL.
TOKEN_PATTERN = re.compile(re.escape(TOKEN_PREFIX) + r"[A-Za-z0-9_\-]{16,}")


@dataclass(frozen=True)
class TokenInfo:
    """Everything about a token except the token: safe to print and to log."""

    token_id: int
    name: str
    scopes: tuple[str, ...]
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


@dataclass(frozen=True)
class IssuedToken:
    info: TokenInfo
    token: str  # shown once; never stored


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(
    engine: Engine, name: str, scopes: Sequence[str], *, clock: Clock = utc_now
) -> IssuedToken:
    """Make a new token named ``name`` with ``scopes``; the token is returned only here."""
    if not _NAME.match(name):
        raise ConfigError(
            f"token name {name!r}: use 1-64 letters, digits, '.', '_' or '-', e.g. billing-app"
        )
    wanted = tuple(dict.fromkeys(s.strip().lower() for s in scopes))
    if not wanted:
        raise ConfigError("a token needs at least one scope, e.g. --scope read")
    for scope in wanted:
        if not _SCOPE.match(scope):
            raise ConfigError(f"scope {scope!r}: use lowercase letters and digits, e.g. read")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    register_secret(token)
    with UnitOfWork(engine) as uow:
        existing = uow.tokens.by_name(name)
        if existing is not None:
            state = "revoked" if existing.revoked_at is not None else "active"
            raise ConfigError(
                f"a token named {name!r} already exists ({state}); pick another name, e.g. {name}-2"
            )
        uow.tokens.add(name, hash_token(token), wanted, at=clock())
        row = uow.tokens.by_name(name)
        uow.commit()
    return IssuedToken(_info(row), token)


def list_tokens(engine: Engine) -> list[TokenInfo]:
    with UnitOfWork(engine) as uow:
        return [_info(row) for row in uow.tokens.all()]


def revoke_token(engine: Engine, name: str, *, clock: Clock = utc_now) -> tuple[TokenInfo, bool]:
    """Revoke the token ``name`` at once; returns it and whether it was active until now.

    Revoking twice is harmless (the first revocation time is kept), so a script may retry.
    """
    with UnitOfWork(engine) as uow:
        row = uow.tokens.by_name(name)
        if row is None:
            known = ", ".join(r.name for r in uow.tokens.all()) or "none"
            raise ConfigError(f"no token named {name!r} (known: {known})")
        was_active = row.revoked_at is None
        if was_active:
            uow.tokens.revoke(name, at=clock())
            row = uow.tokens.by_name(name)
            uow.commit()
    return _info(row), was_active


def find_token(engine: Engine, presented: str) -> TokenInfo | None:
    """The token whose hash matches ``presented`` (revoked ones too), or None.

    The row is found by its hash through a unique index, then the hashes are
    compared in constant time, so the answer time says nothing about how close
    a guess was.
    """
    digest = hash_token(presented)
    with UnitOfWork(engine) as uow:
        row = uow.tokens.by_hash(digest)
    if row is None or not hmac.compare_digest(row.token_hash, digest):
        return None
    return _info(row)


def touch_token(engine: Engine, token_id: int, *, at: datetime) -> None:
    """Remember when a token was last used (bookkeeping for ``crmhub token list``)."""
    with UnitOfWork(engine) as uow:
        uow.tokens.touch(token_id, at=at)
        uow.commit()


def unchecked_scopes(scopes: Sequence[str]) -> list[str]:
    """Scopes that no API route checks yet (probably a typo, or for a later version)."""
    return [s for s in scopes if s not in API_SCOPES]


def _info(row: sa.Row[Any] | None) -> TokenInfo:
    assert row is not None
    return TokenInfo(
        token_id=row.token_id,
        name=row.name,
        scopes=tuple(row.scopes),
        created_at=as_utc(row.created_at),
        last_used_at=as_utc(row.last_used_at) if row.last_used_at else None,
        revoked_at=as_utc(row.revoked_at) if row.revoked_at else None,
    )
