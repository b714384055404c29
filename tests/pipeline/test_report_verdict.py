"""The report says how a run went in words and colours that mean them, and what it did to
the golden records: records staged, golden records created, records joined to existing ones."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from quality_helpers import hub, write_rows  # type: ignore[import-not-found]
from sample_people import people  # type: ignore[import-not-found]

from pipeline.report import write_report
from pipeline.report.page import STATUS_COLOURS
from pipeline.report.verdict import verdict
from pipeline.store import open_store
from pipeline.sync import sync


@pytest.mark.parametrize(
    ("status", "counts", "message", "said", "tone"),
    [
        ("succeeded", {"passed": 13}, None, "succeeded", "passed"),
        ("succeeded", {"passed": 12, "warned": 1}, None, "succeeded with 1 warning", "passed"),
        ("succeeded", {"passed": 10, "warned": 3}, None, "succeeded with 3 warnings", "passed"),
        (
            "failed",
            {"passed": 12, "failed": 1},
            "the ledger of source crm does not add up",
            "failed: the ledger of source crm does not add up",
            "failed",
        ),
        ("failed", {"passed": 11, "failed": 2}, None, "failed: 2 error checks failed", "failed"),
        ("running", {}, None, "running", "neutral"),
    ],
)
def test_the_verdict_says_how_the_run_went(
    status: str, counts: dict[str, int], message: str | None, said: str, tone: str
) -> None:
    assert verdict(status, counts, message) == (said, tone)


def test_the_report_shows_the_verdict_in_green_and_the_merge_figures(
    store_url: str, tmp_path: Path
) -> None:
    path = write_rows(tmp_path / "crm.csv", people(6))
    config = hub(store_url, path)
    sync(config)
    twin = {**people(1)[0], "source_id": "101"}  # person 1 again, under another id
    write_rows(path, [*people(6), twin, *people(1, start=7)])
    result = sync(config)
    assert result.ok, result.problems
    written = write_report(open_store(config, "write"), config)

    facts = json.loads(written.json.read_text(encoding="utf-8"))
    assert facts["merge"] == {"staged": 2, "golden_created": 1, "linked": 2, "joined_existing": 1}
    html = written.html.read_text(encoding="utf-8")
    badge = re.search(
        r'<span class="verdict" id="verdict" style="background:(#\w+)">([^<]*)<', html
    )
    assert badge is not None
    colour, said = badge.groups()
    warned = facts["check_counts"].get("warned", 0)
    assert said == ("succeeded" + (f" with {warned} warning" if warned else "")) + (
        "s" if warned > 1 else ""
    )
    assert colour == STATUS_COLOURS["passed"] and written.verdict == said
    assert (
        "2 records staged; 1 golden records created; 1 records joined existing golden records"
        in html
    )
