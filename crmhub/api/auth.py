"""Bearer tokens: 401 without a valid one, 403 without the scope a route needs.

Each answer says why, so that a client's operator can fix it without the
server's log: no token, a token this server does not know, a revoked token,
or a token that lacks a scope (named). The token itself never reaches a log.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

import sqlalchemy as sa
from fastapi import BackgroundTasks, Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from core.errors import register_secret
from crmhub.api.context import ApiContext, context
from crmhub.api.errors import ApiError
from pipeline.tokens import TokenInfo, find_token, touch_token

log = logging.getLogger(__name__)

bearer = HTTPBearer(
    auto_error=False,
    description="A token from `crmhub token create --name NAME --scope read`, sent as "
    "`Authorization: Bearer crmhub_…`.",
)


def require_scope(scope: str) -> Callable[..., TokenInfo]:
    """A dependency admitting requests whose token carries ``scope``."""

    def check(
        request: Request,
        background: BackgroundTasks,
        credentials: HTTPAuthorizationCredentials | None = Depends(bearer),  # noqa: B008
    ) -> TokenInfo:
        ctx = context(request)
        if credentials is None:
            raise ApiError(
                401,
                "token_required",
                "this API needs a token: send `Authorization: Bearer <token>` (tokens in the "
                "URL are not accepted; create one with `crmhub token create`)",
                {"WWW-Authenticate": "Bearer"},
            )
        presented = credentials.credentials
        register_secret(presented)
        token = find_token(ctx.tokens, presented)
        if token is None:
            raise ApiError(
                401,
                "invalid_token",
                "this token is not known to this server (check it was copied whole)",
                {"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )
        if not token.active:
            raise ApiError(
                401,
                "invalid_token",
                f"token {token.name!r} was revoked; ask for a new one",
                {"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )
        if scope not in token.scopes:
            raise ApiError(
                403,
                "insufficient_scope",
                f"token {token.name!r} lacks the {scope!r} scope this request needs "
                f"(it has: {', '.join(token.scopes) or 'none'})",
                {"WWW-Authenticate": f'Bearer error="insufficient_scope", scope="{scope}"'},
            )
        now = ctx.clock()
        if ctx.due_for_touch(token.token_id, now):
            background.add_task(_touch, ctx, token.token_id, now)
        return token

    return check


def _touch(ctx: ApiContext, token_id: int, at: datetime) -> None:
    """After the answer is sent: note the use; a busy store only delays the bookkeeping."""
    try:
        touch_token(ctx.tokens, token_id, at=at)
    except sa.exc.OperationalError as e:
        log.warning("could not record the use of token %s: %s", token_id, e.orig)
