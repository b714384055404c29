"""One transaction around one step of a use case; only ``pipeline`` opens it."""

from __future__ import annotations

from types import TracebackType

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from core.store.erasure import ErasureRepository
from core.store.field_issues import FieldIssueRepository
from core.store.golden import GoldenRepository
from core.store.matching import MatchingRepository
from core.store.privacy import PrivacyRepository
from core.store.quarantine import QuarantineRepository
from core.store.runs import RunRepository
from core.store.staging import StagingRepository
from core.store.sync_state import SyncStateRepository
from core.store.tokens import TokenRepository


class UnitOfWork:
    """``with UnitOfWork(engine) as uow: ...; uow.commit()`` — leaving without commit rolls back."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._connection: sa.Connection | None = None
        self._transaction: sa.RootTransaction | None = None

    def __enter__(self) -> UnitOfWork:
        self._connection = self._engine.connect()
        self._transaction = self._connection.begin()
        connection = self._connection
        self.runs = RunRepository(connection)
        self.staging = StagingRepository(connection)
        self.quarantine = QuarantineRepository(connection)
        self.field_issues = FieldIssueRepository(connection)
        self.sync_state = SyncStateRepository(connection)
        self.golden = GoldenRepository(connection)
        self.matching = MatchingRepository(connection)
        self.tokens = TokenRepository(connection)
        self.privacy = PrivacyRepository(connection)
        self.erasure = ErasureRepository(connection)
        return self

    @property
    def connection(self) -> sa.Connection:
        assert self._connection is not None, "use the unit of work in a with block"
        return self._connection

    def commit(self) -> None:
        assert self._transaction is not None
        self._transaction.commit()
        self._transaction = self.connection.begin()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._connection is not None and self._transaction is not None
        if self._transaction.is_active:
            self._transaction.rollback()
        self._connection.close()
        self._connection = None
