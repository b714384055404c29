"""What every HTTP connector shares, written once: settings, retries, pacing, paging, errors.

A connector builds one :class:`HttpClient` from :class:`HttpSettings` (its
base URL plus the connection's ``http:`` block) and reads list endpoints with
``client.pages(path, params, paginator)``. See :mod:`connectors.http.client`
for what is retried and what is refused, :mod:`connectors.http.paginators`
for paging, :mod:`connectors.http.redaction` for keeping credentials out of
every message.
"""

from connectors.http.client import HttpClient, JsonResponse, Throttle, make_session
from connectors.http.failures import DEFAULT_HINTS, Explain
from connectors.http.pacing import RateLimiter, backoff_delay, retry_after_seconds
from connectors.http.paginators import (
    LinkHeaderPaginator,
    LoopGuard,
    PageNumberPaginator,
    Paginator,
)
from connectors.http.redaction import scrub, vendor_message
from connectors.http.settings import (
    HttpOptions,
    HttpSettings,
    Secret,
    is_loopback,
    parse_connection,
    require_https,
)

__all__ = [
    "DEFAULT_HINTS",
    "Explain",
    "HttpClient",
    "HttpOptions",
    "HttpSettings",
    "JsonResponse",
    "LinkHeaderPaginator",
    "LoopGuard",
    "PageNumberPaginator",
    "Paginator",
    "RateLimiter",
    "Secret",
    "Throttle",
    "backoff_delay",
    "is_loopback",
    "make_session",
    "parse_connection",
    "require_https",
    "retry_after_seconds",
    "scrub",
    "vendor_message",
]
