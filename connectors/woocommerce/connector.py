"""A WooCommerce store as a source: one stream, its customers, read incrementally if it can be."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence

from connectors.http.pacing import Clock, Sleep
from connectors.woocommerce.client import WooCommerceClient
from connectors.woocommerce.settings import WooCommerceSettings
from connectors.woocommerce.streams import CustomersStream
from core.errors import ConfigError

log = logging.getLogger(__name__)


class WooCommerceConnector:
    """Reads the customers of the store named by ``settings``; ``sleep``/``clock`` for tests."""

    def __init__(
        self,
        source_name: str,
        settings: WooCommerceSettings,
        *,
        sleep: Sleep = time.sleep,
        clock: Clock = time.monotonic,
    ) -> None:
        self.name = source_name
        self.settings = settings
        self.client = WooCommerceClient(settings, sleep=sleep, clock=clock)
        self._stream: CustomersStream | None = None

    def __repr__(self) -> str:
        return f"WooCommerceConnector({self.name!r}, {self.settings.api_url!r})"

    def check(self) -> None:
        """List one customer: proves the address, the key and its read permission.

        Raises SourceRejected (401 bad key or no permission, 404 no WooCommerce
        REST API at the URL) or SourceUnavailable (unreachable, timeouts, 5xx).
        """
        self.client.count_customers()

    def streams(self) -> Sequence[CustomersStream]:
        """The customers stream; with ``incremental: auto|on`` the store is probed first.

        The probe costs two one-record requests and decides, per run, whether
        the stream has a cursor (``date_modified_gmt``) or is a full refresh.
        """
        if self._stream is None:
            self._stream = CustomersStream(self.name, self.client, incremental=self._incremental())
        return (self._stream,)

    def _incremental(self) -> bool:
        mode = self.settings.incremental
        if mode == "off":
            return False
        filters = self.client.filters_by_change_time()
        if filters is None:  # no customers yet: nothing to tell, and a full read is free
            return mode == "on"
        if not filters and mode == "on":
            raise ConfigError(
                f"connection.incremental is on, but {self.settings.url} ignores modified_after "
                "on customers (WooCommerce itself does; a plugin must add the filter); set "
                "incremental: auto to read in full instead"
            )
        if not filters:
            log.info(
                "%s: the store cannot filter customers by change time; reading them all and "
                "detecting deletions by difference",
                self.name,
            )
        return filters
