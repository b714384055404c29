"""What every request needs: the store (read-only), the token store, the config's region."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from fastapi import Request

from core.store import Engine
from pipeline.clock import Clock, utc_now

#: ``last_used_at`` is written at most this often per token: one write per request would
#: make every read wait for the store's writer lock.
TOUCH_EVERY = timedelta(minutes=1)


@dataclass
class ApiContext:
    store: Engine  # read-only connections
    tokens: Engine  # writable, for last_used_at only
    default_region: str
    clock: Clock = utc_now
    _touched: dict[int, datetime] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def due_for_touch(self, token_id: int, now: datetime) -> bool:
        """True once per :data:`TOUCH_EVERY` for each token (thread-safe)."""
        with self._lock:
            last = self._touched.get(token_id)
            if last is not None and now - last < TOUCH_EVERY:
                return False
            self._touched[token_id] = now
            return True

    def dispose(self) -> None:
        self.store.dispose()
        self.tokens.dispose()


def context(request: Request) -> ApiContext:
    found: ApiContext = request.app.state.context
    return found
