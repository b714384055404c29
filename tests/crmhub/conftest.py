"""Fixtures for the read API tests (helpers in tests/support/api_helpers.py)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from api_helpers import Api, sample_hub, start_server  # type: ignore[import-not-found]

from core.settings import HubConfig
from pipeline.store import open_store
from pipeline.tokens import create_token


@pytest.fixture
def hub(store_url: str, tmp_path: Path) -> HubConfig:
    return sample_hub(store_url, tmp_path / "hub")


@pytest.fixture
def sqlite_hub(tmp_path: Path) -> HubConfig:
    return sample_hub(f"sqlite:///{tmp_path / 'store.db'}", tmp_path / "hub")


@pytest.fixture
def serve():  # type: ignore[no-untyped-def]
    """``serve(config) -> Api``: start a server over ``config``'s store; stopped afterwards."""
    running: list[tuple[uvicorn.Server, threading.Thread]] = []

    def start(config: HubConfig, **options: Any) -> Api:
        server, thread = start_server(config, **options)
        running.append((server, thread))
        port = server.servers[0].sockets[0].getsockname()[1]
        token = create_token(open_store(config, "write"), f"test-{len(running)}", ["read"]).token
        return Api(f"http://127.0.0.1:{port}", config, token)

    yield start
    for server, thread in running:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture
def api(hub: HubConfig, serve) -> Api:  # type: ignore[no-untyped-def]
    return serve(hub)


@pytest.fixture
def sqlite_api(sqlite_hub: HubConfig, serve) -> Api:  # type: ignore[no-untyped-def]
    return serve(sqlite_hub)


@pytest.fixture
def api_config(tmp_path: Path) -> Iterator[Path]:
    """A hub.yaml for CLI tests of the API commands (the sample, synced into SQLite)."""
    sample_hub(f"sqlite:///{tmp_path / 'store.db'}", tmp_path / "hub")
    config = tmp_path / "hub" / "hub.yaml"
    text = config.read_text(encoding="utf-8").replace(
        "store: sqlite:///crmhub.db", f"store: sqlite:///{tmp_path / 'store.db'}"
    )
    config.write_text(text, encoding="utf-8")
    yield config
