"""How an IMAP contact record carries its counts per folder, and how two of them fold together.

A read covers, in each folder, the UIDs after the last one read up to the
newest one (a *span*). A contact's record says, per folder, which span it
covers and what it saw there::

    "uidvalidity": {"INBOX": 1717171717},
    "folders": {"INBOX": {"from_uid": 40, "through_uid": 57, "messages": 2,
                          "first_seen": "…", "last_seen": "…"}}

and its totals (``message_count``, ``first_seen``, ``last_seen``) are those of
its folders. :func:`combine_contacts` folds a new record into the staged one,
folder by folder:

- a folder staged under another UIDVALIDITY, or read again from UID 0 (a full
  re-read), is **replaced**: the new counts are complete, adding them would
  count every message twice;
- a span that ends where the staged one ends, or before, was counted already
  (a resumed read replaying what it had staged) and is **ignored**;
- a span that starts where the staged one ends is **added**.

So counts stay exact however often a read is interrupted and resumed. Name,
phone and company come from the record whose messages are more recent, when
it has them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from connectors.email.contacts import ContactTally, contact_payload, iso

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Span:
    """UIDs ``from_uid + 1`` to ``to_uid`` of a folder under one UIDVALIDITY."""

    uidvalidity: int
    from_uid: int
    to_uid: int

    def as_state(self) -> dict[str, int]:
        return {"uidvalidity": self.uidvalidity, "from_uid": self.from_uid, "to_uid": self.to_uid}


def imap_payload(tally: ContactTally, spans: dict[str, Span]) -> dict[str, Any]:
    """The contact's record with its per-folder counts and the spans they cover."""
    payload = contact_payload(tally)
    folders = sorted(tally.folders)
    payload["uidvalidity"] = {name: spans[name].uidvalidity for name in folders}
    payload["folders"] = {
        name: {
            "from_uid": spans[name].from_uid,
            "through_uid": spans[name].to_uid,
            "messages": tally.folders[name].messages,
            "first_seen": iso(tally.folders[name].first_seen),
            "last_seen": iso(tally.folders[name].last_seen),
        }
        for name in folders
    }
    return payload


def combine_contacts(staged: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Fold ``new`` into ``staged`` (see the module docstring); returns ``staged`` if unchanged."""
    old_folders, new_folders = staged.get("folders"), new.get("folders")
    old_validity, new_validity = staged.get("uidvalidity"), new.get("uidvalidity")
    if not (
        isinstance(old_folders, dict)
        and isinstance(new_folders, dict)
        and isinstance(old_validity, dict)
        and isinstance(new_validity, dict)
    ):
        return new  # not a record of this shape: the new one is all there is to go on
    folders, validity = dict(old_folders), dict(old_validity)
    changed = False
    for name, entry in new_folders.items():
        old = old_folders.get(name)
        if old is None or old_validity.get(name) != new_validity.get(name) or not entry["from_uid"]:
            folders[name], validity[name] = entry, new_validity.get(name)
        elif entry["through_uid"] <= old["through_uid"]:
            continue
        elif entry["from_uid"] >= old["through_uid"]:
            folders[name] = _added(old, entry)
        else:
            log.warning(
                "%s, folder %s: UIDs %s-%s overlap the %s already counted; keeping the larger "
                "count (the saved position was probably reset)",
                new.get("email"),
                name,
                entry["from_uid"] + 1,
                entry["through_uid"],
                old["through_uid"],
            )
            folders[name] = max(old, entry, key=lambda e: e["messages"]) | {
                "through_uid": entry["through_uid"]
            }
        changed = True
    if not changed:
        return staged
    newer, older = (new, staged) if _last(new) >= _last(staged) else (staged, new)
    firsts = [e["first_seen"] for e in folders.values() if e.get("first_seen")]
    lasts = [e["last_seen"] for e in folders.values() if e.get("last_seen")]
    return {
        "email": new.get("email") or staged.get("email"),
        "name": newer.get("name") or older.get("name"),
        "first_seen": min(firsts, key=_moment) if firsts else None,
        "last_seen": max(lasts, key=_moment) if lasts else None,
        "message_count": sum(int(e["messages"]) for e in folders.values()),
        "phone": newer.get("phone") or older.get("phone"),
        "company": newer.get("company") or older.get("company"),
        "uidvalidity": dict(sorted(validity.items())),
        "folders": dict(sorted(folders.items())),
    }


def _added(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    firsts = [v for v in (old.get("first_seen"), new.get("first_seen")) if v]
    lasts = [v for v in (old.get("last_seen"), new.get("last_seen")) if v]
    return {
        "from_uid": old["from_uid"],
        "through_uid": new["through_uid"],
        "messages": int(old["messages"]) + int(new["messages"]),
        "first_seen": min(firsts, key=_moment) if firsts else None,
        "last_seen": max(lasts, key=_moment) if lasts else None,
    }


def _moment(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _last(payload: dict[str, Any]) -> datetime:
    value = payload.get("last_seen")
    return _moment(value) if isinstance(value, str) else datetime.min.replace(tzinfo=UTC)
