"""WooCommerce's connection block and ``check()``: each misconfiguration, its own clear error."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fixtures_saas import FakeWooCommerce  # type: ignore[import-not-found]
from fixtures_saas import fake_woocommerce as fake_woocommerce  # a fixture
from fixtures_saas import secret_env as secret_env  # a fixture

from connectors.woocommerce import build, settings_from_connection
from core.errors import ConfigError, SourceRejected

SetEnv = Callable[[str, str], None]


@pytest.fixture
def connection(fake_woocommerce: FakeWooCommerce, secret_env: SetEnv) -> dict[str, Any]:
    secret_env("CHECK_WC_KEY", fake_woocommerce.key)
    secret_env("CHECK_WC_SECRET", fake_woocommerce.secret)
    return {
        "url": fake_woocommerce.url,
        "consumer_key": {"env": "CHECK_WC_KEY"},
        "consumer_secret": {"env": "CHECK_WC_SECRET"},
    }


def test_check_passes_with_one_cheap_request_and_does_not_probe(
    fake_woocommerce: FakeWooCommerce, connection: dict[str, Any]
) -> None:
    build("woo", connection, Path()).check()
    assert [r.query for r in fake_woocommerce.requests] == [{"per_page": "1", "role": "customer"}]


@pytest.mark.parametrize("auth", ["basic", "query"])
def test_a_wrong_secret_is_bad_credentials_naming_the_variables(
    auth: str, connection: dict[str, Any], secret_env: SetEnv
) -> None:
    secret_env("CHECK_WC_SECRET", "cs_wrong_secret_for_this_test")
    with pytest.raises(SourceRejected) as caught:
        build("woo", {**connection, "auth": auth}, Path()).check()
    message = str(caught.value)
    assert message.startswith("bad credentials: WooCommerce refused the API key")
    assert "CHECK_WC_KEY and CHECK_WC_SECRET" in message
    assert "Consumer secret is invalid." in message
    assert "cs_wrong_secret_for_this_test" not in message


def test_query_auth_sends_the_key_in_the_query_not_a_header(
    fake_woocommerce: FakeWooCommerce, connection: dict[str, Any]
) -> None:
    build("woo", {**connection, "auth": "query"}, Path()).check()
    (request,) = fake_woocommerce.requests
    assert request.query["consumer_key"] == fake_woocommerce.key
    assert request.query["consumer_secret"] == fake_woocommerce.secret
    assert "Authorization" not in request.headers


def test_a_key_without_read_access_is_a_missing_permission(
    fake_woocommerce: FakeWooCommerce, connection: dict[str, Any]
) -> None:
    fake_woocommerce.can_list_customers = False
    with pytest.raises(SourceRejected, match=r"^missing permission: the API key may not list"):
        build("woo", connection, Path()).check()


def test_a_site_without_the_rest_route_is_not_found_with_a_hint(
    fake_woocommerce: FakeWooCommerce, connection: dict[str, Any]
) -> None:
    fake_woocommerce.fail_next("not_found")
    with pytest.raises(SourceRejected, match="not found: WordPress answers but has no WooCommerce"):
        build("woo", connection, Path()).check()


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"url": "http://shop.example.com"}, "connection.url: url 'http://shop.example.com' uses"),
        ({"url": "https://shop.example.com/wp-json/wc/v3"}, "without the API path"),
        ({"url": "shop.example.com"}, "expected the site's address"),
        ({"page_size": 101}, "connection.page_size: Input should be less than or equal to 100"),
        ({"incremental": "yes"}, "connection.incremental: Input should be 'auto', 'on' or 'off'"),
        ({"auth": "oauth"}, "connection.auth: Input should be 'basic' or 'query'"),
        ({"consumer_secret": "cs_inline"}, "connection.consumer_secret: a secret is never written"),
    ],
)
def test_a_bad_connection_block_names_the_key(
    change: dict[str, Any], problem: str, connection: dict[str, Any]
) -> None:
    with pytest.raises(ConfigError) as caught:
        settings_from_connection({**connection, **change})
    assert problem in str(caught.value)


def test_a_site_in_a_sub_folder_keeps_its_path() -> None:
    settings = settings_from_connection(
        {
            "url": "https://example.com/shop/",
            "consumer_key": {"env": "K"},
            "consumer_secret": {"env": "S"},
        }
    )
    assert settings.api_url == "https://example.com/shop/wp-json/wc/v3"
