"""Reading customers from the Shopify fake: paging, the cursor, rate limits, order."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from fixtures_saas import FakeShopify, Sleeps  # type: ignore[import-not-found]
from fixtures_saas import fake_shopify as fake_shopify  # a fixture
from fixtures_saas import secret_env as secret_env  # a fixture
from fixtures_saas import sleeps as sleeps  # a fixture

from connectors.shopify import ShopifyConnector, settings_from_connection
from core.records import RawRecord

SetEnv = Callable[[str, str], None]
VERSION_PATH = "/admin/api/2024-07"


class FakeTime:
    """A clock that only moves when slept on: waits are observed, never waited."""

    def __init__(self) -> None:
        self.now, self.waits = 50.0, Sleeps()

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.waits(seconds)
        self.now += seconds


@pytest.fixture
def connect(fake_shopify: FakeShopify, secret_env: SetEnv) -> Callable[..., ShopifyConnector]:
    def make(*, sleep: Any = None, clock: Any = None, **options: Any) -> ShopifyConnector:
        secret_env("STREAM_SHOPIFY_TOKEN", fake_shopify.token)
        connection = {
            "shop": fake_shopify.url,
            "api_version": "2024-07",
            "access_token": {"env": "STREAM_SHOPIFY_TOKEN"},
            "page_size": 2,
            **options,
        }
        extra = {k: v for k, v in {"sleep": sleep, "clock": clock}.items() if v is not None}
        return ShopifyConnector("shop", settings_from_connection(connection), **extra)

    return make


def read(connector: ShopifyConnector, state: dict[str, Any] | None = None) -> list[RawRecord]:
    return list(connector.streams()[0].read(state))


def test_every_page_is_followed_and_exactly_the_expected_requests_are_made(
    fake_shopify: FakeShopify, connect: Callable[..., ShopifyConnector]
) -> None:
    people = [fake_shopify.add_customer(first_name=f"P{i}") for i in range(5)]
    records = read(connect())
    assert [r.source_id for r in records] == [str(p["id"]) for p in people]
    tokens = fake_shopify.page_infos
    assert [(r.path, r.query) for r in fake_shopify.requests] == [
        (f"{VERSION_PATH}/customers.json", {"limit": "2", "order": "updated_at asc"}),
        (f"{VERSION_PATH}/customers.json", {"limit": "2", "page_info": tokens[0]}),
        (f"{VERSION_PATH}/customers.json", {"limit": "2", "page_info": tokens[1]}),
    ]
    assert all(
        r.headers["X-Shopify-Access-Token"] == fake_shopify.token for r in fake_shopify.requests
    )


def test_records_carry_id_change_time_payload_and_position(
    fake_shopify: FakeShopify, connect: Callable[..., ShopifyConnector]
) -> None:
    customer = fake_shopify.add_customer(updated_at="2024-05-02T10:15:00-05:00")
    (record,) = read(connect())
    assert record.source_id == str(customer["id"])
    assert (
        record.updated_at is not None
        and record.updated_at.isoformat() == "2024-05-02T15:15:00+00:00"
    )
    assert record.payload == customer
    assert record.position == {"updated_at_min": "2024-05-02T15:15:00+00:00"}
    assert record.stream == "customers"


def test_records_come_oldest_change_first_whatever_their_ids(
    fake_shopify: FakeShopify, connect: Callable[..., ShopifyConnector]
) -> None:
    people = [fake_shopify.add_customer() for _ in range(4)]
    fake_shopify.update_customer(people[0]["id"], note="changed last")
    records = read(connect())
    stamps = [r.updated_at for r in records]
    assert stamps == sorted(stamps)
    assert records[-1].source_id == str(people[0]["id"])


def test_an_incremental_read_asks_from_the_saved_cursor_inclusive(
    fake_shopify: FakeShopify, connect: Callable[..., ShopifyConnector]
) -> None:
    people = [fake_shopify.add_customer() for _ in range(3)]
    connector = connect()
    read(connector)
    state = connector.streams()[0].completed_state(None)
    assert state == {"updated_at_min": records_newest(people)}
    changed = fake_shopify.update_customer(people[1]["id"], note="new note")
    added = fake_shopify.add_customer(first_name="Neu")
    fake_shopify.requests.clear()

    records = read(connector, state)

    assert fake_shopify.requests[0].query == {
        "limit": "2",
        "order": "updated_at asc",
        "updated_at_min": state["updated_at_min"],
    }
    # the customer at the cursor comes again (inclusive), then what changed since
    assert [r.source_id for r in records] == [str(c["id"]) for c in (people[2], changed, added)]
    assert connector.streams()[0].completed_state(state) == {
        "updated_at_min": records[-1].position["updated_at_min"]  # type: ignore[index]
    }


def records_newest(customers: list[dict[str, Any]]) -> str:
    newest = max(datetime.fromisoformat(c["updated_at"]) for c in customers)
    return newest.astimezone(UTC).isoformat()


def test_customers_sharing_the_cursor_time_survive_an_interrupted_read(
    fake_shopify: FakeShopify, connect: Callable[..., ShopifyConnector]
) -> None:
    same = "2024-05-02T10:15:00-05:00"
    first = fake_shopify.add_customer(updated_at=same)
    second = fake_shopify.add_customer(updated_at=same)
    connector = connect()
    position = next(iter(connector.streams()[0].read(None))).position  # stopped after one
    records = read(connector, position)
    assert {r.source_id for r in records} == {str(first["id"]), str(second["id"])}


def test_a_read_with_nothing_new_keeps_the_cursor(
    fake_shopify: FakeShopify, connect: Callable[..., ShopifyConnector]
) -> None:
    connector = connect()
    state = {"updated_at_min": "2030-01-01T00:00:00+00:00"}
    assert read(connector, state) == []
    assert connector.streams()[0].completed_state(state) == state


def test_a_429_mid_read_waits_retry_after_and_goes_on(
    fake_shopify: FakeShopify, connect: Callable[..., ShopifyConnector], sleeps: Sleeps
) -> None:
    for _ in range(4):
        fake_shopify.add_customer()
    stream = connect(sleep=sleeps).streams()[0].read(None)
    first = [next(stream), next(stream)]  # page one
    fake_shopify.fail_next("rate_limit", retry_after="2.0")
    rest = list(stream)
    assert len(first) + len(rest) == 4
    assert sleeps == [2.0]
    statuses = [r.query.get("page_info") for r in fake_shopify.requests]
    token = fake_shopify.page_infos[0]
    assert statuses == [None, token, token]  # the refused page is asked for again, unchanged


def test_requests_slow_down_as_the_call_limit_bucket_fills(
    fake_shopify: FakeShopify, connect: Callable[..., ShopifyConnector]
) -> None:
    for _ in range(5):
        fake_shopify.add_customer()
    fake_shopify.leak_per_second = 0.0
    fake_shopify.bucket_used = 32.0  # the next answers say 33/40, 34/40, 35/40
    time = FakeTime()
    read(connect(sleep=time.sleep, clock=time.clock))
    assert len(fake_shopify.requests) == 3
    # above 80 % (32 of 40) each request waits for the bucket to drain back: (used - 32 + 1) / 2
    assert time.waits == [1.0, 1.5]


def test_a_bucket_below_the_mark_costs_no_wait(
    fake_shopify: FakeShopify, connect: Callable[..., ShopifyConnector]
) -> None:
    for _ in range(5):
        fake_shopify.add_customer()
    time = FakeTime()
    read(connect(sleep=time.sleep, clock=time.clock))
    assert time.waits == []


def test_an_ignored_order_is_logged_and_the_cursor_never_moves_back(
    fake_shopify: FakeShopify,
    connect: Callable[..., ShopifyConnector],
    caplog: pytest.LogCaptureFixture,
) -> None:
    people = [fake_shopify.add_customer() for _ in range(4)]
    fake_shopify.update_customer(people[0]["id"], note="newest")
    fake_shopify.ignores_order = True  # pages by id: the newest change comes on page one
    with caplog.at_level(logging.WARNING):
        records = read(connect())
    positions = [r.position["updated_at_min"] for r in records]  # type: ignore[index]
    assert positions == sorted(positions)
    assert "was not honoured" in caplog.text


def test_a_page_info_request_carries_nothing_but_limit(
    fake_shopify: FakeShopify, connect: Callable[..., ShopifyConnector]
) -> None:
    for _ in range(3):
        fake_shopify.add_customer()
    read(connect(), {"updated_at_min": "2020-01-01T00:00:00+00:00"})
    follow_up = fake_shopify.requests[1].query
    assert set(follow_up) == {"limit", "page_info"}  # the fake answers 400 to anything more


def test_the_connection_may_tune_http_settings(
    fake_shopify: FakeShopify, connect: Callable[..., ShopifyConnector]
) -> None:
    connector = connect(http={"max_retries": 1, "user_agent": "acme-sync/2"})
    fake_shopify.add_customer()
    read(connector)
    assert fake_shopify.requests[0].headers["User-Agent"] == "acme-sync/2"
    assert connector.client.http.settings.max_retries == 1
