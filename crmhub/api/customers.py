"""``/customers``: one golden record by ID (with ETags and alias redirects), and lookups."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from fastapi.responses import JSONResponse

from crmhub.api.auth import require_scope
from crmhub.api.context import context
from crmhub.api.errors import ApiError
from crmhub.api.schemas import Customer, CustomerPage, ErrorBody, MergedAway
from pipeline import read_model
from pipeline.read_model import CustomerQuery, GoldenCustomer

router = APIRouter(tags=["customers"], dependencies=[Depends(require_scope("read"))])

_AUTH_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "no token, or an unknown or revoked one"},
    403: {"model": ErrorBody, "description": "the token lacks the `read` scope"},
    422: {"model": ErrorBody, "description": "a parameter cannot be used as given"},
}
_MAX_TEXT = 320  # longer than any email, phone, name or source ID the store holds


@router.get(
    "/customers/{golden_id}",
    response_model=Customer,
    summary="One golden record",
    responses={
        200: {"headers": {"ETag": {"description": "changes with every version"}}},
        304: {"description": "not modified since the ETag in If-None-Match"},
        307: {
            "model": MergedAway,
            "description": "the ID was merged into another record; Location has the survivor "
            "(temporary: an unmerge may bring the ID back)",
        },
        404: {"model": ErrorBody, "description": "no golden record has ever had this ID"},
        410: {"model": ErrorBody, "description": "the golden record was deleted"},
        **_AUTH_ERRORS,
    },
)
def get_customer(
    golden_id: str,
    request: Request,
    if_none_match: Annotated[
        str | None,
        Header(
            alias="If-None-Match", description="an ETag from an earlier answer", max_length=1000
        ),
    ] = None,
) -> Any:
    """A golden record with the source of each field; an ID that lost a merge redirects."""
    found = (
        read_model.read_customer(context(request).store, golden_id)
        if golden_id.isprintable() and len(golden_id) <= _MAX_TEXT
        else None
    )
    if found is None:
        raise ApiError(404, "not_found", f"no golden record {golden_id!r}")
    if isinstance(found, read_model.MergedAway) and found.survivor_status == "merged":
        raise ApiError(410, "gone", f"{golden_id} was merged, but its merge chain has no end")
    if isinstance(found, read_model.MergedAway):
        location = request.app.url_path_for("get_customer", golden_id=found.survivor)
        body = MergedAway(
            detail=f"{golden_id} was merged into {found.survivor}",
            golden_id=golden_id,
            merged_into=found.survivor,
            location=location,
        )
        return JSONResponse(body.model_dump(), 307, headers={"Location": location})
    if found.status != "active":
        raise ApiError(
            410, "gone", f"golden record {golden_id} was deleted (version {found.version})"
        )
    etag = _etag(found)
    headers = {"ETag": etag, "Cache-Control": "private, no-cache"}
    if if_none_match is not None and _matches(if_none_match, etag):
        return Response(status_code=304, headers=headers)
    return JSONResponse(_json(_customer(found)), headers=headers)


@router.get(
    "/customers",
    response_model=CustomerPage,
    summary="Look customers up",
    responses=_AUTH_ERRORS,
)
def find_customers(
    request: Request,
    email: Annotated[
        str | None, Query(description="any of the customer's addresses", max_length=_MAX_TEXT)
    ] = None,
    phone: Annotated[
        str | None,
        Query(
            description="any of the customer's numbers, written any way "
            "(`0086 138-0013-8000` finds `+8613800138000`)",
            max_length=_MAX_TEXT,
        ),
    ] = None,
    name: Annotated[
        str | None,
        Query(description="the full name or its Latin form, any case", max_length=_MAX_TEXT),
    ] = None,
    source: Annotated[
        str | None, Query(description="a source system, with source_id", max_length=_MAX_TEXT)
    ] = None,
    source_id: Annotated[
        str | None, Query(description="the record's ID in that source", max_length=_MAX_TEXT)
    ] = None,
    limit: Annotated[int, Query(ge=1, le=100, description="records per page")] = 20,
    cursor: Annotated[
        str | None, Query(description="`next` of the previous page", max_length=500)
    ] = None,
) -> Any:
    """Active golden records meeting every condition given (none: all of them), by ID."""
    query = CustomerQuery.from_params(
        email=email,
        phone=phone,
        name=name,
        source=source,
        source_id=source_id,
        default_region=context(request).default_region,
    )
    page = read_model.find_customers(context(request).store, query, limit=limit, cursor=cursor)
    items = [_customer(c) for c in page.customers]
    return JSONResponse({"items": [_json(c) for c in items], "next": page.next_cursor})


def _customer(found: GoldenCustomer) -> Customer:
    return Customer.model_validate(
        {
            "golden_id": found.golden_id,
            "version": found.version,
            "status": found.status,
            "record": found.record,
            "provenance": found.provenance,
            "sources": [{"source": s, "source_id": i} for s, i in found.sources],
            "created_at": found.created_at,
            "updated_at": found.updated_at,
        }
    )


def _json(customer: Customer) -> dict[str, Any]:
    """Fields a record does not have are left out rather than sent as null."""
    return customer.model_dump(mode="json", exclude_none=True)


def _etag(found: GoldenCustomer) -> str:
    return f'"{found.golden_id}.v{found.version}"'


def _matches(if_none_match: str, etag: str) -> bool:
    """RFC 9110 weak comparison: ``*``, or any listed tag equal once ``W/`` is ignored."""
    if if_none_match.strip() == "*":
        return True
    return any(tag.strip().removeprefix("W/") == etag for tag in if_none_match.split(","))
