"""The run report in real headless Chromium: no console errors, the numbers visible, a
screenshot; the JSON says the same; Data Docs are built beside it and linked."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import pytest
from chromium import ensure_chromium, render  # type: ignore[import-not-found]
from quality_helpers import hub, write_rows  # type: ignore[import-not-found]
from sample_people import people  # type: ignore[import-not-found]

from core.settings import PrivacySettings
from pipeline.report import write_report
from pipeline.store import open_store
from pipeline.sync import sync
from quality.results import ValidationReport

CHECK_NAMES = (
    "completeness",
    "validity",
    "allowed_values",
    "uniqueness",
    "schema_drift",
    "volume",
    "freshness",
    "reconciliation",
    "golden_unique_email",
    "golden_unique_phone",
    "golden_completeness",
    "golden_multi_source",
    "golden_orphans",
)
# A malformed email is a field issue by default; these tests read the quarantine rows the
# report shows, so the email field is set to quarantine the whole record.
HOLD_BAD_EMAILS = {"email": "quarantine"}
BAD = [
    {"source_id": "90", "full_name": "Zhao Wei", "email": "zhao.wei@@example.cn"},
    {"source_id": "91", "city": "Nowhere"},
]


@pytest.fixture(scope="module", autouse=True)
def chromium() -> Path:
    return ensure_chromium()


def test_the_report_renders_in_chromium_with_the_ledger_and_the_checks_visible(
    store_url: str, tmp_path: Path
) -> None:
    path = write_rows(tmp_path / "crm.csv", [*people(8), *BAD])
    config = hub(store_url, path, field_policy=HOLD_BAD_EMAILS)
    sync(config)
    write_rows(path, [{**p, "tier": "gold"} for p in people(4)] + BAD)
    result = sync(config)
    written = write_report(open_store(config, "write"), config)
    assert written.html == tmp_path / "reports" / f"run-{result.ledger.run_id}.html"

    shot = tmp_path / "report.png"
    page = render(written.html, shot, boxes=("#ledger table", "#checks table"))
    assert page.errors == [] and page.console == []
    png = shot.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000
    shot_width, shot_height = struct.unpack(">II", png[16:24])  # the IHDR chunk
    for table in ("#ledger table", "#checks table"):  # drawn, with room, inside the shot
        box = page.boxes[table]
        assert box["width"] > 600 and box["height"] > 40, (table, box)
        assert box["x"] + box["width"] <= shot_width, (table, box)
        assert box["y"] + box["height"] <= shot_height, (table, box)
    (crm,) = result.ledger.source_ledgers
    assert (crm.read, crm.unchanged, crm.quarantined, crm.deleted) == (6, 0, 2, 4)
    row = f"crm\t{crm.read}\t{crm.unchanged}\t{crm.staged}\t{crm.quarantined}\t{crm.deleted}"
    assert row in page.text
    for name in CHECK_NAMES:
        assert name in page.text, name
    assert "source crm: volume: read 6 records, 40% below the median 10" in page.text
    assert "new field tier" in page.text
    assert "Top failure reasons" in page.text and "'…' is not a valid email address" in page.text
    html = written.html.read_text(encoding="utf-8")
    assert "z***@example.cn" in html and "zhao.wei" not in html
    assert "<script" not in html and "http://" not in html.replace(
        'xmlns="http://www.w3.org/2000/svg"', ""
    )

    facts = json.loads(written.json.read_text(encoding="utf-8"))
    assert facts["totals"]["read"] == result.ledger.total("read")
    assert [c["name"] for c in facts["checks"]] == [c.name for c in written.quality.checks]
    assert (
        ValidationReport.model_validate(
            {
                "run_id": result.ledger.run_id,
                "checked_at": facts["generated_at"],
                "checks": facts["checks"],
            }
        ).counts()
        == facts["check_counts"]
    )
    assert facts["trends"]["runs"] == [1, 2]
    assert facts["trends"]["volume"]["crm"] == [10, 6]

    docs = f"run-{result.ledger.run_id}-data-docs/index.html"
    assert facts["data_docs"] == docs and f'href="{docs}"' in html
    assert written.data_docs is not None and written.data_docs.is_file()
    index = written.data_docs.read_text(encoding="utf-8")
    assert "crm.records" in index and "golden.scores" in index


def test_the_browser_check_sees_console_errors_and_failed_loads(tmp_path: Path) -> None:
    page = tmp_path / "broken.html"
    page.write_text(
        '<!doctype html><html><head><meta charset="utf-8"><title>x</title></head><body>'
        '<img src="missing.png"><script>console.error("boom")</script></body></html>',
        encoding="utf-8",
    )
    rendered = render(page, tmp_path / "broken.png")
    assert "console.error: boom" in rendered.errors
    assert any("missing.png" in e for e in rendered.errors)


def test_personal_data_shows_in_the_report_only_when_the_config_turns_masking_off(
    tmp_path: Path,
) -> None:
    path = write_rows(tmp_path / "crm.csv", [*people(3), *BAD])
    masked = hub(f"sqlite:///{tmp_path / 'store.db'}", path, field_policy=HOLD_BAD_EMAILS)
    sync(masked)
    html = write_report(open_store(masked, "write"), masked).html.read_text(encoding="utf-8")
    assert "z***@example.cn" in html and "zhao.wei" not in html
    plain = masked.model_copy(update={"privacy": PrivacySettings(mask_personal_data=False)})
    html = write_report(open_store(plain, "write"), plain).html.read_text(encoding="utf-8")
    assert "zhao.wei@@example.cn" in html
