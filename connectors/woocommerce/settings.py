"""The ``connection:`` block of a WooCommerce source.

Example::

    sources:
      - name: shop_de
        kind: woocommerce
        connection:
          url: https://shop.example.de          # the WordPress site (may include a sub-path)
          consumer_key: {env: WC_DE_KEY}         # a REST API key with Read access
          consumer_secret: {env: WC_DE_SECRET}
          incremental: auto                      # auto | on | off
          http: {requests_per_second: 5}

``auth: basic`` (the default) sends the key and secret as HTTP Basic auth;
``auth: query`` sends them as ``consumer_key``/``consumer_secret`` query
parameters, WooCommerce's documented fallback for servers that drop the
Authorization header. Either way the site must be https: over plain http
WooCommerce demands OAuth 1.0a signatures, which this connector does not make
(plain http is accepted on localhost only, for local test servers).

``incremental``: WooCommerce itself cannot filter customers by change time
(its customers endpoint silently ignores ``modified_after``; woocommerce
issue #31482), but plugins add the filter. ``auto`` probes the store on every
run and falls back to a full read, which the pipeline diffs to find deleted
customers; ``on`` requires the filter and fails when the store ignores it;
``off`` always reads in full.
"""

from __future__ import annotations

from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator

from connectors.http import HttpOptions, HttpSettings, Secret, parse_connection, require_https

#: Most records WooCommerce returns per page.
MAX_PAGE_SIZE = 100
API_PATH = "wp-json/wc/v3"


class WooCommerceSettings(BaseModel):
    """Which store, which key, how to send it, and whether reads may be incremental."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    url: str = Field(description="the WordPress site address, https://…")
    consumer_key: Secret
    consumer_secret: Secret
    auth: Literal["basic", "query"] = "basic"
    incremental: Literal["auto", "on", "off"] = "auto"
    page_size: int = Field(default=MAX_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    role: str = Field(
        default="customer",
        min_length=1,
        description='WordPress role to list ("all" for every user); WooCommerce defaults to '
        "customer",
    )
    http: HttpOptions = HttpOptions()

    @field_validator("url")
    @classmethod
    def _site_url(cls, value: str) -> str:
        text = value.strip().rstrip("/")
        parts = urlsplit(text)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(
                f"expected the site's address such as https://shop.example.com, got {value!r}"
            )
        if parts.query or parts.fragment:
            raise ValueError(
                f"expected the site's address without ?query or #fragment, got {value!r}"
            )
        if "/wp-json" in parts.path:
            raise ValueError(
                f"give the site's address without the API path (without /wp-json…), got {value!r}"
            )
        return require_https(text, "url")

    @property
    def api_url(self) -> str:
        return f"{self.url}/{API_PATH}"

    def http_settings(self) -> HttpSettings:
        return HttpSettings(base_url=self.api_url, **self.http.model_dump())


def settings_from_connection(connection: Any) -> WooCommerceSettings:
    """Validate a source's ``connection:`` block (ConfigError names each bad key)."""
    return parse_connection(WooCommerceSettings, connection)
