from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import ConfigError, redact
from core.settings import load_config


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "hub.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_minimal_config_gets_sensible_defaults(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "sources: []\n"))
    assert config.default_region == "CN"
    assert config.store_url() == f"sqlite:///{(tmp_path / 'crmhub.db').resolve()}"


def test_an_error_names_the_file_the_key_and_the_expectation(tmp_path: Path) -> None:
    path = write(tmp_path, "sources:\n  - name: crm\n    kind: spreadsheet\n    trust: high\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert f"{path}:4:5: sources[0].trust: Input should be a valid integer" in str(caught.value)


def test_an_unknown_key_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r":1:1: unknown key 'stor' \(did you mean 'store'\?\)"):
        load_config(write(tmp_path, "stor: sqlite:///x.db\n"))


def test_broken_yaml_names_the_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"hub.yaml:2:\d+: not valid YAML"):
        load_config(write(tmp_path, "sources:\n\t- name: crm\n"))


def test_a_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found"):
        load_config(tmp_path / "nope.yaml")


def test_a_sources_phone_region_is_a_country_code(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "sources:\n  - {name: a, kind: csv, phone_region: HK}\n"))
    assert config.sources[0].phone_region == "HK"
    with pytest.raises(ConfigError, match=r"sources\[0\]\.phone_region: String should match"):
        load_config(write(tmp_path, "sources:\n  - {name: a, kind: csv, phone_region: hk}\n"))


def test_duplicate_source_names_are_refused(tmp_path: Path) -> None:
    text = "sources:\n  - {name: a, kind: csv}\n  - {name: a, kind: csv}\n"
    with pytest.raises(ConfigError, match="repeated: a"):
        load_config(write(tmp_path, text))


def test_a_password_in_the_store_url_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "store: postgresql+psycopg://hub:s3cret@db/hub\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert "use ${ENV_VAR}" in str(caught.value)
    assert "s3cret" not in str(caught.value)


def test_store_url_secrets_come_from_the_environment_and_are_redacted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HUB_DB_PASSWORD", "pa55word-xyz")
    path = write(tmp_path, "store: postgresql+psycopg://hub:${HUB_DB_PASSWORD}@db/hub\n")
    url = load_config(path).store_url()
    assert url == "postgresql+psycopg://hub:pa55word-xyz@db/hub"
    assert "pa55word-xyz" not in redact(f"cannot connect to {url}")


def test_an_unset_secret_variable_is_a_clear_error(tmp_path: Path) -> None:
    path = write(tmp_path, "store: postgresql+psycopg://hub:${NOT_SET_ANYWHERE}@db/hub\n")
    with pytest.raises(ConfigError, match="NOT_SET_ANYWHERE is not set"):
        load_config(path).store_url()
