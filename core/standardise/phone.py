"""Phone numbers to E.164, the one spelling that matching and downstream systems share."""

from __future__ import annotations

import re
import unicodedata

import phonenumbers

_MAX_EXTENSION_DIGITS = 10  # what core.customer.E164 accepts after ";ext="
# Chinese extension markers that libphonenumber does not know; it does read ext/x/#.
_CHINESE_EXTENSION = re.compile(r"\s*(?:转|轉|分机|分機)\s*")
_NON_DIGITS = re.compile(r"\D")
_E164 = phonenumbers.PhoneNumberFormat.E164


def standardise_phone(value: str | None, default_region: str) -> str | None:
    """Write a phone number in E.164, with ``;ext=`` for an extension; ``None`` when blank.

    ``default_region`` (ISO alpha-2) is used for numbers written without a country
    code: with ``"CN"``, ``"(010) 6552 9988"`` becomes ``"+861065529988"``, and
    ``"86-138 0013 8000"``, ``"0086 13800138000"`` and full-width ``"１３８００１３８０００"``
    all become ``"+8613800138000"``; ``"13800138000转12"`` becomes
    ``"+8613800138000;ext=12"``. A number that lacks only its ``+`` (``"44 20 7946
    0958"``) is read as international when it is not valid in the default region.

    A number must be *valid* (``phonenumbers.is_valid_number``: a real number range
    of its country), not merely of a possible length; libphonenumber's metadata
    covers every ITU region, and a false "valid" would merge strangers on a shared
    junk number. Anything else comes back trimmed but unchanged, for the quality
    checks to report.
    """
    if value is None:
        return None
    original = value.strip()
    if not original:
        return None
    text = original if original.isascii() else unicodedata.normalize("NFKC", original)
    text = _CHINESE_EXTENSION.sub(" ext. ", text)
    number = _parse_valid(text, default_region)
    if number is None and not text.startswith("+"):
        number = _parse_valid("+" + text, default_region)
    if number is None:
        return original
    e164 = phonenumbers.format_number(number, _E164)
    if number.extension:
        if len(number.extension) > _MAX_EXTENSION_DIGITS:
            return original
        return f"{e164};ext={number.extension}"
    return e164


def _parse_valid(text: str, region: str) -> phonenumbers.PhoneNumber | None:
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def phone_key(e164: str) -> str:
    """The last 8 digits of the number, without extension: a blocking key.

    Two records of one person often differ only in how the country or trunk prefix
    was written; the subscriber digits at the end survive that:
    ``phone_key("+8613800138000;ext=12")`` is ``"00138000"``. Shorter numbers give all
    their digits; a value without digits gives ``""``.
    """
    number = e164.partition(";")[0]
    return _NON_DIGITS.sub("", number)[-8:]
