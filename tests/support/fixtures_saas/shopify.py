"""A fake Shopify shop: the REST Admin API's customer endpoints, its paging and its bucket."""

from __future__ import annotations

import itertools
import math
import secrets
import time
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlencode

from fixtures_saas.server import FakeVendor, Recorded, Reply

SHOP_OFFSET = timezone(timedelta(hours=-5))  # the shop's time zone: Shopify stamps in it
SHOPIFY_VERSIONS = ("2024-04", "2024-07", "2024-10", "2025-01")


class FakeShopify(FakeVendor):
    """The REST Admin API of one shop: ``customers.json``, ``customers/count.json``, ``shop.json``.

    ``customers.json`` takes ``limit`` (default 50, at most 250),
    ``updated_at_min`` (inclusive) and ``order`` (``updated_at asc``; else by
    id); it pages by keyset behind opaque ``page_info`` tokens announced in
    ``Link`` headers, and refuses any parameter but ``limit`` next to a
    ``page_info``. Every answer carries ``X-Shopify-Shop-Api-Call-Limit``;
    a full bucket answers 429 with ``Retry-After: 2.0``.
    """

    def __init__(self, *, api_version: str = "2024-07") -> None:
        super().__init__()
        self.token = "shpat_" + secrets.token_hex(16)
        self.api_version = api_version
        self.scopes = {"read_customers"}
        self.customers: list[dict[str, Any]] = []
        self.bucket_size, self.bucket_used, self.leak_per_second = 40, 0.0, 2.0
        self.page_infos: list[str] = []  # every next-page token issued, in order
        self.repeat_page_info = False  # True: every next link carries the same token
        self.ignores_order = False  # True: order=updated_at asc is ignored (by id, as default)
        self._cursors: dict[str, dict[str, Any]] = {}
        self._ids = itertools.count(6_901_000_000_000, 7)
        self._clock = datetime(2024, 3, 1, 9, 0, tzinfo=SHOP_OFFSET)
        self._leaked_at = time.monotonic()

    def tick(self) -> str:
        self._clock += timedelta(minutes=1)
        return self._clock.isoformat()

    def add_customer(self, **fields: Any) -> dict[str, Any]:
        with self._lock:
            customer = shopify_customer(next(self._ids), **fields)
            stamp = fields.get("updated_at") or self.tick()
            customer.setdefault("created_at", stamp)
            customer["updated_at"] = stamp
            self.customers.append(customer)
            return customer

    def update_customer(self, customer_id: int, **fields: Any) -> dict[str, Any]:
        with self._lock:
            customer = next(c for c in self.customers if c["id"] == customer_id)
            customer.update(fields)
            customer["updated_at"] = fields.get("updated_at") or self.tick()
            return customer

    def error_body(self, status: int, message: str) -> Any:
        return {"errors": message}

    def handle(self, recorded: Recorded) -> Reply:
        prefix = "/admin/api/"
        if not recorded.path.startswith(prefix):
            return Reply(404, {"errors": "Not Found"})
        version, _, resource = recorded.path.removeprefix(prefix).partition("/")
        if recorded.headers.get("X-Shopify-Access-Token") != self.token:
            return Reply(
                401,
                {
                    "errors": "[API] Invalid API key or access token (unrecognized login or "
                    "wrong password)"
                },
            )
        used = self._fill_bucket()
        served = version if version in SHOPIFY_VERSIONS else SHOPIFY_VERSIONS[0]
        headers = {
            "X-Shopify-Shop-Api-Call-Limit": f"{used}/{self.bucket_size}",
            "X-Shopify-API-Version": served,
        }
        if used > self.bucket_size:
            headers["Retry-After"] = "2.0"
            return Reply(429, {"errors": "Exceeded 2 calls per second for api client."}, headers)
        if resource == "shop.json":
            return Reply(200, {"shop": {"id": 1, "name": "Fake shop"}}, headers)
        if resource in ("customers.json", "customers/count.json"):
            if "read_customers" not in self.scopes:
                return Reply(
                    403,
                    {
                        "errors": "[API] This action requires merchant approval for "
                        "read_customers scope."
                    },
                    headers,
                )
            if resource == "customers/count.json":
                return Reply(200, {"count": len(self._matching(recorded.query))}, headers)
            return self._customers(recorded, version, headers)
        return Reply(404, {"errors": "Not Found"}, headers)

    def _fill_bucket(self) -> int:
        now = time.monotonic()
        leaked = (now - self._leaked_at) * self.leak_per_second
        self._leaked_at = now
        self.bucket_used = max(0.0, self.bucket_used - leaked) + 1
        return math.ceil(self.bucket_used - 1e-9)

    def _matching(self, filters: dict[str, str]) -> list[dict[str, Any]]:
        found = self.customers
        if "updated_at_min" in filters:
            after = _instant(filters["updated_at_min"])
            found = [c for c in found if _instant(c["updated_at"]) >= after]
        if filters.get("order") == "updated_at asc" and not self.ignores_order:
            return sorted(found, key=_by_update)
        return sorted(found, key=lambda c: c["id"])

    def _customers(self, recorded: Recorded, version: str, headers: dict[str, str]) -> Reply:
        query = recorded.query
        try:
            limit = int(query.get("limit", "50"))
        except ValueError:
            limit = 0
        if not 1 <= limit <= 250:
            return Reply(400, {"errors": {"limit": ["must be between 1 and 250"]}}, headers)
        if "page_info" in query:
            extra = sorted(set(query) - {"page_info", "limit", "fields"})
            cursor = self._cursors.get(query["page_info"])
            if extra or cursor is None:
                return Reply(400, {"errors": {"page_info": ["Invalid value."]}}, headers)
            filters, after = cursor["filters"], cursor["after"]
        else:
            filters = {k: query[k] for k in ("updated_at_min", "order") if k in query}
            after = None
        ordered = self._matching(filters)
        by_update = filters.get("order") == "updated_at asc" and not self.ignores_order
        key = _by_update if by_update else _by_id
        rest = [c for c in ordered if after is None or key(c) > after]
        page = rest[:limit]
        if len(rest) > limit:
            if self.repeat_page_info and self.page_infos:
                token = self.page_infos[0]
            else:
                token = secrets.token_urlsafe(12)
                self._cursors[token] = {"filters": filters, "after": key(page[-1])}
            self.page_infos.append(token)
            link = f"{self.url}/admin/api/{version}/customers.json?" + urlencode(
                {"limit": limit, "page_info": token}
            )
            headers["Link"] = f'<{link}>; rel="next"'
        return Reply(200, {"customers": page}, headers)


def _instant(text: str) -> datetime:
    stamp = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)


def _by_update(customer: dict[str, Any]) -> tuple[Any, ...]:
    return (_instant(customer["updated_at"]).timestamp(), customer["id"])


def _by_id(customer: dict[str, Any]) -> tuple[Any, ...]:
    return (customer["id"],)


def shopify_customer(customer_id: int, **fields: Any) -> dict[str, Any]:
    """A customer as the REST Admin API (2024-07) returns it; ``fields`` override the defaults."""
    first = fields.pop("first_name", "Anna")
    last = fields.pop("last_name", "Schmidt")
    address = {
        "id": customer_id + 1,
        "customer_id": customer_id,
        "first_name": first,
        "last_name": last,
        "company": fields.pop("company", None),
        "address1": fields.pop("address1", "Chausseestraße 12"),
        "address2": None,
        "city": fields.pop("city", "Berlin"),
        "province": fields.pop("province", "Berlin"),
        "country": "Germany",
        "zip": fields.pop("zip", "10115"),
        "phone": fields.pop("address_phone", None),
        "name": f"{first} {last}",
        "province_code": fields.pop("province_code", "BE"),
        "country_code": fields.pop("country_code", "DE"),
        "country_name": "Germany",
        "default": True,
    }
    customer = {
        "id": customer_id,
        "email": f"{first}.{last}.{customer_id % 1000}@example.com".lower(),
        "first_name": first,
        "last_name": last,
        "orders_count": 0,
        "state": "enabled",
        "total_spent": "0.00",
        "last_order_id": None,
        "note": None,
        "verified_email": True,
        "multipass_identifier": None,
        "tax_exempt": False,
        "tags": "",
        "last_order_name": None,
        "currency": "EUR",
        "phone": None,
        "addresses": [address],
        "email_marketing_consent": {
            "state": "not_subscribed",
            "opt_in_level": "single_opt_in",
            "consent_updated_at": None,
        },
        "sms_marketing_consent": None,
        "admin_graphql_api_id": f"gid://shopify/Customer/{customer_id}",
        "default_address": address,
    }
    customer.update(fields)
    return customer
