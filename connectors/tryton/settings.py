"""The ``connection:`` block of a Tryton source in ``hub.yaml``.

Example::

    sources:
      - name: erp
        kind: tryton
        connection:
          url: https://erp.example.com        # trytond's root; RPC goes to {url}/{database}/rpc/
          database: production
          user: crmhub
          password: {env: TRYTON_PASSWORD}   # never the password itself
          page_size: 500

The password is only ever named by the environment variable holding it, so the
file can be committed and shown; its value is registered as a secret when read.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from core.errors import ConfigError
from core.settings import SecretRef
from core.validation_errors import describe_block_error


class TrytonSettings(BaseModel):
    """Where the Tryton server is, who logs in, and how much is read per request.

    ``lookback_seconds`` widens every incremental read backwards: Tryton on
    PostgreSQL stamps a change with the start time of its transaction, so a long
    transaction can commit a change stamped before the saved cursor. Re-reading that
    window costs little (unchanged parties are recognised by their hash and skipped).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    url: str = Field(min_length=1, description="http(s)://host:port of trytond, no database")
    database: str = Field(min_length=1, pattern=r"^[^/\s]+$")
    user: str = Field(min_length=1)
    password: SecretRef
    language: str = Field(default="en", min_length=2)
    page_size: int = Field(default=500, ge=1, le=10_000)
    connect_timeout: float = Field(default=10, gt=0, le=600)
    read_timeout: float = Field(default=120, gt=0, le=3600)
    retries: int = Field(default=2, ge=0, le=10, description="retries of a failed request")
    lookback_seconds: float = Field(default=0, ge=0, le=7 * 24 * 3600)

    @field_validator("url")
    @classmethod
    def _http_root(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(
                f"expected an http(s) URL such as http://erp.local:8000, got {value!r}"
            )
        if parts.username or parts.password:
            raise ValueError(
                "the URL holds credentials; give user: and password: {env: NAME} instead"
            )
        if parts.query or parts.fragment:
            raise ValueError("the URL must not have a query or fragment")
        return value.rstrip("/")

    @field_validator("password", mode="before")
    @classmethod
    def _a_reference(cls, value: Any) -> Any:
        if isinstance(value, str):
            raise ValueError(
                "write the password as {env: NAME} and put it in that environment variable; "
                "a password never lives in the config file"
            )
        return value

    @property
    def endpoint(self) -> str:
        """The database's JSON-RPC endpoint."""
        return f"{self.url}/{self.database}/rpc/"

    @property
    def address(self) -> str:
        """``host:port`` for messages about reaching the server."""
        parts = urlsplit(self.url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        return f"{parts.hostname}:{port}"


def settings_from_connection(connection: Any) -> TrytonSettings:
    """Validate a source's ``connection:`` block; one line per problem, each naming its key."""
    if not isinstance(connection, dict):
        raise ConfigError(
            "connection: expected a mapping with url, database, user and password, "
            f"got {type(connection).__name__}"
        )
    try:
        return TrytonSettings.model_validate(connection)
    except ValidationError as e:
        # not chained: pydantic's own message repeats the input, which may be an inline password
        raise ConfigError(
            describe_block_error("connection", e, allowed=TrytonSettings.model_fields)
        ) from None
