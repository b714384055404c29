"""The store's password reaches Great Expectations (it opens its own connections) but never
what the checks store, the report, its JSON, Data Docs or the logs."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import sqlalchemy as sa
from quality_helpers import hub, write_rows  # type: ignore[import-not-found]
from sample_people import people  # type: ignore[import-not-found]

from core.store.tables import quality_check, quality_result
from pipeline.report import write_report
from pipeline.store import open_store
from pipeline.sync import sync

PASSWORD = "st0re-pw-9f3kq2"  # PostgreSQL here trusts local logins: any password connects


def test_the_store_password_never_reaches_checks_reports_or_logs(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("CRMHUB_TEST_STORE_PASSWORD", PASSWORD)
    user, _, rest = pg_url.partition("@")
    config = hub(
        f"{user}:${{CRMHUB_TEST_STORE_PASSWORD}}@{rest}",
        write_rows(tmp_path / "crm.csv", [*people(4), {"source_id": "9", "city": "Nowhere"}]),
    )
    assert PASSWORD in config.store_url()
    caplog.set_level(logging.INFO)
    result = sync(config)
    assert result.ledger.total("quarantined") == 1
    written = write_report(open_store(config, "write"), config)
    assert written.data_docs is not None

    engine = sa.create_engine(pg_url)
    with engine.connect() as connection:
        stored = [
            str(row)
            for table in (quality_check, quality_result)
            for row in connection.execute(sa.select(table))
        ]
    engine.dispose()
    pages = [p.read_text(encoding="utf-8") for p in written.data_docs.parent.rglob("*.html")]
    haystacks = {
        "stored checks and GE results": "\n".join(stored),
        "report": written.html.read_text(encoding="utf-8"),
        "json": written.json.read_text(encoding="utf-8"),
        "data docs": "\n".join(pages),
        "log": "\n".join(r.getMessage() for r in caplog.records),
    }
    assert len(stored) == 13 + 6 and len(pages) > 1
    for where, text in haystacks.items():
        assert PASSWORD not in text, where
