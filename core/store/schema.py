"""Where a store's schema stands against this code's migrations.

Reading never migrates (Alembic's own advice, and Django's ``migrate``): a
store behind the code is refused until ``crmhub db upgrade`` brings it up, a
store ahead of the code (written by a newer crm-hub) is refused outright, and
only a store with no schema at all may be created by a writer.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from core.errors import ConfigError
from core.store.engine import MIGRATIONS, current_revision
from core.store.tables import metadata

UPGRADE_COMMAND = "crmhub db upgrade"


class SchemaBehind(ConfigError):
    """The store's schema is older than this code's: ``crmhub db upgrade`` brings it up."""


class SchemaAhead(ConfigError):
    """The store was upgraded by a newer crm-hub: this version must not touch it."""


@dataclass(frozen=True)
class SchemaState:
    """The store's revision (``None``: no schema yet), the code's head, and what they mean."""

    found: str | None
    head: str
    known: bool  # ``found`` is a revision of this code's history
    has_tables: bool  # the store holds tables of crm-hub already

    @property
    def current(self) -> bool:
        return self.found == self.head

    @property
    def fresh(self) -> bool:
        """Nothing of crm-hub in the store yet: creating its schema changes no one's data."""
        return self.found is None and not self.has_tables

    @property
    def ahead(self) -> bool:
        return self.found is not None and not self.known

    def refusal(self) -> ConfigError | None:
        """Why a reader or writer must not use the store as it is (``None``: it may)."""
        if self.current:
            return None
        if self.ahead:
            return SchemaAhead(
                f"the store's schema is at revision {self.found}, which this version of "
                f"crm-hub does not know (it goes up to {self.head}): a newer crm-hub upgraded "
                "it; run that version"
            )
        if self.fresh:
            return SchemaBehind(
                f"the store has no crm-hub schema yet: run `{UPGRADE_COMMAND}` "
                "(or a first `crmhub sync`, which creates it)"
            )
        return SchemaBehind(
            f"the store's schema is at revision {self.found or 'none'}, this version of "
            f"crm-hub needs {self.head}: run `{UPGRADE_COMMAND}`"
        )


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory(str(MIGRATIONS)).get_current_head()
    assert head is not None, "the migrations have a head"
    return head


def schema_state(engine: Engine) -> SchemaState:
    """The store's schema against this code's; :class:`ConfigError` if it cannot be reached."""
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    script = ScriptDirectory(str(MIGRATIONS))
    try:
        found = current_revision(engine)
        tables = set(sa.inspect(engine).get_table_names()) & set(metadata.tables)
    except sa.exc.OperationalError as e:
        raise ConfigError(f"cannot reach the store: {e.orig}") from e
    try:
        known = found is None or script.get_revision(found) is not None
    except CommandError:
        known = False
    return SchemaState(found, head_revision(), known, bool(tables))
