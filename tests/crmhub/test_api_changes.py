"""The change feed over real HTTP: a client that polls it rebuilds the active golden records."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from api_helpers import POLICY, Api, rewrite_crm  # type: ignore[import-not-found]

import pipeline.change_feed
from core.store.tables import change_event, golden_record
from pipeline.forget import ForgetRequest, forget
from pipeline.steward import merge_golden, unmerge
from pipeline.store import open_store
from pipeline.sync import sync

KEEP = {"create", "update", "merge", "unmerge"}
DROP = {"merged_away", "delete"}


class FeedClient:
    """What a downstream system does: keep the cursor, apply every event, fetch what changed."""

    def __init__(self, api: Api, page_size: int) -> None:
        self.api, self.page_size = api, page_size
        self.since = 0
        self.records: dict[str, int] = {}  # golden_id -> version held
        self.seqs: list[int] = []
        self.kinds: set[str] = set()

    def poll(self) -> None:
        while True:
            answer = self.api.get("/changes", params={"since": self.since, "limit": self.page_size})
            assert answer.status_code == 200, answer.text
            page = answer.json()
            for event in page["events"]:
                self.apply(event)
            assert page["next_since"] >= self.since
            self.since = page["next_since"]
            if not page["more"]:
                return

    def apply(self, event: dict) -> None:  # type: ignore[type-arg]
        self.seqs.append(event["seq"])
        self.kinds.add(event["kind"])
        golden_id = event["golden_id"]
        if event["kind"] in DROP:
            self.records.pop(golden_id, None)
            return
        assert event["kind"] in KEEP, event
        answer = self.api.get(f"/customers/{golden_id}")
        if answer.status_code == 200:
            assert answer.json()["version"] >= event["version"]
            self.records[golden_id] = answer.json()["version"]
        else:  # merged away or deleted since: a later event in the feed says so
            assert answer.status_code in (307, 410), answer.text
            self.records.pop(golden_id, None)


def active_versions(api: Api) -> dict[str, int]:
    engine = sa.create_engine(api.config.store_url())
    with engine.connect() as c:
        rows = c.execute(
            sa.select(golden_record.c.golden_id, golden_record.c.version).where(
                golden_record.c.status == "active"
            )
        )
        found = {r.golden_id: r.version for r in rows}
    engine.dispose()
    return found


def all_seqs(api: Api) -> list[int]:
    engine = sa.create_engine(api.config.store_url())
    with engine.connect() as c:
        found = list(
            c.execute(sa.select(change_event.c.seq).order_by(change_event.c.seq)).scalars()
        )
    engine.dispose()
    return found


def test_a_client_polling_from_zero_rebuilds_exactly_the_active_records(api: Api) -> None:
    client = FeedClient(api, page_size=7)
    client.poll()
    assert client.records == active_versions(api) and len(client.records) == 25

    engine = open_store(api.config, "write")
    anna, john = api.golden_of("crm", "C1003"), api.golden_of("crm", "C1004")
    survivor = merge_golden(engine, anna, john, policy=POLICY, actor="test").golden_ids[0]
    client.poll()
    assert client.records == active_versions(api) and len(client.records) == 24

    moved = "C1004" if survivor == anna else "C1003"
    unmerge(engine, survivor, f"crm:{moved}", policy=POLICY, actor="test")
    client.poll()
    assert client.records == active_versions(api) and len(client.records) == 25

    emma = api.golden_of("crm", "C1011")
    rewrite_crm(api.config, drop="C1011", change=("C1012", "南京", "苏州"))
    assert sync(api.config).ok
    client.poll()
    assert client.records == active_versions(api) and len(client.records) == 24
    assert emma not in client.records
    assert api.get(f"/customers/{emma}").status_code == 410

    erased = api.golden_of("crm", "C1001")
    forget(engine, ForgetRequest(golden_id=erased), actor="test")
    assert sync(api.config).ok  # the erased person's rows are read again and dropped
    client.poll()
    assert client.records == active_versions(api) and len(client.records) == 23
    assert erased not in client.records
    assert api.get(f"/customers/{erased}").status_code == 410

    assert client.kinds == KEEP | DROP
    assert client.seqs == all_seqs(api)  # every event once, in order
    client.poll()  # nothing new: nothing repeated
    assert client.seqs == all_seqs(api)


def test_the_feed_pages_and_reports_its_head(api: Api) -> None:
    first = api.get("/changes", params={"limit": 5}).json()
    assert [e["seq"] for e in first["events"]] == [1, 2, 3, 4, 5]
    assert first["next_since"] == 5 and first["more"] and first["last_seq"] == 25
    assert first["events"][0]["kind"] == "create"
    beyond = api.get("/changes", params={"since": 10**12}).json()
    assert beyond["events"] == [] and beyond["next_since"] == 10**12 and not beyond["more"]
    assert api.get("/changes", params={"since": -1}).status_code == 422
    assert api.get("/changes", params={"limit": 1001}).status_code == 422


def _event(golden_id: str) -> dict:  # type: ignore[type-arg]
    return {
        "golden_id": golden_id,
        "kind": "update",
        "version": 1,
        "run_id": 1,
        "detail": {},
        "recorded_at": datetime.now(UTC),
    }


@pytest.mark.postgres
def test_on_postgresql_a_reader_never_skips_an_event_still_being_committed(
    pg_url: str,
    tmp_path: Path,
    serve,  # type: ignore[no-untyped-def]
) -> None:
    """Event 22 is inserted first but committed after 23: the reader must not jump past 22."""
    from api_helpers import sample_hub  # type: ignore[import-not-found]

    api = serve(sample_hub(pg_url, tmp_path / "hub"))
    writer = sa.create_engine(pg_url)
    slow = writer.connect()
    slow_tx = slow.begin()
    slow.execute(sa.insert(change_event), [_event(api.golden_of("crm", "C1001"))])
    with writer.begin() as fast:
        fast.execute(sa.insert(change_event), [_event(api.golden_of("crm", "C1002"))])
    committer = threading.Timer(0.5, slow_tx.commit)
    committer.start()
    started = time.monotonic()
    page = api.get("/changes", params={"since": 25}).json()
    committer.join()
    slow.close()
    writer.dispose()
    assert [e["seq"] for e in page["events"]] == [26, 27]
    assert time.monotonic() - started >= 0.4  # it waited for the slow writer


@pytest.mark.postgres
def test_on_postgresql_a_writer_holding_the_feed_too_long_gives_503(
    pg_url: str,
    tmp_path: Path,
    serve,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from api_helpers import sample_hub  # type: ignore[import-not-found]

    api = serve(sample_hub(pg_url, tmp_path / "hub"))
    monkeypatch.setattr(pipeline.change_feed, "LOCK_TIMEOUT_MS", 200)
    writer = sa.create_engine(pg_url)
    with writer.connect() as slow:
        slow.begin()
        slow.execute(sa.insert(change_event), [_event("GX")])
        answer = api.get("/changes", params={"since": 25})
        slow.rollback()
    writer.dispose()
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "1" and answer.json()["error"] == "busy"
    assert api.get("/changes", params={"since": 25}).json()["events"] == []
