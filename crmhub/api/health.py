"""``/health``: no token needed; says whether the store answers (for load balancers)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from crmhub.api.context import context
from crmhub.api.schemas import Health
from pipeline.store import store_answers

router = APIRouter(tags=["health"])


@router.get(
    "/health",
    response_model=Health,
    summary="Whether the server and its store answer",
    responses={503: {"model": Health, "description": "the store does not answer"}},
)
def health(request: Request) -> Any:
    if store_answers(context(request).store):
        return Health(status="ok", store="answers")
    body = Health(status="unavailable", store="does not answer")
    return JSONResponse(body.model_dump(), status_code=503)
