"""The Shopify connector passes the connector contract against the local Shopify fake."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from connector_contract import ConnectorContract  # type: ignore[import-not-found]
from fixtures_saas import FakeShopify  # type: ignore[import-not-found]
from fixtures_saas import fake_shopify as fake_shopify  # a fixture
from fixtures_saas import secret_env as secret_env  # a fixture

from core.settings import HubConfig, SourceConfig

PEOPLE = [
    {"first_name": "Anna", "last_name": "Schmidt", "city": "Berlin", "zip": "10115"},
    {"first_name": "Wei", "last_name": "Zhang", "city": "Hamburg", "zip": "20095"},
    {"first_name": "Maria", "last_name": "Rossi", "city": "München", "zip": "80331"},
    {"first_name": "Jonas", "last_name": "Becker", "city": "Köln", "zip": "50667"},
    {"first_name": "Li", "last_name": "Na", "city": "Leipzig", "zip": "04109"},
]
SetEnv = Callable[[str, str], None]
NEW = {"first_name": "Sophie", "last_name": "Martin", "city": "Dresden", "zip": "01067"}


def connection(fake: FakeShopify, token_variable: str) -> dict[str, Any]:
    return {
        "shop": fake.url,
        "api_version": "2024-07",
        "access_token": {"env": token_variable},
        "page_size": 2,
    }


class TestShopifyContract(ConnectorContract):
    @pytest.fixture
    def contract_config(
        self,
        fake_shopify: FakeShopify,
        store_url: str,
        tmp_path: Path,
        secret_env: SetEnv,
    ) -> HubConfig:
        people = [fake_shopify.add_customer(**person) for person in PEOPLE]
        fake_shopify.update_customer(people[0]["id"], note="moved")  # id order ≠ change order
        secret_env("CONTRACT_SHOPIFY_TOKEN", fake_shopify.token)
        source = SourceConfig(
            name="shop",
            kind="shopify",
            batch_size=2,
            connection=connection(fake_shopify, "CONTRACT_SHOPIFY_TOKEN"),
        )
        return HubConfig(store=store_url, sources=(source,), base_dir=tmp_path)

    @pytest.fixture
    def contract_secret(self, secret_env: SetEnv) -> str:
        token = "shpat_" + secrets.token_hex(16)  # a wrong token: the one sent in the bad check
        secret_env("CONTRACT_SHOPIFY_BAD", token)
        return token

    @pytest.fixture
    def contract_bad_connection(
        self, fake_shopify: FakeShopify, contract_secret: str
    ) -> dict[str, Any]:
        return connection(fake_shopify, "CONTRACT_SHOPIFY_BAD")

    @pytest.fixture
    def contract_add_record(self, fake_shopify: FakeShopify) -> Callable[[], None]:
        return lambda: fake_shopify.add_customer(**NEW) and None
