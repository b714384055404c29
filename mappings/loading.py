"""Finding and loading mapping files: from a path, from the built-in set, or none at all."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from core.customer import CANONICAL_COLUMNS, IDENTIFYING_COLUMNS
from core.errors import ConfigError
from core.validation_errors import describe_validation_error
from core.yaml_files import YamlDocument, read_yaml_document
from mappings.model import Mapping

BUILTIN_DIR = Path(__file__).parent / "sources"
_BUILTIN_NAME = re.compile(r"^[a-z][a-z0-9_\-]*$")


def parse_mapping(
    data: Any, origin: str = "mapping", document: YamlDocument | None = None
) -> Mapping:
    """Validate already-parsed YAML; :class:`ConfigError` names ``origin`` and the key (and,
    given the parsed ``document``, the line and column it was written at)."""
    if data is None:
        raise ConfigError(f"{origin}: empty; a mapping needs at least version and source_id")
    if not isinstance(data, dict):
        raise ConfigError(f"{origin}: expected a mapping of keys at the top level")
    try:
        return Mapping.model_validate(data)
    except ValidationError as e:
        message = describe_validation_error(origin, e, document=document, model=Mapping)
        raise ConfigError(message) from e


def load_mapping(path: Path) -> Mapping:
    """Read and validate one mapping file; its ``name`` defaults to the file's stem."""
    path = Path(path)
    document = read_yaml_document(path)
    data = document.data
    if isinstance(data, dict) and "name" not in data:
        data = {**data, "name": path.stem}
    return parse_mapping(data, str(path), document)


def builtin_mapping_names() -> list[str]:
    """Names of the mapping files shipped in ``mappings/sources/``."""
    return sorted(p.stem for p in BUILTIN_DIR.glob("*.yaml"))


def builtin_mapping_path(name: str) -> Path:
    """The file of the built-in mapping ``name`` (e.g. ``webshop``)."""
    path = BUILTIN_DIR / f"{name}.yaml"
    if not _BUILTIN_NAME.match(name) or not path.is_file():
        known = ", ".join(builtin_mapping_names()) or "none"
        raise ConfigError(f"no built-in mapping named {name!r} (built-in: {known})")
    return path


def resolve_mapping(ref: str | None, base_dir: Path) -> Mapping | None:
    """The mapping a config names: a file relative to ``base_dir``, else a built-in name.

    ``None`` stays ``None`` (the source needs no mapping, see
    :func:`mapping_for_columns`).
    """
    if ref is None:
        return None
    candidate = mapping_file(ref, base_dir) or _candidate(ref, base_dir)
    if candidate.is_file():
        return load_mapping(candidate)
    if _BUILTIN_NAME.match(ref) and (BUILTIN_DIR / f"{ref}.yaml").is_file():
        return load_mapping(BUILTIN_DIR / f"{ref}.yaml")
    known = ", ".join(builtin_mapping_names()) or "none"
    raise ConfigError(
        f"mapping {ref!r}: there is no file {candidate} and no built-in mapping of that name "
        f"(built-in: {known})"
    )


def mapping_file(ref: str | None, base_dir: Path) -> Path | None:
    """The file a config's ``mapping:`` names, or None for a built-in name or no mapping.

    A mapping file is written for the files it reads, so the pipeline holds it
    to their columns; built-in mappings serve many variants of an export.
    """
    if ref is None:
        return None
    candidate = _candidate(ref, base_dir)
    return candidate if candidate.is_file() else None


def _candidate(ref: str, base_dir: Path) -> Path:
    candidate = Path(ref).expanduser()
    return candidate if candidate.is_absolute() else base_dir / candidate


@cache
def identity_mapping() -> Mapping:
    """The mapping of a file whose columns already are the canonical flat form.

    Canonical columns pass through unchanged; any other column becomes an attribute.
    """
    return parse_mapping(
        {
            "version": 1,
            "name": "identity",
            "description": "columns already named as the canonical flat form",
            "source_id": "source_id",
            "fields": {column: column for column in CANONICAL_COLUMNS if column != "source_id"},
        },
        "identity mapping",
    )


def mapping_for_columns(columns: Sequence[str], mapping: Mapping | None) -> Mapping:
    """``mapping`` if given, else the identity mapping when the columns are canonical enough.

    Canonical enough means ``source_id`` plus at least one identifying column
    (full_name, family_name, company, email or phone).
    """
    if mapping is not None:
        return mapping
    present = set(columns)
    if "source_id" in present and present & set(IDENTIFYING_COLUMNS):
        return identity_mapping()
    shown = list(columns[:20]) + ([f"… {len(columns) - 20} more"] if len(columns) > 20 else [])
    raise ConfigError(
        f"this source needs a mapping: its columns ({', '.join(shown) or 'none'}) are not the "
        f"canonical form, which needs source_id and at least one of "
        f"{', '.join(IDENTIFYING_COLUMNS)}; name a mapping file for the source "
        f"(built-in: {', '.join(builtin_mapping_names()) or 'none'})"
    )
