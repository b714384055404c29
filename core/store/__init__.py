"""Persistence: tables, migrations, repositories and the unit of work."""

from core.store.engine import make_engine, migrate
from core.store.unit_of_work import UnitOfWork

__all__ = ["UnitOfWork", "make_engine", "migrate"]
