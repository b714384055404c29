"""Countries to ISO 3166-1 alpha-2, from codes, names in several languages and aliases."""

from __future__ import annotations

import gettext
import re
from functools import lru_cache

import pycountry

from core.standardise.text import fold_to_ascii, normalise_text

__all__ = ["ISO_ALPHA2", "standardise_country"]

#: Every assigned ISO 3166-1 alpha-2 code; the quality checks accept exactly these.
ISO_ALPHA2: frozenset[str] = frozenset(country.alpha_2 for country in pycountry.countries)

# Names people write that ISO does not: short forms, old names, constituent countries.
_ALIASES: dict[str, str] = {
    "UK": "GB",
    "U.K.": "GB",
    "Great Britain": "GB",
    "Britain": "GB",
    "England": "GB",
    "Scotland": "GB",
    "Wales": "GB",
    "Northern Ireland": "GB",
    "USA": "US",
    "U.S.": "US",
    "U.S.A.": "US",
    "America": "US",
    "United States of America": "US",
    "PRC": "CN",
    "P.R. China": "CN",
    "Mainland China": "CN",
    "中国": "CN",
    "中國": "CN",
    "中华人民共和国": "CN",
    "中國大陸": "CN",
    "中国大陆": "CN",
    "大陆": "CN",
    "香港": "HK",
    "中国香港": "HK",
    "Hong Kong SAR": "HK",
    "澳门": "MO",
    "澳門": "MO",
    "中国澳门": "MO",
    "Macau": "MO",
    "台湾": "TW",
    "臺灣": "TW",
    "台灣": "TW",
    "中国台湾": "TW",
    "Republic of China": "TW",
    "日本": "JP",
    "韩国": "KR",
    "韓國": "KR",
    "南韩": "KR",
    "Korea": "KR",
    "Republic of Korea": "KR",
    "朝鲜": "KP",
    "North Korea": "KP",
    "Russia": "RU",
    "俄罗斯": "RU",
    "Россия": "RU",
    "Holland": "NL",
    "The Netherlands": "NL",
    "Czech Republic": "CZ",
    "Turkey": "TR",
    "Vietnam": "VN",
    "Ivory Coast": "CI",
    "Burma": "MM",
    "Swaziland": "SZ",
    "Macedonia": "MK",
    "Cape Verde": "CV",
    "East Timor": "TL",
    "Vatican": "VA",
    "UAE": "AE",
    "U.A.E.": "AE",
    "KSA": "SA",
}

# Languages whose country names pycountry ships and customer data is likely to use.
_LANGUAGES = ("zh_CN", "zh_TW", "zh_HK", "de", "fr", "es", "it", "pt", "nl", "ja", "ko", "ru")
_PUNCTUATION = re.compile(r"[.,'’()]")
_DASHES = re.compile(r"[-‐–—]")


def _key(name: str) -> str:
    """One spelling per name: ``"Côte d'Ivoire"`` and ``"COTE DIVOIRE"`` → ``"cote divoire"``."""
    text = normalise_text(name).casefold().replace("&", " and ")
    text = _DASHES.sub(" ", _PUNCTUATION.sub("", text))
    folded = fold_to_ascii(text)
    text = " ".join(folded.split()) if folded.isascii() else " ".join(text.split())
    return text.removeprefix("the ")


def _name_variants(name: str) -> tuple[str, ...]:
    """ISO writes ``"Korea, Republic of"``; people write ``"Republic of Korea"`` too."""
    head, comma, tail = name.partition(", ")
    return (name, f"{tail} {head}") if comma else (name,)


@lru_cache(maxsize=1)
def _lookup_table() -> dict[str, str]:
    """Map every known spelling's key to alpha-2; built on first use (about 0.1 s)."""
    table: dict[str, str] = {}
    english: list[tuple[str, str]] = []
    for country in pycountry.countries:
        table[country.alpha_2.casefold()] = country.alpha_2
        table[country.alpha_3.casefold()] = country.alpha_2
        table[country.numeric] = country.alpha_2
        for field in ("name", "official_name", "common_name"):
            name = getattr(country, field, None)
            if name:
                english.append((name, country.alpha_2))
    for name, code in english:
        for variant in _name_variants(name):
            table.setdefault(_key(variant), code)
    for alias, code in _ALIASES.items():
        table[_key(alias)] = code
    table.update(_translated_names(english, taken=set(table)))
    return table


def _translated_names(english: list[tuple[str, str]], taken: set[str]) -> dict[str, str]:
    """Country names in :data:`_LANGUAGES`; a name two countries share is left out."""
    found: dict[str, set[str]] = {}
    for language in _LANGUAGES:
        translation = gettext.translation(
            "iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True
        )
        for name, code in english:
            for variant in _name_variants(translation.gettext(name)):
                key = _key(variant)
                if key not in taken:
                    found.setdefault(key, set()).add(code)
    return {key: codes.pop() for key, codes in found.items() if len(codes) == 1}


@lru_cache(maxsize=4096)
def standardise_country(value: str | None) -> str | None:
    """Return the ISO 3166-1 alpha-2 code of a country; ``None`` when blank.

    Reads codes (``"de"``, ``"DEU"``, ``"276"``), English names (``"Germany"``,
    ``"Korea, Republic of"`` and ``"Republic of Korea"``), names in the languages
    customer data comes in (``"Deutschland"``, ``"Allemagne"``, ``"德国"``, ``"中华人民共和国"``)
    and aliases (``"UK"`` → ``"GB"``, ``"USA"`` → ``"US"``, ``"PRC"`` → ``"CN"``, ``"香港"``
    → ``"HK"``), ignoring case, accents, punctuation and full-width forms. An unknown
    value comes back cleaned but unchanged (``"Atlantis"``) for the quality checks
    to report against :data:`ISO_ALPHA2`.
    """
    if value is None:
        return None
    text = normalise_text(value)
    if not text:
        return None
    key = _key(text)
    if key.isdigit():
        key = key.zfill(3)
    return _lookup_table().get(key, text)
