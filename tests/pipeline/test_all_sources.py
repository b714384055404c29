"""One hub.yaml with every kind of source, against real servers, end to end — and no secret
anywhere: not in a log line, an exception, a report or a database row.

Dovecot (IMAP) and trytond (ERP) run for real; Shopify and WooCommerce are local HTTP
servers that follow the vendors' documented behaviour (they cannot be reached from here).
"""

from __future__ import annotations

import csv
import gzip
import logging
from pathlib import Path

import pytest
import sqlalchemy as sa
from fixtures_dovecot import DovecotServer  # type: ignore[import-not-found]
from fixtures_dovecot import _dovecots_stopping as _dovecots_stopping
from fixtures_dovecot import dovecot as dovecot
from fixtures_dovecot import dovecot_binary as dovecot_binary
from fixtures_saas import FakeShopify, FakeWooCommerce  # type: ignore[import-not-found]
from fixtures_saas import fake_shopify as fake_shopify
from fixtures_saas import fake_woocommerce as fake_woocommerce
from fixtures_tryton import TrytonServer  # type: ignore[import-not-found]
from fixtures_tryton import tryton as tryton
from fixtures_tryton import tryton_template as tryton_template

from core.settings import load_config
from core.store import make_engine
from core.store.tables import golden_record, xref
from pipeline.backup import create_backup
from pipeline.check import check_sources
from pipeline.report import write_report
from pipeline.sync import sync

MAIL = """From: =?gb2312?B?1cXOsA==?= <zhang.wei@example.cn>
To: sales@acme.example
Subject: order
Date: Mon, 02 Nov 2026 10:00:00 +0800
Message-ID: <m1@example.cn>

Hello, please call me.
--
Zhang Wei
Tel: +86 138 0013 8000
"""


def write_config(
    tmp_path: Path,
    dovecot: DovecotServer,
    tryton: TrytonServer,
    shop: FakeShopify,
    woo: FakeWooCommerce,
) -> Path:
    with (tmp_path / "crm.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["source_id", "full_name", "email", "phone", "city"])
        writer.writerow(["C1", "张伟", "zhang.wei@example.cn", "138 0013 8000", "北京"])
        writer.writerow(["C2", "Anna Schmidt", "anna.schmidt.1@example.com", "", "Berlin"])
    config = tmp_path / "hub.yaml"
    config.write_text(
        f"""
store: sqlite:///hub.db
sources:
  - name: crm
    kind: spreadsheet
    connection: {{path: crm.csv}}
  - name: mail
    kind: imap
    connection:
      host: {dovecot.host}
      port: {dovecot.port}
      tls: none
      user: {dovecot.user}
      password: {{env: HUB_IMAP_PASSWORD}}
      own_domains: [acme.example]
  - name: erp
    kind: tryton
    connection:
      url: {tryton.url}
      database: {tryton.database}
      user: {tryton.user}
      password: {{env: HUB_TRYTON_PASSWORD}}
  - name: shop
    kind: shopify
    connection:
      shop: {shop.url}
      api_version: "2024-07"
      access_token: {{env: HUB_SHOPIFY_TOKEN}}
  - name: woo
    kind: woocommerce
    connection:
      url: {woo.url}
      consumer_key: {{env: HUB_WOO_KEY}}
      consumer_secret: {{env: HUB_WOO_SECRET}}
      auth: query
""",
        encoding="utf-8",
    )
    return config


@pytest.mark.slow
def test_every_kind_of_source_syncs_into_golden_records_and_no_secret_leaks(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    dovecot: DovecotServer,
    tryton: TrytonServer,
    fake_shopify: FakeShopify,
    fake_woocommerce: FakeWooCommerce,
) -> None:
    secrets = {
        "HUB_IMAP_PASSWORD": dovecot.password,
        "HUB_TRYTON_PASSWORD": tryton.password,
        "HUB_SHOPIFY_TOKEN": fake_shopify.token,
        "HUB_WOO_KEY": fake_woocommerce.key,
        "HUB_WOO_SECRET": fake_woocommerce.secret,
    }
    for name, value in secrets.items():
        monkeypatch.setenv(name, value)
    dovecot.deliver(MAIL)
    tryton.create_party(
        "张伟",
        addresses=[
            {"street": "建国路88号", "postal_code": "100020", "city": "北京", "country": "CN"},
            {"street": "Hohe Straße 3", "postal_code": "50667", "city": "Köln", "country": "DE"},
        ],
        contacts=[
            ("email", "zhang.wei@example.cn"),
            ("phone", "+86 10 6552 9988"),
            ("mobile", "+86 138 0013 8000"),
        ],
    )
    fake_shopify.add_customer(first_name="Anna", last_name="Schmidt")
    fake_woocommerce.add_customer(first_name="Ben", last_name="Wagner")
    config_path = write_config(tmp_path, dovecot, tryton, fake_shopify, fake_woocommerce)
    config = load_config(config_path)
    caplog.set_level(logging.DEBUG)

    assert all(c.ok for c in check_sources(config)), check_sources(config)
    result = sync(config)
    assert result.ok, result.problems
    ledger = {s.source: s for s in result.ledger.source_ledgers}
    assert set(ledger) == {"crm", "mail", "erp", "shop", "woo"}
    assert all(s.staged >= 1 for s in ledger.values()), ledger
    engine = make_engine(config.store_url())
    with engine.connect() as c:
        links = {(r.source, r.source_id): r.golden_id for r in c.execute(sa.select(xref))}
    zhang = {links[k] for k in links if k in {("crm", "C1"), ("mail", "zhang.wei@example.cn")}}
    erp = [g for (source, _), g in links.items() if source == "erp"]
    assert len(zhang) == 1 and erp == list(zhang), links  # one person, three systems
    with engine.connect() as c:
        golden = c.execute(
            sa.select(golden_record.c.record).where(golden_record.c.golden_id == erp[0])
        ).scalar_one()
    assert {a["city"] for a in golden["addresses"]} == {"北京", "Köln"}
    assert set(golden["phones"]) == {"+861065529988", "+8613800138000"}
    assert golden["email"] == "zhang.wei@example.cn"
    assert sync(config).ledger.total("staged") == 0

    # A run with wrong credentials: its errors end up in logs, exceptions and the ledger.
    monkeypatch.setenv("HUB_WOO_SECRET", "cs_wrong_" + fake_woocommerce.secret[-12:])
    monkeypatch.setenv("HUB_IMAP_PASSWORD", "wrong-" + dovecot.password)
    failed = sync(config)
    assert not failed.ok
    problems = " ".join(failed.problems) + " ".join(c.problem or "" for c in check_sources(config))

    written = write_report(engine, config, failed.ledger.run_id)
    report = "".join(  # the HTML, the JSON and every Data Docs page
        p.read_text(encoding="utf-8")
        for p in (written.html, written.json, *written.html.parent.rglob("*.html"))
    )
    backup = create_backup(config)
    dumped = ""
    for table in (backup.path / "tables").iterdir():
        with gzip.open(table, "rt", encoding="utf-8") as rows:
            dumped += rows.read()
    engine.dispose()
    leaked_values = [
        *secrets.values(),
        "wrong-" + dovecot.password,
        "cs_wrong_" + fake_woocommerce.secret[-12:],
    ]
    haystacks = {
        "log": "\n".join(r.getMessage() for r in caplog.records),
        "problems": problems,
        "report": report,
        "database": dumped,
        "config": config_path.read_text(),
    }
    for where, text in haystacks.items():
        for secret in leaked_values:
            assert secret not in text, f"a secret appears in the {where}"
