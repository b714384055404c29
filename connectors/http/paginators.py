"""Paging through a list endpoint: three verbs and a loop guard.

A paginator reads each answer (:meth:`~Paginator.update_state`), says whether
another page follows (:attr:`~Paginator.has_next_page`) and rewrites the
request for it (:meth:`~Paginator.update_request`). The request is a dict of
``requests`` keyword arguments, ``{"url": ..., "params": {...}}``; the first
request is the caller's, so it carries the filters and the first page number.

A source that pages in circles (a next link that comes back, a page number it
ignores) would otherwise be read forever: the :class:`LoopGuard` stops the read
with an error the moment a page token repeats.
"""

from __future__ import annotations

import hashlib
from typing import Any, Protocol
from urllib.parse import parse_qsl, urljoin, urlsplit

import requests

from connectors.http.redaction import scrub
from core.errors import SourceRejected, SourceUnavailable

RequestKwargs = dict[str, Any]


class Paginator(Protocol):
    has_next_page: bool

    def update_state(self, response: requests.Response, data: Any = None) -> None:
        """Read where the answer says the next page is."""
        ...

    def update_request(self, request: RequestKwargs) -> None:
        """Turn the request just sent into the request for the next page."""
        ...


class LoopGuard:
    """Remembers every next-page token of one read and raises when one comes back."""

    def __init__(self, what: str) -> None:
        self._what = what
        self._seen: set[str] = set()

    def check(self, token: str) -> None:
        if token in self._seen:
            raise SourceUnavailable(
                f"pagination loop: the {self._what} {scrub(token)} came back after "
                f"{len(self._seen)} pages; the source is paging in circles (changed while being "
                "read, or ignoring the paging parameters); the read stopped, retry later"
            )
        self._seen.add(token)


class LinkHeaderPaginator:
    """Follows ``Link: <url>; rel="next"`` (RFC 8288), as Shopify's cursor pagination does.

    The next URL already holds its cursor (``page_info``) and is used exactly
    as given: vendors refuse other filters next to a cursor, so only the
    parameters named in ``carry`` are sent along, when the link lacks them.
    A link to another host is refused rather than followed with credentials.
    """

    def __init__(self, base_url: str, *, carry: tuple[str, ...] = ()) -> None:
        self._origin = _origin(base_url)
        self._carry = carry
        self._next_url: str | None = None
        self._guard = LoopGuard("next-page link")
        self.has_next_page = True

    def update_state(self, response: requests.Response, data: Any = None) -> None:
        link = response.links.get("next", {}).get("url")
        if not link:
            self._next_url, self.has_next_page = None, False
            return
        url = urljoin(response.url, link)
        if _origin(url) != self._origin:
            raise SourceRejected(
                f"the next-page link points to another host ({scrub(url)}); refusing to send "
                "the credentials there; check the connection's URL"
            )
        self._guard.check(url)
        self._next_url, self.has_next_page = url, True

    def update_request(self, request: RequestKwargs) -> None:
        if self._next_url is None:
            raise RuntimeError("update_request called without a next page")
        in_link = {name for name, _ in parse_qsl(urlsplit(self._next_url).query)}
        params = request.get("params") or {}
        request["url"] = self._next_url
        request["params"] = {
            k: v for k, v in params.items() if k in self._carry and k not in in_link
        }


class PageNumberPaginator:
    """``?page=1, 2, …`` up to the total the source announces, as WordPress/WooCommerce do.

    The total comes from a header (``X-WP-TotalPages``) and is re-read on every
    page, since records may be added while paging. Without the header, paging
    stops at the first empty page. A page whose body repeats the previous one
    means the source ignores the page number; the guard stops the read.
    """

    def __init__(
        self,
        *,
        page_param: str = "page",
        start: int = 1,
        total_pages_header: str | None = "X-WP-TotalPages",
    ) -> None:
        self.page_param = page_param
        self.page = start
        self._header = total_pages_header
        self._guard = LoopGuard("page content")
        self.has_next_page = True

    def update_state(self, response: requests.Response, data: Any = None) -> None:
        total = _int_header(response, self._header)
        if total is not None:
            self.has_next_page = self.page < total
        else:
            self.has_next_page = bool(data)
        if self.has_next_page:
            self._guard.check(hashlib.sha256(response.content).hexdigest()[:16])

    def update_request(self, request: RequestKwargs) -> None:
        self.page += 1
        request["params"] = {**(request.get("params") or {}), self.page_param: self.page}


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    return parts.scheme, (parts.hostname or "").lower(), parts.port


def _int_header(response: requests.Response, name: str | None) -> int | None:
    if name is None:
        return None
    value = response.headers.get(name)
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None
