"""Teach the matcher this store's data: EM-learned weights and term frequencies.

``crmhub match train`` saves them to the config's ``match_model`` file for every
later run; without that file a run learns them from the store itself (see
:func:`pipeline.matchers.run_matcher`). Either way the sample is bounded, so learning
costs the same on a store of 100,000 records or of ten million.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from core.settings import HubConfig
from core.store.tables import source_record
from mdm import Model
from mdm.train import train

SAMPLE = 100_000


@dataclass(frozen=True)
class TrainedModel:
    path: Path
    records: int
    source: str


def sample_records(engine: Engine, size: int = SAMPLE) -> list[dict[str, Any]]:
    """Up to ``size`` active staged records, every n-th in key order (spread over the store)."""
    t = source_record.c
    with engine.connect() as connection:
        total = connection.execute(
            sa.select(sa.func.count()).where(t.status == "active")
        ).scalar_one()
        step = max(1, -(-total // size))
        return [
            dict(row.record)
            for n, row in enumerate(
                connection.execution_options(yield_per=5000).execute(
                    sa.select(t.record).where(t.status == "active").order_by(t.source, t.source_id)
                )
            )
            if n % step == 0
        ]


def learn_model(engine: Engine, *, seed: int = 0) -> tuple[Model, int]:
    """A model learned by EM from a sample of the store, and the sample's size."""
    records = sample_records(engine)
    return train(records, seed=seed), len(records)


def train_model(config: HubConfig, engine: Engine, *, seed: int = 0) -> TrainedModel:
    """Learn from up to ``SAMPLE`` active staged records and save the model for later runs."""
    model, records = learn_model(engine, seed=seed)
    path = config.resolve_path(config.match_model)
    path.write_text(json.dumps(model.to_dict(), indent=1, sort_keys=True), encoding="utf-8")
    return TrainedModel(path, records, str(model.training.get("source", "em")))
