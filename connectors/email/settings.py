"""The ``connection:`` block of the mail sources (``imap``, ``mbox``, ``eml``) in ``hub.yaml``.

Example::

    sources:
      - name: sales_mailbox
        kind: imap
        connection:
          host: imap.example.com          # TLS on 993, certificates verified
          user: sales@example.com
          password: {env: SALES_IMAP_PASSWORD}
          folders: [INBOX, Sent]          # Sent: where the owner writes to customers
          own_domains: [example.com]      # colleagues are not customers
          phone_region: DE                # signature phones written without +49
      - name: mail_archive
        kind: mbox                        # or eml: a folder of .eml files
        connection: {path: exports/2019.mbox, own_addresses: [sales@example.com]}

The rules that decide who is a contact (own addresses and domains, no-reply
senders) are the same for every kind, so the same messages give the same
contacts whether they are read over IMAP or from a file.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from core.errors import ConfigError
from core.settings import SecretRef
from core.validation_errors import describe_block_error

#: Local parts (or, with an ``@``, whole addresses) of senders that are machines, not people.
#: Shell-style patterns, matched against the lowercased address.
DEFAULT_SKIP_PATTERNS: tuple[str, ...] = (
    "*noreply*",
    "*no-reply*",
    "*no_reply*",
    "*donotreply*",
    "*do-not-reply*",
    "*do_not_reply*",
    "mailer-daemon",
    "postmaster",
    "bounce*",
    "*-bounces*",
    "notification*",
    "*-notification*",
    "notify",
    "notify-*",
    "*@bounce.*",
    "*@*.bounce.*",
)

_LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


class ContactRules(BaseModel):
    """Who is a contact: everyone in the headers but the owner, colleagues and machines."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    own_addresses: tuple[str, ...] = Field(
        default=(), description="the owner's addresses (the IMAP user is one already)"
    )
    own_domains: tuple[str, ...] = Field(default=(), description="their subdomains count too")
    skip_patterns: tuple[str, ...] = Field(
        default=DEFAULT_SKIP_PATTERNS, description="replaces the default list of machine senders"
    )
    also_skip: tuple[str, ...] = Field(default=(), description="added to skip_patterns")
    phone_region: str | None = Field(
        default=None,
        pattern=r"^[A-Z]{2}$",
        description="region of signature phones without a country code; None: keep only +CC ones",
    )

    @field_validator("own_addresses", "own_domains", "skip_patterns", "also_skip")
    @classmethod
    def _lowercase(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        cleaned = tuple(v.strip().lower().lstrip("@") for v in values)
        if any(not v for v in cleaned):
            raise ValueError("entries must not be empty")
        return cleaned


class ImapSettings(ContactRules):
    """One mailbox on an IMAP server, read incrementally by UID, folder by folder."""

    host: str = Field(min_length=1)
    port: int | None = Field(default=None, ge=1, le=65535, description="None: 993, or 143")
    tls: Literal["ssl", "starttls", "none"] = Field(
        default="ssl", description="none is allowed for loopback test servers only"
    )
    ca_file: str | None = Field(default=None, description="trust this CA (a private one) too")
    user: str = Field(min_length=1)
    password: SecretRef
    folders: tuple[str, ...] = ("INBOX",)
    batch_size: int = Field(default=200, ge=1, le=5000, description="messages per FETCH")
    body_bytes: int = Field(
        default=32_768, ge=0, le=1_048_576, description="text read per message for signatures"
    )
    timeout: float = Field(default=30.0, gt=0, le=600, description="seconds per network call")

    @field_validator("password", mode="before")
    @classmethod
    def _password_is_a_reference(cls, value: Any) -> Any:
        if isinstance(value, str):
            raise ValueError(
                "the password must not be written in the config; "
                "name the environment variable that holds it: password: {env: IMAP_PASSWORD}"
            )
        return value

    @field_validator("folders")
    @classmethod
    def _folders(cls, folders: tuple[str, ...]) -> tuple[str, ...]:
        if not folders or any(not f.strip() for f in folders):
            raise ValueError("list at least one folder, e.g. [INBOX, Sent]")
        if len(set(folders)) != len(folders):
            raise ValueError("a folder is listed twice")
        return folders

    @model_validator(mode="after")
    def _plain_text_only_on_loopback(self) -> ImapSettings:
        if self.tls == "none" and not is_loopback(self.host):
            raise ValueError(
                f"tls: none would send the password unencrypted to {self.host}; "
                "it is allowed for loopback test servers only (use ssl or starttls)"
            )
        if self.ca_file is not None and self.tls == "none":
            raise ValueError("ca_file applies to tls: ssl or starttls only")
        return self

    @property
    def address(self) -> str:
        """``host:port`` as error messages show it."""
        return f"{self.host}:{self.effective_port}"

    @property
    def effective_port(self) -> int:
        if self.port is not None:
            return self.port
        return 993 if self.tls == "ssl" else 143

    @property
    def owner_addresses(self) -> tuple[str, ...]:
        """The configured own addresses, plus the login name when it is an address."""
        user = self.user.strip().lower()
        return (*self.own_addresses, user) if "@" in user else self.own_addresses


class MailFileSettings(ContactRules):
    """An ``.mbox`` file, or a folder of ``.eml`` files (searched recursively)."""

    path: str = Field(min_length=1, description="relative paths start at hub.yaml")

    @property
    def owner_addresses(self) -> tuple[str, ...]:
        return self.own_addresses


def is_loopback(host: str) -> bool:
    """``127.0.0.1``, ``::1`` and ``localhost``: the only hosts plain-text IMAP may talk to."""
    name = host.strip().strip("[]").lower()
    if name in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


SettingsT = TypeVar("SettingsT", bound=ContactRules)


def settings_from_connection(model: type[SettingsT], connection: Any) -> SettingsT:
    """Validate a source's ``connection:`` block; errors name each key and what to write."""
    if not isinstance(connection, Mapping):
        raise ConfigError(
            f"connection: expected a mapping of settings, got {type(connection).__name__}"
        )
    try:
        return model.model_validate(dict(connection))
    except ValidationError as e:
        raise ConfigError(describe_block_error("connection", e, allowed=model.model_fields)) from e


def file_settings(connection: Any, base_dir: Path) -> MailFileSettings:
    """:class:`MailFileSettings` with ``path`` made absolute (relative to ``base_dir``)."""
    settings = settings_from_connection(MailFileSettings, connection)
    path = Path(settings.path).expanduser()
    if not path.is_absolute():
        path = base_dir / path
    return settings.model_copy(update={"path": str(path)})
