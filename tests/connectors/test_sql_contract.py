"""The generic SQL connector passes the connector contract, on MariaDB and on PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from connector_contract import ConnectorContract  # type: ignore[import-not-found]

from core.settings import HubConfig, SourceConfig

MARIADB_URL = "mysql+pymysql://root@127.0.0.1:3306/test"
WRONG_PASSWORD = "wrong-Db-pass-5"
START = datetime(2024, 5, 1, 9, 0)
PEOPLE = [
    ("Anna Schmidt", "anna@example.de", "+49 30 1234567"),
    ("张伟", "zhang.wei@example.cn", "+86 138 0013 8000"),
    ("Ben Wagner", "ben@example.de", "+49 40 7654321"),
    ("李娜", "li.na@example.cn", "+86 139 1234 5678"),
    ("Maria Rossi", "maria@example.it", "+39 06 1234 5678"),
]
MAPPING = """\
version: 1
source_id: customer_no
fields:
  full_name: display_name
  email: {from: mail, transforms: [trim, lower]}
  phone: tel
"""


@pytest.fixture(params=["mariadb", "postgresql"])
def crm_table(request: pytest.FixtureRequest) -> Iterator[tuple[str, str, sa.Table]]:
    """``(url, backend, table)``: a uniquely named table of five customers, dropped after."""
    url = MARIADB_URL if request.param == "mariadb" else str(request.getfixturevalue("pg_url"))
    table = sa.Table(
        f"crm_{uuid.uuid4().hex[:10]}",
        sa.MetaData(),
        sa.Column("customer_no", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("display_name", sa.String(80)),
        sa.Column("mail", sa.String(120)),
        sa.Column("tel", sa.String(40)),
        sa.Column("changed", sa.DateTime),
    )
    engine = sa.create_engine(url)
    table.create(engine)
    rows = [
        {
            "customer_no": n,
            "display_name": name,
            "mail": mail,
            "tel": tel,
            "changed": START + timedelta(minutes=n // 2),  # pairs share a time
        }
        for n, (name, mail, tel) in enumerate(PEOPLE, start=1)
    ]
    with engine.begin() as connection:
        connection.execute(table.insert(), rows)
    try:
        yield url, request.param, table
    finally:
        table.drop(engine)
        engine.dispose()


class TestSqlContract(ConnectorContract):
    @pytest.fixture
    def contract_config(
        self, crm_table: tuple[str, str, sa.Table], store_url: str, tmp_path: Path
    ) -> HubConfig:
        url, _, table = crm_table
        (tmp_path / "crm.yaml").write_text(MAPPING, encoding="utf-8")
        source = SourceConfig(
            name="crm",
            kind="sql",
            batch_size=2,
            mapping="crm.yaml",
            connection={
                "url": url,
                "table": table.name,
                "key_column": "customer_no",
                "cursor_column": "changed",
                "page_size": 3,
            },
        )
        return HubConfig(store=store_url, sources=(source,), base_dir=tmp_path)

    @pytest.fixture
    def contract_bad_connection(
        self, crm_table: tuple[str, str, sa.Table], monkeypatch: pytest.MonkeyPatch
    ) -> dict[str, Any]:
        url, backend, table = crm_table
        monkeypatch.setenv("CRM_DB_LOGIN", WRONG_PASSWORD)
        if backend == "postgresql":  # trust authentication takes any password: go elsewhere
            url = sa.make_url(url).set(port=9).render_as_string(hide_password=False)
        return {
            "url": url,
            "password": {"env": "CRM_DB_LOGIN"},
            "table": table.name,
            "key_column": "customer_no",
        }

    @pytest.fixture
    def contract_secret(self) -> str:
        return WRONG_PASSWORD

    @pytest.fixture
    def contract_add_record(self, crm_table: tuple[str, str, sa.Table]) -> Callable[[], None]:
        url, _, table = crm_table

        def add() -> None:
            engine = sa.create_engine(url)
            with engine.begin() as connection:
                connection.execute(
                    table.insert(),
                    {
                        "customer_no": 6,
                        "display_name": "Sophie Martin",
                        "mail": "sophie@example.fr",
                        "tel": "+33 1 23 45 67 89",
                        "changed": START + timedelta(hours=1),
                    },
                )
            engine.dispose()

        return add
