"""The canonical customer, and its flat form used by CSV files, mappings and quality checks."""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, field_validator

#: Column names of the flat form (DESIGN.md). A file with these needs no mapping.
CANONICAL_COLUMNS: tuple[str, ...] = (
    "source_id",
    "given_name",
    "family_name",
    "full_name",
    "company",
    "email",
    "phone",
    "address_line1",
    "address_line2",
    "city",
    "region",
    "postcode",
    "country",
    "birth_date",
    "national_id",
)

#: Optional list-valued keys of the flat form, for sources that hold several of each (an ERP
#: party with two addresses). The single columns above hold the first (primary) one.
MULTI_VALUE_COLUMNS: tuple[str, ...] = ("emails", "phones", "addresses")
#: Keys of one entry of ``addresses``.
ADDRESS_KEYS: tuple[str, ...] = ("line1", "line2", "city", "region", "postcode", "country")

#: Fields the standardisers add to the flat form.
DERIVED_COLUMNS: tuple[str, ...] = ("name_latin", "name_script")

#: Flat key holding the values set aside as field issues, ``{field: [values]}``: kept for
#: matching (as evidence), never a canonical or golden value.
DEFECTIVE = "defective"

#: At least one of these must be present for a record to identify anyone.
IDENTIFYING_COLUMNS: tuple[str, ...] = (
    "full_name",
    "family_name",
    "company",
    "email",
    "phone",
    "national_id",
)

ADDRESS_COLUMNS: tuple[str, ...] = (
    "address_line1",
    "address_line2",
    "city",
    "region",
    "postcode",
    "country",
)

E164 = re.compile(r"^\+[1-9]\d{6,14}(;ext=\d{1,10})?$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")

FlatCustomer = dict[str, Any]


class Address(BaseModel):
    model_config = ConfigDict(frozen=True)

    line1: str | None = None
    line2: str | None = None
    city: str | None = None
    region: str | None = None
    postcode: str | None = None
    country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")

    def is_empty(self) -> bool:
        return not any(self.model_dump().values())


class Customer(BaseModel):
    """A person or an organisation as crm-hub understands it, already standardised.

    Names keep their native script (``full_name="张伟"``) with a Latin form
    beside it (``name_latin="zhang wei"``) so that both spellings can meet.
    """

    model_config = ConfigDict(frozen=True)

    source: str
    source_id: str = Field(min_length=1)
    kind: Literal["person", "organisation"] = "person"
    given_name: str | None = None
    family_name: str | None = None
    full_name: str | None = None
    name_latin: str | None = None
    name_script: str | None = None
    company: str | None = None
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    addresses: tuple[Address, ...] = ()
    birth_date: date | None = None
    identifiers: dict[str, str] = Field(default_factory=dict)
    consent: dict[str, StrictBool] = Field(
        default_factory=dict, description="explicit yes/no per channel; unknown is left out"
    )
    tags: tuple[str, ...] = ()
    attributes: dict[str, Any] = Field(default_factory=dict)

    @field_validator("emails")
    @classmethod
    def _emails_are_normalised(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for email in value:
            if not EMAIL.match(email) or email != email.lower():
                raise ValueError(f"{email!r} is not a normalised email address")
        return value

    @field_validator("phones")
    @classmethod
    def _phones_are_e164(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for phone in value:
            if not E164.match(phone):
                raise ValueError(f"{phone!r} is not in E.164 form")
        return value

    @classmethod
    def from_flat(cls, source: str, flat: FlatCustomer) -> Customer:
        """Build from the flat form; unknown keys become attributes."""
        known = {
            *CANONICAL_COLUMNS,
            *DERIVED_COLUMNS,
            *MULTI_VALUE_COLUMNS,
            "kind",
            "consent",
            "tags",
        }
        primary = Address(
            line1=flat.get("address_line1"),
            line2=flat.get("address_line2"),
            city=flat.get("city"),
            region=flat.get("region"),
            postcode=flat.get("postcode"),
            country=flat.get("country"),
        )
        addresses = _unique(
            [primary, *(Address(**a) for a in flat.get("addresses") or ())],
        )
        identifiers = {"national_id": flat["national_id"]} if flat.get("national_id") else {}
        attributes = {k: v for k, v in flat.items() if k not in known and v not in (None, "")}
        return cls(
            source=source,
            source_id=str(flat.get("source_id") or ""),
            kind=flat.get("kind") or ("organisation" if _is_organisation(flat) else "person"),
            given_name=flat.get("given_name"),
            family_name=flat.get("family_name"),
            full_name=flat.get("full_name"),
            name_latin=flat.get("name_latin"),
            name_script=flat.get("name_script"),
            company=flat.get("company"),
            emails=_unique([flat.get("email"), *(flat.get("emails") or ())]),
            phones=_unique([flat.get("phone"), *(flat.get("phones") or ())]),
            addresses=tuple(a for a in addresses if not a.is_empty()),
            birth_date=flat.get("birth_date"),
            identifiers=identifiers,
            consent=flat.get("consent") or {},
            tags=tuple(flat.get("tags") or ()),
            attributes=attributes,
        )

    def to_flat(self) -> FlatCustomer:
        """The flat form (first email, phone and address), attributes appended."""
        address = self.addresses[0] if self.addresses else Address()
        flat: FlatCustomer = {
            "source_id": self.source_id,
            "given_name": self.given_name,
            "family_name": self.family_name,
            "full_name": self.full_name,
            "company": self.company,
            "email": self.emails[0] if self.emails else None,
            "phone": self.phones[0] if self.phones else None,
            "address_line1": address.line1,
            "address_line2": address.line2,
            "city": address.city,
            "region": address.region,
            "postcode": address.postcode,
            "country": address.country,
            "birth_date": self.birth_date.isoformat() if self.birth_date else None,
            "national_id": self.identifiers.get("national_id"),
        }
        if len(self.emails) > 1:
            flat["emails"] = list(self.emails)
        if len(self.phones) > 1:
            flat["phones"] = list(self.phones)
        if len(self.addresses) > 1:
            flat["addresses"] = [a.model_dump() for a in self.addresses]
        flat.update(self.attributes)
        return flat


def _is_organisation(flat: FlatCustomer) -> bool:
    has_person_name = any(flat.get(k) for k in ("given_name", "family_name", "full_name"))
    return bool(flat.get("company")) and not has_person_name


def _unique(values: list[Any]) -> tuple[Any, ...]:
    """Drop blanks and repeats, keep the first-seen order (the primary value first)."""
    seen: list[Any] = []
    for value in values:
        if value not in (None, "") and value not in seen:
            seen.append(value)
    return tuple(seen)
