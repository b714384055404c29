"""The WooCommerce REST API (v3), as far as customers go: a thin wrapper over :class:`HttpClient`.

WooCommerce specifics live here: key and secret as Basic auth or query
parameters, what its error codes mean, ``page``/``per_page`` paging with the
``X-WP-Total``/``X-WP-TotalPages`` headers, and the probe that tells whether
this store's customers endpoint really filters by ``modified_after``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Generator
from typing import Any

import requests

from connectors.http import HttpClient, PageNumberPaginator
from connectors.http.pacing import Clock, Sleep
from connectors.woocommerce.settings import WooCommerceSettings
from core.errors import SourceUnavailable

TOTAL_HEADER = "X-WP-Total"
#: A change time no customer has: a store that filters answers "none" to it.
PROBE_AFTER = "2999-01-01T00:00:00"


def _hints(settings: WooCommerceSettings) -> dict[int, str]:
    key, secret = settings.consumer_key.env, settings.consumer_secret.env
    return {
        401: (
            f"bad credentials: WooCommerce refused the API key; check that environment "
            f"variables {key} and {secret} hold a current key and secret (WooCommerce → "
            "Settings → Advanced → REST API)"
        ),
        403: (
            "missing permission: the API key's user may not read customers; give the key Read "
            "access, owned by a user who can manage WooCommerce"
        ),
        404: (
            f"not found: {settings.url} has no WooCommerce REST API at /{settings.api_url}; "
            "check connection.url, that WooCommerce is active and that permalinks are not "
            "'Plain' (the REST API needs /wp-json/)"
        ),
    }


def _explain(response: requests.Response) -> str | None:
    """Sharper hints from WordPress error codes (401 covers both bad keys and no permission)."""
    try:
        code = json.loads(response.text).get("code")
    except (ValueError, AttributeError):
        return None
    if code == "woocommerce_rest_cannot_view" and response.status_code == 403:
        return (
            "missing permission: the API key may not list customers; give it Read access "
            "(WooCommerce → Settings → Advanced → REST API), owned by a user who can manage "
            "WooCommerce"
        )
    if code == "woocommerce_rest_cannot_view":  # 401: the request reached WordPress unsigned
        return (
            "bad credentials: WooCommerce saw no API key in the request; if connection.auth "
            "is basic, the server may drop the Authorization header: try auth: query"
        )
    if code == "rest_no_route":
        return (
            "not found: WordPress answers but has no WooCommerce v3 customers route; check "
            "that WooCommerce (3.5 or later) is active on the site in connection.url"
        )
    return None


class WooCommerceClient:
    """Customers of one store; key and secret are resolved (and registered secret) here."""

    def __init__(
        self,
        settings: WooCommerceSettings,
        *,
        sleep: Sleep = time.sleep,
        clock: Clock = time.monotonic,
    ) -> None:
        key = settings.consumer_key.resolve()
        secret = settings.consumer_secret.resolve()
        basic = settings.auth == "basic"
        self.settings = settings
        self.http = HttpClient(
            settings.http_settings(),
            auth=(key, secret) if basic else None,
            params=None if basic else {"consumer_key": key, "consumer_secret": secret},
            secrets=[key, secret],
            hints=_hints(settings),
            explain=_explain,
            sleep=sleep,
            clock=clock,
        )

    def __repr__(self) -> str:
        return f"WooCommerceClient({self.settings.api_url!r})"

    #: customers the last page's query matched in all (``X-WP-Total``), for progress bars
    matching: int | None = None

    def count_customers(self, **filters: Any) -> int:
        """How many customers match ``filters``, from ``X-WP-Total`` of a one-record page."""
        page = self.http.get_json(
            "customers", {"per_page": 1, "role": self.settings.role, **filters}
        )
        total = page.response.headers.get(TOTAL_HEADER)
        try:
            return int(total) if total is not None else _missing_total()
        except ValueError:
            return _missing_total()

    def filters_by_change_time(self) -> bool | None:
        """Whether ``modified_after`` is honoured; None when the store has no customers to tell.

        Asks for customers changed after the year 2999: a store that filters has
        none, one that ignores the parameter (WooCommerce core) lists them all.
        """
        if self.count_customers() == 0:
            return None
        return self.count_customers(**self.change_filter(PROBE_AFTER)) == 0

    @staticmethod
    def change_filter(after: str) -> dict[str, str]:
        """Query parameters for "changed after ``after`` (GMT)"."""
        return {"modified_after": after, "dates_are_gmt": "true"}

    def customer_pages(
        self, *, start_page: int = 1, filters: dict[str, str] | None = None
    ) -> Generator[tuple[int, list[dict[str, Any]]], None, None]:
        """``(page number, customers)`` by ascending id, from ``start_page`` to the last page.

        Ordered by id because no other order is stable while paging: customers
        cannot be sorted by change time here, and new customers get larger ids.
        """
        params: dict[str, Any] = {
            "page": start_page,
            "per_page": self.settings.page_size,
            "orderby": "id",
            "order": "asc",
            "role": self.settings.role,
            **(filters or {}),
        }
        paginator = PageNumberPaginator(start=start_page)
        for page in self.http.pages("customers", params, paginator):
            if not isinstance(page.data, list):
                raise SourceUnavailable(
                    f"{self.settings.url}: the customers endpoint answered without a list"
                )
            total = page.response.headers.get(TOTAL_HEADER, "")
            self.matching = int(total) if total.isdigit() else None
            yield paginator.page, page.data


def _missing_total() -> int:
    raise SourceUnavailable(
        f"the customers endpoint answered without a usable {TOTAL_HEADER} header (a caching "
        "proxy or security plugin may strip it)"
    )
