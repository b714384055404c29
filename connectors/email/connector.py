"""The mail connectors: an IMAP mailbox, an mbox file, a folder of .eml files; one stream each."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from connectors.email.file_stream import FileKind, MailFileContactsStream, eml_files, open_mbox
from connectors.email.imap_client import ImapClient
from connectors.email.imap_stream import ImapContactsStream
from connectors.email.settings import ImapSettings, MailFileSettings
from core.errors import InputFileError


class ImapConnector:
    """Contacts of one IMAP mailbox."""

    def __init__(self, source_name: str, settings: ImapSettings) -> None:
        self.name = source_name
        self.settings = settings
        self._stream = ImapContactsStream(source_name, settings)

    def check(self) -> None:
        """Connect, log in and open every configured folder; nothing is fetched.

        Raises SourceUnavailable (host:port does not answer), SourceRejected
        (bad credentials for the user, never showing the password) or
        ConfigError (a folder that does not exist, listing those that do).
        """
        with ImapClient(self.settings) as imap:
            for folder in self.settings.folders:
                imap.examine(folder)

    def streams(self) -> Sequence[ImapContactsStream]:
        return (self._stream,)


class MailFileConnector:
    """Contacts of an mbox file or of a folder of .eml files."""

    def __init__(self, source_name: str, settings: MailFileSettings, kind: FileKind) -> None:
        self.name = source_name
        self.settings = settings
        self.kind = kind
        self._stream = MailFileContactsStream(source_name, settings, kind)

    def check(self) -> None:
        """The file or folder exists and is readable; an mbox must start with a ``From `` line."""
        path = Path(self.settings.path)
        if self.kind == "eml":
            eml_files(path)
            return
        open_mbox(path).close()
        try:
            with path.open("rb") as f:
                start = f.read(5)
        except OSError as e:
            raise InputFileError(str(path), f"cannot be read ({e.strerror or e})") from e
        if start and start != b"From ":
            raise InputFileError(
                str(path),
                "is not an mbox file: it should start with a 'From ' line "
                "(for single messages use kind: eml and name their folder)",
            )

    def streams(self) -> Sequence[MailFileContactsStream]:
        return (self._stream,)
