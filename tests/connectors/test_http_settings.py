"""HTTP settings and connection blocks: validated with messages that name the key."""

from __future__ import annotations

import pytest

from connectors.http import HttpOptions, HttpSettings, parse_connection, require_https
from connectors.shopify import ShopifySettings
from core.errors import ConfigError


def test_defaults_suit_a_vendor_api() -> None:
    options = HttpOptions()
    assert options.max_retries == 5 and options.read_timeout == 60
    assert options.requests_per_second is None


def test_errors_name_the_key_and_the_expectation() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_connection(HttpOptions, {"read_timeout": 0, "retries": 3})
    lines = str(caught.value).splitlines()
    assert "connection.read_timeout: Input should be greater than 0" in lines
    assert any(line.startswith("connection.retries: unknown key (allowed: ") for line in lines)


def test_a_connection_must_be_a_mapping() -> None:
    with pytest.raises(ConfigError, match="expected a mapping of keys, got list"):
        parse_connection(HttpOptions, ["read_timeout"])


def test_the_base_url_must_be_http_or_https() -> None:
    with pytest.raises(ValueError, match="expected an http"):
        HttpSettings(base_url="ftp://example.com")
    assert HttpSettings(base_url="https://example.com/api/").base_url == "https://example.com/api"


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080", "http://localhost", "http://[::1]:9"])
def test_plain_http_is_accepted_on_loopback(url: str) -> None:
    assert require_https(url, "url") == url


def test_plain_http_to_another_machine_is_refused() -> None:
    with pytest.raises(ValueError, match="unencrypted; use https://"):
        require_https("http://shop.example.com", "url")


def test_a_secret_written_into_the_config_is_refused_and_masked() -> None:
    token = "shpat_written_inline_0001"
    with pytest.raises(ConfigError) as caught:
        parse_connection(
            ShopifySettings, {"shop": "acme", "api_version": "2024-07", "access_token": token}
        )
    assert "connection.access_token: a secret is never written in the config" in str(caught.value)
    assert token not in str(caught.value)
    assert caught.value.__cause__ is None
