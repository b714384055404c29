"""What the API answers, as pydantic models: the OpenAPI document is generated from these."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class ErrorBody(BaseModel):
    """Every error: a stable code to branch on and a sentence for a person."""

    error: str = Field(examples=["not_found"])
    detail: str = Field(examples=["no golden record 'GXXXXXXXXXXXXXXX'"])


class Address(BaseModel):
    model_config = ConfigDict(extra="allow")

    line1: str | None = None
    line2: str | None = None
    city: str | None = None
    region: str | None = None
    postcode: str | None = None
    country: str | None = None


class CustomerRecord(BaseModel):
    """The golden record's fields (the flat form of DESIGN.md); a source's extra columns
    come along as further keys."""

    model_config = ConfigDict(extra="allow")

    given_name: str | None = None
    family_name: str | None = None
    full_name: str | None = Field(default=None, examples=["张伟"])
    name_latin: str | None = Field(default=None, examples=["zhang wei"])
    name_script: str | None = Field(default=None, examples=["han"])
    company: str | None = None
    email: str | None = Field(default=None, examples=["zhang.wei@example.cn"])
    emails: list[str] | None = Field(default=None, description="all addresses, when several")
    phone: str | None = Field(default=None, description="E.164", examples=["+8613800138000"])
    phones: list[str] | None = Field(default=None, description="all numbers, when several")
    address_line1: str | None = None
    address_line2: str | None = None
    city: str | None = None
    region: str | None = None
    postcode: str | None = None
    country: str | None = Field(default=None, description="ISO 3166 alpha-2", examples=["CN"])
    addresses: list[Address] | None = Field(default=None, description="all, when several")
    birth_date: str | None = Field(default=None, description="YYYY-MM-DD")
    national_id: str | None = None
    consent: dict[str, bool] | None = None
    tags: list[str] | None = None


class FieldSource(BaseModel):
    """Which source record a field's value came from, and by which survivorship rule."""

    source: str
    source_id: str
    rule: str


class SourceRef(BaseModel):
    source: str = Field(examples=["crm"])
    source_id: str = Field(examples=["C1001"])


class Customer(BaseModel):
    """One golden record: a real customer as crm-hub knows them."""

    golden_id: str = Field(examples=["GDZXXQLZDLWWKKLH"])
    version: int = Field(ge=1, description="increases with every change; part of the ETag")
    status: Literal["active"]
    record: CustomerRecord
    provenance: dict[str, FieldSource]
    sources: list[SourceRef] = Field(description="the source records linked to it")
    created_at: datetime
    updated_at: datetime


class CustomerPage(BaseModel):
    items: list[Customer]
    next: str | None = Field(
        description="opaque cursor for the next page (pass as ?cursor=); null on the last page"
    )


class MergedAway(BaseModel):
    """Body of the redirect for an ID that lost a merge (``Location`` has the survivor)."""

    error: Literal["merged"] = "merged"
    detail: str
    golden_id: str
    merged_into: str
    location: str


class ChangeEvent(BaseModel):
    seq: int = Field(ge=1)
    golden_id: str
    kind: str = Field(
        description="create, update, merge, merged_away, unmerge or delete; treat an unknown "
        "kind like update (fetch the record)",
        examples=["update"],
    )
    version: int = Field(ge=1, description="the golden record's version after this change")
    recorded_at: datetime
    merged_into: str | None = Field(default=None, description="for merged_away: the survivor")
    absorbed: list[str] = Field(
        default_factory=list, description="for merge: the IDs merged into it"
    )


class ChangePage(BaseModel):
    events: list[ChangeEvent]
    next_since: int = Field(
        ge=0, description="ask again with ?since= this value; it never skips an event"
    )
    last_seq: int = Field(ge=0, description="the newest event there is now")
    more: bool = Field(description="more events are waiting after this page")


class Health(BaseModel):
    status: Literal["ok", "unavailable"]
    store: Literal["answers", "does not answer"]
