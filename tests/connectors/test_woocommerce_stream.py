"""Reading customers from the WooCommerce fake: probing, paging, the cursor, resuming, deletions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from fixtures_saas import FakeWooCommerce, Sleeps  # type: ignore[import-not-found]
from fixtures_saas import fake_woocommerce as fake_woocommerce  # a fixture
from fixtures_saas import secret_env as secret_env  # a fixture
from fixtures_saas import sleeps as sleeps  # a fixture

from connectors.woocommerce import WooCommerceConnector, settings_from_connection
from core.errors import ConfigError
from core.records import RawRecord
from core.settings import HubConfig, SourceConfig
from core.store.tables import source_record
from pipeline.sync import sync

SetEnv = Callable[[str, str], None]
ROUTE = "/wp-json/wc/v3/customers"
PAGE = {"per_page": "2", "orderby": "id", "order": "asc", "role": "customer"}
PROBE = {"per_page": "1", "role": "customer"}
FUTURE = {"modified_after": "2999-01-01T00:00:00", "dates_are_gmt": "true"}


@pytest.fixture
def connection(fake_woocommerce: FakeWooCommerce, secret_env: SetEnv) -> dict[str, Any]:
    secret_env("STREAM_WC_KEY", fake_woocommerce.key)
    secret_env("STREAM_WC_SECRET", fake_woocommerce.secret)
    return {
        "url": fake_woocommerce.url,
        "consumer_key": {"env": "STREAM_WC_KEY"},
        "consumer_secret": {"env": "STREAM_WC_SECRET"},
        "page_size": 2,
    }


@pytest.fixture
def connect(connection: dict[str, Any]) -> Callable[..., WooCommerceConnector]:
    def make(sleep: Any = None, **options: Any) -> WooCommerceConnector:
        settings = settings_from_connection({**connection, **options})
        return WooCommerceConnector(
            "woo", settings, **({"sleep": sleep} if sleep is not None else {})
        )

    return make


def read(connector: WooCommerceConnector, state: dict[str, Any] | None = None) -> list[RawRecord]:
    return list(connector.streams()[0].read(state))


def ids(records: list[RawRecord]) -> list[str]:
    return [r.source_id or "" for r in records]


def queries(fake: FakeWooCommerce) -> list[dict[str, str]]:
    assert all(r.path == ROUTE for r in fake.requests)
    return [r.query for r in fake.requests]


def test_a_store_without_the_filter_is_read_in_full_page_by_page(
    fake_woocommerce: FakeWooCommerce, connect: Callable[..., WooCommerceConnector]
) -> None:
    fake = fake_woocommerce
    fake.supports_modified_after = False
    people = [fake.add_customer() for _ in range(5)]
    connector = connect()
    stream = connector.streams()[0]
    assert stream.cursor_field is None
    records = read(connector)
    assert ids(records) == [str(p["id"]) for p in people]
    assert queries(fake) == [
        PROBE,
        {**PROBE, **FUTURE},  # answered with everyone: the filter is ignored
        {"page": "1", **PAGE},
        {"page": "2", **PAGE},
        {"page": "3", **PAGE},
    ]
    assert all(r.headers["Authorization"].startswith("Basic ") for r in fake.requests)
    assert stream.completed_state(None) == {"mode": "full", "complete": True}


def test_a_store_with_the_filter_is_read_incrementally(
    fake_woocommerce: FakeWooCommerce, connect: Callable[..., WooCommerceConnector]
) -> None:
    people = [fake_woocommerce.add_customer() for _ in range(3)]
    connector = connect()
    stream = connector.streams()[0]
    assert stream.cursor_field == "date_modified_gmt"
    records = read(connector)
    assert ids(records) == [str(p["id"]) for p in people]
    newest = people[-1]["date_modified_gmt"]
    assert stream.completed_state(None) == {"mode": "incremental", "date_modified_gmt": newest}
    assert records[0].updated_at is not None
    assert records[0].updated_at.isoformat() == people[0]["date_modified_gmt"] + "+00:00"


def test_an_incremental_read_asks_from_one_second_before_the_saved_cursor(
    fake_woocommerce: FakeWooCommerce, connect: Callable[..., WooCommerceConnector]
) -> None:
    fake = fake_woocommerce
    first = fake.add_customer(date_modified_gmt="2024-05-02T10:15:00")
    same_second = fake.add_customer(date_modified_gmt="2024-05-02T10:15:00")
    fake.add_customer(date_modified_gmt="2024-05-02T09:00:00")
    state = {"mode": "incremental", "date_modified_gmt": "2024-05-02T10:15:00"}
    changed = fake.update_customer(first["id"], date_modified_gmt="2024-05-03T08:00:00")
    fake.requests.clear()

    records = read(connect(), state)

    # WordPress's "after" is exclusive and stamps have whole seconds: ask from the second before
    assert queries(fake)[-1] == {
        "page": "1",
        **PAGE,
        "modified_after": "2024-05-02T10:14:59",
        "dates_are_gmt": "true",
    }
    assert ids(records) == [str(same_second["id"]), str(changed["id"])]  # by change time


def test_within_a_page_records_come_by_change_time(
    fake_woocommerce: FakeWooCommerce, connect: Callable[..., WooCommerceConnector]
) -> None:
    people = [fake_woocommerce.add_customer() for _ in range(2)]
    fake_woocommerce.update_customer(people[0]["id"], city="Kiel")
    records = read(connect())
    assert ids(records) == [str(people[1]["id"]), str(people[0]["id"])]


def test_incremental_on_fails_clearly_when_the_store_ignores_the_filter(
    fake_woocommerce: FakeWooCommerce, connect: Callable[..., WooCommerceConnector]
) -> None:
    fake_woocommerce.supports_modified_after = False
    fake_woocommerce.add_customer()
    with pytest.raises(ConfigError, match=r"incremental is on, but .* ignores modified_after"):
        connect(incremental="on").streams()


def test_incremental_off_reads_in_full_without_probing(
    fake_woocommerce: FakeWooCommerce, connect: Callable[..., WooCommerceConnector]
) -> None:
    fake_woocommerce.add_customer()
    connector = connect(incremental="off")
    assert connector.streams()[0].cursor_field is None
    read(connector)
    assert queries(fake_woocommerce) == [{"page": "1", **PAGE}]


def test_an_empty_store_is_read_in_full_without_error(
    fake_woocommerce: FakeWooCommerce, connect: Callable[..., WooCommerceConnector]
) -> None:
    connector = connect()
    assert connector.streams()[0].cursor_field is None
    assert read(connector) == []
    assert queries(fake_woocommerce) == [PROBE, {"page": "1", **PAGE}]


def test_a_resumed_read_steps_back_when_deletions_moved_records_to_earlier_pages(
    fake_woocommerce: FakeWooCommerce, connect: Callable[..., WooCommerceConnector]
) -> None:
    fake = fake_woocommerce
    people = [fake.add_customer() for _ in range(6)]
    connector = connect(incremental="off")
    stream = connector.streams()[0].read(None)
    seen = [next(stream) for _ in range(3)]  # page 1, and the first of page 2: then cut
    stream.close()
    position = seen[-1].position
    assert position == {"mode": "full", "page": 2, "first_id": people[2]["id"], "complete": False}
    fake.remove_customer(people[0]["id"])  # everything after it moves one place up
    fake.requests.clear()

    resumed = read(connect(incremental="off"), position)

    unread = {str(p["id"]) for p in people[3:]}
    assert unread <= set(ids(resumed))  # nothing skipped
    assert [q["page"] for q in queries(fake)] == ["2", "1", "2", "3"]  # looked, stepped back


def test_a_resumed_incremental_read_keeps_its_window_and_newest_change(
    fake_woocommerce: FakeWooCommerce, connect: Callable[..., WooCommerceConnector]
) -> None:
    fake = fake_woocommerce
    for _ in range(5):
        fake.add_customer()
    cursor = fake.customers[0]["date_modified_gmt"]
    connector = connect()
    stream = connector.streams()[0]
    records = stream.read({"mode": "incremental", "date_modified_gmt": cursor})
    cut = [next(records) for _ in range(3)][-1].position
    records.close()
    assert cut is not None and cut["date_modified_gmt"] == cursor and cut["page"] == 2
    fake.requests.clear()
    rest = list(stream.read(cut))
    assert ids(rest)[-1] == str(fake.customers[-1]["id"])
    assert queries(fake)[0]["modified_after"] < cursor  # the same window, from page 2
    assert (
        stream.completed_state(cut)["date_modified_gmt"] == fake.customers[-1]["date_modified_gmt"]
    )


def test_a_429_mid_read_is_retried(
    fake_woocommerce: FakeWooCommerce, connect: Callable[..., WooCommerceConnector], sleeps: Sleeps
) -> None:
    for _ in range(4):
        fake_woocommerce.add_customer()
    stream = connect(sleeps, incremental="off").streams()[0].read(None)
    first = [next(stream), next(stream)]
    fake_woocommerce.fail_next("rate_limit", retry_after="3")
    rest = list(stream)
    assert len(first + rest) == 4
    assert sleeps == [3.0]
    assert [q["page"] for q in queries(fake_woocommerce)] == ["1", "2", "2"]


def test_customers_of_other_roles_are_listed_only_when_asked(
    fake_woocommerce: FakeWooCommerce, connect: Callable[..., WooCommerceConnector]
) -> None:
    fake_woocommerce.add_customer()
    fake_woocommerce.add_customer(role="subscriber")
    assert len(read(connect(incremental="off"))) == 1
    assert len(read(connect(incremental="off", role="all"))) == 2


def test_a_full_read_marks_a_removed_customer_deleted_after_a_sync(
    fake_woocommerce: FakeWooCommerce, connection: dict[str, Any], store_url: str, tmp_path: Any
) -> None:
    fake = fake_woocommerce
    fake.supports_modified_after = False  # an old store: incremental auto falls back
    people = [
        fake.add_customer(first_name=name, phone=phone)
        for name, phone in [
            ("Ada", "+49 30 1111111"),
            ("Bo", "+49 30 2222222"),
            ("Cy", "+49 30 3333333"),
        ]
    ]
    source = SourceConfig(name="woo", kind="woocommerce", batch_size=2, connection=connection)
    config = HubConfig(store=store_url, sources=(source,), base_dir=tmp_path)
    assert sync(config).ok
    fake.remove_customer(people[1]["id"])
    result = sync(config)
    assert result.ok, result.problems
    assert result.ledger.total("deleted") == 1
    engine = sa.create_engine(config.store_url())
    with engine.connect() as db:
        status = dict(
            db.execute(sa.select(source_record.c.source_id, source_record.c.status)).all()
        )
    engine.dispose()
    assert status == {
        str(people[0]["id"]): "active",
        str(people[1]["id"]): "deleted",
        str(people[2]["id"]): "active",
    }


def test_a_read_knows_how_many_customers_it_will_yield_from_the_first_page(
    fake_woocommerce: FakeWooCommerce, connect: Callable[..., WooCommerceConnector]
) -> None:
    fake_woocommerce.supports_modified_after = False
    people = [fake_woocommerce.add_customer() for _ in range(5)]
    stream = connect().streams()[0]
    records = stream.read(None)
    next(records)
    assert stream.expected_records == 5  # X-WP-Total of the first page, for progress bars
    assert len([next(records), *records]) == 4
    page_two = {"mode": "full", "page": 2, "first_id": people[2]["id"], "complete": False}
    resumed = stream.read(page_two)
    next(resumed)
    assert stream.expected_records == 3  # pages 2 and 3 of 2 per page
    resumed.close()
