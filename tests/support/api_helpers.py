"""The read API for tests: a store synced from the bundled sample, served by uvicorn on a
free loopback port, and a client that talks real HTTP to it."""

from __future__ import annotations

import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
import sqlalchemy as sa
import uvicorn

from core.settings import HubConfig, load_config
from core.store.tables import xref
from crmhub.api.server import uvicorn_config
from mdm import SurvivorshipPolicy
from pipeline.demo import sample_dir
from pipeline.sync import sync

TRUST = {"crm": 70, "erp": 60, "webshop": 40}
POLICY = SurvivorshipPolicy(trust=TRUST)


@dataclass
class Api:
    """A running server: its base URL, the hub behind it and a token with the read scope."""

    url: str
    config: HubConfig
    token: str

    def get(self, path: str, *, token: str | None = "default", **kwargs: Any) -> requests.Response:
        headers = dict(kwargs.pop("headers", {}))
        if token is not None:
            headers["Authorization"] = f"Bearer {self.token if token == 'default' else token}"
        kwargs.setdefault("allow_redirects", False)
        return requests.get(self.url + path, headers=headers, timeout=30, **kwargs)

    def golden_of(self, source: str, source_id: str) -> str:
        """The golden ID a source record is linked to now (read from the store directly)."""
        engine = sa.create_engine(self.config.store_url())
        with engine.connect() as c:
            found = c.execute(
                sa.select(xref.c.golden_id).where(
                    xref.c.source == source, xref.c.source_id == source_id
                )
            ).scalar_one()
        engine.dispose()
        return str(found)


def rewrite_crm(config: HubConfig, drop: str, change: tuple[str, str, str]) -> None:
    """Drop one row of the sample's crm file and replace a value in another."""
    path = config.base_dir / "data" / "crm_contacts.csv"
    lines = path.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    source_id, old, new = change
    kept = [
        line.replace(old, new) if line.startswith(source_id + ",") else line
        for line in lines
        if not line.startswith(drop + ",")
    ]
    path.write_text("".join(kept), encoding="utf-8")


def sample_hub(store_url: str, directory: Path) -> HubConfig:
    """The bundled sample copied to ``directory``, pointed at ``store_url``, synced once."""
    shutil.copytree(sample_dir(), directory)
    config = load_config(directory / "hub.yaml").model_copy(update={"store": store_url})
    assert sync(config).ok
    return config


def start_server(config: HubConfig, **options: Any) -> tuple[uvicorn.Server, threading.Thread]:
    options.setdefault("log_level", "warning")
    server = uvicorn.Server(uvicorn_config(config, "127.0.0.1", 0, **options))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the API server did not start")
        time.sleep(0.02)
    return server, thread
