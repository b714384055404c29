"""How an HTTP source is reached: base URL, timeouts, retries, pacing.

Every HTTP connector takes an optional ``http:`` block in its ``connection``
(:class:`HttpOptions`) and adds the base URL it derives from its own keys
(:class:`HttpSettings`). Example::

    connection:
      shop: acme.myshopify.com
      http: {read_timeout: 30, max_retries: 3, requests_per_second: 2}
"""

from __future__ import annotations

import ipaddress
from typing import Annotated, Any, TypeVar
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
)

from core.errors import ConfigError, register_secret
from core.settings import SecretRef
from core.validation_errors import describe_block_error

Model = TypeVar("Model", bound=BaseModel)


class HttpOptions(BaseModel):
    """What a connection's ``http:`` block may tune; the defaults suit a vendor API."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    connect_timeout: float = Field(default=10.0, gt=0, description="seconds to open a connection")
    read_timeout: float = Field(default=60.0, gt=0, description="seconds to wait for an answer")
    max_retries: int = Field(default=5, ge=0, le=20, description="retries after the first try")
    backoff_base: float = Field(default=1.0, ge=0, description="first retry delay, seconds")
    backoff_cap: float = Field(default=60.0, ge=0, description="longest retry delay, seconds")
    jitter: float = Field(
        default=0.5, ge=0, le=1, description="share of each delay drawn at random (0: none)"
    )
    retry_after_cap: float = Field(
        default=300.0,
        ge=0,
        description="longest Retry-After honoured; a source asking more fails the run for now",
    )
    requests_per_second: float | None = Field(default=None, gt=0, description="None: no limit")
    user_agent: str = Field(default="crm-hub/0.1 (customer data sync)", min_length=1)


class HttpSettings(HttpOptions):
    """:class:`HttpOptions` plus the base URL every relative request path starts at."""

    base_url: str

    @field_validator("base_url")
    @classmethod
    def _absolute_http_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"expected an http(s) URL such as https://example.com, got {value!r}")
        return value.rstrip("/")


def _not_inline(value: Any) -> Any:
    if isinstance(value, str):
        register_secret(value)  # it is in a file already; at least keep it out of every log
        raise ValueError(
            "a secret is never written in the config; write {env: VARIABLE_NAME} and set "
            "that environment variable"
        )
    return value


#: A ``{env: NAME}`` reference; a secret written inline is refused (and masked from then on).
Secret = Annotated[SecretRef, BeforeValidator(_not_inline)]


def is_loopback(host: str | None) -> bool:
    """True for localhost and 127.0.0.0/8 or ::1: traffic that never leaves the machine."""
    if not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def require_https(url: str, key: str) -> str:
    """``url`` unless it sends credentials in clear text to another machine.

    Plain ``http://`` is accepted on loopback only (a local test server or a
    tunnel); anywhere else the credentials would cross the network readable.
    """
    parts = urlsplit(url)
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise ValueError(
            f"{key} {url!r} uses plain http, which would send the credentials unencrypted; "
            "use https:// (plain http is only accepted for localhost)"
        )
    return url


def parse_connection(model: type[Model], connection: Any) -> Model:
    """Validate a source's ``connection:`` block; ConfigError lines name each key.

    >>> parse_connection(HttpOptions, {"read_timeout": 0})
    Traceback (most recent call last):
    core.errors.ConfigError: connection.read_timeout: Input should be greater than 0
    """
    if not isinstance(connection, dict):
        kind = type(connection).__name__
        raise ConfigError(f"connection: expected a mapping of keys, got {kind}")
    try:
        return model.model_validate(connection)
    except ValidationError as e:
        # Not chained: pydantic's text repeats the input, which may hold an inline secret.
        raise ConfigError(
            describe_block_error("connection", e, allowed=model.model_fields)
        ) from None
