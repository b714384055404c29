"""The ``contacts`` stream of an ``.mbox`` file or a folder of ``.eml`` files: a full refresh.

A file has no UIDs to resume from, so every run reads all of it
(``cursor_field = None``) and the pipeline diffs the contacts against what it
staged. Messages are parsed one at a time and added up per contact, then the
contacts are yielded sorted by address; memory grows with the number of
contacts, not of messages. The state only resumes an interrupted run over the
same files::

    {"fingerprint": "…", "after": "li.na@example.cn", "complete": False}
"""

from __future__ import annotations

import hashlib
import logging
import mailbox
import os
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from connectors.base import StreamState
from connectors.email.contacts import ContactBook, ContactFilter, contact_payload
from connectors.email.parse import UnreadableMessage, parse_message
from connectors.email.settings import MailFileSettings
from core.errors import InputFileError
from core.records import RawRecord

log = logging.getLogger(__name__)

STREAM_NAME = "contacts"
FileKind = Literal["mbox", "eml"]

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_FROM_LINE_DATE = re.compile(
    rb"([A-Za-z]{3})\s+(\d{1,2})\s+(\d{1,2}):(\d{2}):(\d{2})\s+(\d{4})\s*$"
)


class MailFileContactsStream:
    """One record per contact in the file(s); see the module docstring."""

    name = STREAM_NAME
    primary_key: tuple[str, ...] = ("email",)
    cursor_field: str | None = None

    def __init__(self, source: str, settings: MailFileSettings, kind: FileKind) -> None:
        self.source = source
        self.settings = settings
        self.kind = kind
        self.unreadable: list[str] = []  # "message 12" or a file name: could not be parsed
        self._filter = ContactFilter(
            settings.owner_addresses,
            settings.own_domains,
            (*settings.skip_patterns, *settings.also_skip),
        )

    def read(self, state: StreamState | None) -> Iterator[RawRecord]:
        self.unreadable = []
        fingerprint = self.fingerprint()
        after = _resume_after(state, fingerprint)
        book = ContactBook(self._filter, self.settings.phone_region)
        for label, data, received in self._messages():
            try:
                book.add(parse_message(data, received=received))
            except UnreadableMessage as e:
                log.warning("%s: %s cannot be parsed (%s); skipped", self.settings.path, label, e)
                self.unreadable.append(label)
        for tally in sorted(book.contacts(), key=lambda t: t.email):
            if after is not None and tally.email < after:
                continue
            yield RawRecord(
                source=self.source,
                stream=STREAM_NAME,
                source_id=tally.email,
                updated_at=tally.total.last_seen,
                payload=contact_payload(tally),
                position={"fingerprint": fingerprint, "after": tally.email, "complete": False},
            )

    def completed_state(self, state: StreamState | None) -> StreamState:
        return {"fingerprint": self.fingerprint(), "complete": True}

    def fingerprint(self) -> str:
        """Changes when the file (or any file of the folder) is replaced, grows or is touched."""
        path = Path(self.settings.path)
        if self.kind == "mbox":
            stat = _stat(path)
            return f"{stat.st_size}:{stat.st_mtime_ns}"
        digest = hashlib.sha256()
        for file in eml_files(path):
            stat = _stat(file)
            digest.update(
                f"{file.relative_to(path)}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode()
            )
        return digest.hexdigest()[:32]

    def _messages(self) -> Iterator[tuple[str, bytes, datetime | None]]:
        """``(label, message bytes, delivery date if known)``, one message at a time."""
        path = Path(self.settings.path)
        if self.kind == "eml":
            for file in eml_files(path):
                try:
                    data = file.read_bytes()
                except OSError as e:
                    log.warning("%s: cannot be read (%s); skipped", file, e)
                    self.unreadable.append(str(file.relative_to(path)))
                    continue
                yield str(file.relative_to(path)), data, None
            return
        box = open_mbox(path)
        try:
            for number, key in enumerate(box.iterkeys(), start=1):
                data = box.get_bytes(key, from_=True)
                from_line, _, message = data.partition(b"\n")
                yield f"message {number}", message, from_line_date(from_line)
        finally:
            box.close()


def open_mbox(path: Path) -> mailbox.mbox:
    """The mbox at ``path``, read-only in spirit; a missing file is an InputFileError."""
    if not path.is_file():
        problem = "is a directory, not an mbox file" if path.is_dir() else "file not found"
        raise InputFileError(str(path), problem)
    try:
        return mailbox.mbox(str(path), create=False)
    except (OSError, mailbox.Error) as e:
        raise InputFileError(str(path), f"cannot be opened as an mbox file ({e})") from e


def eml_files(folder: Path) -> list[Path]:
    """The ``.eml`` files under ``folder`` (recursively), in a stable order."""
    if not folder.is_dir():
        problem = "is a file, not a folder of .eml files" if folder.exists() else "not found"
        raise InputFileError(str(folder), problem)
    return sorted(p for p in folder.rglob("*") if p.suffix.lower() == ".eml" and p.is_file())


def from_line_date(line: bytes) -> datetime | None:
    """The date of an mbox ``From sender Mon Feb  5 10:00:00 2024`` line, taken as UTC."""
    match = _FROM_LINE_DATE.search(line.rstrip(b"\r"))
    if match is None:
        return None
    month, day, hour, minute, second, year = match.groups()
    try:
        number = _MONTHS.index(month.decode("ascii").lower()) + 1
        return datetime(
            int(year), number, int(day), int(hour), int(minute), int(second), tzinfo=UTC
        )
    except ValueError:
        return None


def _resume_after(state: StreamState | None, fingerprint: str) -> str | None:
    if not state or state.get("complete") or state.get("fingerprint") != fingerprint:
        return None
    after = state.get("after")
    return after if isinstance(after, str) else None


def _stat(path: Path) -> os.stat_result:
    try:
        return path.stat()
    except FileNotFoundError as e:
        raise InputFileError(str(path), "file not found") from e
    except OSError as e:
        raise InputFileError(str(path), f"cannot be read ({e.strerror or e})") from e
