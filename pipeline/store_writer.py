"""Open the store for writing: the writer lock first, then the schema, then the work.

Every command that writes the store runs inside ``store_writer``; see
:mod:`core.store.writer_lock` for why and how the lock works.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from core.settings import HubConfig
from core.store import Engine, make_engine, migrate
from core.store.writer_lock import writer_lock


@contextlib.contextmanager
def store_writer(config: HubConfig, purpose: str, *, wait: float = 0.0) -> Iterator[Engine]:
    """The store's engine, held as its only writer for the ``with`` block.

    ``purpose`` names the job in the message another writer gets ("sync", "forget" …);
    ``wait`` is how many seconds to wait for a running writer before failing with exit 1.
    Schema migrations run under the lock too, so two first runs cannot race on them.
    """
    engine = make_engine(config.store_url())
    try:
        with writer_lock(engine, purpose, wait=wait):
            migrate(engine)
            yield engine
    finally:
        engine.dispose()
