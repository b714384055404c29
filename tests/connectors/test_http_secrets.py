"""Credentials never show: not in messages, reprs, tracebacks or log records, even when echoed.

WooCommerce's query-string authentication is the hard case: the key and the
secret are part of every URL that requests, urllib3 and our client would
otherwise print.
"""

from __future__ import annotations

import logging
import socket
import traceback
from pathlib import Path
from typing import Any

import pytest
from fixtures_saas import FakeWooCommerce, Sleeps  # type: ignore[import-not-found]
from fixtures_saas import fake_woocommerce as fake_woocommerce  # a fixture
from fixtures_saas import sleeps as sleeps  # a fixture

from connectors.http import HttpClient, HttpSettings, scrub
from connectors.woocommerce import build
from core.errors import HubError, SourceRejected, SourceUnavailable, register_secret


def query_auth_client(
    fake: FakeWooCommerce, sleep: Sleeps, *, secret: str | None = None
) -> HttpClient:
    secret = secret or fake.secret
    return HttpClient(
        HttpSettings(base_url=f"{fake.url}/wp-json/wc/v3", max_retries=2),
        params={"consumer_key": fake.key, "consumer_secret": secret},
        secrets=[fake.key, secret],
        sleep=sleep,
    )


def everything_shown(error: BaseException, caplog: pytest.LogCaptureFixture) -> str:
    """Every text a person or a log handler could see of this error and the logs."""
    parts = [str(error), repr(error), repr(error.args), "".join(traceback.format_exception(error))]
    for record in caplog.records:
        parts.append(record.getMessage())
        parts.append(repr(record.args))
        if record.exc_info:
            parts.append("".join(traceback.format_exception(*record.exc_info)))
    return "\n".join(parts)


@pytest.fixture(autouse=True)
def _debug_logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)  # urllib3 writes every URL at DEBUG


def test_a_rejection_echoing_the_secret_shows_neither_key_nor_secret(
    fake_woocommerce: FakeWooCommerce, sleeps: Sleeps, caplog: pytest.LogCaptureFixture
) -> None:
    fake = fake_woocommerce
    fake.fail_next("unauthorized", echo=f"key={fake.key} secret={fake.secret}")
    with pytest.raises(SourceRejected) as caught:
        query_auth_client(fake, sleeps).get_json("customers")
    shown = everything_shown(caught.value, caplog)
    assert fake.key not in shown and fake.secret not in shown
    assert "consumer_secret=***" in str(caught.value)
    assert "key=*** secret=***" in str(caught.value)  # the echo is kept, masked
    assert fake.requests[0].query["consumer_secret"] == fake.secret  # it was really sent


def test_retries_and_giving_up_show_no_secret_in_messages_or_logs(
    fake_woocommerce: FakeWooCommerce, sleeps: Sleeps, caplog: pytest.LogCaptureFixture
) -> None:
    fake = fake_woocommerce
    fake.fail_next("server_error", times=3, echo=fake.secret)
    with pytest.raises(SourceUnavailable) as caught:
        query_auth_client(fake, sleeps).get_json("customers")
    shown = everything_shown(caught.value, caplog)
    assert fake.secret not in shown and fake.key not in shown
    assert any("urllib3" in r.name for r in caplog.records), "urllib3's own lines were captured"
    assert any("retry 1 of 2" in r.getMessage() for r in caplog.records)


def test_a_connection_error_with_the_url_in_its_text_is_not_chained(
    sleeps: Sleeps, caplog: pytest.LogCaptureFixture
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    secret = "cs_never_shown_0123456789"
    client = HttpClient(
        HttpSettings(base_url=f"http://127.0.0.1:{port}/wp-json/wc/v3", max_retries=1),
        params={"consumer_key": "ck_x", "consumer_secret": secret},
        secrets=[secret],
        sleep=sleeps,
    )
    with pytest.raises(SourceUnavailable) as caught:
        client.get_json("customers")
    assert secret not in everything_shown(caught.value, caplog)
    assert caught.value.__cause__ is None  # requests' text holds the whole URL


def test_a_timeout_message_shows_the_url_without_the_credentials(
    fake_woocommerce: FakeWooCommerce, sleeps: Sleeps, caplog: pytest.LogCaptureFixture
) -> None:
    fake = fake_woocommerce
    fake.fail_next("slow", seconds=0.6, times=2)
    client = HttpClient(
        HttpSettings(base_url=f"{fake.url}/wp-json/wc/v3", max_retries=1, read_timeout=0.2),
        params={"consumer_key": fake.key, "consumer_secret": fake.secret},
        secrets=[fake.key, fake.secret],
        sleep=sleeps,
    )
    with pytest.raises(SourceUnavailable) as caught:
        client.get_json("customers")
    assert "consumer_key=***&consumer_secret=***" in str(caught.value)
    assert fake.secret not in everything_shown(caught.value, caplog)


def test_query_credentials_are_masked_by_name_even_when_never_registered() -> None:
    text = "GET /x?consumer_key=ck_abc&page=2&access_token=tok&oauth_signature=zz"
    assert scrub(text) == "GET /x?consumer_key=***&page=2&access_token=***&oauth_signature=***"


def test_reprs_of_clients_and_connectors_hold_no_secret(
    fake_woocommerce: FakeWooCommerce, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = fake_woocommerce
    monkeypatch.setenv("WC_REPR_KEY", fake.key)
    monkeypatch.setenv("WC_REPR_CS", fake.secret)
    connection: dict[str, Any] = {
        "url": fake.url,
        "consumer_key": {"env": "WC_REPR_KEY"},
        "consumer_secret": {"env": "WC_REPR_CS"},
        "auth": "query",
    }
    connector = build("shop", connection, Path())
    shown = " ".join(
        [
            repr(connector),
            repr(connector.client),
            repr(connector.client.http),
            repr(connector.settings),
        ]
    )
    assert fake.key not in shown and fake.secret not in shown


def test_a_hub_error_masks_a_registered_secret_wherever_it_appears() -> None:
    register_secret("shpat_very_secret_token_1")
    assert "shpat_very_secret_token_1" not in str(HubError("token shpat_very_secret_token_1 bad"))
