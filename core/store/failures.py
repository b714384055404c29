"""A store that cannot be used, said in one line: which store, and what to fix.

The database driver raises its own errors (``file is not a database``,
``permission denied for table run``) from deep inside a query, with a long
traceback that tells an operator nothing. :func:`store_failure` turns the ones a
person must fix (wrong file, missing rights, unreachable server) into a
:class:`~core.errors.ConfigError` (exit 2); anything else stays a bug to report.
"""

from __future__ import annotations

import sqlalchemy as sa

from core.errors import ConfigError

#: PostgreSQL SQLSTATE classes a person fixes: 28 = authorisation, 42501 = missing privilege,
#: 3D000 = no such database, 08 = cannot connect.
_PG_STATES = {"42501": "the store's database role lacks a right it needs"}
_PG_CLASSES = {"28": "the store refused the login", "08": "cannot reach the store"}
#: SQLite messages (lower case) about the file itself, not about a query.
_SQLITE_FILE_PROBLEMS = (
    "file is not a database",
    "unable to open database file",
    "attempt to write a readonly database",
    "readonly database",
    "disk i/o error",
    "database disk image is malformed",
    "authorization denied",
)


def store_failure(error: BaseException) -> ConfigError | None:
    """The one-line error for a store a person must fix, or None for anything else."""
    if not isinstance(error, sa.exc.DBAPIError) or error.orig is None:
        return None
    detail = (str(error.orig).strip().splitlines() or ["?"])[0]
    store = getattr(error.orig, "crmhub_store", None)
    where = f" ({store})" if store else ""
    state = getattr(error.orig, "sqlstate", None)
    if isinstance(state, str):
        what = _PG_STATES.get(state) or _PG_CLASSES.get(state[:2])
        if state == "3D000":
            what = "the store's database does not exist"
        if what is None:
            return None
        hint = (
            "; grant it on crm-hub's tables (see README, 'PostgreSQL rights')"
            if state == "42501"
            else ""
        )
        return ConfigError(f"{what}{where}: {detail}{hint}")
    if any(problem in detail.lower() for problem in _SQLITE_FILE_PROBLEMS):
        return ConfigError(
            f"the store{where} cannot be used: {detail} (check `store:` in the config, the "
            "file and its folder's permissions)"
        )
    return None
