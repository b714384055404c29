"""Persistence: tables, migrations, repositories and the unit of work."""

from sqlalchemy.engine import Engine

from core.store.engine import make_engine, migrate
from core.store.unit_of_work import UnitOfWork

#: ``Engine`` is the handle callers pass around; only ``core.store`` uses what is inside it.
__all__ = ["Engine", "UnitOfWork", "make_engine", "migrate"]
