"""Tryton ERP sources: parties with their addresses and contact mechanisms, over JSON-RPC.

``build(name, connection, base_dir)`` is the factory ``pipeline.sources`` calls
for ``kind: tryton``; the connection block is described in
:mod:`connectors.tryton.settings`, the stream and its cursor in
:mod:`connectors.tryton.streams`. The default mapping is ``tryton_party``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from connectors.tryton.client import TrytonClient
from connectors.tryton.connector import TrytonConnector
from connectors.tryton.settings import TrytonSettings, settings_from_connection
from connectors.tryton.streams import PartiesStream

__all__ = ["PartiesStream", "TrytonClient", "TrytonConnector", "TrytonSettings", "build"]


def build(name: str, connection: Mapping[str, Any], base_dir: Path) -> TrytonConnector:
    """The connector for one configured source; the password is read from its variable now.

    Nothing is contacted yet: ``check()`` or reading a stream does that.
    ``base_dir`` is unused (a server has no files relative to ``hub.yaml``).
    """
    settings = settings_from_connection(dict(connection))
    password = settings.password.resolve()  # registers it as a secret for redaction
    return TrytonConnector(name, settings, TrytonClient(settings, password))
