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

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import CoreSchema

from core.customer import CANONICAL_COLUMNS
from core.errors import ConfigError, credential_spans, register_secret
from core.json_schema import JsonSchema, or_shorthand
from core.validation_errors import describe_validation_error, unknown_key, written_keys
from core.yaml_files import YamlDocument, read_yaml_document

_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")

Severity = Literal["error", "warn"]


def literal_credentials(url: str) -> bool:
    """Whether ``url`` writes a credential out instead of naming its variable: a password
    (``://user:pw@``, ``://:pw@``) or a credential-named query value (``?password=``,
    ``?pwd=``, ``?secret=``…) that is not exactly one ``${ENV_VAR}`` reference.

    >>> literal_credentials("postgresql://hub:${HUB_PW}@db/hub"), literal_credentials("x://:pw@db")
    (False, True)
    """
    return any(not _ENV_REF.fullmatch(url[a:b]) for a, b in credential_spans(url))


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


#: Records per batch: each batch is validated (one Great Expectations run, whose fixed cost
#: is about that of validating a thousand records) and staged in one transaction.
DEFAULT_BATCH_SIZE = 5000


class SourceConfig(BaseModel):
    """One source system. ``connection`` is checked by the connector of ``kind``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(
        pattern=r"^[a-z][a-z0-9_\-]*$", description="the source's name in the store and the CLI"
    )
    kind: str = Field(description="which connector reads it")
    connection: dict[str, Any] = Field(
        default_factory=dict, description="where and how to read it; its keys depend on kind"
    )
    mapping: str | None = None
    schedule: str | None = Field(default=None, description="informative: when it is synced")
    trust: int = Field(default=50, ge=0, le=100, description="survivorship priority, higher wins")
    batch_size: int = Field(
        default=DEFAULT_BATCH_SIZE,
        ge=1,
        le=100_000,
        description="records read, validated, staged and committed together",
    )
    phone_region: str | None = Field(
        default=None,
        pattern=r"^[A-Z]{2}$",
        description="where the source's national phone numbers come from (ISO alpha-2); "
        "read after the record's country and before default_region",
    )


class BackupSettings(BaseModel):
    """Where backups go (relative to the config file) and how many are kept."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    directory: str = "backups"
    keep: int = Field(default=7, ge=1, le=1000)


#: The checks run after every run, with the severity each has unless ``quality.severity``
#: says otherwise. ``error`` fails the run (and the Airflow task); ``warn`` only reports.
#: Errors by default are the checks that mean records were lost or the store contradicts
#: itself; everything that only means "the data looks worse than usual" warns.
DEFAULT_SEVERITY: dict[str, Severity] = {
    "completeness": "warn",  # records read that identify nobody (no name, company, email, phone)
    "validity": "warn",  # records read quarantined, or staged with a defective value set aside
    "allowed_values": "warn",  # records with a value outside its allowed set (country, kind)
    "uniqueness": "warn",  # one source id on several records read in the run
    "schema_drift": "warn",  # payload fields new, gone or retyped since the source's last run
    "volume": "warn",  # records read far from the median of the source's last runs
    "freshness": "warn",  # the newest change the source reported is too old
    "reconciliation": "error",  # the run's ledger does not add up against the store
    "golden_unique_email": "warn",  # active golden records sharing an email (not pinned apart)
    "golden_unique_phone": "warn",  # the same for a phone number
    "golden_completeness": "warn",  # golden records' mean share of the key fields filled
    "golden_multi_source": "warn",  # share of golden records backed by more than one source
    "golden_orphans": "error",  # cross references to a golden record that is missing/inactive
}


class VolumeSettings(BaseModel):
    """How far a source's records read may stray from its recent runs.

    A run passes when ``read`` lies strictly between ``median × (1 − band)`` and
    ``median × (1 + band)``, the median taken over the last ``runs`` runs of the
    same kind that read the source: with the defaults a source that halves (or
    grows by half) is reported. With no history the check passes with a note.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    band: float = Field(default=0.5, gt=0, le=10)
    runs: int = Field(default=5, ge=1, le=100)


class FreshnessSettings(BaseModel):
    """The newest change a source reported (its ``updated_at``) may be at most this old.

    Sources without change times (plain files without an ``updated_at_column``) pass
    with a note.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_age_hours: float = Field(default=72, gt=0)


FieldPolicy = Literal["keep", "quarantine"]
#: Fields a defective value of which can be set aside (``quality.field_issues``).
FIELD_POLICY_FIELDS: tuple[str, ...] = (
    "email",
    "phone",
    "birth_date",
    "country",
    "kind",
    "consent",
)


class QualitySettings(BaseModel):
    """The ``quality:`` block of hub.yaml: severities and thresholds of the run checks.

    Example::

        quality:
          severity: {volume: error, golden_unique_email: error}
          max_invalid_share: 0.10
          volume: {band: 0.3, runs: 10}
          freshness: {max_age_hours: 24}
          field_policy: {phone: quarantine}

    ``field_policy`` says what a defective value of a field does to its record: ``keep``
    (the default) stages the record with the value set aside as a field issue;
    ``quarantine`` sends the whole record to quarantine instead.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    field_policy: dict[str, FieldPolicy] = Field(
        default_factory=dict,
        json_schema_extra={"propertyNames": {"enum": list(FIELD_POLICY_FIELDS)}},
        description="per field (email, phone, birth_date, country, kind, consent): keep "
        "the record with the value set aside, or quarantine it whole",
    )
    severity: dict[str, Severity] = Field(
        default_factory=dict,
        description="per check: error fails the run, warn only reports",
        json_schema_extra={"propertyNames": {"enum": list(DEFAULT_SEVERITY)}},
    )
    min_completeness: float = Field(
        default=0.95, ge=0, le=1, description="share of records read that must identify someone"
    )
    max_invalid_share: float = Field(
        default=0.05,
        ge=0,
        le=1,
        description="share of records read that may be quarantined, or carry a defective "
        "value (field issues; held per field too)",
    )
    max_disallowed_share: float = Field(
        default=0.05, ge=0, le=1, description="share of records read with a value not allowed"
    )
    volume: VolumeSettings = VolumeSettings()
    freshness: FreshnessSettings = FreshnessSettings()
    min_golden_completeness: float = Field(
        default=0.5, ge=0, le=1, description="mean share of key fields a golden record fills"
    )
    min_multi_source_share: float = Field(
        default=0.0, ge=0, le=1, description="share of golden records with 2+ sources"
    )
    report_dir: str = Field(default="reports", description="relative to the config file")
    trend_runs: int = Field(default=20, ge=2, le=500, description="runs shown in trend charts")
    examples: int = Field(default=3, ge=0, le=50, description="example records per reason")

    @field_validator("severity")
    @classmethod
    def _known_checks(cls, value: dict[str, Severity]) -> dict[str, Severity]:
        unknown = sorted(set(value) - set(DEFAULT_SEVERITY))
        if unknown:
            known = ", ".join(DEFAULT_SEVERITY)
            raise ValueError(f"unknown check {', '.join(unknown)} (known: {known})")
        return value

    @field_validator("field_policy")
    @classmethod
    def _known_fields(cls, value: dict[str, FieldPolicy]) -> dict[str, FieldPolicy]:
        unknown = sorted(set(value) - set(FIELD_POLICY_FIELDS))
        if unknown:
            known = ", ".join(FIELD_POLICY_FIELDS)
            raise ValueError(f"no field policy for {', '.join(unknown)} (fields: {known})")
        return value

    def severity_of(self, check: str) -> Severity:
        """The configured severity of ``check``, else its default."""
        return self.severity.get(check, DEFAULT_SEVERITY[check])


class PrivacySettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    mask_personal_data: bool = Field(
        default=True,
        description="mask emails, phones and names in logs, reports and quarantine listings",
    )


#: Rule names of the ``survivorship:`` block (``union`` only for list fields).
SURVIVORSHIP_RULES: tuple[str, ...] = (
    "source_priority",
    "most_recent",
    "most_complete",
    "most_frequent",
    "longest",
    "union",
)
#: Fields that hold lists and so may take the ``union`` of their members' values.
UNION_FIELDS: tuple[str, ...] = ("emails", "phones", "addresses", "tags")
#: Fields a rule may be set for, besides ``consent.<flag>`` and ``attributes.<name>``
#: (``name_latin``/``name_script`` always come with ``full_name``).
SURVIVING_FIELDS: tuple[str, ...] = (
    *(c for c in CANONICAL_COLUMNS if c != "source_id"),
    *UNION_FIELDS,
    "kind",
    "consent",
)


class RuleSettings(BaseModel):
    """One survivorship rule: ``most_recent`` or ``{rule: source_priority, sources: [erp]}``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rule: str = Field(json_schema_extra={"enum": list(SURVIVORSHIP_RULES)})
    sources: tuple[str, ...] = Field(
        default=(), description="source_priority only: sources best first, else by trust"
    )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchema:
        return or_shorthand(core_schema, handler, {"enum": list(SURVIVORSHIP_RULES)})

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return {"rule": value} if isinstance(value, str) else value

    @field_validator("rule")
    @classmethod
    def _known_rule(cls, value: str) -> str:
        if value not in SURVIVORSHIP_RULES:
            known = ", ".join(SURVIVORSHIP_RULES)
            raise ValueError(f"unknown survivorship rule {value!r} (known: {known})")
        return value

    @model_validator(mode="after")
    def _sources_only_for_priority(self) -> RuleSettings:
        if self.sources and self.rule != "source_priority":
            raise ValueError(f"sources: only source_priority takes a list, not {self.rule}")
        return self


class SurvivorshipSettings(BaseModel):
    """The ``survivorship:`` block: which member's value each golden field takes.

    A blank never wins over a value whatever the rule. Fields without a rule take
    ``default`` (the source with the highest trust, then the most recent);
    ``emails``/``phones``/``addresses`` always take the union; consent flags take
    the most recent explicit yes/no unless ``consent`` or ``consent.<flag>`` says
    otherwise. Example::

        survivorship:
          default: source_priority
          fields:
            phone: most_recent
            company: {rule: source_priority, sources: [erp, crm]}
            tags: union
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    default: RuleSettings = RuleSettings(rule="source_priority")
    fields: dict[str, RuleSettings] = Field(
        default_factory=dict,
        json_schema_extra={
            "propertyNames": {
                "anyOf": [
                    {"enum": list(SURVIVING_FIELDS)},
                    {"pattern": r"^(consent|attributes)\.\S"},
                ]
            }
        },
    )

    @field_validator("default")
    @classmethod
    def _default_is_single(cls, value: RuleSettings) -> RuleSettings:
        if value.rule == "union":
            raise ValueError("union is only for list fields, not the default rule")
        return value

    @field_validator("fields")
    @classmethod
    def _known_fields(cls, value: dict[str, RuleSettings]) -> dict[str, RuleSettings]:
        for name, rule in value.items():
            prefix, dot, rest = name.partition(".")
            if dot and prefix in ("consent", "attributes") and rest.strip():
                field_ok = True
            else:
                field_ok = name in SURVIVING_FIELDS
            if not field_ok:
                known = ", ".join(SURVIVING_FIELDS)
                raise ValueError(
                    f"{name}: unknown field (known: {known}, consent.<flag>, attributes.<name>)"
                )
            if rule.rule == "union" and name not in UNION_FIELDS:
                raise ValueError(f"{name}: union is only for {', '.join(UNION_FIELDS)}")
            if name in UNION_FIELDS[:3] and rule.rule != "union":
                raise ValueError(f"{name}: holds every member's values, only union fits")
        return value

    def named_sources(self) -> dict[str, tuple[str, ...]]:
        """Sources named by ``source_priority`` rules, by where they are named."""
        found = {"default": self.default.sources}
        found.update({f"fields.{n}": r.sources for n, r in self.fields.items()})
        return {k: v for k, v in found.items() if v}


class HubConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    store: str = "sqlite:///crmhub.db"
    default_region: str = Field(default="CN", pattern=r"^[A-Z]{2}$")
    date_order: Literal["dmy", "mdy", "ymd"] = "dmy"
    sources: tuple[SourceConfig, ...] = ()
    thresholds: Thresholds = Thresholds()
    backup: BackupSettings = BackupSettings()
    quality: QualitySettings = QualitySettings()
    privacy: PrivacySettings = PrivacySettings()
    survivorship: SurvivorshipSettings = SurvivorshipSettings()
    match_model: str = Field(
        default="match-model.json",
        description="trained matcher weights (crmhub match train); defaults until it exists",
    )
    workers: int = Field(
        default_factory=lambda: os.cpu_count() or 1,
        ge=1,
        le=256,
        description="processes that standardise, validate and score in parallel "
        "(default: the machine's cores); results are the same for any number",
    )
    base_dir: Path = Field(default=Path(), exclude=True)
    #: the file it was read from, with where each key was written (None: built in code)
    _document: tuple[Path, YamlDocument] | None = PrivateAttr(default=None)

    def written_at(
        self, path: tuple[str | int, ...], *, within: tuple[str | int, ...] = ()
    ) -> str | None:
        """``hub.yaml:12:7`` for a key path such as ``("sources", 0, "connection", "sheet")``
        (a missing key: where its block is), or None when the file does not hold ``within``
        (a source added by a command line, not written in the file)."""
        if self._document is None:
            return None
        file, document = self._document
        if within and within not in document.positions:
            return None
        position = document.position(path)
        return f"{file}:{position[0]}:{position[1]}" if position else None

    @field_validator("store")
    @classmethod
    def _no_inline_password(cls, value: str) -> str:
        if literal_credentials(value):
            raise ValueError("the store URL holds a password; use ${ENV_VAR} for it instead")
        return value

    @model_validator(mode="after")
    def _unique_source_names(self) -> HubConfig:
        names = [s.name for s in self.sources]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"source names must be unique; repeated: {', '.join(duplicates)}")
        return self

    @model_validator(mode="after")
    def _survivorship_names_known_sources(self) -> HubConfig:
        names = {s.name for s in self.sources}
        for where, sources in self.survivorship.named_sources().items():
            unknown = sorted(set(sources) - names)
            if unknown:
                known = ", ".join(sorted(names)) or "none"
                raise ValueError(
                    f"survivorship.{where}.sources: no source named {', '.join(unknown)} "
                    f"(known: {known})"
                )
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


def load_config(path: str | Path) -> HubConfig:
    """Read and validate ``hub.yaml``; raise :class:`ConfigError` naming file and key."""
    path = Path(path)
    document = read_yaml_document(path)
    data = {} if document.data is None else document.data
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of keys at the top level")
    if "base_dir" in data:  # set from the file's place, never written
        raise ConfigError(_describe_unknown(path, document, "base_dir"))
    try:
        config = HubConfig.model_validate({**data, "base_dir": path.parent.resolve()})
        config._document = (path, document)
        return config
    except ValidationError as e:
        message = describe_validation_error(str(path), e, document=document, model=HubConfig)
        raise ConfigError(message) from e


def _describe_unknown(path: Path, document: YamlDocument, key: str) -> str:
    """The line for a top-level key hub.yaml does not know."""
    line, column = document.position((key,)) or (1, 1)
    known = [k for k in written_keys(HubConfig) if k != key]
    return f"{path}:{line}:{column}: {unknown_key(key, known)}"
