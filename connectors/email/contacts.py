"""From parsed messages to contacts: who counts as one, and what is known about each.

A contact is an address seen in From/Sender/Reply-To/To/Cc that is not the
mailbox owner's (own addresses, own domains and their subdomains) and not a
machine (``noreply``, ``mailer-daemon``, ``bounce…``: shell-style patterns on
the local part, or on the whole address when the pattern has an ``@``).

:class:`ContactBook` adds messages up per address. Memory grows with the
number of distinct contacts, never with the number of messages.
"""

from __future__ import annotations

import fnmatch
import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from connectors.email.parse import ParsedMessage

_NEVER = datetime.min.replace(tzinfo=UTC)


class ContactFilter:
    """Decides whether an address is a contact (see the module docstring)."""

    def __init__(
        self,
        own_addresses: Iterable[str],
        own_domains: Iterable[str],
        skip_patterns: Iterable[str],
    ) -> None:
        self._own = frozenset(a.lower() for a in own_addresses)
        self._domains = tuple(d.lower() for d in own_domains)
        patterns = [p.lower() for p in skip_patterns]
        self._address_patterns = tuple(p for p in patterns if "@" in p)
        self._local_patterns = tuple(p for p in patterns if "@" not in p)

    def is_contact(self, address: str) -> bool:
        """``False`` for the owner, colleagues and machine senders.

        >>> f = ContactFilter(["me@acme.de"], ["acme.de"], ["*noreply*", "*@bounce.*"])
        >>> [f.is_contact(a) for a in ("anna@kunde.de", "bob@sales.acme.de", "noreply@shop.cn")]
        [True, False, False]
        """
        address = address.lower()
        if address in self._own:
            return False
        local, _, domain = address.rpartition("@")
        if any(domain == d or domain.endswith("." + d) for d in self._domains):
            return False
        if any(fnmatch.fnmatchcase(local, p) for p in self._local_patterns):
            return False
        return not any(fnmatch.fnmatchcase(address, p) for p in self._address_patterns)


@dataclass
class FolderTally:
    """How often, and between when, a contact appears in one folder."""

    messages: int = 0
    first_seen: datetime | None = None
    last_seen: datetime | None = None

    def add(self, at: datetime | None) -> None:
        self.messages += 1
        if at is not None:
            self.first_seen = at if self.first_seen is None else min(self.first_seen, at)
            self.last_seen = at if self.last_seen is None else max(self.last_seen, at)


@dataclass
class _Seen:
    """A value and how recent it is: its message's date, then the order messages came in."""

    value: str
    at: tuple[datetime, int]
    count: int = 0


@dataclass
class ContactTally:
    """Everything gathered about one address so far."""

    email: str
    total: FolderTally = field(default_factory=FolderTally)
    folders: dict[str, FolderTally] = field(default_factory=dict)
    names: dict[str, _Seen] = field(default_factory=dict)
    phone: _Seen | None = None
    company: _Seen | None = None

    @property
    def name(self) -> str | None:
        """The most frequent display name; between equally frequent ones, the most recent.

        Spellings of one name in either order (``Müller, Thomas`` / ``Thomas Müller``)
        are counted together; the most recent spelling is shown.
        """
        if not self.names:
            return None
        return max(self.names.values(), key=lambda seen: (seen.count, seen.at)).value


class ContactBook:
    """Adds messages up per contact address."""

    def __init__(self, contact_filter: ContactFilter, phone_region: str | None = None) -> None:
        self._filter = contact_filter
        self._phone_region = phone_region
        self._tallies: dict[str, ContactTally] = {}
        self._order = itertools.count()

    def __len__(self) -> int:
        return len(self._tallies)

    def add(self, message: ParsedMessage, folder: str = "") -> None:
        """Count ``message`` once for every contact in its headers."""
        at = message.sent_at
        recency = (at or _NEVER, next(self._order))
        for address in message.addresses:
            if not self._filter.is_contact(address.email):
                continue
            tally = self._tallies.get(address.email)
            if tally is None:
                tally = self._tallies[address.email] = ContactTally(address.email)
            tally.total.add(at)
            tally.folders.setdefault(folder, FolderTally()).add(at)
            if address.name:
                _count(tally.names, name_key(address.name), address.name, recency)
        sender = message.sender
        if sender is not None and sender in self._tallies:
            signature = message.signature(self._phone_region)
            tally = self._tallies[sender]
            if signature.phone:
                tally.phone = _newer(tally.phone, signature.phone, recency)
            if signature.company:
                tally.company = _newer(tally.company, signature.company, recency)

    def contacts(self) -> list[ContactTally]:
        """Every contact, least recently seen first (ties by address): the stream's order."""
        return sorted(self._tallies.values(), key=lambda t: (t.total.last_seen or _NEVER, t.email))


def name_key(name: str) -> str:
    """One key for the spellings of one name.

    >>> name_key("Müller,  Thomas") == name_key("thomas müller")
    True
    """
    text = " ".join(name.split()).casefold()
    family, comma, given = text.partition(",")
    if comma and "," not in given and family.strip() and given.strip():
        text = f"{given.strip()} {family.strip()}"
    return text


def contact_payload(tally: ContactTally) -> dict[str, Any]:
    """The record a contact becomes: JSON-ready, dates as ISO 8601 in UTC."""
    return {
        "email": tally.email,
        "name": tally.name,
        "first_seen": iso(tally.total.first_seen),
        "last_seen": iso(tally.total.last_seen),
        "message_count": tally.total.messages,
        "phone": tally.phone.value if tally.phone else None,
        "company": tally.company.value if tally.company else None,
        "uidvalidity": None,
    }


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _count(names: dict[str, _Seen], key: str, value: str, at: tuple[datetime, int]) -> None:
    seen = names.get(key)
    if seen is None:
        names[key] = _Seen(value, at, 1)
        return
    seen.count += 1
    if at >= seen.at:
        seen.value, seen.at = value, at


def _newer(current: _Seen | None, value: str, at: tuple[datetime, int]) -> _Seen:
    return _Seen(value, at) if current is None or at >= current.at else current
