"""The quality: block of hub.yaml: defaults, overrides, and errors that say how to fix them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from core.errors import ConfigError
from core.settings import DEFAULT_SEVERITY, QualitySettings, load_config


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "hub.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_only_checks_that_mean_lost_or_contradictory_data_fail_a_run_by_default() -> None:
    settings = QualitySettings()
    errors = sorted(name for name in DEFAULT_SEVERITY if settings.severity_of(name) == "error")
    assert errors == ["golden_orphans", "reconciliation"]
    assert (settings.volume.band, settings.volume.runs) == (0.5, 5)
    assert settings.freshness.max_age_hours == 72


def test_hub_yaml_overrides_severity_and_thresholds(tmp_path: Path) -> None:
    config = load_config(
        write(
            tmp_path,
            "quality:\n  severity: {volume: error, reconciliation: warn}\n"
            "  volume: {band: 0.3, runs: 10}\n  freshness: {max_age_hours: 24}\n"
            "  max_invalid_share: 0.2\n",
        )
    )
    quality = config.quality
    assert quality.severity_of("volume") == "error"
    assert quality.severity_of("reconciliation") == "warn"
    assert quality.severity_of("schema_drift") == "warn"
    assert (quality.volume.band, quality.volume.runs, quality.freshness.max_age_hours) == (
        0.3,
        10,
        24,
    )
    assert quality.max_invalid_share == 0.2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("quality:\n  severity: {volum: error}\n", "quality.severity: unknown check volum"),
        ("quality:\n  severity: {volume: fatal}\n", "quality.severity.volume: Input should be"),
        ("quality:\n  volume: {band: -1}\n", "quality.volume.band: Input should be greater"),
        (
            "quality:\n  freshness: {max_age: 3}\n",
            "quality.freshness: unknown key 'max_age' (did you mean",
        ),
        ("quality:\n  max_invalid_share: 2\n", "quality.max_invalid_share: Input should be less"),
    ],
)
def test_a_bad_quality_block_names_the_file_and_the_key(
    tmp_path: Path, text: str, message: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert re.search(rf"{re.escape(str(path))}:2:\d+: {re.escape(message)}", str(caught.value))
