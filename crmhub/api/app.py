"""The read API's app factory: routes, auth, errors, and the store it reads."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from core.settings import HubConfig
from crmhub.api import changes, customers, health
from crmhub.api.context import ApiContext
from crmhub.api.errors import install_error_handlers
from pipeline.clock import Clock, utc_now
from pipeline.store import open_store, open_writable

DESCRIPTION = """\
Golden customer records from crm-hub: one record per real customer, with stable IDs.

* `GET /customers/{golden_id}`: a record (ETag; an ID merged away redirects to the survivor).
* `GET /customers?email=…|phone=…|name=…|source=…&source_id=…`: lookups, paged with `next`.
* `GET /changes?since=SEQ`: every change in order; keep `next_since` and poll from it.

Every route but `/health` needs `Authorization: Bearer <token>` with the `read` scope.
"""


def create_app(config: HubConfig, *, clock: Clock = utc_now) -> FastAPI:
    """The API over the store of ``config``; the store must exist and be migrated."""
    api_context = ApiContext(
        store=open_store(config, "read"),
        tokens=open_writable(config),
        default_region=config.default_region,
        clock=clock,
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        api_context.dispose()

    app = FastAPI(
        title="crm-hub read API",
        version="1",
        description=DESCRIPTION,
        lifespan=lifespan,
        redoc_url=None,
    )
    app.state.context = api_context
    install_error_handlers(app)
    app.include_router(customers.router)
    app.include_router(changes.router)
    app.include_router(health.router)
    return app
