"""The ``contacts`` stream of an IMAP mailbox: incremental by UID, folder by folder.

State, per folder, is the last UID read under the folder's UIDVALIDITY::

    {"folders": {"INBOX": {"uidvalidity": 1717171717, "last_uid": 4711}}}

A read takes every folder's new messages (``UID last_uid+1:*``; UIDs only grow
within one UIDVALIDITY, so restarting after the last one loses nothing, unlike
a timestamp), adds them up per contact and then yields each contact **once**,
least recently seen first. Each record's position adds the spans being read::

    {"folders": {...as before...},
     "reading": {"INBOX": {"uidvalidity": 1717171717, "from_uid": 4711, "to_uid": 4800}}}

so a run that dies half-way reads exactly the same messages again, and
:func:`~connectors.email.merge.combine_contacts` recognises the contacts it had
already staged. A folder whose UIDVALIDITY changed (the server renumbered its
messages) is read again from the start, with a warning, and its counts replace
the old ones. Messages are fetched ``batch_size`` at a time with ``BODY.PEEK``;
the session is closed before the first record is yielded.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from connectors.base import StreamState
from connectors.email.contacts import ContactBook, ContactFilter
from connectors.email.imap_client import ImapClient
from connectors.email.imap_fetch import FetchedMessage
from connectors.email.merge import Span, combine_contacts, imap_payload
from connectors.email.parse import UnreadableMessage, parse_message
from connectors.email.settings import ImapSettings
from core.records import RawRecord

log = logging.getLogger(__name__)

STREAM_NAME = "contacts"


class ImapContactsStream:
    """One record per contact in the configured folders; see the module docstring."""

    name = STREAM_NAME
    primary_key: tuple[str, ...] = ("email",)
    cursor_field: str | None = "uid"

    def __init__(self, source: str, settings: ImapSettings) -> None:
        self.source = source
        self.settings = settings
        self.combine = combine_contacts
        self.unreadable: list[str] = []  # "INBOX/57": messages that could not be parsed
        self._filter = ContactFilter(
            settings.owner_addresses,
            settings.own_domains,
            (*settings.skip_patterns, *settings.also_skip),
        )
        self._completed: StreamState | None = None

    def read(self, state: StreamState | None) -> Iterator[RawRecord]:
        self.unreadable = []
        committed = _folder_states(state)
        resuming = _reading_states(state)
        book = ContactBook(self._filter, self.settings.phone_region)
        spans: dict[str, Span] = {}
        with ImapClient(self.settings) as imap:
            for folder in self.settings.folders:
                uidvalidity = imap.examine(folder)
                after, through = self._plan(
                    folder, uidvalidity, committed.get(folder), resuming.get(folder)
                )
                spans[folder] = self._read_folder(imap, folder, uidvalidity, after, through, book)
        position = {
            "folders": committed,
            "reading": {folder: span.as_state() for folder, span in spans.items()},
        }
        self._completed = {
            "folders": {
                folder: {"uidvalidity": span.uidvalidity, "last_uid": span.to_uid}
                for folder, span in spans.items()
            }
        }
        for tally in book.contacts():
            yield RawRecord(
                source=self.source,
                stream=STREAM_NAME,
                source_id=tally.email,
                updated_at=tally.total.last_seen,
                payload=imap_payload(tally, spans),
                position=position,
            )

    def completed_state(self, state: StreamState | None) -> StreamState:
        """Every folder read up to the span's end (the state itself if no read finished)."""
        return self._completed if self._completed is not None else dict(state or {})

    def _plan(
        self,
        folder: str,
        uidvalidity: int,
        committed: dict[str, int] | None,
        resuming: dict[str, int] | None,
    ) -> tuple[int, int | None]:
        """``(after, through)``: the UIDs to read, ``through`` None meaning up to the newest."""
        if resuming is not None and resuming["uidvalidity"] == uidvalidity:
            return resuming["from_uid"], resuming["to_uid"]
        known = resuming or committed
        if known is None:
            return 0, None
        if resuming is None and known["uidvalidity"] == uidvalidity:
            return known["last_uid"], None
        log.warning(
            "%s: the UIDVALIDITY of folder %r changed from %s to %s: the server renumbered its "
            "messages, so the folder is read again from the start and its counts replace the "
            "old ones",
            self.settings.address,
            folder,
            known["uidvalidity"],
            uidvalidity,
        )
        return 0, None

    def _read_folder(
        self,
        imap: ImapClient,
        folder: str,
        uidvalidity: int,
        after: int,
        through: int | None,
        book: ContactBook,
    ) -> Span:
        to_uid = through if through is not None else max(after, imap.highest_uid())
        size = self.settings.batch_size
        body_bytes = self.settings.body_bytes
        read = 0
        for window in imap.uids(after, to_uid):
            for start in range(0, len(window), size):
                for fetched in imap.fetch(window[start : start + size]):
                    read += 1
                    self._add(book, folder, fetched, body_bytes)
        log.info(
            "%s: folder %r: %d messages read (UIDs after %d, up to %d)",
            self.settings.address,
            folder,
            read,
            after,
            to_uid,
        )
        return Span(uidvalidity, after, to_uid)

    def _add(
        self, book: ContactBook, folder: str, fetched: FetchedMessage, body_bytes: int
    ) -> None:
        try:
            message = parse_message(
                fetched.data,
                received=fetched.received,
                body_complete=len(fetched.text) < body_bytes,
            )
        except UnreadableMessage as e:
            log.warning(
                "%s: folder %r, UID %d cannot be parsed (%s); skipped",
                self.settings.address,
                folder,
                fetched.uid,
                e,
            )
            self.unreadable.append(f"{folder}/{fetched.uid}")
            return
        book.add(message, folder)


def _folder_states(state: StreamState | None) -> dict[str, dict[str, int]]:
    return _entries(state, "folders", ("uidvalidity", "last_uid"))


def _reading_states(state: StreamState | None) -> dict[str, dict[str, int]]:
    return _entries(state, "reading", ("uidvalidity", "from_uid", "to_uid"))


def _entries(state: StreamState | None, key: str, fields: tuple[str, ...]) -> dict[str, Any]:
    """The well-formed per-folder entries under ``state[key]``; anything else is ignored."""
    found: dict[str, Any] = {}
    entries = (state or {}).get(key)
    if not isinstance(entries, dict):
        return found
    for folder, entry in entries.items():
        if isinstance(entry, dict) and all(isinstance(entry.get(f), int) for f in fields):
            found[folder] = {f: entry[f] for f in fields}
    return found
