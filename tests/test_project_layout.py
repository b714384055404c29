"""The project is installed, its generic package names resolve here, and every YAML file parses."""

from __future__ import annotations

import importlib
import re
import subprocess
import sys
from pathlib import Path

import pytest

from core.settings import load_config
from mappings import load_mapping

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("core", "connectors", "mappings", "quality", "mdm", "pipeline", "crmhub")


@pytest.mark.parametrize("name", PACKAGES)
def test_package_resolves_to_this_repository(name: str) -> None:
    module = importlib.import_module(name)
    assert Path(module.__file__ or "").resolve().is_relative_to(ROOT / name)


def _yaml_files() -> list[Path]:
    skipped = {".venv", ".tools", "node_modules", ".git"}
    return sorted(
        p
        for pattern in ("*.yaml", "*.yml")
        for p in ROOT.rglob(pattern)
        if not skipped.intersection(p.relative_to(ROOT).parts)
    )


def test_the_repository_has_yaml_files_to_check() -> None:
    names = {p.name for p in _yaml_files()}
    assert {"hub.yaml", "erp_legacy.yaml", "webshop.yaml"} <= names


@pytest.mark.parametrize("path", _yaml_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_yaml_file_in_the_repository_validates(path: Path) -> None:
    if path.name == "hub.yaml" or path.parent.name == "configs":
        load_config(path)
    elif re.fullmatch(r"docker-compose(\.\w+)?\.yml", path.name):
        checked = subprocess.run(
            [
                str(Path(sys.executable).with_name("check-jsonschema")),
                "--builtin-schema",
                "vendor.compose-spec",
                str(path),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        assert checked.returncode == 0, checked.stdout + checked.stderr
    elif "mappings" in path.parts or path.parent == ROOT / "docs" / "examples" / "legacy":
        load_mapping(path)
    elif path == ROOT / "mkdocs.yml":
        from mkdocs.config import load_config as load_mkdocs_config

        load_mkdocs_config(str(path))  # raises on an unknown or invalid setting
    else:
        pytest.fail(f"{path}: no schema known for this YAML file; add one to this test")
