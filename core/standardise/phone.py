"""Phone numbers to E.164, the one spelling that matching and downstream systems share."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers

_MAX_EXTENSION_DIGITS = 10  # what core.customer.E164 accepts after ";ext="
# Chinese extension markers that libphonenumber does not know; it does read ext/x/#.
_CHINESE_EXTENSION = re.compile(r"\s*(?:转|轉|分机|分機)\s*")
# "00" is the international prefix of most of the world; a region whose own prefix
# differs (US "011", HK "001") still gets numbers written the European way.
_LEADING_00 = re.compile(r"^[^\d+]*00(?=\d)")
_E164 = phonenumbers.PhoneNumberFormat.E164
_CARRIED_COUNTRY = (
    phonenumbers.CountryCodeSource.FROM_NUMBER_WITH_PLUS_SIGN,
    phonenumbers.CountryCodeSource.FROM_NUMBER_WITH_IDD,
)
_LENGTH_REASONS = {
    phonenumbers.ValidationResult.TOO_SHORT: "too short",
    phonenumbers.ValidationResult.TOO_LONG: "too long",
    phonenumbers.ValidationResult.INVALID_LENGTH: "of a length no number has",
    phonenumbers.ValidationResult.INVALID_COUNTRY_CODE: "for an unknown country code",
}

_NOT_A_NUMBER = phonenumbers.NumberParseException.NOT_A_NUMBER
_PARSE_REASONS = {
    _NOT_A_NUMBER: "not a phone number",
    phonenumbers.NumberParseException.INVALID_COUNTRY_CODE: "no known country code",
    phonenumbers.NumberParseException.TOO_SHORT_AFTER_IDD: "too short after its country prefix",
    phonenumbers.NumberParseException.TOO_SHORT_NSN: "too short",
    phonenumbers.NumberParseException.TOO_LONG: "too long",
}


@dataclass(frozen=True, slots=True)
class PhoneReading:
    """One phone value as read: its E.164 form when it is valid, and why not when it is not.

    ``text`` is the value as given (trimmed), never altered. ``digits`` are the number's
    digits as dialled internationally (country code + national number, no extension)
    whenever some reading was possible, else every digit of the text; they let matching
    compare a number libphonenumber calls unassigned. ``plausible`` says the number has a
    possible length for its country. ``reason`` is ``None`` exactly when ``e164`` is set,
    and it never repeats the number (it goes to reports).

    >>> reading = read_phone("+1 598 261 8470", "CN")
    >>> reading.e164, reading.digits, reading.plausible, reading.reason
    (None, '15982618470', True, 'not in an assigned number range of +1')
    """

    text: str
    e164: str | None
    digits: str
    plausible: bool
    reason: str | None

    @property
    def valid(self) -> bool:
        return self.e164 is not None


def read_phone(value: str | None, *regions: str) -> PhoneReading | None:
    """Read a phone number in the first of ``regions`` it is valid in; ``None`` when blank.

    ``regions`` (ISO alpha-2) are where a national number may come from, most likely
    first: the record's country, then the source's region, then the hub's default.
    A number that carries its country (``+44 …``, ``0049 …``, or the international
    prefix of the region, such as ``011`` in the US) is read as that country's.
    Nothing else invents a country: ``15024960369`` is a Chinese mobile when read in
    CN and invalid in HK alone; it never becomes the US number ``+1 502 496 0369``.

    A number must be *valid* (``phonenumbers.is_valid_number``: a real number range of
    its country), not merely of a possible length: a false "valid" would merge
    strangers on a shared junk number. An invalid one keeps its digits for matching.
    """
    if value is None:
        return None
    original = value.strip()
    if not original:
        return None
    return _read_text(original, tuple(dict.fromkeys(regions)))


#: Phone readings kept per process: a number repeats across copies of one person and a
#: household's landline across its members; libphonenumber is the costliest standardiser.
PHONE_CACHE_SIZE = 65_536


@lru_cache(maxsize=PHONE_CACHE_SIZE)
def _read_text(original: str, regions: tuple[str, ...]) -> PhoneReading:
    """:func:`read_phone` of a trimmed, non-blank value (a :class:`PhoneReading` is frozen,
    so one reading can be handed to every record that has the same text and regions)."""
    text = original if original.isascii() else unicodedata.normalize("NFKC", original)
    text = _CHINESE_EXTENSION.sub(" ext. ", text)
    readings: list[phonenumbers.PhoneNumber | str] = []
    for reading in _readings(text, regions):  # parsed lazily: the first valid one wins
        if isinstance(reading, phonenumbers.PhoneNumber) and phonenumbers.is_valid_number(reading):
            return _valid(original, reading)
        readings.append(reading)
    parsed = [r for r in readings if isinstance(r, phonenumbers.PhoneNumber)]
    international = [n for n in parsed if n.country_code_source in _CARRIED_COUNTRY]
    likely = international or parsed
    if not likely:
        failures = [r for r in readings if isinstance(r, str)]
        reason = failures[0] if failures else _PARSE_REASONS[_NOT_A_NUMBER]
        return PhoneReading(original, None, _decimal_digits(text), False, reason)
    best = likely[0]
    digits = f"{best.country_code}{phonenumbers.national_significant_number(best)}"
    length = phonenumbers.is_possible_number_with_reason(best)
    if length in _LENGTH_REASONS:
        reason = f"{_LENGTH_REASONS[length]} for +{best.country_code}"
        return PhoneReading(original, None, digits, False, reason)
    reason = f"not in an assigned number range of +{best.country_code}"
    return PhoneReading(original, None, digits, True, reason)


def _readings(text: str, regions: tuple[str, ...]) -> Iterator[phonenumbers.PhoneNumber | str]:
    """The text read in each region, then with a leading ``00`` as ``+``, in that order."""
    for region in regions:
        yield _parse(text, region)
    if _LEADING_00.match(text):
        yield _parse(_LEADING_00.sub("+", text, count=1), "ZZ")


def standardise_phone(value: str | None, *regions: str) -> str | None:
    """Write a phone number in E.164, with ``;ext=`` for an extension; ``None`` when blank.

    ``regions`` are tried in order for numbers written without a country code (see
    :func:`read_phone`): with ``"CN"``, ``"(010) 6552 9988"`` becomes ``"+861065529988"``,
    and ``"86-138 0013 8000"``, ``"0086 13800138000"`` and full-width ``"１３８００１３８０００"``
    all become ``"+8613800138000"``; ``"13800138000转12"`` becomes
    ``"+8613800138000;ext=12"``. An invalid number comes back trimmed but unchanged, for
    the quality checks to report.
    """
    reading = read_phone(value, *regions)
    if reading is None:
        return None
    return reading.e164 or reading.text


def _parse(text: str, region: str) -> phonenumbers.PhoneNumber | str:
    """The number read in ``region``, or why it could not be read."""
    try:
        return phonenumbers.parse(text, region, keep_raw_input=True)
    except phonenumbers.NumberParseException as e:
        return _PARSE_REASONS.get(e.error_type, _PARSE_REASONS[_NOT_A_NUMBER])


def _decimal_digits(text: str) -> str:
    """Every decimal digit of ``text`` in ASCII: ``"٣٤"`` (Arabic-Indic) is ``"34"``."""
    return "".join(str(unicodedata.decimal(c)) for c in text if c.isdecimal())


def _valid(original: str, number: phonenumbers.PhoneNumber) -> PhoneReading:
    e164 = phonenumbers.format_number(number, _E164)
    digits = e164[1:]
    if not number.extension:
        return PhoneReading(original, e164, digits, True, None)
    if len(number.extension) > _MAX_EXTENSION_DIGITS:
        reason = f"extension longer than {_MAX_EXTENSION_DIGITS} digits"
        return PhoneReading(original, None, digits, True, reason)
    return PhoneReading(original, f"{e164};ext={number.extension}", digits, True, None)


def phone_key(e164: str) -> str:
    """The last 8 digits of the number, without extension: a blocking key.

    Two records of one person often differ only in how the country or trunk prefix
    was written; the subscriber digits at the end survive that:
    ``phone_key("+8613800138000;ext=12")`` is ``"00138000"``. Shorter numbers give all
    their digits; a value without digits gives ``""``.
    """
    number = e164.partition(";")[0]
    return _decimal_digits(number)[-8:]
