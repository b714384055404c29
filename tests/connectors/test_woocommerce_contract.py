"""The WooCommerce connector passes the connector contract, incremental and in full.

``incremental``: the store filters by ``modified_after`` (a plugin adds it), one
page of 100. ``full``: the store ignores the filter, as WooCommerce core does,
and the connector falls back to full reads of pages of 2 that the pipeline
diffs. Credentials go in the query string, the hard case for keeping them out
of messages.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from connector_contract import ConnectorContract  # type: ignore[import-not-found]
from fixtures_saas import FakeWooCommerce  # type: ignore[import-not-found]
from fixtures_saas import fake_woocommerce as fake_woocommerce  # a fixture
from fixtures_saas import secret_env as secret_env  # a fixture

from core.settings import HubConfig, SourceConfig

SetEnv = Callable[[str, str], None]
PEOPLE = [
    {"first_name": "Ben", "last_name": "Wagner", "city": "Hamburg", "phone": "+49 40 7654321"},
    {"first_name": "Fang", "last_name": "Liu", "city": "Bremen", "phone": "+49 421 112233"},
    {"first_name": "Greta", "last_name": "Koch", "city": "Kiel", "phone": "+49 431 998877"},
    {"first_name": "Otto", "last_name": "Weber", "city": "Lübeck", "phone": "+49 451 445566"},
    {"first_name": "Rosa", "last_name": "Klein", "city": "Rostock", "phone": "+49 381 223344"},
]
NEW = {"first_name": "Sven", "last_name": "Wolf", "city": "Schwerin", "phone": "+49 385 667788"}


def connection(fake: FakeWooCommerce, secret_variable: str, page_size: int) -> dict[str, Any]:
    return {
        "url": fake.url,
        "consumer_key": {"env": "CONTRACT_WC_KEY"},
        "consumer_secret": {"env": secret_variable},
        "auth": "query",
        "page_size": page_size,
    }


@pytest.fixture(params=["incremental", "full"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


class TestWooCommerceContract(ConnectorContract):
    @pytest.fixture
    def contract_config(
        self,
        fake_woocommerce: FakeWooCommerce,
        mode: str,
        store_url: str,
        tmp_path: Path,
        secret_env: SetEnv,
    ) -> HubConfig:
        fake = fake_woocommerce
        people = [fake.add_customer(**person) for person in PEOPLE]
        fake.update_customer(people[0]["id"], last_name="Wagner-Lenz")  # id order ≠ change order
        fake.supports_modified_after = mode == "incremental"
        secret_env("CONTRACT_WC_KEY", fake.key)
        secret_env("CONTRACT_WC_SECRET", fake.secret)
        page_size = 100 if mode == "incremental" else 2
        source = SourceConfig(
            name="woo",
            kind="woocommerce",
            batch_size=2,
            connection=connection(fake, "CONTRACT_WC_SECRET", page_size),
        )
        return HubConfig(store=store_url, sources=(source,), base_dir=tmp_path)

    @pytest.fixture
    def contract_secret(self, secret_env: SetEnv) -> str:
        secret = "cs_" + secrets.token_hex(20)  # a wrong secret: sent in the URL of the bad check
        secret_env("CONTRACT_WC_BAD_SECRET", secret)
        return secret

    @pytest.fixture
    def contract_bad_connection(
        self, fake_woocommerce: FakeWooCommerce, contract_secret: str
    ) -> dict[str, Any]:
        return connection(fake_woocommerce, "CONTRACT_WC_BAD_SECRET", 2)

    @pytest.fixture
    def contract_add_record(self, fake_woocommerce: FakeWooCommerce) -> Callable[[], None]:
        return lambda: fake_woocommerce.add_customer(**NEW) and None
