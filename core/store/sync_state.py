"""Each stream's saved cursor: committed with the batch it describes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from core.store.tables import sync_state
from core.store.upsert import upsert


class SyncStateRepository:
    def __init__(self, connection: sa.Connection) -> None:
        self._c = connection

    def get(self, source: str, stream: str) -> tuple[dict[str, Any], int] | None:
        """The saved state and the run that saved it."""
        row = self._c.execute(
            sa.select(sync_state.c.state, sync_state.c.run_id).where(
                sync_state.c.source == source, sync_state.c.stream == stream
            )
        ).first()
        return (dict(row.state), int(row.run_id)) if row else None

    def save(
        self, source: str, stream: str, state: dict[str, Any], *, run_id: int, at: datetime
    ) -> None:
        upsert(
            self._c,
            sync_state,
            [
                {
                    "source": source,
                    "stream": stream,
                    "state": state,
                    "run_id": run_id,
                    "updated_at": at,
                }
            ],
            key=("source", "stream"),
        )

    def all(self) -> list[sa.Row[Any]]:
        return list(self._c.execute(sa.select(sync_state).order_by(sync_state.c.source)))
