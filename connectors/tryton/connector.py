"""A Tryton source: the ERP's parties, read over JSON-RPC."""

from __future__ import annotations

from collections.abc import Sequence

from connectors.tryton.changes import PARTY
from connectors.tryton.client import TrytonClient
from connectors.tryton.settings import TrytonSettings
from connectors.tryton.streams import PartiesStream


class TrytonConnector:
    """Reads ``party.party`` with its addresses and contact mechanisms from one database."""

    def __init__(self, source_name: str, settings: TrytonSettings, client: TrytonClient) -> None:
        self.name = source_name
        self.settings = settings
        self.client = client
        self._stream = PartiesStream(
            source_name, client, settings.page_size, settings.lookback_seconds
        )

    def check(self) -> None:
        """Log in and read one party.

        Unreachable → SourceUnavailable naming host:port; wrong user or password →
        SourceRejected naming user and database; no such database → ConfigError;
        no right to read parties → SourceRejected with Tryton's own message.
        """
        try:
            self.client.login()
            self.client.search_read(PARTY, [], ["id"], limit=1, context={"active_test": False})
        finally:
            self.client.close()

    def streams(self) -> Sequence[PartiesStream]:
        return (self._stream,)
