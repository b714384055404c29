"""Blocking keys: only records sharing at least one key are ever compared.

Each key is narrow enough to stay under the pipeline's block cap on large data
and the keys overlap, so that a true pair survives a typo, a missing field or a
capped key through another one: identifiers (email, phone, national id), names
(exact pinyin/Latin in either order, nickname-formal, sound keys), and names
combined with a birth date, a postcode or an address. Values set aside as field
issues (an unassigned phone, a malformed email, an impossible date) give keys
too: the comparisons read them as evidence, so the blocking must let them meet.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mdm.contact import values_of
from mdm.keys import (
    NamePart,
    address_key,
    date_key,
    defective_values,
    email_key,
    house_number,
    id_key,
    loose_date_key,
    loose_email,
    loose_phone,
    phone_tail,
    place_key,
)
from mdm.person import person_names

#: Keys are stored by the pipeline; longer ones are cut to this many characters.
MAX_KEY_LENGTH = 255


def _date_keys(record: Mapping[str, Any]) -> list[str]:
    """The birth date, and its day/month-swapped reading so that a swap still meets; a date
    set aside as a field issue is read by its digits."""
    key = date_key(record.get("birth_date"))
    if key is None:
        loose = (loose_date_key(v) for v in defective_values(record, "birth_date"))
        key = next((k for k in loose if k is not None), None)
    if key is None:
        return []
    month, day = key[4:6], key[6:8]
    return [key[:4] + min(month, day) + max(month, day)]


def _name_keys(
    given: NamePart | None, family: NamePart | None, place: str | None
) -> tuple[list[str], list[str]]:
    """Whole-name keys (order-insensitive, with formal given names; the sound of a Latin
    name within its city) and the sound of each part."""
    names: list[str] = []
    if given is not None and family is not None:
        for formal in sorted({given.latin, *sorted(given.formal)[:3]}):
            names.append("|".join(sorted((formal, family.latin))))
        if place and not (given.han or family.han):  # pinyin sounds are too coarse
            names.append("~" + "|".join((*sorted((given.sound, family.sound)), place)))
    sounds = [p.sound for p in (given, family) if p is not None and p.sound]
    return names, sounds


def block_keys(record: Mapping[str, Any]) -> set[str]:
    """Every key the record can be found under.

    >>> keys = block_keys({"given_name": "伟", "family_name": "张", "phone": "+8613800138000"})
    >>> sorted(keys)
    ['n:wei|zhang', 'p:00138000']
    >>> "n:wei|zhang" in block_keys({"given_name": "Zhang", "family_name": "Wei"})
    True
    """
    keys: set[str] = set()
    for email in values_of(record, "email", "emails"):
        if "@" in email:
            canonical = email_key(email)
            keys.add(f"e:{canonical}")
            local = canonical.partition("@")[0]
            if len(local) >= 6:
                keys.add(f"el:{local}")
    for email in defective_values(record, "email"):  # set aside, still evidence
        if loose := loose_email(email):
            keys.add(f"e:{loose[0]}")
            local = loose[0].partition("@")[0]
            if len(local) >= 6:
                keys.add(f"el:{local}")
    loose_phones = (loose_phone(p) for p in defective_values(record, "phone"))
    for phone in (*values_of(record, "phone", "phones"), *(p for p in loose_phones if p)):
        tail = phone_tail(phone)
        if len(tail) == 8:
            keys.add(f"p:{tail}")
    if national_id := id_key(record.get("national_id")):
        keys.add(f"i:{national_id}")

    given, family = person_names(record.get("given_name"), record.get("family_name"))
    city = record.get("city")
    where = place_key(str(city)) if city else None
    names, sounds = _name_keys(given, family, where)
    if names and where:  # common names: the whole-name block is capped, name + city is not
        keys.add(f"nc:{names[0]}|{where}")
    written_in_characters = any(p is not None and p.han for p in (given, family))
    if not (written_in_characters and where):  # 张伟 with a city meets by name + city only
        keys.update(f"n:{name}" for name in names)
    initials = "".join(sorted(p.initial for p in (given, family) if p is not None))
    for birth in _date_keys(record):
        keys.update(f"d:{birth}|{sound}" for sound in sounds)
        if initials:
            keys.add(f"di:{birth}|{initials}")
    postcode = id_key(record.get("postcode"))
    if postcode:
        keys.update(f"pc:{postcode}|{sound}" for sound in sounds)
        for birth in _date_keys(record):
            keys.add(f"dp:{birth}|{postcode}")
    line = record.get("address_line1")
    if line and (street := address_key(str(line))):
        place = postcode or id_key(record.get("city")) or ""
        keys.add(f"a:{street}|{place}")
        number = house_number(street)
        if number and sounds:
            keys.update(f"an:{place}|{number}|{sound}" for sound in sounds)
    return {k[:MAX_KEY_LENGTH] for k in keys}
