"""The ``connection:`` block of a Shopify source, and Shopify's fixed numbers.

Example::

    sources:
      - name: shop_eu
        kind: shopify
        connection:
          shop: acme-eu                 # or acme-eu.myshopify.com, or https://…
          api_version: "2024-07"        # pinned: Shopify releases one version a quarter
          access_token: {env: SHOPIFY_EU_TOKEN}   # Admin API token with read_customers
          page_size: 250
          http: {read_timeout: 30}

The version is pinned on purpose: the payload's shape (and so the mapping)
changes between versions, and Shopify answers an unsupported version with the
oldest supported one rather than an error.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator

from connectors.http import HttpOptions, HttpSettings, Secret, parse_connection, require_https

#: Most records one page of the REST Admin API may hold.
MAX_PAGE_SIZE = 250
#: Shopify's standard REST bucket refills at 2 requests per second (Plus stores: 20).
DEFAULT_LEAK_PER_SECOND = 2.0
#: Sent with the first request of a read; customers come oldest change first.
ORDER = "updated_at asc"

_VERSION = re.compile(r"^20\d\d-(01|04|07|10)$")
_SHOP_NAME = re.compile(r"^[a-z0-9][a-z0-9\-]*$")


class ShopifySettings(BaseModel):
    """Which shop, which API version, which token, and how hard to press the API."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    shop: str = Field(description="shop name, its myshopify.com domain, or its https URL")
    api_version: str = Field(description='a stable quarterly version, e.g. "2024-07"')
    access_token: Secret
    page_size: int = Field(default=MAX_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    throttle_above: float = Field(
        default=0.8, gt=0, le=1, description="bucket share above which requests slow down"
    )
    leak_per_second: float = Field(default=DEFAULT_LEAK_PER_SECOND, gt=0)
    http: HttpOptions = HttpOptions()

    @field_validator("api_version", mode="before")
    @classmethod
    def _stable_version(cls, value: Any) -> Any:
        text = str(value).strip() if value is not None else ""
        if not _VERSION.match(text):
            raise ValueError(
                f"expected a stable Shopify API version such as 2024-07 (year-month, the month "
                f"01, 04, 07 or 10), got {value!r}; quote it in YAML"
            )
        return text

    @field_validator("shop")
    @classmethod
    def _shop_url(cls, value: str) -> str:
        text = value.strip().rstrip("/")
        if _SHOP_NAME.match(text):
            return f"https://{text}.myshopify.com"
        if "://" not in text:
            text = f"https://{text}"
        parts = urlsplit(text)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"expected a shop name or https://NAME.myshopify.com, got {value!r}")
        if parts.path.strip("/"):
            raise ValueError(
                f"expected the shop's address without a path (https://NAME.myshopify.com), "
                f"got {value!r}"
            )
        return require_https(f"{parts.scheme}://{parts.netloc}", "shop")

    @property
    def api_url(self) -> str:
        return f"{self.shop}/admin/api/{self.api_version}"

    def http_settings(self) -> HttpSettings:
        return HttpSettings(base_url=self.api_url, **self.http.model_dump())


def settings_from_connection(connection: Any) -> ShopifySettings:
    """Validate a source's ``connection:`` block (ConfigError names each bad key)."""
    return parse_connection(ShopifySettings, connection)
