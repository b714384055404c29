"""Shopify's connection block and ``check()``: each misconfiguration gets its own clear error."""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fixtures_saas import FakeShopify, Sleeps  # type: ignore[import-not-found]
from fixtures_saas import fake_shopify as fake_shopify  # a fixture
from fixtures_saas import secret_env as secret_env  # a fixture
from fixtures_saas import sleeps as sleeps  # a fixture

from connectors.shopify import ShopifyConnector, build, settings_from_connection
from core.errors import ConfigError, SourceRejected, SourceUnavailable

SetEnv = Callable[[str, str], None]


@pytest.fixture
def connection(fake_shopify: FakeShopify, secret_env: SetEnv) -> dict[str, Any]:
    secret_env("CHECK_SHOPIFY_TOKEN", fake_shopify.token)
    return {
        "shop": fake_shopify.url,
        "api_version": "2024-07",
        "access_token": {"env": "CHECK_SHOPIFY_TOKEN"},
    }


def test_check_passes_with_one_cheap_request(
    fake_shopify: FakeShopify, connection: dict[str, Any]
) -> None:
    build("shop", connection, Path()).check()
    assert fake_shopify.paths() == ["/admin/api/2024-07/customers/count.json"]


def test_a_wrong_token_is_bad_credentials_naming_the_variable(
    fake_shopify: FakeShopify, connection: dict[str, Any], secret_env: SetEnv
) -> None:
    secret_env("CHECK_SHOPIFY_TOKEN", "shpat_not_the_right_one_42")
    with pytest.raises(SourceRejected) as caught:
        build("shop", connection, Path()).check()
    message = str(caught.value)
    assert message.startswith("bad credentials: Shopify refused the access token")
    assert "environment variable CHECK_SHOPIFY_TOKEN" in message
    assert "shpat_not_the_right_one_42" not in message


def test_a_token_without_the_customer_scope_is_a_missing_permission(
    fake_shopify: FakeShopify, connection: dict[str, Any]
) -> None:
    fake_shopify.scopes = set()
    with pytest.raises(SourceRejected, match=r"^missing permission: .*read_customers"):
        build("shop", connection, Path()).check()


def test_a_wrong_address_is_not_found_naming_shop_and_version(
    fake_shopify: FakeShopify, connection: dict[str, Any]
) -> None:
    fake_shopify.fail_next("not_found")
    with pytest.raises(SourceRejected) as caught:
        build("shop", connection, Path()).check()
    assert "not found: check connection.shop" in str(caught.value)
    assert "connection.api_version (2024-07)" in str(caught.value)


def test_an_unreachable_shop_is_unavailable_with_its_own_message(
    connection: dict[str, Any], sleeps: Sleeps
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = settings_from_connection({**connection, "shop": f"http://127.0.0.1:{port}"})
    with pytest.raises(SourceUnavailable, match=r"^host unreachable: .*refused the connection"):
        ShopifyConnector("shop", settings, sleep=sleeps).check()


def test_a_version_the_shop_no_longer_serves_is_logged(
    fake_shopify: FakeShopify, connection: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        build("shop", {**connection, "api_version": "2023-01"}, Path()).check()
    assert "answers API version 2024-04, not the configured 2023-01" in caplog.text


def test_a_missing_token_variable_is_a_config_error(connection: dict[str, Any]) -> None:
    with pytest.raises(ConfigError, match="environment variable NOT_SET_ANYWHERE_42 is not set"):
        build("shop", {**connection, "access_token": {"env": "NOT_SET_ANYWHERE_42"}}, Path())


@pytest.mark.parametrize(
    ("shop", "url"),
    [
        ("acme", "https://acme.myshopify.com"),
        ("acme.myshopify.com", "https://acme.myshopify.com"),
        ("https://acme.myshopify.com/", "https://acme.myshopify.com"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
    ],
)
def test_the_shop_may_be_named_several_ways(
    shop: str, url: str, connection: dict[str, Any]
) -> None:
    settings = settings_from_connection({**connection, "shop": shop})
    assert settings.shop == url
    assert settings.api_url == f"{url}/admin/api/2024-07"


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"api_version": "2024-05"}, "connection.api_version: expected a stable Shopify API"),
        ({"api_version": "latest"}, "connection.api_version: expected a stable Shopify API"),
        ({"shop": "http://acme.myshopify.com"}, "connection.shop: shop 'http://acme.myshopify"),
        ({"shop": "https://acme.myshopify.com/admin"}, "without a path"),
        ({"page_size": 251}, "connection.page_size: Input should be less than or equal to 250"),
        ({"token": "x"}, "connection.token: unknown key (allowed: shop, api_version, access_token"),
    ],
)
def test_a_bad_connection_block_names_the_key(
    change: dict[str, Any], problem: str, connection: dict[str, Any]
) -> None:
    with pytest.raises(ConfigError) as caught:
        settings_from_connection({**connection, **change})
    assert problem in str(caught.value)


def test_the_api_version_is_required(connection: dict[str, Any]) -> None:
    del connection["api_version"]
    with pytest.raises(ConfigError, match=r"connection\.api_version: Field required"):
        settings_from_connection(connection)
