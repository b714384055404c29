"""Blocking rules and their keys: only records sharing at least one key are ever compared.

A rule is data (``block_on("birth_date", "postcode")``), saved with the model that
uses it (:class:`mdm.model.Model`); the keys it writes keep their short prefixes
(``"dp:19850312|100000"``), which is what a store's block index holds.

Each key is narrow enough to stay under the pipeline's block cap on large data
and the keys overlap, so that a true pair survives a typo, a missing field or a
capped key through another one: identifiers (email, phone, national id), names
(exact pinyin/Latin in either order, nickname-formal, sound keys), and names
combined with a birth date, a postcode or an address. Values set aside as field
issues (an unassigned phone, a malformed email, an impossible date) give keys
too: the comparisons read them as evidence, so the blocking must let them meet.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
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


@dataclass(frozen=True, slots=True)
class _Facts:
    """What the rules read from one record, each worked out once."""

    emails: tuple[str, ...]  # mailbox keys: valid addresses, then repaired defective ones
    tails: tuple[str, ...]
    national_id: str | None
    names: tuple[str, ...]  # whole-name keys (and the sounds-with-city key last)
    sounds: tuple[str, ...]
    where: str | None
    han: bool
    initials: str
    births: tuple[str, ...]
    postcode: str | None
    street: str | None
    place: str
    number: str | None


def _facts(record: Mapping[str, Any]) -> _Facts:
    emails = [email_key(e) for e in values_of(record, "email", "emails") if "@" in e]
    emails += [loose[0] for e in defective_values(record, "email") if (loose := loose_email(e))]
    loose_phones = (loose_phone(p) for p in defective_values(record, "phone"))
    phones = (*values_of(record, "phone", "phones"), *(p for p in loose_phones if p))
    given, family = person_names(record.get("given_name"), record.get("family_name"))
    city = record.get("city")
    where = place_key(str(city)) if city else None
    names, sounds = _name_keys(given, family, where)
    line = record.get("address_line1")
    street = address_key(str(line)) if line else None
    postcode = id_key(record.get("postcode"))
    return _Facts(
        tuple(emails),
        tuple(tail for p in phones if len(tail := phone_tail(p)) == 8),
        id_key(record.get("national_id")),
        tuple(names),
        tuple(sounds),
        where,
        any(p is not None and p.han for p in (given, family)),
        "".join(sorted(p.initial for p in (given, family) if p is not None)),
        tuple(_date_keys(record)),
        postcode,
        street or None,
        postcode or id_key(record.get("city")) or "",
        house_number(street) if street else None,
    )


def _email(f: _Facts) -> Iterator[str]:
    yield from (f"e:{e}" for e in f.emails)


def _email_local_part(f: _Facts) -> Iterator[str]:
    locals_ = (e.partition("@")[0] for e in f.emails)
    yield from (f"el:{local}" for local in locals_ if len(local) >= 6)


def _phone(f: _Facts) -> Iterator[str]:
    yield from (f"p:{tail}" for tail in f.tails)


def _national_id(f: _Facts) -> Iterator[str]:
    if f.national_id:
        yield f"i:{f.national_id}"


def _name(f: _Facts) -> Iterator[str]:
    if not (f.han and f.where):  # 张伟 with a city meets by name + city only
        yield from (f"n:{name}" for name in f.names if not name.startswith("~"))


def _name_sounds_city(f: _Facts) -> Iterator[str]:
    if not (f.han and f.where):
        yield from (f"n:{name}" for name in f.names if name.startswith("~"))


def _name_city(f: _Facts) -> Iterator[str]:
    if f.names and f.where:  # common names: the whole-name block is capped, name + city not
        yield f"nc:{f.names[0]}|{f.where}"


def _birth_date_name_sound(f: _Facts) -> Iterator[str]:
    yield from (f"d:{birth}|{sound}" for birth in f.births for sound in f.sounds)


def _birth_date_initials(f: _Facts) -> Iterator[str]:
    if f.initials:
        yield from (f"di:{birth}|{f.initials}" for birth in f.births)


def _postcode_name_sound(f: _Facts) -> Iterator[str]:
    if f.postcode:
        yield from (f"pc:{f.postcode}|{sound}" for sound in f.sounds)


def _birth_date_postcode(f: _Facts) -> Iterator[str]:
    if f.postcode:
        yield from (f"dp:{birth}|{f.postcode}" for birth in f.births)


def _street_place(f: _Facts) -> Iterator[str]:
    if f.street:
        yield f"a:{f.street}|{f.place}"


def _place_house_number_name_sound(f: _Facts) -> Iterator[str]:
    if f.street and f.number:
        yield from (f"an:{f.place}|{f.number}|{sound}" for sound in f.sounds)


#: Every rule by what it blocks on; the key prefix a rule writes stays what stores hold.
_RULES: dict[tuple[str, ...], Callable[[_Facts], Iterator[str]]] = {
    ("email",): _email,
    ("email_local_part",): _email_local_part,
    ("phone",): _phone,
    ("national_id",): _national_id,
    ("name",): _name,
    ("name_sounds", "city"): _name_sounds_city,
    ("name", "city"): _name_city,
    ("birth_date", "name_sound"): _birth_date_name_sound,
    ("birth_date", "initials"): _birth_date_initials,
    ("postcode", "name_sound"): _postcode_name_sound,
    ("birth_date", "postcode"): _birth_date_postcode,
    ("street", "place"): _street_place,
    ("place", "house_number", "name_sound"): _place_house_number_name_sound,
}


@dataclass(frozen=True)
class BlockingRule:
    """Records sharing a key of this rule are compared: ``block_on("email")``.

    ``on`` names what the key is made of, as readable names (``"name"`` is the whole name
    in either order, with formal given names; a ``"name_sound"`` is each name part's sound
    key; ``"place"`` the postcode, else the city).
    """

    on: tuple[str, ...]

    def __post_init__(self) -> None:
        if self.on not in _RULES:
            known = ", ".join(str(BlockingRule(k)) for k in _RULES)
            raise ValueError(f"no blocking rule on {self.on}: use one of {known}")

    def keys(self, facts: _Facts) -> Iterator[str]:
        return _RULES[self.on](facts)

    def to_dict(self) -> dict[str, Any]:
        return {"on": list(self.on)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> BlockingRule:
        return cls(tuple(str(x) for x in data["on"]))

    def __str__(self) -> str:
        return f"block_on({', '.join(repr(x) for x in self.on)})"


def block_on(*on: str) -> BlockingRule:
    """The rule blocking on these readable names.

    >>> str(block_on("birth_date", "postcode"))
    "block_on('birth_date', 'postcode')"
    """
    return BlockingRule(tuple(on))


#: The rules every model blocks with unless it says otherwise.
DEFAULT_BLOCKING: tuple[BlockingRule, ...] = tuple(BlockingRule(on) for on in _RULES)


def block_keys(
    record: Mapping[str, Any], rules: Sequence[BlockingRule] = DEFAULT_BLOCKING
) -> set[str]:
    """Every key the record can be found under, by the ``rules`` (all, by default).

    >>> keys = block_keys({"given_name": "伟", "family_name": "张", "phone": "+8613800138000"})
    >>> sorted(keys)
    ['n:wei|zhang', 'p:00138000']
    >>> "n:wei|zhang" in block_keys({"given_name": "Zhang", "family_name": "Wei"})
    True
    >>> sorted(block_keys({"email": "zhang.wei@x.cn", "phone": "+8613800138000"},
    ...                   [block_on("email")]))
    ['e:zhang.wei@x.cn']
    """
    facts = _facts(record)
    return {k[:MAX_KEY_LENGTH] for rule in rules for k in rule.keys(facts)}


def shared_rules(
    a: Mapping[str, Any], b: Mapping[str, Any], rules: Sequence[BlockingRule] = DEFAULT_BLOCKING
) -> list[BlockingRule]:
    """The rules under which two records share a key (none: they are never compared).

    >>> [str(r) for r in shared_rules({"email": "a.li@x.cn"}, {"email": "A.Li@x.cn"})]
    ["block_on('email')"]
    """
    left, right = _facts(a), _facts(b)
    return [r for r in rules if set(r.keys(left)) & set(r.keys(right))]
