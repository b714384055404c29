"""The matcher a run resolves with: trained weights, the defaults, or weights learned now."""

from __future__ import annotations

import json
import logging

from core.errors import ConfigError
from core.settings import HubConfig
from core.store import Engine, UnitOfWork
from mdm import FellegiSunterMatcher, Matcher
from mdm.model import default_model
from pipeline.training import learn_model

log = logging.getLogger(__name__)


def matcher_for(config: HubConfig) -> Matcher:
    """The configured matcher: trained weights if ``crmhub match train`` saved some, else the
    defaults (good on their own; training adapts them to the data)."""
    path = config.resolve_path(config.match_model)
    try:
        model = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else default_model()
    except (OSError, ValueError) as e:
        raise ConfigError(f"{path}: cannot read the match model ({e}); retrain or remove it") from e
    thresholds = (config.thresholds.auto_merge, config.thresholds.review)
    return FellegiSunterMatcher.from_model(model, thresholds)


def run_matcher(config: HubConfig, engine: Engine) -> Matcher:
    """The matcher a run resolves with: the saved model, else one learned from the store by
    EM (a bounded sample, only when records are pending: an idle run learns nothing)."""
    if config.resolve_path(config.match_model).is_file():
        return matcher_for(config)
    with UnitOfWork(engine) as uow:
        pending = uow.staging.pending_count()
    if not pending:
        return matcher_for(config)
    model, records = learn_model(engine)
    log.info(
        "no saved match model: weights learned from %d staged records for this run "
        "(crmhub match train saves them)",
        records,
    )
    thresholds = (config.thresholds.auto_merge, config.thresholds.review)
    return FellegiSunterMatcher.from_model(model, thresholds)
