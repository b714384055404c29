"""Staging and resolving a batch costs the same number of statements whatever its size.

The store is written set by set (``core.store.upsert``): a batch of 1,000 records must
reach the database with exactly the statements a batch of 100 needs, on SQLite and on
PostgreSQL. Both batches are built from one repeating pattern (new people, a twin, a
defective email, a repeated source id; then changes and newcomers joining golden records),
so that every kind of write appears at either size and only the size differs.
"""

from __future__ import annotations

import csv
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from core.settings import HubConfig, SourceConfig
from core.store import UnitOfWork, make_engine, migrate
from mdm import FellegiSunterMatcher
from mdm.model import default_model
from pipeline.prepare import prepare_batch
from pipeline.resolve import resolve_pending
from pipeline.sources import open_source, standardise_options
from pipeline.stage import stage_batch
from pipeline.survivorship import policy_for
from quality import BatchValidator

AT = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
COLUMNS = ["source_id", "given_name", "family_name", "email", "phone", "city", "birth_date"]
GIVEN = ["Anna", "Ben", "Chen", "Dora", "Emil", "Fang", "Greta", "Hao", "Ines", "Jun"]


def _family(block: int) -> str:
    """A family name of its own per block of ten, so blocks never match each other."""
    letters = "bdfgklmnprstvz"
    name = ""
    while True:
        block, digit = divmod(block, len(letters))
        name += letters[digit] + "aeiou"[digit % 5]
        if not block:
            return name.capitalize() + "ski"


def _person(block: int, j: int) -> dict[str, str]:
    """Values of its own per block (names, town, birth date), so that no block shares a
    blocking key or a common value with another and every block scores alike."""
    family = _family(block)
    given = GIVEN[j] + family[:2].lower()
    born = date(1900, 1, 1) + timedelta(days=block * 10 + j)
    return {
        "source_id": f"B{block:05d}-{j}",
        "given_name": given,
        "family_name": family,
        "email": f"{given}.{family}@example.com".lower(),
        "phone": f"+49 30 {block:05d}{j:02d}",
        "city": f"{family}dorf",
        "birth_date": born.isoformat(),
    }


def first_batch(size: int) -> list[dict[str, str]]:
    """Per block of ten: six people, a twin, a defective email, two copies of one id."""
    rows = []
    for block in range(size // 10):
        people = [_person(block, j) for j in range(7)]
        twin = {**people[0], "source_id": f"B{block:05d}-t", "email": people[0]["email"].upper()}
        defective = {**_person(block, 7), "email": "not-an-email@"}
        repeat = {**people[6], "phone": "+49 30 99999999"}  # the same id again: the last is kept
        rows += [*people[:6], twin, defective, people[6], repeat]
    return rows


def second_batch(size: int) -> list[dict[str, str]]:
    """Per block of ten: changed people, newcomers joining them, new people."""
    rows = []
    for block in range(size // 10):
        changed = [{**_person(block, j), "phone": f"+49 40 {block:05d}{j:02d}"} for j in (1, 2)]
        joining = [
            {**_person(block, j), "source_id": f"B{block:05d}-n{j}", "email": ""} for j in (3, 4, 5)
        ]
        new = [_person(block + 1000, j) for j in range(5)]
        rows += [*changed, *joining, *new]
    return rows


@contextmanager
def counted(engine: sa.Engine) -> Iterator[Counter[str]]:
    """Every statement the engine sends to the database while the block runs."""
    seen: Counter[str] = Counter()

    def count(*args: object) -> None:
        seen[str(args[2])] += 1

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)


def statements(store_url: str, work: Path, size: int) -> list[tuple[Counter[str], Counter[str]]]:
    """The statements staging and resolving sent, for each of two batches of ``size``."""
    path = work / "people.csv"
    config = HubConfig(
        store=store_url,
        sources=(SourceConfig(name="crm", kind="spreadsheet", connection={"path": str(path)}),),
        base_dir=work,
    )
    engine = make_engine(store_url)
    migrate(engine)
    matcher = FellegiSunterMatcher.from_model(
        default_model(), (config.thresholds.auto_merge, config.thresholds.review)
    )
    policy = policy_for(config)
    found = []
    for batch, rows in enumerate((first_batch(size), second_batch(size))):
        with path.open("w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, COLUMNS)
            writer.writeheader()
            writer.writerows(rows)
        source = open_source(config, config.sources[0])
        (stream,) = source.connector.streams()
        raws = list(stream.read(None))
        assert len(raws) == len(rows)
        prepared = prepare_batch(
            raws,
            mapping=source.mapping,
            options=standardise_options(config, config.sources[0]),
            validator=BatchValidator(),
            today=AT.date(),
        )
        with UnitOfWork(engine) as uow:
            run_id = uow.runs.start("sync", ["crm"], at=AT)
            uow.commit()
        with counted(engine) as staging, UnitOfWork(engine) as uow:
            counts = stage_batch(uow, "crm", prepared, run_id=run_id, at=AT)
            uow.commit()
        assert counts.read == len(rows)
        if batch == 0:  # one repeat and one defective email per block of ten
            assert (counts.quarantined, counts.with_field_issues) == (size // 10, size // 10)
        with counted(engine) as resolving:
            resolved = resolve_pending(
                engine,
                matcher,
                policy,
                run_id=run_id,
                clock=lambda: AT,
                batch_size=size,
            )
        assert resolved.resolved == counts.staged
        found.append((staging, resolving))
    engine.dispose()
    return found


@pytest.fixture
def second_store_url(
    store_url: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[str]:
    """Another fresh store of the same kind as ``store_url``."""
    if store_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'second.db'}"
        return
    server = request.getfixturevalue("pg_server_url")
    name = f"crmhub_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield sa.make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_statements_per_batch_do_not_grow_with_the_batch(
    store_url: str, second_store_url: str, tmp_path: Path
) -> None:
    (tmp_path / "small").mkdir()
    (tmp_path / "large").mkdir()
    small = statements(store_url, tmp_path / "small", 100)
    large = statements(second_store_url, tmp_path / "large", 1000)
    assert [(sum(s.values()), sum(r.values())) for s, r in small] == [
        (sum(s.values()), sum(r.values())) for s, r in large
    ]
    assert small == large  # and they are the same statements, each sent as often
