"""Teach the matcher this store's data: EM-learned weights and term frequencies, saved to the
config's ``match_model`` file and used by every later run."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from core.settings import HubConfig
from core.store.tables import source_record
from mdm.train import train

SAMPLE = 100_000


@dataclass(frozen=True)
class TrainedModel:
    path: Path
    records: int
    source: str


def train_model(config: HubConfig, engine: Engine, *, seed: int = 0) -> TrainedModel:
    """Train on up to ``SAMPLE`` active staged records (every n-th, so the sample is spread)."""
    t = source_record.c
    with engine.connect() as connection:
        total = connection.execute(
            sa.select(sa.func.count()).where(t.status == "active")
        ).scalar_one()
        step = max(1, total // SAMPLE)
        records = [
            dict(row.record)
            for n, row in enumerate(
                connection.execution_options(yield_per=5000).execute(
                    sa.select(t.record).where(t.status == "active").order_by(t.source, t.source_id)
                )
            )
            if n % step == 0
        ]
    model = train(records, seed=seed)
    path = config.resolve_path(config.match_model)
    path.write_text(json.dumps(model.to_dict(), indent=1, sort_keys=True), encoding="utf-8")
    return TrainedModel(path, len(records), str(model.training.get("source", "em")))
