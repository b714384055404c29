"""A Shopify shop as a source: one stream, its customers."""

from __future__ import annotations

import time
from collections.abc import Sequence

from connectors.http.pacing import Clock, Sleep
from connectors.shopify.client import ShopifyClient
from connectors.shopify.settings import ShopifySettings
from connectors.shopify.streams import CustomersStream


class ShopifyConnector:
    """Reads the customers of the shop named by ``settings``; ``sleep``/``clock`` for tests."""

    def __init__(
        self,
        source_name: str,
        settings: ShopifySettings,
        *,
        sleep: Sleep = time.sleep,
        clock: Clock = time.monotonic,
    ) -> None:
        self.name = source_name
        self.settings = settings
        self.client = ShopifyClient(settings, sleep=sleep, clock=clock)
        self._stream = CustomersStream(source_name, self.client)

    def __repr__(self) -> str:
        return f"ShopifyConnector({self.name!r}, {self.settings.api_url!r})"

    def check(self) -> None:
        """Count the customers: proves the address, version, token and read_customers scope.

        Raises SourceRejected (401 bad token, 403 missing scope, 404 wrong shop
        or version) or SourceUnavailable (unreachable, timeouts, 5xx).
        """
        self.client.count_customers()

    def streams(self) -> Sequence[CustomersStream]:
        return (self._stream,)
