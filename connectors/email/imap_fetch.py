"""What a ``UID FETCH`` answer holds, message by message, and how to ask for a set of UIDs.

``imaplib`` returns a FETCH answer as a flat list: a ``(prefix, literal)``
tuple for every literal (the header, the body text) and plain bytes for the
rest, with the items of one message spread over several entries and in any
order the server likes. :func:`fetched_messages` puts each message back
together; answers that are not about a message we asked for (a flag change
another client made meanwhile) are left out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

_MESSAGE_START = re.compile(rb"^\d+ \(")
_UID = re.compile(rb"\bUID (\d+)")
_INTERNALDATE = re.compile(
    rb'INTERNALDATE "\s?(\d{1,2})-([A-Za-z]{3})-(\d{4}) (\d\d):(\d\d):(\d\d) ([+-])(\d\d)(\d\d)"'
)
_LITERAL_ITEM = re.compile(rb"(BODY\[[A-Z0-9.]*\])(?:<\d+>)? \{\d+\}$", re.IGNORECASE)
_MONTHS = {
    month: number
    for number, month in enumerate(
        b"jan feb mar apr may jun jul aug sep oct nov dec".split(), start=1
    )
}


@dataclass(frozen=True, slots=True)
class FetchedMessage:
    """One message as fetched: its UID, delivery date, header and (the start of) its text."""

    uid: int
    received: datetime | None
    header: bytes
    text: bytes

    @property
    def data(self) -> bytes:
        return self.header + self.text


def fetch_items(body_bytes: int) -> str:
    """The FETCH items: header and text with ``PEEK``, so no message is marked as read."""
    text = f" BODY.PEEK[TEXT]<0.{body_bytes}>" if body_bytes else ""
    return f"(UID INTERNALDATE BODY.PEEK[HEADER]{text})"


def sequence_set(uids: Sequence[int]) -> str:
    """UIDs as a compact IMAP sequence set.

    >>> sequence_set([3, 4, 5, 9, 11, 12])
    '3:5,9,11:12'
    """
    parts: list[str] = []
    ordered = sorted(set(uids))
    start = previous = ordered[0] if ordered else 0
    for uid in ordered[1:]:
        if uid != previous + 1:
            parts.append(f"{start}:{previous}" if previous != start else str(start))
            start = uid
        previous = uid
    if ordered:
        parts.append(f"{start}:{previous}" if previous != start else str(start))
    return ",".join(parts)


def fetched_messages(data: Sequence[bytes | tuple[bytes, ...] | None]) -> list[FetchedMessage]:
    """Reassemble a ``UID FETCH`` answer (see the module docstring)."""
    messages: list[FetchedMessage] = []
    text = b""
    literals: dict[bytes, bytes] = {}

    def finish() -> None:
        uid = _UID.search(text)
        header = literals.get(b"BODY[HEADER]")
        if uid is not None and header is not None:
            received = internal_date(text)
            body = literals.get(b"BODY[TEXT]", b"")
            messages.append(FetchedMessage(int(uid.group(1)), received, header, body))

    started = False
    for item in data:
        prefix, literal = (item[0], item[1]) if isinstance(item, tuple) else (item, None)
        if not isinstance(prefix, bytes):
            continue
        if _MESSAGE_START.match(prefix):
            if started:
                finish()
            started, text, literals = True, b"", {}
        text += prefix
        if isinstance(literal, bytes):
            match = _LITERAL_ITEM.search(prefix)
            if match is not None:
                literals[match.group(1).upper()] = literal
    if started:
        finish()
    return messages


def internal_date(text: bytes) -> datetime | None:
    """The ``INTERNALDATE`` in a FETCH answer, in UTC (month names are not locale-dependent)."""
    match = _INTERNALDATE.search(text)
    if match is None:
        return None
    day, month, year, hour, minute, second, sign, zone_h, zone_m = match.groups()
    month_number = _MONTHS.get(month.lower())
    if month_number is None:
        return None
    offset = timedelta(hours=int(zone_h), minutes=int(zone_m)) * (-1 if sign == b"-" else 1)
    try:
        moment = datetime(
            int(year), month_number, int(day), int(hour), int(minute), int(second),
            tzinfo=timezone(offset),
        )  # fmt: skip
    except ValueError:
        return None
    return moment.astimezone(UTC)
