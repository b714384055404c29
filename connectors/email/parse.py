"""One message → the addresses in its headers, when it was written, and its sender's signature.

Parsed with ``email.policy.default``; address headers are read from their raw
text by :mod:`connectors.email.addresses`, which copes with what the
standard parser does not (superset charsets, unquoted commas, 8-bit names).
The date is the ``Date`` header; a message without a readable one falls back
to the delivery date the caller knows (IMAP's INTERNALDATE, an mbox ``From ``
line). Every date comes out in UTC.
"""

from __future__ import annotations

import email
import email.policy
import email.utils
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import Message

from connectors.email.addresses import PARSE_ERRORS, Address, parse_address_header
from connectors.email.bodytext import body_text, message_charset
from connectors.email.signature import Signature, find_signature

#: Where contacts are found, most telling first: a name given in From wins over one in Cc.
ADDRESS_HEADERS = ("from", "sender", "reply-to", "to", "cc")

_EARLIEST = datetime(1980, 1, 1, tzinfo=UTC)
_LATEST = datetime(2200, 1, 1, tzinfo=UTC)


class UnreadableMessage(ValueError):
    """The message could not be parsed at all; the caller logs it and goes on."""


@dataclass(frozen=True, slots=True)
class ParsedMessage:
    """Who appears in one message. ``addresses`` holds each address once."""

    sent_at: datetime | None
    sender: str | None
    addresses: tuple[Address, ...]
    body_complete: bool = True
    _message: Message | None = field(default=None, repr=False, compare=False)

    def signature(self, phone_region: str | None) -> Signature:
        """The sender's phone and company from this message's signature (parsed on demand)."""
        if self._message is None:
            return Signature()
        try:
            text = body_text(self._message)
        except PARSE_ERRORS:
            return Signature()
        return find_signature(text, phone_region=phone_region, complete=self.body_complete)


def parse_message(
    data: bytes, *, received: datetime | None = None, body_complete: bool = True
) -> ParsedMessage:
    """Parse a whole message (or its header plus the start of its body).

    ``received`` is the delivery date, used when the Date header is missing or
    unreadable; ``body_complete=False`` says the body was cut short.
    Raises :class:`UnreadableMessage` when nothing can be made of it: the parser
    fails, or finds no header field at all (binary junk, a truncated file).
    """
    try:
        message = email.message_from_bytes(data, policy=email.policy.default)
        fallback = message_charset(message)
        headers = [(name.lower(), value) for name, value in message.raw_items()]
    except PARSE_ERRORS as e:
        raise UnreadableMessage(f"{type(e).__name__}: {e}") from e
    if not headers:
        raise UnreadableMessage("no header fields: not a mail message")
    found: dict[str, Address] = {}
    sender: str | None = None
    for wanted in ADDRESS_HEADERS:
        for name, value in headers:
            if name != wanted or not isinstance(value, str):
                continue
            for address in parse_address_header(value, fallback):
                sender = sender or (address.email if wanted == "from" else None)
                known = found.get(address.email)
                if known is None or (not known.name and address.name):
                    found[address.email] = address
    dates = [value for name, value in headers if name == "date" and isinstance(value, str)]
    sent_at = header_date(dates[0]) if dates else None
    return ParsedMessage(
        sent_at=sent_at or as_utc(received),
        sender=sender,
        addresses=tuple(found.values()),
        body_complete=body_complete,
        _message=message,
    )


def header_date(value: str) -> datetime | None:
    """A ``Date`` header in UTC, or None if it is unreadable or implausible.

    >>> header_date("Mon, 5 Feb 2024 10:00:00 +0100").isoformat()
    '2024-02-05T09:00:00+00:00'
    """
    try:
        parsed = email.utils.parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed is None:
        return None
    moment = as_utc(parsed)
    return moment if moment is not None and _EARLIEST <= moment < _LATEST else None


def as_utc(moment: datetime | None) -> datetime | None:
    """``moment`` in UTC; a naive one (``-0000``: zone unknown) is taken as UTC."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
