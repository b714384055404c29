"""`crmhub match train`: weights learned from the store are saved and used by later runs."""

from __future__ import annotations

import json
from pathlib import Path

from store_helpers import csv_config  # type: ignore[import-not-found]

from mdm import FellegiSunterMatcher
from pipeline.matchers import matcher_for
from pipeline.store import open_store
from pipeline.sync import sync
from pipeline.training import train_model


def test_a_trained_model_is_saved_and_used_by_the_next_run(tmp_path: Path, customers_csv) -> None:  # type: ignore[no-untyped-def]
    path, _ = customers_csv(600)
    config = csv_config(f"sqlite:///{tmp_path / 'hub.db'}", path)
    assert sync(config).ok
    trained = train_model(config, open_store(config, "write"))
    saved = json.loads(trained.path.read_text())
    assert trained.records > 500 and saved["training"]["source"] != "defaults"
    matcher = matcher_for(config)
    assert isinstance(matcher, FellegiSunterMatcher)
    assert matcher.model.to_dict() == saved
    again = sync(config)
    assert again.ok and again.ledger.total("staged") == 0


def test_a_damaged_model_file_is_a_clear_config_error(tmp_path: Path, customers_csv) -> None:  # type: ignore[no-untyped-def]
    import pytest

    from core.errors import ConfigError

    path, _ = customers_csv(10)
    config = csv_config(f"sqlite:///{tmp_path / 'hub.db'}", path)
    config.resolve_path(config.match_model).write_text("{not json")
    with pytest.raises(ConfigError, match="cannot read the match model"):
        matcher_for(config)
