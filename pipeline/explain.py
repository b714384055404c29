"""Explanations for people: why a golden record holds its members, why two records match."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.errors import ConfigError
from core.settings import HubConfig
from core.store import Engine, UnitOfWork
from mdm import record_key
from mdm.blocking import DEFAULT_BLOCKING, shared_rules
from mdm.ids import parse_record_key
from pipeline.matchers import matcher_for
from pipeline.views import GoldenView, golden_view


def explain_golden(engine: Engine, golden_id: str) -> tuple[GoldenView, list[Any]]:
    """The golden record and every stored decision between two of its members."""
    view = golden_view(engine, golden_id)
    with UnitOfWork(engine) as uow:
        decisions = uow.matching.decisions_among([record_key(*m) for m in view.members])
    return view, decisions


@dataclass(frozen=True)
class PairExplanation:
    left: dict[str, Any]
    right: dict[str, Any]
    probability: float
    outcome: str
    explanation: dict[str, Any]
    stored: Any
    blocked_by: tuple[str, ...] = ()  # the model's blocking rules the two share a key under


def explain_pair(engine: Engine, config: HubConfig, left: str, right: str) -> PairExplanation:
    """Score two staged records with the configured matcher, as a run would now."""
    keys = [parse_record_key(left), parse_record_key(right)]
    with UnitOfWork(engine) as uow:
        rows = uow.staging.records(keys)
        for given, key in zip((left, right), keys, strict=True):
            if key not in rows:
                raise ConfigError(f"no staged record {given} (write it as SOURCE:ID)")
        stored = uow.matching.decision(left, right)
    matcher = matcher_for(config)
    a, b = dict(rows[keys[0]].record), dict(rows[keys[1]].record)
    score = matcher.score(a, b)
    rules = getattr(getattr(matcher, "model", None), "blocking", DEFAULT_BLOCKING)
    blocked_by = tuple(str(rule) for rule in shared_rules(a, b, rules))
    return PairExplanation(
        a, b, score.probability, matcher.decide(score), score.explanation(), stored, blocked_by
    )
