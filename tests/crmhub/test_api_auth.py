"""Tokens on the wire: 401 and 403 that say why, and a token never shows up in a log."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest
from api_helpers import Api  # type: ignore[import-not-found]

from pipeline.store import open_store
from pipeline.tokens import TokenInfo, create_token, list_tokens, revoke_token


def test_health_needs_no_token_and_says_the_store_answers(sqlite_api: Api) -> None:
    answer = sqlite_api.get("/health", token=None)
    assert answer.status_code == 200
    assert answer.json() == {"status": "ok", "store": "answers"}


def test_without_a_token_the_answer_is_401_with_a_bearer_challenge(sqlite_api: Api) -> None:
    for path in ("/customers", "/changes", "/customers/GANY"):
        answer = sqlite_api.get(path, token=None)
        assert answer.status_code == 401
        assert answer.headers["WWW-Authenticate"] == "Bearer"
        assert answer.json()["error"] == "token_required"
        assert "Authorization: Bearer" in answer.json()["detail"]
    basic = sqlite_api.get("/customers", token=None, headers={"Authorization": "Basic eDp5"})
    assert basic.status_code == 401


def test_an_unknown_token_is_401_saying_it_is_not_known(sqlite_api: Api) -> None:
    answer = sqlite_api.get("/customers", token=sqlite_api.token[:-2] + "xx")
    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'
    assert "not known" in answer.json()["detail"]


def test_a_revoked_token_stops_working_at_once(sqlite_api: Api) -> None:
    engine = open_store(sqlite_api.config, "write")
    token = create_token(engine, "leaving-app", ["read"]).token
    assert sqlite_api.get("/changes", token=token).status_code == 200
    revoke_token(engine, "leaving-app")
    answer = sqlite_api.get("/changes", token=token)
    assert answer.status_code == 401
    assert answer.json() == {
        "error": "invalid_token",
        "detail": "token 'leaving-app' was revoked; ask for a new one",
    }


def test_a_token_without_the_read_scope_is_403_naming_the_scope(sqlite_api: Api) -> None:
    token = create_token(open_store(sqlite_api.config, "write"), "metrics-only", ["metrics"]).token
    answer = sqlite_api.get("/customers", token=token)
    assert answer.status_code == 403
    assert answer.json()["error"] == "insufficient_scope"
    assert "lacks the 'read' scope" in answer.json()["detail"]
    assert 'scope="read"' in answer.headers["WWW-Authenticate"]


def _token(engine, name: str) -> TokenInfo:  # type: ignore[no-untyped-def]
    (found,) = [t for t in list_tokens(engine) if t.name == name]
    return found


def test_a_used_token_shows_when_it_was_last_used(sqlite_api: Api) -> None:
    engine = open_store(sqlite_api.config, "write")
    before = _token(engine, "test-1")
    assert before.last_used_at is None
    assert sqlite_api.get("/changes").status_code == 200
    deadline = time.monotonic() + 10  # written just after the answer was sent
    while (used := _token(engine, "test-1").last_used_at) is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert used is not None and used >= before.created_at


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def test_tokens_never_reach_the_access_log_even_in_a_query_string(
    sqlite_hub,  # type: ignore[no-untyped-def]
    serve,  # type: ignore[no-untyped-def]
) -> None:
    api = serve(sqlite_hub, access_log=True, log_level="info")
    captured = _Lines()
    access = logging.getLogger("uvicorn.access")  # uvicorn's own: it does not propagate
    access.addHandler(captured)
    try:
        api.get("/customers", params={"email": "li.na@example.cn"})
        api.get("/customers", token=None, params={"access_token": api.token})
        api.get("/changes", token=None, params={"token": api.token[:-1] + "Q"})
        api.get("/customers", params={"phone": "+86 138 0013 8000", "name": "Li Na"})
        deadline = time.monotonic() + 10  # uvicorn writes the line after the response
        while len(captured.lines) < 4 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        access.removeHandler(captured)
    assert len(captured.lines) == 4, captured.lines
    assert "GET /customers?email=l***@example.cn " in captured.lines[0]  # personal: masked
    assert "?access_token=***" in captured.lines[1]  # a secret this process knows
    assert "?token=crmhub_*** " in captured.lines[2]  # anything shaped like a token
    assert "phone=%2B86******8000&name=L*%20N*" in captured.lines[3], captured.lines[3]
    assert all(api.token[len("crmhub_") : -1] not in line for line in captured.lines)


def test_serve_refuses_a_store_that_is_not_there(tmp_path: Path) -> None:
    from core.errors import ConfigError
    from core.settings import HubConfig
    from crmhub.api import create_app

    with pytest.raises(ConfigError, match="run `crmhub sync` first"):
        create_app(HubConfig(store=f"sqlite:///{tmp_path / 'none.db'}"))
    assert not (tmp_path / "none.db").exists()
