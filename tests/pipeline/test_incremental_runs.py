"""Loading in one run or in ten: the same golden records, and one event per new customer."""

from __future__ import annotations

import csv
import json
import random
from collections import Counter
from pathlib import Path

import pytest
import sqlalchemy as sa
from store_helpers import table  # type: ignore[import-not-found]

from core.settings import HubConfig, SourceConfig
from core.store.tables import change_event, source_record, xref
from mdm.model import default_model
from pipeline.run import RunOptions
from pipeline.sync import sync

COLUMNS = ["source_id", "given_name", "family_name", "full_name", "email", "phone"]
COLUMNS += ["postcode", "city", "birth_date"]

FAMILY = ["张", "王", "李", "刘", "陈"]
GIVEN = ["伟", "芳", "敏", "静", "磊"]
PINYIN = {"张": "Zhang", "王": "Wang", "李": "Li", "刘": "Liu", "陈": "Chen"}
PINYIN |= {"伟": "Wei", "芳": "Fang", "敏": "Min", "静": "Jing", "磊": "Lei"}


def people_rows(people: int, seed: int = 11) -> list[dict[str, str]]:
    """People appearing one to four times: characters or pinyin in either order, dropped and
    re-spelled emails and phones, a few typos; few names, so many strangers share one, and
    households share a landline and a postcode."""
    rng = random.Random(seed)
    rows: list[dict[str, str]] = []
    homes = [
        (f"+86 10 6{rng.randrange(10**7):07d}", f"1000{rng.randrange(10, 99)}") for _ in "x" * 40
    ]
    for pid in range(people):
        family, given = rng.choice(FAMILY), rng.choice(GIVEN)
        landline, postcode = rng.choice(homes)
        own = {
            "email": f"p{pid}.{rng.randrange(10**5)}@example.cn",
            "phone": f"+86 139 {rng.randrange(10**8):08d}" if rng.random() < 0.7 else landline,
            "postcode": postcode,
            "city": "北京",
            "birth_date": f"19{rng.randrange(50, 99)}-{rng.randrange(1, 13):02d}-"
            f"{rng.randrange(1, 29):02d}",
        }
        for copy in range(rng.choice((1, 2, 2, 3, 4))):
            row = dict(own, source_id=f"{pid}-{copy}")
            style = rng.random()
            if style < 0.4:
                row["full_name"] = family + given
            elif style < 0.7:
                row.update(given_name=PINYIN[given], family_name=PINYIN[family])
            else:
                row["full_name"] = f"{PINYIN[family].upper()} {PINYIN[given]}"
            if copy:
                for name in ("email", "phone", "birth_date", "postcode"):
                    if rng.random() < 0.35:
                        row[name] = ""
                if row["email"] and rng.random() < 0.3:
                    row["email"] = row["email"].upper()
            rows.append(row)
    rng.shuffle(rows)
    return rows


def write_rows(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows([{c: row.get(c, "") for c in COLUMNS} for row in rows])
    return path


def config_for(store: str, path: Path, model: Path) -> HubConfig:
    source = SourceConfig(name="crm", kind="spreadsheet", connection={"path": str(path)})
    return HubConfig(store=store, sources=(source,), base_dir=path.parent, match_model=str(model))


def clusters(config: HubConfig) -> set[frozenset[str]]:
    members: dict[str, set[str]] = {}
    for row in table(config, xref):
        members.setdefault(row.golden_id, set()).add(row.source_id)
    return {frozenset(m) for m in members.values()}


@pytest.fixture
def saved_model(tmp_path: Path) -> Path:
    """A fixed match model: the runs compare clustering, not weights learned per run."""
    path = tmp_path / "match-model.json"
    path.write_text(json.dumps(default_model().to_dict()), encoding="utf-8")
    return path


@pytest.mark.slow
def test_one_run_and_ten_incremental_runs_give_the_same_golden_records(
    tmp_path: Path, saved_model: Path
) -> None:
    rows = people_rows(260)
    once = config_for(
        f"sqlite:///{tmp_path / 'once.db'}", write_rows(tmp_path / "all.csv", rows), saved_model
    )
    assert sync(once, RunOptions(check_quality=False)).ok

    growing = tmp_path / "growing.csv"
    in_steps = config_for(f"sqlite:///{tmp_path / 'steps.db'}", growing, saved_model)
    for step in range(1, 11):
        write_rows(growing, rows[: len(rows) * step // 10])
        assert sync(in_steps, RunOptions(check_quality=False)).ok

    found = clusters(once)
    assert len(table(once, source_record)) == len(rows)
    assert sum(len(c) > 1 for c in found) > 100  # the set really has duplicates to find
    assert clusters(in_steps) == found


def test_a_first_load_emits_one_create_per_golden_record_and_no_update(
    store_url: str, tmp_path: Path, saved_model: Path
) -> None:
    rows = people_rows(500, seed=5)  # > 1 resolve batch of 500
    config = config_for(store_url, write_rows(tmp_path / "all.csv", rows), saved_model)
    small_batches = config.sources[0].model_copy(update={"batch_size": 25})
    config = config.model_copy(update={"sources": (small_batches,)})
    result = sync(config, RunOptions(check_quality=False))
    assert result.ok, result.problems

    events = table(config, change_event)
    golden_ids = {row.golden_id for row in table(config, xref)}
    assert Counter(e.kind for e in events) == {"create": len(golden_ids)}
    assert {e.golden_id for e in events} == golden_ids
    assert result.ledger.golden_created == len(golden_ids)
    assert result.ledger.golden_updated == 0
    assert result.ledger.events == len(events)
    engine = sa.create_engine(config.store_url())
    with engine.connect() as connection:
        versions = dict(
            connection.execute(sa.text("SELECT golden_id, version FROM golden_record")).all()
        )
    engine.dispose()
    assert all(e.version == versions[e.golden_id] for e in events)  # the event is the newest
