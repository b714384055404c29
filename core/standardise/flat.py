"""Standardise one record in the flat form (``core.customer.CANONICAL_COLUMNS`` + attributes)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from core.standardise.country import standardise_country
from core.standardise.dates import DateOrder, parse_date
from core.standardise.email import standardise_email
from core.standardise.flags import standardise_flags
from core.standardise.names import detect_script, split_full_name, standardise_name
from core.standardise.phone import standardise_phone
from core.standardise.text import normalise_text


@dataclass(frozen=True, slots=True)
class StandardiseOptions:
    """What a source leaves implicit: the country of its local phone numbers and its date order.

    ``StandardiseOptions(default_region="DE", date_order="dmy")`` reads ``"030 1234567"``
    as a Berlin number and ``"03/05/1990"`` as 3 May. ``source_region`` is where the
    source's own numbers come from (a source's ``phone_region``); a national number is
    read in the record's country, then there, then in ``default_region``.
    """

    default_region: str = "CN"
    date_order: DateOrder = "dmy"
    source_region: str | None = None


def standardise_flat(flat: dict[str, Any], options: StandardiseOptions) -> dict[str, Any]:
    """Return a new flat record in standard form; the input is left as it is.

    Every string is NFKC-normalised with whitespace collapsed and a blank one becomes
    ``None``; ``email``, ``phone`` and ``country`` are standardised, ``birth_date``
    becomes ``"YYYY-MM-DD"``, ``postcode`` is uppercased, ``source_id`` is text,
    consent flags become ``True``/``False`` (``"ja"`` → ``True``) and an explicit
    unknown drops the flag, as a blank does.
    Names lose their titles; a missing full name is built from the parts
    (``张`` + ``伟`` → ``"张伟"``, ``Jane`` + ``Doe`` → ``"Jane Doe"``) and missing parts
    are split from the full name (``"Doe, Jane"`` → given ``Jane``, family ``Doe``, full
    ``"Jane Doe"``). ``name_script`` and ``name_latin`` describe the full name. A value
    that cannot be standardised stays in its cleaned form for the quality checks:
    ``{"phone": "n/a"}`` keeps ``"n/a"``. Other keys only get the text clean-up.
    """
    out = {
        key: (normalise_text(value) or None) if isinstance(value, str) else value
        for key, value in flat.items()
    }
    if "source_id" in out:
        out["source_id"] = _as_text(out["source_id"])
    if "email" in out:
        out["email"] = standardise_email(_as_text(out["email"]))
    if "country" in out:
        out["country"] = standardise_country(_as_text(out["country"]))
    if "phone" in out:
        out["phone"] = _phone(_as_text(out["phone"]), options, out.get("country"))
    if "postcode" in out:
        postcode = _as_text(out["postcode"])
        out["postcode"] = postcode.upper() if postcode else None
    if "birth_date" in out:
        out["birth_date"] = _iso_date(out["birth_date"], options)
    if "consent" in out:
        out["consent"] = standardise_flags(out["consent"])
    _standardise_lists(out, options)
    _standardise_names(out)
    return out


def _standardise_lists(out: dict[str, Any], options: StandardiseOptions) -> None:
    """``emails``/``phones``/``addresses`` lists: standardise each, drop repeats, fill the primary.

    ``{"emails": ["A@x.cn", "a@x.cn", "b@x.cn"]}`` → ``emails ["a@x.cn", "b@x.cn"]`` and
    ``email "a@x.cn"``; a primary already set stays first.
    """
    if out.get("emails"):
        found = [standardise_email(_clean_item(v)) for v in out["emails"]]
        out["emails"] = _first_unique([out.get("email"), *found])
        out["email"] = out["emails"][0] if out["emails"] else None
    if out.get("phones"):
        found = [_phone(_clean_item(v), options, out.get("country")) for v in out["phones"]]
        out["phones"] = _first_unique([out.get("phone"), *found])
        out["phone"] = out["phones"][0] if out["phones"] else None
    if out.get("addresses"):
        addresses = _first_unique([_standardise_address(a) for a in out["addresses"]])
        out["addresses"] = addresses
        if addresses and not any(out.get(c) for c in _PRIMARY_ADDRESS):
            for column, key in _PRIMARY_ADDRESS.items():
                out[column] = addresses[0].get(key)


def phone_regions(options: StandardiseOptions, country: Any) -> tuple[str, ...]:
    """Where a number without a country code may come from, most likely first.

    The record's own country, then the source's region, then the hub's default: a German
    customer's ``"030 2706351"`` in a source whose numbers are Chinese is a Berlin number,
    and ``"015 223449133"`` a German mobile.

    >>> phone_regions(StandardiseOptions("CN", source_region="HK"), "DE")
    ('DE', 'HK', 'CN')
    """
    regions = [options.source_region, options.default_region]
    if isinstance(country, str) and len(country) == 2:
        regions.insert(0, country)
    return tuple(dict.fromkeys(r for r in regions if r))


def _phone(value: str | None, options: StandardiseOptions, country: Any) -> str | None:
    return standardise_phone(value, *phone_regions(options, country))


_PRIMARY_ADDRESS = {
    "address_line1": "line1",
    "address_line2": "line2",
    "city": "city",
    "region": "region",
    "postcode": "postcode",
    "country": "country",
}


def _standardise_address(address: Any) -> dict[str, Any] | None:
    if not isinstance(address, dict):
        return None
    clean = {
        key: _as_text(normalise_text(v) if isinstance(v, str) else v) or None
        for key, v in address.items()
        if key in _PRIMARY_ADDRESS.values()
    }
    if clean.get("country"):
        clean["country"] = standardise_country(clean["country"])
    postcode = clean.get("postcode")
    if postcode:
        clean["postcode"] = postcode.upper()
    return clean if any(clean.values()) else None


def _first_unique(values: list[Any]) -> list[Any]:
    seen: list[Any] = []
    for value in values:
        if value not in (None, "") and value not in seen:
            seen.append(value)
    return seen


def _clean_item(value: Any) -> str | None:
    """A list item gets the clean-up a column value gets, so a second pass finds it equal."""
    return _as_text(normalise_text(value) or None if isinstance(value, str) else value)


def _as_text(value: Any) -> str | None:
    """Spreadsheets hand over numbers: ``13800138000.0`` is the text ``"13800138000"``."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if value.is_integer():
            return str(int(value))
    return normalise_text(str(value)) or None


def _iso_date(value: Any, options: StandardiseOptions) -> Any:
    """``"1990年3月5日"`` → ``"1990-03-05"``; an unreadable date stays for quality to report."""
    if isinstance(value, str):  # birth dates repeat: most are read once per process
        return _iso_text_date(value, options.date_order)
    return _read_iso_date(value, options.date_order)


@lru_cache(maxsize=65_536)
def _iso_text_date(value: str, date_order: DateOrder) -> Any:
    return _read_iso_date(value, date_order)


def _read_iso_date(value: Any, date_order: DateOrder) -> Any:
    try:
        parsed = parse_date(value, date_order)
    except ValueError:
        return value
    return parsed.isoformat() if parsed else None


def _standardise_names(out: dict[str, Any]) -> None:
    parts = (out.get("given_name"), out.get("family_name"), out.get("full_name"))
    if all(part is None or isinstance(part, str) for part in parts):
        # Text only: the cache would take 1 and True for the same key, as dicts do.
        names = _text_names(*parts)
    else:
        names = _names(*parts)
    given, family, full, script, latin = names
    out["given_name"] = given
    out["family_name"] = family
    out["full_name"] = full
    out["name_script"] = script
    out["name_latin"] = latin


#: (given, family, full, script, latin) of a record's names.
_Names = tuple[str | None, str | None, str | None, str | None, str | None]


@lru_cache(maxsize=65_536)
def _text_names(given: str | None, family: str | None, full: str | None) -> _Names:
    """:func:`_names` of text values; names repeat (a family, a common given name)."""
    return _names(given, family, full)


def _names(given_value: Any, family_value: Any, full_value: Any) -> _Names:
    given = _name_part(given_value)
    family = _name_part(family_value)
    full = _as_text(full_value)
    if full is None and (given or family):
        full = _join_name(given, family)
    elif full is not None and given is None and family is None:
        given, family = split_full_name(full)  # before standardise_name drops "张 伟"'s space
        given, family = _name_part(given), _name_part(family)  # as if they had been given
        if "," in full and (given or family):  # "Doe, Jane" is a sort key, not how it is said
            full = _join_name(given, family)
    form = standardise_name(full)
    if form is None:
        return given, family, None, None, None
    return given, family, form.text, form.script, form.latin


def _name_part(value: Any) -> str | None:
    form = standardise_name(_as_text(value))
    return form.text if form else None


def _join_name(given: str | None, family: str | None) -> str:
    """Han names are written family first without a space; others given first with one."""
    han = f"{family or ''}{given or ''}"
    if detect_script(han) == "han":
        return han
    return " ".join(part for part in (given, family) if part)
