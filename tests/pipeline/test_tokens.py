"""API tokens: shown once, stored only as a hash, revocable, checked in constant time."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from core.errors import ConfigError, redact
from core.store import make_engine, migrate
from core.store.tables import api_token
from pipeline.tokens import (
    TOKEN_PREFIX,
    create_token,
    find_token,
    list_tokens,
    revoke_token,
    touch_token,
)

AT = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def engine(store_url: str):  # type: ignore[no-untyped-def]
    engine = make_engine(store_url)
    migrate(engine)
    yield engine
    engine.dispose()


def test_a_token_is_random_prefixed_and_only_its_hash_is_stored(engine) -> None:  # type: ignore[no-untyped-def]
    issued = create_token(engine, "billing", ["read"], clock=lambda: AT)
    other = create_token(engine, "crm-ui", ["read"], clock=lambda: AT)
    assert issued.token.startswith(TOKEN_PREFIX) and issued.token != other.token
    assert len(issued.token) >= len(TOKEN_PREFIX) + 43  # 32 random bytes, base64url
    with engine.connect() as c:
        rows = [r._mapping for r in c.execute(sa.select(api_token))]
    stored = " ".join(str(v) for row in rows for v in row.values())
    assert issued.token not in stored and issued.token[len(TOKEN_PREFIX) :] not in stored
    assert hashlib.sha256(issued.token.encode()).hexdigest() in stored
    assert redact(f"header was Bearer {issued.token}") == "header was Bearer ***"


def test_a_presented_token_is_found_by_its_hash_with_its_scopes(engine) -> None:  # type: ignore[no-untyped-def]
    issued = create_token(engine, "billing", ["read", "metrics", "read"], clock=lambda: AT)
    found = find_token(engine, issued.token)
    assert found is not None
    assert (found.name, found.scopes, found.created_at) == ("billing", ("read", "metrics"), AT)
    assert find_token(engine, issued.token + "x") is None
    assert find_token(engine, "") is None


def test_revoking_is_immediate_kept_on_record_and_safe_to_repeat(engine) -> None:  # type: ignore[no-untyped-def]
    issued = create_token(engine, "billing", ["read"], clock=lambda: AT)
    info, was_active = revoke_token(engine, "billing", clock=lambda: AT)
    assert was_active and info.revoked_at == AT
    found = find_token(engine, issued.token)
    assert found is not None and not found.active
    later = datetime(2025, 4, 1, tzinfo=UTC)
    again, was_active = revoke_token(engine, "billing", clock=lambda: later)
    assert not was_active and again.revoked_at == AT
    with pytest.raises(ConfigError, match="no token named 'nobody' \\(known: billing\\)"):
        revoke_token(engine, "nobody")


def test_last_use_is_recorded_and_never_moves_back(engine) -> None:  # type: ignore[no-untyped-def]
    issued = create_token(engine, "billing", ["read"], clock=lambda: AT)
    token_id = issued.info.token_id
    touch_token(engine, token_id, at=datetime(2025, 3, 2, tzinfo=UTC))
    touch_token(engine, token_id, at=datetime(2025, 3, 1, 13, 0, tzinfo=UTC))  # finished late
    (info,) = list_tokens(engine)
    assert info.last_used_at == datetime(2025, 3, 2, tzinfo=UTC)


def test_names_and_scopes_are_checked_and_names_are_unique(engine) -> None:  # type: ignore[no-untyped-def]
    create_token(engine, "billing", ["read"])
    with pytest.raises(ConfigError, match="already exists \\(active\\); pick another name"):
        create_token(engine, "billing", ["read"])
    with pytest.raises(ConfigError, match="token name"):
        create_token(engine, "bad name!", ["read"])
    with pytest.raises(ConfigError, match="at least one scope"):
        create_token(engine, "empty", [])
    with pytest.raises(ConfigError, match="scope 'read all': use lowercase"):
        create_token(engine, "shouty", ["READ ALL"])
    assert [t.name for t in list_tokens(engine)] == ["billing"]


def test_the_token_commands_print_a_token_once_and_never_list_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from crmhub.cli import main

    config = tmp_path / "hub.yaml"
    config.write_text(f"store: sqlite:///{tmp_path / 'store.db'}\n", encoding="utf-8")
    assert main(["token", "create", "--name", "billing", "-c", str(config)]) == 0
    out, err = capsys.readouterr()
    token = out.strip()
    assert token.startswith(TOKEN_PREFIX) and "not shown again" in err
    assert main(["token", "create", "--name", "odd", "--scope", "metrics", "-c", str(config)]) == 0
    assert "no route checks the scope 'metrics'" in capsys.readouterr().err
    assert main(["token", "list", "-c", str(config)]) == 0
    listed = capsys.readouterr().out
    assert "billing" in listed and "metrics" in listed and token not in listed
    assert main(["token", "revoke", "billing", "-c", str(config)]) == 0
    assert "token 'billing' revoked" in capsys.readouterr().out
    assert main(["token", "revoke", "nobody", "-c", str(config)]) == 2
    assert "no token named 'nobody'" in capsys.readouterr().err
