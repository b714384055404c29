"""Standardise for matching: the keys on which spellings of one value meet.

``core.standardise`` has already written each field in one form (E.164 phones,
lowercase emails, ISO dates, pinyin for Han names). These functions go one step
further, for comparison only: they fold what differs between two records of one
person but never between two people — traditional vs simplified characters,
provider-specific email spellings, street abbreviations. They are pure and cached.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import phonenumbers

from core.customer import DEFECTIVE
from core.standardise import fold_to_ascii, normalise_text
from mdm.han import fold_han, has_han, pinyin_key
from mdm.nicknames import formal_names

_NOT_LETTERS = re.compile(r"[^a-z]")
_NOT_ALNUM = re.compile(r"[^0-9a-z\u3400-\u9fff\uf900-\ufaff]+")
_DIGITS = re.compile(r"\d+")
_NON_DIGITS = re.compile(r"\D")


def latin_key(text: str) -> str:
    """Lowercase ASCII letters only: ``"O'Brien"`` → ``"obrien"``, ``"Jörg"`` → ``"jorg"``.

    >>> latin_key("Smith-Jones"), latin_key("Zoë")
    ('smithjones', 'zoe')
    """
    return _NOT_LETTERS.sub("", fold_to_ascii(normalise_text(text)).lower())


# Letters that sound alike share a digit; vowels, h, w and y separate repeats.
_SOUND_CODES = str.maketrans("bfpvcgjkqsxzdtlmnr", "111122222222334556")
_SOUND_SPELLINGS = (("sch", "s"), ("ph", "f"), ("ck", "k"), ("dt", "t"), ("th", "t"), ("tz", "z"))


def sound_key(latin: str) -> str:
    """A Soundex-like key, tuned for German spellings too: typo-tolerant blocking.

    >>> sound_key("schmidt"), sound_key("smith"), sound_key("schmitt"), sound_key("meyer")
    ('s53', 's53', 's53', 'm6')
    """
    if not latin:
        return ""
    for spelling, sound in _SOUND_SPELLINGS:
        latin = latin.replace(spelling, sound)
    codes = latin.translate(_SOUND_CODES)
    key, last = latin[0], codes[0]
    for code in codes[1:]:
        if code != last and code.isdigit():
            key += code
        last = code if code not in "hw" else last
    return key[:4]


@dataclass(frozen=True, slots=True)
class NamePart:
    """One given or family name in every form a comparison needs.

    ``native`` is the name as written (simplified characters, lowercase Latin),
    ``latin`` its ASCII/pinyin key, ``formal`` the formal names it may stand for.
    """

    native: str
    latin: str
    han: bool
    sound: str
    formal: frozenset[str]

    @property
    def initial(self) -> str:
        return self.latin[:1]


@lru_cache(maxsize=262144)
def name_part(text: str | None, *, surname: bool) -> NamePart | None:
    """Fold a given or family name for comparison; ``None`` when nothing is left.

    >>> part = name_part("張", surname=True)
    >>> part.native, part.latin, part.han
    ('张', 'zhang', True)
    >>> sorted(name_part("Bob", surname=False).formal)
    ['robert']
    """
    if not text:
        return None
    if has_han(text):
        native = fold_han(normalise_text(text)).replace(" ", "")
        latin = pinyin_key(native, surname=surname)
        return NamePart(native, latin, True, sound_key(latin), frozenset((latin,)))
    latin = latin_key(text)
    if not latin:
        return None
    first = latin_key(text.split()[0]) if " " in text.strip() else latin
    formal = frozenset() if surname else formal_names(first)
    return NamePart(latin, latin, False, sound_key(latin), formal)


# Providers that document dots as insignificant and "+tag" sub-addressing.
_DOTS_AND_PLUS = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}
# Providers that document "+tag" sub-addressing only.
_PLUS_ONLY = frozenset(
    {
        "outlook.com",
        "hotmail.com",
        "live.com",
        "msn.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "fastmail.com",
        "fastmail.fm",
        "proton.me",
        "protonmail.com",
        "pm.me",
    }
)


@lru_cache(maxsize=262144)
def email_key(email: str) -> str:
    """The mailbox an address delivers to, where the provider's rules are known.

    Gmail ignores dots and anything after ``+``, and googlemail.com is gmail.com;
    Outlook, iCloud, Fastmail and Proton drop ``+tags``; other providers keep the
    address as written (their local parts may be significant).

    >>> email_key("j.doe+shop@googlemail.com"), email_key("j.doe+x@outlook.com")
    ('jdoe@gmail.com', 'j.doe@outlook.com')
    >>> email_key("j.doe+x@163.com")
    'j.doe+x@163.com'
    """
    local, at, domain = email.strip().lower().rpartition("@")
    if not at:
        return email.strip().lower()
    if domain in _DOTS_AND_PLUS:
        local = local.partition("+")[0].replace(".", "")
        domain = _DOTS_AND_PLUS[domain]
    elif domain in _PLUS_ONLY:
        local = local.partition("+")[0]
    return f"{local}@{domain}"


def phone_number(e164: str) -> str:
    """The number without its extension: ``"+8613800138000;ext=12"`` → ``"+8613800138000"``."""
    return e164.partition(";")[0].strip()


def phone_tail(e164: str) -> str:
    """The last 8 digits, which survive a misread country or trunk prefix.

    >>> phone_tail("+86 (10) 6552-9988"), phone_tail("010 65529988")
    ('65529988', '65529988')
    """
    return _NON_DIGITS.sub("", phone_number(e164))[-8:]


@lru_cache(maxsize=262144)
def is_landline(e164: str) -> bool:
    """True for a fixed-line number, which a household shares; mobiles belong to one person.

    >>> is_landline("+861065529988"), is_landline("+8613800138000")
    (True, False)
    """
    try:
        number = phonenumbers.parse(phone_number(e164), None)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.FIXED_LINE


# Abbreviations written in street lines, as whole words, after folding to lowercase ASCII.
_STREET_WORDS = {
    "st": "street",
    "str": "strasse",
    "rd": "road",
    "ave": "avenue",
    "av": "avenue",
    "dr": "drive",
    "ln": "lane",
    "ct": "court",
    "crt": "court",
    "pl": "place",
    "blvd": "boulevard",
    "hwy": "highway",
    "cres": "crescent",
    "cr": "crescent",
    "tce": "terrace",
    "pde": "parade",
    "sq": "square",
    "cct": "circuit",
    "cl": "close",
    "gr": "grove",
    "mt": "mount",
    "apt": "apartment",
    "no": "",
    "nr": "",
}
_GLUED_STRASSE = re.compile(r"(\w)(?:str\.|str\b|straße|strasse)")
_HAN_NUMBER_SUFFIX = re.compile(r"(\d+)\s*[号號]")


@lru_cache(maxsize=262144)
def address_key(line: str) -> str:
    """A street line with abbreviations spelled out, punctuation and case dropped.

    >>> address_key("Hauptstr. 5"), address_key("5 Hauptstraße")
    ('hauptstrasse 5', '5 hauptstrasse')
    >>> address_key("12 Main St."), address_key("建國路８８號")
    ('12 main street', '建国路 88')
    """
    text = fold_han(normalise_text(line))
    text = _HAN_NUMBER_SUFFIX.sub(r" \1 ", text)
    text = _GLUED_STRASSE.sub(r"\1strasse", fold_to_ascii(text).lower().replace("ß", "ss"))
    words = (_STREET_WORDS.get(w, w) for w in _NOT_ALNUM.sub(" ", text).split())
    return " ".join(w for w in words if w)


def house_number(key: str) -> str | None:
    """The first number in an address key: ``"12 main street"`` → ``"12"``."""
    match = _DIGITS.search(key)
    return match.group() if match else None


def place_key(text: str) -> str:
    """A city or region in letters only, Han names in pinyin: 北京, "Beijing" and "BEIJING" meet.

    >>> place_key("北京"), place_key("Bei-jing"), place_key("München")
    ('beijing', 'beijing', 'munchen')
    """
    if has_han(text):
        text = text.removesuffix("市") if len(text) > 2 else text
        return pinyin_key(text)
    return latin_key(text)


def date_key(value: object) -> str | None:
    """A birth date as eight digits ``YYYYMMDD``; ``None`` when it is not one.

    Standardised dates are ISO; an unreadable one keeps its text, and eight
    digits in it are still worth comparing (a typo such as ``"19560931"``).

    >>> date_key("1985-03-12"), date_key("19560931"), date_key("n/a")
    ('19850312', '19560931', None)
    """
    if value is None:
        return None
    digits = _NON_DIGITS.sub("", str(value))
    return digits if len(digits) == 8 else None


# Defective values (field issues, see ``core.customer.DEFECTIVE``) are evidence, not
# canonical values: these keys read them as loosely as two spellings of one value need.
_MIN_PHONE_DIGITS, _MAX_PHONE_DIGITS = 7, 15
_YEAR_FIRST = re.compile(r"^(?:19|20)\d{6}$")
_YEAR_LAST = re.compile(r"^\d{4}(?:19|20)\d{2}$")


def defective_values(record: Mapping[str, Any], field: str) -> list[str]:
    """The values of ``field`` set aside as field issues (the record's ``defective`` entry).

    >>> defective_values({"defective": {"phone": ["+1 598 261 8470"]}}, "phone")
    ['+1 598 261 8470']
    >>> defective_values({"phone": "+8613800138000"}, "phone")
    []
    """
    found = (record.get(DEFECTIVE) or {}).get(field) or ()
    return [v for v in found if isinstance(v, str) and v.strip()]


def loose_phone(text: str) -> str | None:
    """A defective phone as the number a person dialled: its digits, ``+`` first when the
    text carried an international prefix (``+`` or ``00``); ``None`` when it cannot be a
    number (too short or long, or too few different digits: ``0000000`` is no one's).

    The same unassigned number written twice meets itself, and a valid number that only
    lost its ``+`` meets its E.164 form.

    >>> loose_phone("+1 598 261 8470"), loose_phone("0086 144 8945 6349")
    ('+15982618470', '+8614489456349')
    >>> loose_phone("1-496-657-3636"), loose_phone("12"), loose_phone("000 000 000")
    ('14966573636', None, None)
    """
    stripped = text.strip()
    digits = _NON_DIGITS.sub("", stripped.partition(";")[0])
    international = stripped.startswith("+")
    if not international and digits.startswith("00"):
        digits, international = digits[2:], True
    if not _MIN_PHONE_DIGITS <= len(digits) <= _MAX_PHONE_DIGITS or len(set(digits)) < 3:
        return None
    return f"+{digits}" if international else digits


def loose_email(text: str) -> tuple[str, str] | None:
    """A defective address as (mailbox key, local part @ first domain label), or ``None``.

    Spaces and doubled ``@`` or dots are typing slips and are dropped; the second key lets
    ``zhang.wei@gmail`` (no top-level domain) meet ``zhang.wei@gmail.com``.

    >>> loose_email("Zhang.Wei@@163..com")
    ('zhang.wei@163.com', 'zhang.wei@163')
    >>> loose_email("zhang.wei@gmail"), loose_email("no-at-sign")
    (('zhang.wei@gmail', 'zhang.wei@gmail'), None)
    """
    text = re.sub(r"\s+", "", text.lower())
    text = re.sub(r"@+", "@", re.sub(r"\.{2,}", ".", text)).strip(".")
    local, at, domain = text.rpartition("@")
    local, domain = local.strip("."), domain.strip(".")
    if not at or not local or not domain or "@" in local:
        return None
    return email_key(f"{local}@{domain}"), f"{local}@{domain.split('.')[0]}"


def domain_label_key(email: str) -> str:
    """A valid address as local part @ first domain label, to meet :func:`loose_email`.

    >>> domain_label_key("zhang.wei@gmail.com")
    'zhang.wei@gmail'
    """
    local, _, domain = email.rpartition("@")
    return f"{local}@{domain.split('.')[0]}"


def loose_date_key(text: str) -> str | None:
    """A defective birth date as eight digits year first, or ``None``.

    Year-first digits stay as written, impossible or not (``19890231``, ``1989-31-02``);
    a year written last is read day-month-year (``31.02.1980`` → ``19800231``), and the
    comparison's day/month-swapped level meets a month-first writer all the same.

    >>> loose_date_key("1989-31-02"), loose_date_key("31.02.1980"), loose_date_key("n/a")
    ('19893102', '19800231', None)
    """
    digits = _NON_DIGITS.sub("", text)
    if _YEAR_FIRST.match(digits):
        return digits
    if _YEAR_LAST.match(digits):
        return digits[4:] + digits[2:4] + digits[:2]
    return None


_NOT_ID = re.compile(r"[^0-9A-Z]")


def id_key(value: object) -> str | None:
    """An identifier in uppercase letters and digits only: ``"110 105-1985"`` → ``"1101051985"``."""
    if value is None:
        return None
    text = str(value)
    if not text.isascii():
        text = normalise_text(text)
    key = _NOT_ID.sub("", text.upper())
    return key or None
