"""A fake WooCommerce store: ``/wp-json/wc/v3/customers`` with WordPress's paging and errors."""

from __future__ import annotations

import base64
import itertools
import math
import secrets
from datetime import datetime, timedelta
from typing import Any

from fixtures_saas.server import FakeVendor, Recorded, Reply

SITE_OFFSET = timedelta(hours=1)  # the site's time zone: date_modified is local, *_gmt is GMT


class FakeWooCommerce(FakeVendor):
    """``/wp-json/wc/v3/customers`` of one store, with WordPress's paging and errors.

    Authentication: Basic auth or ``consumer_key``/``consumer_secret`` query
    parameters (real WooCommerce accepts those over https only and demands
    OAuth 1.0a over plain http; this fake, on loopback, accepts both). Paging:
    ``page``, ``per_page`` (default 10, at most 100), ``X-WP-Total`` and
    ``X-WP-TotalPages``; ``orderby`` id/include/name/registered_date (default
    name), ``order``, ``role`` (default customer; ``all``). ``modified_after``
    filters strictly after the time given, read as site-local time unless
    ``dates_are_gmt=true``, only while ``supports_modified_after`` is True
    (WooCommerce core ignores it, as an old store without the plugin does).
    """

    def __init__(self) -> None:
        super().__init__()
        self.key = "ck_" + secrets.token_hex(20)
        self.secret = "cs_" + secrets.token_hex(20)
        self.supports_modified_after = True
        self.can_list_customers = True
        self.ignores_page = False
        self.customers: list[dict[str, Any]] = []
        self._ids = itertools.count(101)
        self._clock = datetime(2024, 3, 1, 8, 0)  # GMT

    def tick(self) -> str:
        self._clock += timedelta(minutes=1)
        return self._clock.strftime("%Y-%m-%dT%H:%M:%S")

    def add_customer(self, **fields: Any) -> dict[str, Any]:
        with self._lock:
            stamp = fields.pop("date_modified_gmt", None) or self.tick()
            customer = woocommerce_customer(next(self._ids), stamp, **fields)
            self.customers.append(customer)
            return customer

    def update_customer(self, customer_id: int, **fields: Any) -> dict[str, Any]:
        with self._lock:
            customer = next(c for c in self.customers if c["id"] == customer_id)
            stamp = fields.pop("date_modified_gmt", None) or self.tick()
            customer.update(fields)
            customer["date_modified_gmt"] = stamp
            customer["date_modified"] = _local(stamp)
            return customer

    def remove_customer(self, customer_id: int) -> None:
        with self._lock:
            self.customers = [c for c in self.customers if c["id"] != customer_id]

    def error_body(self, status: int, message: str) -> Any:
        codes = {401: "woocommerce_rest_authentication_error", 404: "rest_no_route"}
        code = codes.get(status, "internal_server_error" if status >= 500 else "rest_error")
        return {"code": code, "message": message, "data": {"status": status}}

    def handle(self, recorded: Recorded) -> Reply:
        if recorded.path != "/wp-json/wc/v3/customers":
            message = "No route was found matching the URL and request method."
            return Reply(404, self._error("rest_no_route", message, 404))
        refusal = self._authenticate(recorded)
        if refusal is not None:
            return refusal
        if not self.can_list_customers:
            return Reply(
                403,
                self._error(
                    "woocommerce_rest_cannot_view", "Sorry, you cannot list resources.", 403
                ),
            )
        return self._customers(recorded.query)

    def _error(self, code: str, message: str, status: int, **data: Any) -> dict[str, Any]:
        return {"code": code, "message": message, "data": {"status": status, **data}}

    def _authenticate(self, recorded: Recorded) -> Reply | None:
        header = recorded.headers.get("Authorization", "")
        if header.startswith("Basic "):
            key, _, secret = base64.b64decode(header[6:]).decode().partition(":")
        else:
            key = recorded.query.get("consumer_key", "")
            secret = recorded.query.get("consumer_secret", "")
        if not key:
            return Reply(
                401,
                self._error(
                    "woocommerce_rest_cannot_view", "Sorry, you cannot list resources.", 401
                ),
            )
        if key != self.key:
            return Reply(
                401,
                self._error(
                    "woocommerce_rest_authentication_error", "Consumer key is invalid.", 401
                ),
            )
        if secret != self.secret:
            return Reply(
                401,
                self._error(
                    "woocommerce_rest_authentication_error", "Consumer secret is invalid.", 401
                ),
            )
        return None

    def _customers(self, query: dict[str, str]) -> Reply:
        problems = {}
        page, per_page = _int(query.get("page", "1")), _int(query.get("per_page", "10"))
        if page is None or page < 1:
            problems["page"] = "page must be greater than or equal to 1"
        if per_page is None or not 1 <= per_page <= 100:
            problems["per_page"] = "per_page must be between 1 (inclusive) and 100 (inclusive)"
        orderby = query.get("orderby", "name")
        if orderby not in ("id", "include", "name", "registered_date"):
            problems["orderby"] = "orderby is not one of id, include, name, and registered_date."
        order = query.get("order", "asc")
        if order not in ("asc", "desc"):
            problems["order"] = "order is not one of asc and desc."
        if problems:
            message = f"Invalid parameter(s): {', '.join(problems)}"
            return Reply(400, self._error("rest_invalid_param", message, 400, params=problems))
        assert page is not None and per_page is not None
        found = self._matching(query)
        sort_key = {
            "id": lambda c: c["id"],
            "include": lambda c: c["id"],
            "name": lambda c: (c["first_name"] + " " + c["last_name"]).lower(),
            "registered_date": lambda c: c["date_created_gmt"],
        }[orderby]
        found = sorted(found, key=sort_key, reverse=order == "desc")
        pages = math.ceil(len(found) / per_page)
        start = 0 if self.ignores_page else (page - 1) * per_page
        headers = {"X-WP-Total": str(len(found)), "X-WP-TotalPages": str(pages)}
        return Reply(200, found[start : start + per_page], headers)

    def _matching(self, query: dict[str, str]) -> list[dict[str, Any]]:
        role = query.get("role", "customer")
        found = [c for c in self.customers if role == "all" or c["role"] == role]
        after = query.get("modified_after")
        if after and self.supports_modified_after:
            moment = datetime.fromisoformat(after[:19])
            if query.get("dates_are_gmt") != "true":
                moment -= SITE_OFFSET  # site-local time → GMT
            found = [c for c in found if datetime.fromisoformat(c["date_modified_gmt"]) > moment]
        return found


def _int(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None


def _local(gmt: str) -> str:
    return (datetime.fromisoformat(gmt) + SITE_OFFSET).strftime("%Y-%m-%dT%H:%M:%S")


def woocommerce_customer(customer_id: int, modified_gmt: str, **fields: Any) -> dict[str, Any]:
    """A customer as ``/wp-json/wc/v3/customers`` returns it; ``fields`` override the defaults."""
    first = fields.pop("first_name", "Ben")
    last = fields.pop("last_name", "Wagner")
    email = fields.pop("email", f"{first}.{last}.{customer_id}@example.de".lower())
    billing = {
        "first_name": first,
        "last_name": last,
        "company": fields.pop("company", ""),
        "address_1": fields.pop("address_1", "Hafenstraße 7"),
        "address_2": "",
        "city": fields.pop("city", "Hamburg"),
        "state": fields.pop("state", "HH"),
        "postcode": fields.pop("postcode", "20457"),
        "country": fields.pop("country", "DE"),
        "email": email,
        "phone": fields.pop("phone", "+49 40 7654321"),
    }
    shipping = {k: v for k, v in billing.items() if k != "email"}
    customer = {
        "id": customer_id,
        "date_created": _local(modified_gmt),
        "date_created_gmt": modified_gmt,
        "date_modified": _local(modified_gmt),
        "date_modified_gmt": modified_gmt,
        "email": email,
        "first_name": first,
        "last_name": last,
        "role": "customer",
        "username": f"{first}{customer_id}".lower(),
        "billing": billing,
        "shipping": shipping,
        "is_paying_customer": False,
        "avatar_url": "https://secure.gravatar.com/avatar/0?s=96&d=mm&r=g",
        "meta_data": [],
    }
    customer.update(fields)
    return customer
