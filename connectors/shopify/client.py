"""The Shopify REST Admin API, as far as customers go: a thin wrapper over :class:`HttpClient`.

Shopify specifics live here: the ``X-Shopify-Access-Token`` header, what a
401/403/404 from Shopify usually means, the leaky-bucket header
``X-Shopify-Shop-Api-Call-Limit: 32/40`` (requests slow down as the bucket
fills, instead of running into 429), and cursor pagination by ``Link``
headers, where a ``page_info`` cursor may only be accompanied by ``limit``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from typing import Any

import requests

from connectors.http import HttpClient, LinkHeaderPaginator
from connectors.http.pacing import Clock, Sleep
from connectors.shopify.settings import ORDER, ShopifySettings
from core.errors import SourceUnavailable

log = logging.getLogger(__name__)

CALL_LIMIT_HEADER = "X-Shopify-Shop-Api-Call-Limit"
VERSION_HEADER = "X-Shopify-API-Version"


def _hints(settings: ShopifySettings) -> dict[int, str]:
    token = settings.access_token.env
    return {
        401: (
            f"bad credentials: Shopify refused the access token; check that environment "
            f"variable {token} holds a current Admin API access token of {settings.shop} "
            "(tokens are per shop and die when the app is uninstalled)"
        ),
        402: f"{settings.shop} is frozen (unpaid): Shopify refuses API access until it is paid",
        403: (
            "missing permission: the access token lacks the read_customers scope (or the "
            "customer data access the shop must approve); grant it to the app and reinstall"
        ),
        404: (
            f"not found: check connection.shop ({settings.shop}: the shop's myshopify.com "
            f"address) and connection.api_version ({settings.api_version})"
        ),
        423: f"{settings.shop} is locked: Shopify refuses API access to it",
    }


class CallLimit:
    """Reads the bucket header and asks for a pause once the bucket is over ``above`` full.

    The pause lets the bucket drain back to that mark at ``leak_per_second``:
    at ``32/40`` with ``above=0.8`` that is half a second, at ``39/40`` four.
    """

    def __init__(self, above: float, leak_per_second: float) -> None:
        self.above, self.leak = above, leak_per_second

    def __call__(self, response: requests.Response) -> float:
        used, size = _bucket(response.headers.get(CALL_LIMIT_HEADER))
        if size <= 0:
            return 0.0
        mark = self.above * size
        if used < mark:
            return 0.0
        return (used - mark + 1) / self.leak


def _bucket(header: str | None) -> tuple[int, int]:
    try:
        used, size = (header or "").split("/")
        return int(used), int(size)
    except ValueError:
        return 0, 0


class ShopifyClient:
    """Customers of one shop; the access token is resolved (and registered secret) here."""

    def __init__(
        self, settings: ShopifySettings, *, sleep: Sleep = time.sleep, clock: Clock = time.monotonic
    ) -> None:
        token = settings.access_token.resolve()
        self.settings = settings
        self.http = HttpClient(
            settings.http_settings(),
            headers={"X-Shopify-Access-Token": token},
            secrets=[token],
            hints=_hints(settings),
            throttle=CallLimit(settings.throttle_above, settings.leak_per_second),
            sleep=sleep,
            clock=clock,
        )

    def __repr__(self) -> str:
        return f"ShopifyClient({self.settings.api_url!r})"

    def count_customers(self) -> int:
        """``GET customers/count.json``: cheap, and needs the same scope as the read."""
        page = self.http.get_json("customers/count.json")
        served = page.response.headers.get(VERSION_HEADER)
        if served and served != self.settings.api_version:
            log.warning(
                "%s answers API version %s, not the configured %s (no longer supported?); "
                "update connection.api_version and check the mapping",
                self.settings.shop,
                served,
                self.settings.api_version,
            )
        count = page.data.get("count") if isinstance(page.data, dict) else None
        if not isinstance(count, int):
            raise SourceUnavailable(
                f"{self.settings.shop}: customers/count.json answered without a count"
            )
        return count

    def customer_pages(self, updated_at_min: str | None) -> Iterator[list[dict[str, Any]]]:
        """Pages of customers changed at or after ``updated_at_min``, oldest change first."""
        params: dict[str, Any] = {"limit": self.settings.page_size, "order": ORDER}
        if updated_at_min is not None:
            params["updated_at_min"] = updated_at_min
        paginator = LinkHeaderPaginator(self.settings.api_url, carry=("limit",))
        for page in self.http.pages("customers.json", params, paginator):
            customers = page.data.get("customers") if isinstance(page.data, dict) else None
            if not isinstance(customers, list):
                raise SourceUnavailable(
                    f"{self.settings.shop}: customers.json answered without a customers list"
                )
            yield customers
