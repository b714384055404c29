"""``hub.yaml``: the one config file, parsed into pydantic models.

Errors name the file, the key and what was expected. Secrets never live in the
file: a value ``{env: NAME}`` (or ``${NAME}`` inside the store URL) is read from
the environment when it is used.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from core.errors import ConfigError, register_secret

_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_URL_WITH_PASSWORD = re.compile(r"^[a-zA-Z][\w+.\-]*://[^:/@\s]+:(?!\$\{)[^@\s]+@")


class SecretRef(BaseModel):
    """A secret named by the environment variable that holds it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    env: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")

    def resolve(self) -> str:
        value = os.environ.get(self.env)
        if value is None:
            raise ConfigError(f"environment variable {self.env} is not set (it holds a secret)")
        register_secret(value)
        return value


class Thresholds(BaseModel):
    """Match probabilities (0..1): ``auto_merge`` and up merge, ``review`` and up ask a steward."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    auto_merge: float = Field(default=0.90, ge=0, le=1)
    review: float = Field(default=0.75, ge=0, le=1)

    @model_validator(mode="after")
    def _ordered(self) -> Thresholds:
        if self.review > self.auto_merge:
            raise ValueError("review must not be above auto_merge")
        return self


class SourceConfig(BaseModel):
    """One source system. ``connection`` is checked by the connector of ``kind``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z][a-z0-9_\-]*$")
    kind: str
    connection: dict[str, Any] = Field(default_factory=dict)
    mapping: str | None = None
    schedule: str | None = None
    trust: int = Field(default=50, ge=0, le=100, description="survivorship priority, higher wins")
    batch_size: int = Field(default=1000, ge=1, le=100_000)


class BackupSettings(BaseModel):
    """Where backups go (relative to the config file) and how many are kept."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    directory: str = "backups"
    keep: int = Field(default=7, ge=1, le=1000)


class HubConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    store: str = "sqlite:///crmhub.db"
    default_region: str = Field(default="CN", pattern=r"^[A-Z]{2}$")
    date_order: Literal["dmy", "mdy", "ymd"] = "dmy"
    sources: tuple[SourceConfig, ...] = ()
    thresholds: Thresholds = Thresholds()
    backup: BackupSettings = BackupSettings()
    base_dir: Path = Field(default=Path(), exclude=True)

    @field_validator("store")
    @classmethod
    def _no_inline_password(cls, value: str) -> str:
        if _URL_WITH_PASSWORD.match(value):
            raise ValueError("the store URL holds a password; use ${ENV_VAR} for it instead")
        return value

    @model_validator(mode="after")
    def _unique_source_names(self) -> HubConfig:
        names = [s.name for s in self.sources]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"source names must be unique; repeated: {', '.join(duplicates)}")
        return self

    def store_url(self) -> str:
        """The store URL with ``${VAR}`` references filled from the environment."""

        def fill(match: re.Match[str]) -> str:
            value = SecretRef(env=match.group(1)).resolve()
            return value

        url = _ENV_REF.sub(fill, self.store)
        if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
            relative = url.removeprefix("sqlite:///")
            if relative and relative != ":memory:":
                url = f"sqlite:///{(self.base_dir / relative).resolve()}"
        return url

    def source(self, name: str) -> SourceConfig:
        for source in self.sources:
            if source.name == name:
                return source
        known = ", ".join(s.name for s in self.sources) or "none"
        raise ConfigError(f"no source named {name!r} in the config (known: {known})")

    def resolve_path(self, value: str | Path) -> Path:
        """A path from the config, relative to the config file's folder."""
        path = Path(value).expanduser()
        return path if path.is_absolute() else (self.base_dir / path)


def describe_validation_error(origin: str, error: ValidationError) -> str:
    """One line per problem: ``hub.yaml: sources[1].kind: Field required``."""
    lines = []
    for item in error.errors():
        key = ""
        for part in item["loc"]:
            key += f"[{part}]" if isinstance(part, int) else (f".{part}" if key else str(part))
        message = item["msg"].removeprefix("Value error, ")
        lines.append(f"{origin}: {key or '(top level)'}: {message}")
    return "\n".join(lines)


def parse_yaml_file(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as e:
        raise ConfigError(f"{path}: file not found") from e
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"{path}: cannot read ({e})") from e
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark is not None else ""
        problem = getattr(e, "problem", None) or str(e)
        raise ConfigError(f"{path}{where}: not valid YAML ({problem})") from e


def load_config(path: str | Path) -> HubConfig:
    """Read and validate ``hub.yaml``; raise :class:`ConfigError` naming file and key."""
    path = Path(path)
    data = parse_yaml_file(path)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of keys at the top level")
    try:
        return HubConfig.model_validate({**data, "base_dir": path.parent.resolve()})
    except ValidationError as e:
        raise ConfigError(describe_validation_error(str(path), e)) from e
