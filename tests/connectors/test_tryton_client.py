"""The JSON-RPC client: each way a Tryton server can fail is reported as the runner should
treat it, in words that say what to fix, and never with the password."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from fixtures_tryton import (  # type: ignore[import-not-found]
    TrytonServer,
    free_port,
    tryton,  # noqa: F401
    tryton_template,  # noqa: F401
)

from connectors.tryton import TrytonClient, TrytonSettings, build
from core.errors import ConfigError, SourceRejected, SourceUnavailable
from core.settings import SecretRef

WRONG = "wrong-Password-99"


def settings(url: str, database: str = "crmhub", **extra: Any) -> TrytonSettings:
    values: dict[str, Any] = {"retries": 0, **extra}
    return TrytonSettings(
        url=url, database=database, user="admin", password=SecretRef(env="UNUSED_HERE"), **values
    )


def test_an_unreachable_server_is_unavailable_naming_host_and_port() -> None:
    port = free_port()
    client = TrytonClient(settings(f"http://127.0.0.1:{port}"), "x")
    with pytest.raises(SourceUnavailable) as caught:
        client.login()
    assert f"cannot reach Tryton at 127.0.0.1:{port} (connection refused)" in str(caught.value)


def test_a_wrong_password_is_rejected_naming_user_and_database_but_not_the_password(
    tryton: TrytonServer,  # noqa: F811
) -> None:
    client = TrytonClient(settings(tryton.url), WRONG)
    with pytest.raises(SourceRejected) as caught:
        client.login()
    message = str(caught.value)
    assert message.startswith("bad credentials for user admin on database crmhub")
    assert WRONG not in message and tryton.password not in message


def test_a_missing_database_is_a_config_error_naming_it(
    tryton: TrytonServer,  # noqa: F811
) -> None:
    client = TrytonClient(settings(tryton.url, database="nosuchdb"), tryton.password)
    with pytest.raises(ConfigError, match=r"has no database 'nosuchdb'.*fix connection.database"):
        client.login()


def test_check_through_the_factory_fails_the_same_ways(
    tryton: TrytonServer,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ERP_CHECK_LOGIN", WRONG)
    connection = {
        "url": tryton.url,
        "database": tryton.database,
        "user": "admin",
        "password": {"env": "ERP_CHECK_LOGIN"},
    }
    with pytest.raises(SourceRejected, match="bad credentials for user admin on database crmhub"):
        build("erp", connection, Path()).check()
    monkeypatch.setenv("ERP_CHECK_LOGIN", tryton.password)
    build("erp", connection, Path()).check()
    with pytest.raises(ConfigError, match="no database 'other'"):
        build("erp", {**connection, "database": "other"}, Path()).check()


def test_datetimes_read_from_the_server_go_back_into_a_domain(
    tryton: TrytonServer,  # noqa: F811
) -> None:
    first, second = tryton.create_party("First"), tryton.create_party("Second")
    client = TrytonClient(settings(tryton.url), tryton.password)
    rows = client.search_read("party.party", [["id", "=", second]], ["last_modified_at"])
    stamp = rows[0]["last_modified_at"]
    assert isinstance(stamp, datetime) and stamp.tzinfo == UTC
    later = client.search_read("party.party", [["last_modified_at", ">=", stamp]], ["id"])
    assert [row["id"] for row in later] == [second]
    before = stamp - timedelta(days=1)
    both = client.search_read("party.party", [["last_modified_at", ">=", before]], ["id"])
    assert {row["id"] for row in both} == {first, second}


def test_a_server_side_fault_names_the_method_and_tryton_s_own_words(
    tryton: TrytonServer,  # noqa: F811
) -> None:
    client = TrytonClient(settings(tryton.url), tryton.password)
    with pytest.raises(SourceRejected) as caught:
        client.search_read("party.party", [["no_such_field", "=", 1]], ["id"])
    message = str(caught.value)
    assert "failed on model.party.party.search_read: 'no_such_field'" in message
    assert "trytond log" in message


def test_an_expired_session_is_renewed_once_without_the_caller_noticing(
    tryton: TrytonServer,  # noqa: F811
) -> None:
    client = TrytonClient(settings(tryton.url), tryton.password)
    client.login()
    client._authorization = "Session YWRtaW46MTpleHBpcmVk"  # admin:1:expired
    assert client.search_read("party.party", [], ["id"]) == []


class _Busy(BaseHTTPRequestHandler):
    """Answers every request with 503 and Retry-After: 0, counting them."""

    calls = 0

    def do_POST(self) -> None:
        type(self).calls += 1
        self.send_response(503)
        self.send_header("Retry-After", "0")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def busy_server() -> Iterator[str]:
    _Busy.calls = 0
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Busy)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_busy_server_is_retried_then_reported_unavailable(busy_server: str) -> None:
    slept: list[float] = []
    client = TrytonClient(settings(busy_server, retries=2), "x", sleep=slept.append)
    with pytest.raises(SourceUnavailable, match=r"answered common.db.login with HTTP 503; retry"):
        client.login()
    assert _Busy.calls == 3
    assert slept == [0.0, 0.0]  # Retry-After honoured
