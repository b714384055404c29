"""A thin JSON-RPC client for trytond: log in, call model methods, say clearly what failed.

Every call is ``POST {url}/{database}/rpc/`` with ``{"method", "params", "id"}``.
``common.db.login`` answers ``[user_id, session, ...]``; later calls carry the
header ``Authorization: Session base64("user:user_id:session")``. A session that
expired between two pages (trytond drops idle ones) is renewed once, silently.

Failures are typed for the runner: unreachable, timeouts, 429 and 5xx are
:class:`SourceUnavailable` (retried here a few times first, then by the
scheduler); a refused login or a missing permission is :class:`SourceRejected`;
a database that does not exist is a :class:`ConfigError`. The password is
never part of a message.
"""

from __future__ import annotations

import base64
import itertools
import json
import logging
import random
import time
from collections.abc import Callable
from typing import Any

import requests

from connectors.http.pacing import backoff_delay, retry_after_seconds
from connectors.tryton.codec import decode, encode
from connectors.tryton.settings import TrytonSettings
from core.errors import ConfigError, SourceRejected, SourceUnavailable

log = logging.getLogger(__name__)

Domain = list[Any]
Context = dict[str, Any]

_RETRY_STATUS = frozenset({429, 502, 503, 504})
_MAX_BACKOFF = 30.0


class TrytonClient:
    """One logged-in user on one database; ``call`` runs any RPC method."""

    def __init__(
        self,
        settings: TrytonSettings,
        password: str,
        *,
        http: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.settings = settings
        self._password = password
        self._http = http or requests.Session()
        self._sleep = sleep
        self._ids = itertools.count(1)
        self._authorization: str | None = None

    # --- public ------------------------------------------------------------------------------

    def login(self) -> None:
        """Open a session; :class:`SourceRejected` names user and database, never the password."""
        s = self.settings
        params = [s.user, {"password": self._password}, s.language]
        result = self._post("common.db.login", params, authorization=None)
        if not isinstance(result, list) or len(result) < 2:
            raise SourceRejected(
                f"Tryton at {s.address} answered the login of user {s.user} on database "
                f"{s.database} with {str(result)[:80]!r}, not a session"
            )
        user_id, session = result[0], result[1]
        token = base64.b64encode(f"{s.user}:{user_id}:{session}".encode()).decode("ascii")
        self._authorization = f"Session {token}"

    def call(self, method: str, *params: Any) -> Any:
        """Run ``method`` (e.g. ``model.party.party.search_read``) as the logged-in user."""
        if self._authorization is None:
            self.login()
        try:
            return self._post(method, list(params), authorization=self._authorization)
        except _SessionExpired:
            log.info("Tryton session expired; logging in again")
            self.login()
            try:
                return self._post(method, list(params), authorization=self._authorization)
            except _SessionExpired:
                s = self.settings
                raise SourceRejected(
                    f"Tryton at {s.address} refused a fresh session of user {s.user} on "
                    f"database {s.database} for {method}"
                ) from None

    def search_read(
        self,
        model: str,
        domain: Domain,
        fields: list[str],
        *,
        limit: int | None = None,
        order: list[list[str]] | None = None,
        context: Context | None = None,
    ) -> list[dict[str, Any]]:
        result = self.call(
            f"model.{model}.search_read", domain, 0, limit, order, fields, context or {}
        )
        return list(result)

    def read(
        self, model: str, ids: list[int], fields: list[str], context: Context | None = None
    ) -> list[dict[str, Any]]:
        return list(self.call(f"model.{model}.read", ids, fields, context or {}))

    def close(self) -> None:
        """Release pooled connections; the client logs in again if used after this."""
        self._http.close()
        self._authorization = None

    # --- one request -------------------------------------------------------------------------

    def _post(self, method: str, params: list[Any], *, authorization: str | None) -> Any:
        s = self.settings
        body = json.dumps(
            {"method": method, "params": params, "id": next(self._ids)}, default=encode
        )
        headers = {"Content-Type": "application/json"}
        if authorization:
            headers["Authorization"] = authorization
        cause: Exception | None
        for attempt in itertools.count():
            try:
                response = self._http.post(
                    s.endpoint,
                    data=body.encode("utf-8"),
                    headers=headers,
                    timeout=(s.connect_timeout, s.read_timeout),
                )
            except requests.Timeout as e:
                problem: Exception = SourceUnavailable(
                    f"Tryton at {s.address} did not answer {method} within "
                    f"{s.read_timeout:g} s; raise connection.read_timeout or retry later"
                )
                delay, cause = _backoff(attempt), e
            except requests.ConnectionError as e:
                problem = SourceUnavailable(
                    f"cannot reach Tryton at {s.address} ({_reason(e)}); check connection.url "
                    "and that trytond is running"
                )
                delay, cause = _backoff(attempt), e
            else:
                if response.status_code not in _RETRY_STATUS:
                    return self._result(method, response)
                problem = SourceUnavailable(
                    f"Tryton at {s.address} answered {method} with HTTP {response.status_code}"
                    + (
                        " (too many requests or login attempts)"
                        if response.status_code == 429
                        else ""
                    )
                    + "; retry later"
                )
                asked = retry_after_seconds(response.headers.get("Retry-After"))
                delay = _backoff(attempt) if asked is None else min(asked, _MAX_BACKOFF)
                cause = None
            if attempt >= s.retries:
                raise problem from cause
            log.warning("%s; retrying in %.1f s", problem, delay)
            self._sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    def _result(self, method: str, response: requests.Response) -> Any:
        s = self.settings
        status = response.status_code
        if status == 401:
            if method == "common.db.login":
                raise SourceRejected(
                    f"bad credentials for user {s.user} on database {s.database} "
                    f"(Tryton at {s.address} refused the login)"
                )
            raise _SessionExpired()
        if status == 403:
            raise SourceRejected(
                f"Tryton at {s.address} forbids {method} to user {s.user} on database {s.database}"
            )
        if status == 404:
            raise ConfigError(
                f"Tryton at {s.address} has no database {s.database!r} (HTTP 404 from "
                f"{s.endpoint}); fix connection.database, or connection.url if trytond is "
                "served under a path"
            )
        if status >= 500:
            raise SourceUnavailable(
                f"Tryton at {s.address} failed on {method} with HTTP {status}; retry later"
            )
        if status != 200:
            raise SourceRejected(f"Tryton at {s.address} answered {method} with HTTP {status}")
        try:
            answer = json.loads(response.content, object_hook=decode)
        except ValueError as e:
            raise SourceUnavailable(
                f"Tryton at {s.address} answered {method} with something that is not JSON "
                f"({response.text[:80]!r}); is connection.url the trytond server?"
            ) from e
        if isinstance(answer, dict) and answer.get("error") is not None:
            raise _fault(s, method, answer["error"])
        if not isinstance(answer, dict) or "result" not in answer:
            raise SourceRejected(f"Tryton at {s.address} answered {method} without a result")
        return answer["result"]


class _SessionExpired(Exception):
    """HTTP 401 on a call with a session: log in again."""


def _fault(s: TrytonSettings, method: str, error: Any) -> Exception:
    """A server-side fault as the runner should treat it, with Tryton's own words."""
    name, detail = (
        (error[0], error[1]) if isinstance(error, list | tuple) and error else (error, "")
    )
    where = f"Tryton at {s.address} ({s.database})"
    if name == "ConcurrencyException":
        return SourceUnavailable(f"{where}: {method} met a concurrent change ({detail}); retry")
    if name in ("UserError", "UserWarning") and isinstance(detail, list | tuple):
        words = " - ".join(str(part) for part in detail[:2] if part)
        return SourceRejected(f"{where} refused {method}: {words}")
    if name == "LoginException":
        asked = detail[0] if isinstance(detail, list | tuple) and detail else detail
        return SourceRejected(
            f"{where} asks user {s.user} for {asked!r} to log in; crm-hub logs in with a "
            "password only: use a user without extra login factors"
        )
    text = str(name).strip().splitlines()[0] if str(name).strip() else "an unnamed error"
    return SourceRejected(
        f"{where} failed on {method}: {text} (see the trytond log for the traceback)"
    )


def _reason(error: requests.ConnectionError) -> str:
    text = str(error)
    for known in ("Connection refused", "Name or service not known", "No route to host"):
        if known in text:
            return known.lower()
    return type(error).__name__


def _backoff(attempt: int) -> float:
    return backoff_delay(attempt, base=0.5, cap=_MAX_BACKOFF, jitter=0.2, rand=random.random)
