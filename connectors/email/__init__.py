"""Mail sources: the people a company writes with, found in the headers of its mail.

Three kinds read the same way: ``imap`` (a mailbox on a server, incremental by
UID per folder), ``mbox`` (one mbox file) and ``eml`` (a folder of .eml files),
the last two as full refreshes. Each yields one record per contact address,
never one per message::

    {"email": "zhang.wei@example.cn", "name": "张伟",
     "first_seen": "2024-01-05T02:00:00+00:00", "last_seen": "2024-03-01T09:30:00+00:00",
     "message_count": 7, "phone": "+8613800138000", "company": "北京某某科技有限公司",
     "uidvalidity": {"INBOX": 1717171717}, "folders": {...}}     # IMAP only

``name`` is the most frequent display name (ties: the most recent), ``phone``
and ``company`` come from the contact's own signatures. IMAP records carry
their counts per folder so that the pipeline can fold a new record into the
staged one exactly (``stream.combine``, see :mod:`connectors.email.merge`);
file records carry ``uidvalidity: None`` and replace the staged ones.

Factories follow :class:`connectors.base.ConnectorFactory`:
``build_imap(name, connection, base_dir)``, ``build_mbox(...)``, ``build_eml(...)``;
the connection settings are in :mod:`connectors.email.settings`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from connectors.email.connector import ImapConnector, MailFileConnector
from connectors.email.merge import combine_contacts
from connectors.email.settings import (
    ImapSettings,
    MailFileSettings,
    file_settings,
    settings_from_connection,
)

__all__ = [
    "ImapConnector",
    "ImapSettings",
    "MailFileConnector",
    "MailFileSettings",
    "build_eml",
    "build_imap",
    "build_mbox",
    "combine_contacts",
]


def build_imap(name: str, connection: Mapping[str, Any], base_dir: Path) -> ImapConnector:
    """An IMAP source; a relative ``ca_file`` starts at ``base_dir`` (the config's folder)."""
    settings = settings_from_connection(ImapSettings, connection)
    if settings.ca_file and not Path(settings.ca_file).expanduser().is_absolute():
        settings = settings.model_copy(update={"ca_file": str(base_dir / settings.ca_file)})
    return ImapConnector(name, settings)


def build_mbox(name: str, connection: Mapping[str, Any], base_dir: Path) -> MailFileConnector:
    """An mbox file source; ``path`` is relative to ``base_dir``."""
    return MailFileConnector(name, file_settings(connection, base_dir), "mbox")


def build_eml(name: str, connection: Mapping[str, Any], base_dir: Path) -> MailFileConnector:
    """A folder of .eml files (searched recursively); ``path`` is relative to ``base_dir``."""
    return MailFileConnector(name, file_settings(connection, base_dir), "eml")
