"""The Tryton connection block: secrets only by reference, and errors that name the key."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from connectors.tryton import build
from connectors.tryton.codec import decode, encode, plain
from connectors.tryton.settings import settings_from_connection
from core.errors import ConfigError, redact

GOOD = {
    "url": "http://erp.local:8000/",
    "database": "prod",
    "user": "crmhub",
    "password": {"env": "ERP_SETTINGS_LOGIN"},
}


def error(connection: Any) -> str:
    with pytest.raises(ConfigError) as caught:
        settings_from_connection(connection)
    return str(caught.value)


def test_a_good_block_validates_with_defaults() -> None:
    settings = settings_from_connection(GOOD)
    assert settings.url == "http://erp.local:8000"
    assert settings.endpoint == "http://erp.local:8000/prod/rpc/"
    assert settings.address == "erp.local:8000"
    assert (settings.page_size, settings.retries, settings.lookback_seconds) == (500, 2, 0)


def test_an_inline_password_is_refused_saying_how_and_without_repeating_it() -> None:
    message = error({**GOOD, "password": "hunter2-Secret"})
    assert "connection.password: write the password as {env: NAME}" in message
    assert "hunter2-Secret" not in message


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"url": "erp.local:8000"}, "connection.url: expected an http(s) URL"),
        ({"url": "http://admin:pw@erp.local"}, "connection.url: the URL holds credentials"),
        ({"database": "a/b"}, "connection.database: String should match pattern"),
        ({"page_size": 0}, "connection.page_size: Input should be greater than or equal to 1"),
        ({"pasword": {"env": "X"}}, "connection.pasword: unknown key (allowed: url, database"),
        ({"password": {"env": "1X"}}, "connection.password.env: String should match pattern"),
    ],
)
def test_a_bad_block_names_the_key(change: dict[str, Any], expected: str) -> None:
    assert expected in error({**GOOD, **change})


def test_a_block_that_is_not_a_mapping_is_refused() -> None:
    assert "connection: expected a mapping with url" in error(["url"])


def test_build_reads_the_password_now_and_registers_it_as_a_secret(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ERP_SETTINGS_LOGIN", "s3cret-for-Tryton")
    connector = build("erp", GOOD, Path())
    assert connector.name == "erp"
    assert redact("login s3cret-for-Tryton failed") == "login *** failed"


def test_build_names_an_unset_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ERP_SETTINGS_LOGIN", raising=False)
    with pytest.raises(ConfigError, match="ERP_SETTINGS_LOGIN is not set"):
        build("erp", GOOD, Path())


def test_tryton_datetimes_round_trip_as_naive_utc_on_the_wire() -> None:
    stamp = datetime(2024, 3, 1, 12, 30, 5, 123, tzinfo=UTC)
    wire = encode(stamp)
    assert wire["__class__"] == "datetime" and wire["hour"] == 12
    assert decode(wire) == stamp
    assert decode({"__class__": "Decimal", "decimal": "1.50"}) == Decimal("1.50")
    assert plain({"at": stamp, "amount": Decimal("1.50"), "logo": b"\x89PNG"}) == {
        "at": "2024-03-01T12:30:05.000123+00:00",
        "amount": "1.50",
        "logo": None,
    }
