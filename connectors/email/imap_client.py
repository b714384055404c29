"""A thin, read-only IMAP session whose failures are the hub's typed errors.

Folders are opened with ``EXAMINE`` and messages fetched with ``BODY.PEEK``,
so reading never marks a message as read or changes a flag. What goes wrong
is sorted by what the runner should do (:mod:`core.errors`): a host that does
not answer is :class:`SourceUnavailable` (retry), a refused login is
:class:`SourceRejected` naming the user (never the password), a folder that
does not exist or a certificate that is not trusted is :class:`ConfigError`.
"""

from __future__ import annotations

import imaplib
import logging
import ssl
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from types import TracebackType

from connectors.email.imap_fetch import FetchedMessage, fetch_items, fetched_messages, sequence_set
from connectors.email.imap_names import listed_folders, quote_mailbox
from connectors.email.settings import ImapSettings
from core.errors import ConfigError, SourceRejected, SourceUnavailable

log = logging.getLogger(__name__)

#: UIDs per SEARCH: the answer (about 7 bytes a UID) stays well under imaplib's 1 MB line limit.
SEARCH_WINDOW = 50_000


class ImapClient:
    """One logged-in session: ``with ImapClient(settings) as imap: imap.examine("INBOX")``."""

    def __init__(self, settings: ImapSettings) -> None:
        self.settings = settings
        self._imap: imaplib.IMAP4 | None = None

    def __enter__(self) -> ImapClient:
        self._imap = self._connect()
        try:
            self._login(self._imap)
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Log out, or just drop the connection if the server is gone already."""
        imap, self._imap = self._imap, None
        if imap is None:
            return
        try:
            imap.logout()
        except (imaplib.IMAP4.error, OSError):
            log.debug("%s: logout failed; the connection is closed anyway", self.settings.address)

    def folders(self) -> list[str]:
        """The folders a user can open, as LIST names them."""
        with self._talking("listing folders"):
            status, data = self._session.list()
        return listed_folders(data) if status == "OK" else []

    def examine(self, folder: str) -> int:
        """Open ``folder`` read-only; returns its UIDVALIDITY."""
        imap = self._session
        with self._talking(f"opening folder {folder!r}"):
            status, data = imap.select(quote_mailbox(folder), readonly=True)
        if status != "OK":
            existing = self.folders()
            if folder not in existing and not (folder.upper() == "INBOX" and "INBOX" in existing):
                raise ConfigError(
                    f"{self.settings.address}: user {self.settings.user} has no folder "
                    f"{folder!r}; the folders that exist: {', '.join(existing) or 'none'} "
                    "(fix connection.folders)"
                )
            raise SourceRejected(
                f"{self.settings.address}: cannot open folder {folder!r}: {_said(data)}"
            )
        _, values = imap.response("UIDVALIDITY")
        try:
            return int(values[-1])
        except (TypeError, ValueError, IndexError) as e:
            raise SourceUnavailable(
                f"{self.settings.address}: folder {folder!r} was opened without a UIDVALIDITY"
            ) from e

    def highest_uid(self) -> int:
        """The UID of the newest message in the open folder (0 when it is empty)."""
        found = self._search("*")
        return max(found, default=0)

    def uids(self, after: int, through: int) -> Iterator[list[int]]:
        """UIDs of the open folder above ``after`` up to ``through``, sorted, a window at a time.

        One ``UID SEARCH`` per :data:`SEARCH_WINDOW` UIDs: imaplib refuses an answer
        line over 1 MB, which a single search of a large mailbox would exceed.
        """
        for low in range(after + 1, through + 1, SEARCH_WINDOW):
            high = min(low + SEARCH_WINDOW - 1, through)
            found = [uid for uid in self._search(f"{low}:{high}") if low <= uid <= high]
            if found:
                yield found

    def _search(self, uid_set: str) -> list[int]:
        with self._talking("searching for messages"):
            status, data = self._session.uid("SEARCH", "UID", uid_set)
        if status != "OK":
            raise SourceUnavailable(f"{self.settings.address}: SEARCH failed: {_said(data)}")
        return sorted({int(n) for line in data if isinstance(line, bytes) for n in line.split()})

    def fetch(self, uids: Sequence[int]) -> list[FetchedMessage]:
        """Header, delivery date and the first ``body_bytes`` of text of these messages."""
        if not uids:
            return []
        items = fetch_items(self.settings.body_bytes)
        with self._talking(f"fetching {len(uids)} messages"):
            status, data = self._session.uid("FETCH", sequence_set(uids), items)
        if status != "OK":
            raise SourceUnavailable(f"{self.settings.address}: FETCH failed: {_said(data)}")
        return fetched_messages(data)

    @property
    def _session(self) -> imaplib.IMAP4:
        if self._imap is None:
            raise RuntimeError("ImapClient is used outside its with block")
        return self._imap

    def _connect(self) -> imaplib.IMAP4:
        s = self.settings
        context = self._tls_context()
        with self._talking("connecting"):
            if s.tls == "ssl":
                return imaplib.IMAP4_SSL(
                    s.host, s.effective_port, ssl_context=context, timeout=s.timeout
                )
            imap = imaplib.IMAP4(s.host, s.effective_port, timeout=s.timeout)
            if s.tls == "starttls":
                if "STARTTLS" not in imap.capabilities:
                    imap.shutdown()
                    raise ConfigError(
                        f"{s.address} does not offer STARTTLS; use tls: ssl (port 993)"
                    )
                imap.starttls(context)
            return imap

    def _tls_context(self) -> ssl.SSLContext | None:
        if self.settings.tls == "none":
            return None
        context = ssl.create_default_context()
        if self.settings.ca_file:
            try:
                context.load_verify_locations(cafile=self.settings.ca_file)
            except (OSError, ssl.SSLError) as e:
                raise ConfigError(
                    f"connection.ca_file: cannot load {self.settings.ca_file} ({e})"
                ) from e
        return context

    def _login(self, imap: imaplib.IMAP4) -> None:
        user = self.settings.user
        password = self.settings.password.resolve()  # registers it, so no message can show it
        try:
            if password.isascii():
                imap.login(user, password)
            else:  # LOGIN is ASCII only; PLAIN carries UTF-8
                imap.authenticate("PLAIN", lambda _: f"\0{user}\0{password}".encode())
        except imaplib.IMAP4.abort as e:
            raise SourceUnavailable(f"{self.settings.address}: connection lost at login") from e
        except imaplib.IMAP4.error as e:
            said = _said(e.args)
            if "[UNAVAILABLE]" in said.upper():
                raise SourceUnavailable(
                    f"{self.settings.address}: login for user {user} is unavailable right now "
                    f"(the server said: {said})"
                ) from None
            raise SourceRejected(
                f"{self.settings.address}: bad credentials for user {user} "
                f"(the server said: {said})"
            ) from None
        except OSError as e:
            raise SourceUnavailable(f"{self.settings.address}: login failed: {e}") from e

    @contextmanager
    def _talking(self, doing: str) -> Iterator[None]:
        address = self.settings.address
        try:
            yield
        except ssl.SSLCertVerificationError as e:
            raise ConfigError(
                f"{address}: the server's certificate is not trusted ({e.verify_message}); "
                "if it is signed by a private CA, set connection.ca_file to that CA"
            ) from e
        except imaplib.IMAP4.abort as e:
            raise SourceUnavailable(f"{address}: connection lost while {doing}: {e}") from e
        except imaplib.IMAP4.error as e:
            raise SourceUnavailable(f"{address}: {doing} failed: {_said(e.args)}") from e
        except TimeoutError as e:
            raise SourceUnavailable(f"{address}: no answer while {doing} (timed out)") from e
        except OSError as e:
            raise SourceUnavailable(f"{address}: cannot reach the server ({doing}): {e}") from e


def _said(data: object) -> str:
    """What the server answered, as text for a message."""
    items = data if isinstance(data, list | tuple) else [data]
    parts = []
    for item in items:
        if isinstance(item, bytes):
            parts.append(item.decode("utf-8", "replace"))
        elif item is not None:
            parts.append(str(item))
    text = " ".join(parts).strip()
    if text.startswith("b'") or text.startswith('b"'):
        text = text[2:-1]
    return text or "no reason given"
