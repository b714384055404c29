"""``/changes``: the change feed, read from a cursor the client keeps."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from crmhub.api.auth import require_scope
from crmhub.api.context import context
from crmhub.api.schemas import ChangeEvent, ChangePage, ErrorBody
from pipeline.change_feed import change_page

router = APIRouter(tags=["changes"], dependencies=[Depends(require_scope("read"))])

_MAX_SEQ = 2**63 - 1  # what both stores' integers hold


@router.get(
    "/changes",
    response_model=ChangePage,
    summary="Changes since a sequence number",
    responses={
        401: {"model": ErrorBody, "description": "no token, or an unknown or revoked one"},
        403: {"model": ErrorBody, "description": "the token lacks the `read` scope"},
        422: {"model": ErrorBody, "description": "a parameter cannot be used as given"},
        503: {"model": ErrorBody, "description": "writers hold the feed; retry after a second"},
    },
)
def list_changes(
    request: Request,
    since: Annotated[
        int, Query(ge=0, le=_MAX_SEQ, description="the last seq seen; 0 for everything")
    ] = 0,
    limit: Annotated[int, Query(ge=1, le=1000, description="events per page")] = 100,
) -> Any:
    """Every create, update, merge, merged_away, unmerge and delete after ``since``, in order.

    Keep ``next_since`` and ask again from it: no event is skipped or repeated.
    Apply create/update/merge/unmerge by fetching the record; merged_away and
    delete by dropping it (a merged-away ID redirects to its survivor).
    """
    page = change_page(context(request).store, since, limit)
    events = [
        ChangeEvent(
            seq=e.seq,
            golden_id=e.golden_id,
            kind=e.kind,
            version=e.version,
            recorded_at=e.recorded_at,
            merged_into=e.detail.get("merged_into"),
            absorbed=list(e.detail.get("absorbed") or ()),
        )
        for e in page.events
    ]
    return ChangePage(
        events=events, next_since=page.next_since, last_seq=page.last_seq, more=page.more
    )
