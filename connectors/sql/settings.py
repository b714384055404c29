"""The ``connection:`` block of a generic SQL source in ``hub.yaml``.

Either a table::

    connection:
      url: postgresql+psycopg://crm_reader@db.local:5432/crm    # any SQLAlchemy URL
      password: {env: CRM_DB_PASSWORD}                          # or ${CRM_DB_PASSWORD} in url
      table: crm.customers                                      # schema.table, or table
      key_column: customer_id
      cursor_column: updated_at                                 # omit for a full refresh

or a read-only query, whose result columns are what ``key_column`` and
``cursor_column`` name::

    connection:
      url: mysql+pymysql://reader:${SHOP_DB_PASSWORD}@shop-db/shop
      query: SELECT c.id, c.email, a.city, GREATEST(c.changed, a.changed) AS changed
             FROM customer c LEFT JOIN address a ON a.customer_id = c.id
      key_column: id
      cursor_column: changed

Names from the config are checked here and quoted by SQLAlchemy when the
statement is built; values never enter SQL text (they are bound parameters).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from sqlalchemy.engine import URL

from connectors.sql.query import check_select
from core.errors import ConfigError
from core.settings import SecretRef, literal_credentials
from core.validation_errors import describe_block_error

_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
#: A name as people write them: letters (any script), digits, ``_``, ``$``, inner spaces or
#: hyphens. Quotes, semicolons, dots, brackets and control characters are refused.
_IDENTIFIER = re.compile(r"^[^\W\d][\w$]*(?:[ \-][\w$]+)*$")


def _identifier(value: str, what: str) -> str:
    if not _IDENTIFIER.match(value) or len(value) > 128:
        raise ValueError(
            f"{value!r} is not a plain {what} name (letters, digits, _ and $, with inner "
            "spaces or hyphens); name it exactly as the database does, without quotes, "
            "or use query: for anything more"
        )
    return value


class SqlSettings(BaseModel):
    """Which rows of which database, keyed and ordered by which columns."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    url: str = Field(min_length=1, description="SQLAlchemy URL; a password only as ${ENV}")
    password: SecretRef | None = None
    table: str | None = None
    schema_: str | None = Field(default=None, alias="schema")
    query: str | None = None
    key_column: str = Field(min_length=1)
    cursor_column: str | None = None
    page_size: int = Field(default=1000, ge=1, le=100_000)
    connect_timeout: int = Field(default=10, ge=1, le=600)

    @field_validator("url")
    @classmethod
    def _no_inline_password(cls, value: str) -> str:
        try:
            url = sa.make_url(value)
        except (sa.exc.ArgumentError, ValueError) as e:
            raise ValueError(
                "not a SQLAlchemy URL such as postgresql+psycopg://user@host:5432/db "
                f"({type(e).__name__})"
            ) from None
        if literal_credentials(value) or (
            url.password is not None and not _ENV_REF.fullmatch(str(url.password))
        ):
            raise ValueError(
                "the URL holds a password; write it as ${ENV_VAR} inside the URL, or leave it "
                "out and add password: {env: ENV_VAR}"
            )
        return value

    @field_validator("password", mode="before")
    @classmethod
    def _a_reference(cls, value: Any) -> Any:
        if isinstance(value, str):
            raise ValueError(
                "write the password as {env: NAME} and put it in that environment variable; "
                "a password never lives in the config file"
            )
        return value

    @field_validator("key_column", "cursor_column")
    @classmethod
    def _column_name(cls, value: str | None) -> str | None:
        return None if value is None else _identifier(value, "column")

    @field_validator("schema_")
    @classmethod
    def _schema_name(cls, value: str | None) -> str | None:
        return None if value is None else _identifier(value, "schema")

    @field_validator("query")
    @classmethod
    def _read_only_query(cls, value: str | None) -> str | None:
        return None if value is None else check_select(value)

    @model_validator(mode="before")
    @classmethod
    def _split_schema(cls, data: Any) -> Any:
        """``table: crm.customers`` is short for ``table: customers`` + ``schema: crm``."""
        if isinstance(data, dict) and isinstance(data.get("table"), str) and "." in data["table"]:
            if data.get("schema") is not None:
                raise ValueError("give the schema once: in table: schema.name or in schema:")
            schema, _, table = data["table"].partition(".")
            return {**data, "schema": schema, "table": table}
        return data

    @field_validator("table")
    @classmethod
    def _table_name(cls, value: str | None) -> str | None:
        return None if value is None else _identifier(value, "table")

    @model_validator(mode="after")
    def _one_source_of_rows(self) -> SqlSettings:
        if (self.table is None) == (self.query is None):
            raise ValueError("give either table: (with an optional schema) or query:, not both")
        if self.query is not None and self.schema_ is not None:
            raise ValueError("schema: goes with table:; write the schema into the query instead")
        if self.password is not None and sa.make_url(self.url).password is not None:
            raise ValueError("the password is given twice: in the URL and as password:")
        return self

    def resolved_url(self, base_dir: Path) -> URL:
        """The URL to connect with: secrets filled from the environment (and registered as
        secrets), a relative SQLite file placed next to ``hub.yaml``."""
        text = _ENV_REF.sub(lambda m: SecretRef(env=m.group(1)).resolve(), self.url)
        url = sa.make_url(text)
        if self.password is not None:
            url = url.set(password=self.password.resolve())
        if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
            path = Path(url.database).expanduser()
            if not path.is_absolute():
                url = url.set(database=str((base_dir / path).resolve()))
        return url


def settings_from_connection(connection: Any) -> SqlSettings:
    """Validate a source's ``connection:`` block; one line per problem, each naming its key."""
    if not isinstance(connection, dict):
        raise ConfigError(
            "connection: expected a mapping with url, key_column and table or query, "
            f"got {type(connection).__name__}"
        )
    try:
        return SqlSettings.model_validate(connection)
    except ValidationError as e:
        # not chained: pydantic's own message repeats the input, which may hold a password
        raise ConfigError(describe_block_error("connection", e, allowed=_allowed_keys())) from None


def _allowed_keys() -> list[str]:
    return [f.alias or name for name, f in SqlSettings.model_fields.items()]
