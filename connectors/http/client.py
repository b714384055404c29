"""One HTTP source's requests: retried, paced, and typed by what the runner should do.

``get_json`` sends one GET and returns its JSON, or raises:

- :class:`SourceRejected` for a refusal (401/403/404/other 4xx, a redirect),
  with a hint what to check and the source's own message;
- :class:`SourceUnavailable` once the retries are spent on connection errors,
  timeouts, 429, 5xx, a cut-off body or a body that is not JSON.

A 429 or 503 waits what ``Retry-After`` asks; more than ``retry_after_cap``
fails the run at once (the scheduler retries it later) rather than holding a
worker for an hour. Other retries back off exponentially with jitter.
Credentials are registered as secrets when the client is made, and every
message and log line is scrubbed (see :mod:`connectors.http.redaction`).
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import requests

from connectors.http.failures import (
    Explain,
    Problem,
    describe_exception,
    host_of,
    redirected,
    rejection,
)
from connectors.http.pacing import (
    Clock,
    RateLimiter,
    Sleep,
    backoff_delay,
    retry_after_seconds,
)
from connectors.http.paginators import Paginator
from connectors.http.redaction import install_log_scrubbing, safe_cause, scrub
from connectors.http.settings import HttpSettings
from core.errors import SourceUnavailable, register_secret

log = logging.getLogger(__name__)

#: ``throttle(response)``: seconds the source wants between this answer and the next request.
Throttle = Callable[[requests.Response], float]


@dataclass(frozen=True)
class JsonResponse:
    """A successful answer: its parsed body and the response (headers, links, URL)."""

    data: Any
    response: requests.Response


def make_session(
    settings: HttpSettings,
    *,
    headers: Mapping[str, str] | None = None,
    auth: tuple[str, str] | None = None,
) -> requests.Session:
    """A session with the user agent, JSON accept header, auth and no retries of its own.

    Retrying lives in :class:`HttpClient`, where it can be seen, paced and
    counted; proxies and CA bundles still come from the environment.
    """
    session = requests.Session()
    session.headers.update(
        {"User-Agent": settings.user_agent, "Accept": "application/json", **(headers or {})}
    )
    session.auth = auth
    return session


class HttpClient:
    """GETs JSON from one source, relative to ``settings.base_url``.

    ``headers``, ``auth`` and ``params`` (sent with every request, e.g. query
    credentials) carry the source's credentials; pass their values in
    ``secrets`` too, so that they are masked everywhere. ``hints`` maps a
    status to what a person should check; ``explain`` may read a refusal's body
    for a sharper hint; ``throttle`` asks for a pause after an answer (a
    vendor's rate-limit header). ``sleep``, ``clock`` and ``rand`` are injected
    so tests see every wait without waiting.
    """

    def __init__(
        self,
        settings: HttpSettings,
        *,
        headers: Mapping[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        params: Mapping[str, Any] | None = None,
        secrets: Sequence[str] = (),
        hints: Mapping[int, str] | None = None,
        explain: Explain | None = None,
        throttle: Throttle | None = None,
        sleep: Sleep = time.sleep,
        clock: Clock = time.monotonic,
        rand: Callable[[], float] = random.random,
    ) -> None:
        for secret in secrets:
            register_secret(secret)
        install_log_scrubbing()
        self.settings = settings
        self._session = make_session(settings, headers=headers, auth=auth)
        self._params = dict(params or {})
        self._hints = dict(hints or {})
        self._explain = explain
        self._throttle = throttle
        self._sleep = sleep
        self._rand = rand
        self._limiter = RateLimiter(settings.requests_per_second, clock=clock, sleep=sleep)

    def __repr__(self) -> str:
        return f"HttpClient({scrub(self.settings.base_url)!r})"

    def close(self) -> None:
        self._session.close()

    def url(self, path: str) -> str:
        """An absolute URL: ``path`` as is, or joined to the base URL."""
        if path.startswith(("http://", "https://")):
            return path
        return f"{self.settings.base_url}/{path.lstrip('/')}"

    def get_json(self, path: str, params: Mapping[str, Any] | None = None) -> JsonResponse:
        """GET ``path`` (relative or absolute) and parse its JSON, retrying what may pass."""
        url = self.url(path)
        query = {**self._params, **(params or {})}
        settings = self.settings
        attempts = 0
        while True:
            self._limiter.wait()
            attempts += 1
            outcome = self._attempt(url, query)
            if isinstance(outcome, JsonResponse):
                return outcome
            if outcome.wait is not None and outcome.wait > settings.retry_after_cap:
                raise safe_cause(
                    SourceUnavailable(
                        f"{outcome.message}; the source asks to wait {outcome.wait:.0f} s, more "
                        f"than http.retry_after_cap ({settings.retry_after_cap:.0f} s): retry "
                        "the run later"
                    ),
                    outcome.cause,
                )
            if attempts > settings.max_retries:
                raise safe_cause(
                    SourceUnavailable(
                        f"{outcome.message}; gave up after {attempts} attempts, retry later"
                    ),
                    outcome.cause,
                )
            delay = outcome.wait
            if delay is None:
                delay = backoff_delay(
                    attempts - 1,
                    base=settings.backoff_base,
                    cap=settings.backoff_cap,
                    jitter=settings.jitter,
                    rand=self._rand,
                )
            log.warning(
                "%s; retry %d of %d in %.1f s",
                scrub(outcome.message),
                attempts,
                settings.max_retries,
                delay,
            )
            self._sleep(delay)

    def pages(
        self, path: str, params: Mapping[str, Any], paginator: Paginator
    ) -> Iterator[JsonResponse]:
        """Every page of a list endpoint, one answer at a time, as ``paginator`` directs."""
        request: dict[str, Any] = {"url": self.url(path), "params": dict(params)}
        while True:
            page = self.get_json(request["url"], request["params"])
            paginator.update_state(page.response, page.data)
            yield page
            if not paginator.has_next_page:
                return
            paginator.update_request(request)

    def _attempt(self, url: str, query: Mapping[str, Any]) -> JsonResponse | Problem:
        settings = self.settings
        timeouts = (
            f"connect_timeout {settings.connect_timeout:g} s / "
            f"read_timeout {settings.read_timeout:g} s"
        )
        try:
            response = self._session.get(
                url,
                params=query,
                timeout=(settings.connect_timeout, settings.read_timeout),
                allow_redirects=False,
            )
        except requests.RequestException as e:
            sent = requests.Request("GET", url, params=query).prepare().url or url
            return describe_exception(e, sent, timeouts)
        log.debug("GET %s -> %d", scrub(response.url), response.status_code)
        if self._throttle is not None:
            self._limiter.defer(self._throttle(response))
        status = response.status_code
        where = f"GET {scrub(response.url)}"
        if 200 <= status < 300:
            try:
                return JsonResponse(response.json(), response)
            except ValueError as e:
                return Problem(
                    f"{host_of(url)} answered {where} with a body that is not valid JSON "
                    f"({len(response.content)} bytes; cut off or an error page)",
                    cause=e,
                )
        if status == 429 or status >= 500:
            wait = retry_after_seconds(response.headers.get("Retry-After"))
            what = "rate limit reached" if status == 429 else "server error"
            return Problem(f"{what} (HTTP {status} for {where})", wait=wait)
        if 300 <= status < 400:
            raise redirected(response)
        raise rejection(response, self._hints, self._explain)
