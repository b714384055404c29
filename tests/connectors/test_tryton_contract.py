"""The Tryton connector passes the connector contract against a real trytond."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from connector_contract import ConnectorContract  # type: ignore[import-not-found]
from fixtures_tryton import (  # type: ignore[import-not-found]
    TrytonServer,
    tryton,  # noqa: F401
    tryton_template,  # noqa: F401
)

from core.settings import HubConfig, SourceConfig

PARTIES = [
    ("Anna Schmidt", "anna@example.de", "+49 30 1234567"),
    ("张伟", "zhang.wei@example.cn", "+86 138 0013 8000"),
    ("Ben Wagner", "ben@example.de", "+49 40 7654321"),
    ("李娜", "li.na@example.cn", "+86 139 1234 5678"),
    ("Maria Rossi", "maria@example.it", "+39 06 1234 5678"),
]
WRONG_PASSWORD = "not-the-Admin-pass-7"


def connection(server: TrytonServer, variable: str) -> dict[str, Any]:
    return {
        "url": server.url,
        "database": server.database,
        "user": server.user,
        "password": {"env": variable},
        "page_size": 2,
        "retries": 0,
    }


@pytest.fixture
def admin_password_env(tryton: TrytonServer) -> Iterator[str]:  # noqa: F811
    """The variable holding the right password, set apart from the test's own ``monkeypatch``,
    which the contract suite undoes half-way through a test."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ERP_ADMIN_LOGIN", tryton.password)
        yield "ERP_ADMIN_LOGIN"


class TestTrytonContract(ConnectorContract):
    @pytest.fixture
    def contract_config(
        self,
        tryton: TrytonServer,  # noqa: F811
        admin_password_env: str,
        store_url: str,
        tmp_path: Path,
    ) -> HubConfig:
        for name, email, phone in PARTIES:
            tryton.create_party(name, contacts=[("email", email), ("phone", phone)])
        source = SourceConfig(
            name="erp",
            kind="tryton",
            batch_size=2,
            connection=connection(tryton, admin_password_env),
        )
        return HubConfig(store=store_url, sources=(source,), base_dir=tmp_path)

    @pytest.fixture
    def contract_bad_connection(
        self,
        tryton: TrytonServer,  # noqa: F811
        monkeypatch: pytest.MonkeyPatch,
    ) -> dict[str, Any]:
        monkeypatch.setenv("ERP_WRONG_LOGIN", WRONG_PASSWORD)
        return connection(tryton, "ERP_WRONG_LOGIN")

    @pytest.fixture
    def contract_secret(self) -> str:
        return WRONG_PASSWORD

    @pytest.fixture
    def contract_add_record(self, tryton: TrytonServer) -> Callable[[], None]:  # noqa: F811
        def add() -> None:
            tryton.create_party("Sophie Martin", contacts=[("email", "sophie@example.fr")])

        return add
