"""The shared HTTP client against a real local server: what is retried, what is refused, and how.

The server is the WooCommerce fake (any vendor would do); waits go through an
injected ``sleep`` that records them, so no test waits for a backoff.
"""

from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import pytest
import requests
from fixtures_saas import (  # type: ignore[import-not-found]
    FakeWooCommerce,
    Recorded,
    Reply,
    Sleeps,
)
from fixtures_saas import fake_woocommerce as fake_woocommerce  # a fixture
from fixtures_saas import sleeps as sleeps  # a fixture

from connectors.http import HttpClient, HttpSettings
from connectors.http.failures import describe_exception
from core.errors import SourceRejected, SourceUnavailable

CUSTOMERS = "customers"


def client_for(fake: FakeWooCommerce, sleep: Sleeps, **options: Any) -> HttpClient:
    settings = HttpSettings(base_url=f"{fake.url}/wp-json/wc/v3", jitter=0, **options)
    return HttpClient(settings, auth=(fake.key, fake.secret), secrets=[fake.secret], sleep=sleep)


@pytest.fixture
def store(fake_woocommerce: FakeWooCommerce) -> FakeWooCommerce:
    fake_woocommerce.add_customer(first_name="Anna")
    return fake_woocommerce


def test_a_server_error_is_retried_after_a_backoff_then_succeeds(
    store: FakeWooCommerce, sleeps: Sleeps
) -> None:
    store.fail_next("server_error", times=2)
    page = client_for(store, sleeps, backoff_base=0.5).get_json(CUSTOMERS)
    assert [c["first_name"] for c in page.data] == ["Anna"]
    assert len(store.requests) == 3
    assert sleeps == [0.5, 1.0]  # exponential: base, then twice the base


def test_jitter_takes_a_random_share_off_each_backoff(
    store: FakeWooCommerce, sleeps: Sleeps
) -> None:
    store.fail_next("server_error")
    settings = HttpSettings(base_url=f"{store.url}/wp-json/wc/v3", backoff_base=2, jitter=0.5)
    client = HttpClient(settings, auth=(store.key, store.secret), sleep=sleeps, rand=lambda: 1.0)
    client.get_json(CUSTOMERS)
    assert sleeps == [1.0]


def test_a_429_waits_what_retry_after_asks_in_seconds(
    store: FakeWooCommerce, sleeps: Sleeps
) -> None:
    store.fail_next("rate_limit", retry_after="7.5")
    client_for(store, sleeps, backoff_base=0.1).get_json(CUSTOMERS)
    assert sleeps == [7.5]
    assert len(store.requests) == 2


def test_a_429_waits_until_the_http_date_retry_after_names(
    store: FakeWooCommerce, sleeps: Sleeps
) -> None:
    when = datetime.now(UTC) + timedelta(seconds=30)
    store.fail_next("rate_limit", retry_after=format_datetime(when, usegmt=True))
    client_for(store, sleeps).get_json(CUSTOMERS)
    assert len(sleeps) == 1
    assert 27 <= sleeps[0] <= 30


def test_a_429_without_retry_after_backs_off(store: FakeWooCommerce, sleeps: Sleeps) -> None:
    store.fail_next("rate_limit", retry_after=None)
    client_for(store, sleeps, backoff_base=0.25).get_json(CUSTOMERS)
    assert sleeps == [0.25]


def test_a_retry_after_beyond_the_cap_fails_at_once_for_a_later_run(
    store: FakeWooCommerce, sleeps: Sleeps
) -> None:
    store.fail_next("rate_limit", retry_after="3600")
    with pytest.raises(SourceUnavailable, match=r"asks to wait 3600 s.*retry_after_cap \(60 s\)"):
        client_for(store, sleeps, retry_after_cap=60).get_json(CUSTOMERS)
    assert sleeps == []
    assert len(store.requests) == 1


def test_exhausted_retries_raise_source_unavailable_naming_the_last_problem(
    store: FakeWooCommerce, sleeps: Sleeps
) -> None:
    store.fail_next("server_error", times=10)
    with pytest.raises(SourceUnavailable) as caught:
        client_for(store, sleeps, max_retries=3).get_json(CUSTOMERS)
    assert "server error (HTTP 500" in str(caught.value)
    assert "gave up after 4 attempts" in str(caught.value)
    assert len(store.requests) == 4
    assert len(sleeps) == 3


def test_backoff_is_capped(store: FakeWooCommerce, sleeps: Sleeps) -> None:
    store.fail_next("server_error", times=5)
    client_for(store, sleeps, backoff_base=1, backoff_cap=3).get_json(CUSTOMERS)
    assert sleeps == [1, 2, 3, 3, 3]


def test_401_is_rejected_with_a_hint_and_the_sources_words_without_retrying(
    store: FakeWooCommerce, sleeps: Sleeps
) -> None:
    settings = HttpSettings(base_url=f"{store.url}/wp-json/wc/v3")
    client = HttpClient(settings, auth=(store.key, "cs_wrong_secret"), sleep=sleeps)
    with pytest.raises(SourceRejected) as caught:
        client.get_json(CUSTOMERS)
    message = str(caught.value)
    assert message.startswith("bad credentials:")
    assert "check the credentials" in message
    assert "HTTP 401" in message
    assert "Consumer secret is invalid." in message
    assert len(store.requests) == 1 and sleeps == []


def test_a_connectors_hint_replaces_the_default_one(store: FakeWooCommerce) -> None:
    settings = HttpSettings(base_url=f"{store.url}/wp-json/wc/v3")
    client = HttpClient(settings, hints={404: "not found: check connection.url"})
    with pytest.raises(SourceRejected, match=r"^not found: check connection.url \(HTTP 404"):
        client.get_json("no-such-route")


def test_404_is_rejected_naming_the_url_to_check(store: FakeWooCommerce) -> None:
    client = client_for(store, Sleeps())
    with pytest.raises(SourceRejected) as caught:
        client.get_json("orders-of-another-plugin")
    assert "not found: check the source's URL and the API path" in str(caught.value)
    assert "/wp-json/wc/v3/orders-of-another-plugin" in str(caught.value)


def test_another_4xx_is_rejected_with_the_sources_message(store: FakeWooCommerce) -> None:
    with pytest.raises(SourceRejected, match=r"HTTP 400.*Invalid parameter\(s\): per_page"):
        client_for(store, Sleeps()).get_json(CUSTOMERS, {"per_page": 500})


def test_a_read_timeout_is_retried(store: FakeWooCommerce, sleeps: Sleeps) -> None:
    store.fail_next("slow", seconds=1.0)
    page = client_for(store, sleeps, read_timeout=0.2, backoff_base=0.1).get_json(CUSTOMERS)
    assert page.data
    assert len(store.requests) == 2
    assert sleeps == [0.1]


def test_timeouts_until_the_retries_are_spent_say_what_timed_out(
    store: FakeWooCommerce, sleeps: Sleeps
) -> None:
    store.fail_next("slow", seconds=1.0, times=2)
    with pytest.raises(SourceUnavailable) as caught:
        client_for(store, sleeps, read_timeout=0.2, max_retries=1).get_json(CUSTOMERS)
    assert "did not answer GET" in str(caught.value)
    assert "read_timeout 0.2 s" in str(caught.value)


def test_a_truncated_json_body_is_retried(store: FakeWooCommerce, sleeps: Sleeps) -> None:
    store.fail_next("truncated")
    page = client_for(store, sleeps).get_json(CUSTOMERS)
    assert [c["first_name"] for c in page.data] == ["Anna"]
    assert len(store.requests) == 2


def test_bodies_that_stay_cut_off_or_invalid_end_as_source_unavailable(
    store: FakeWooCommerce, sleeps: Sleeps
) -> None:
    store.fail_next("truncated")
    store.fail_next("invalid_json")
    with pytest.raises(SourceUnavailable, match="not valid JSON"):
        client_for(store, sleeps, max_retries=1).get_json(CUSTOMERS)
    assert len(store.requests) == 2


def test_an_unreachable_host_gets_its_own_message(sleeps: Sleeps) -> None:
    with socket.socket() as probe:  # a port that was free a moment ago: nobody listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = HttpClient(
        HttpSettings(base_url=f"http://127.0.0.1:{port}", max_retries=2), sleep=sleeps
    )
    with pytest.raises(SourceUnavailable) as caught:
        client.get_json(CUSTOMERS)
    message = str(caught.value)
    assert message.startswith(f"host unreachable: 127.0.0.1:{port} refused the connection")
    assert "gave up after 3 attempts" in message
    assert len(sleeps) == 2


def test_a_host_name_that_does_not_resolve_is_named_as_such() -> None:
    error = requests.ConnectionError(socket.gaierror(-2, "Name or service not known"))
    problem = describe_exception(error, "https://shop.invalid/api", "timeouts")
    assert problem.message.startswith(
        "host unreachable: cannot resolve the host name of shop.invalid"
    )


class _Redirecting(FakeWooCommerce):
    def handle(self, recorded: Recorded) -> Reply:
        return Reply(301, {}, {"Location": "https://elsewhere.example/wp-json/wc/v3/customers"})


def test_redirects_are_refused_not_followed_with_the_credentials() -> None:
    fake = _Redirecting()
    fake.start()
    try:
        with pytest.raises(SourceRejected, match=r"redirects \(HTTP 301\) to https://elsewhere"):
            client_for(fake, Sleeps()).get_json(CUSTOMERS)
        assert len(fake.requests) == 1
    finally:
        fake.stop()


def test_requests_carry_the_user_agent_and_accept_json(store: FakeWooCommerce) -> None:
    client_for(store, Sleeps(), user_agent="crm-hub-test/1").get_json(CUSTOMERS)
    headers = store.requests[0].headers
    assert headers["User-Agent"] == "crm-hub-test/1"
    assert headers["Accept"] == "application/json"


def test_the_rate_limit_spaces_requests(store: FakeWooCommerce) -> None:
    now = [100.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    settings = HttpSettings(base_url=f"{store.url}/wp-json/wc/v3", requests_per_second=4)
    client = HttpClient(settings, auth=(store.key, store.secret), sleep=sleep, clock=lambda: now[0])
    for _ in range(3):
        client.get_json(CUSTOMERS)
    assert waits == [0.25, 0.25]  # the first request goes at once
    assert len(store.requests) == 3


def test_the_client_repr_shows_no_credentials(store: FakeWooCommerce) -> None:
    client = HttpClient(
        HttpSettings(base_url=f"{store.url}/wp-json/wc/v3"),
        params={"consumer_key": store.key, "consumer_secret": store.secret},
    )
    assert store.secret not in repr(client)
    assert store.key not in repr(client)
