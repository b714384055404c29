"""The report's inline SVG charts: valid SVG, gaps for missing runs, exact numbers on hover."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from pipeline.report.charts import bar_chart, line_chart

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup: str) -> ET.Element:
    return ET.fromstring(markup[: markup.index("</svg>") + len("</svg>")])


def test_a_line_chart_draws_one_line_per_series_and_leaves_gaps() -> None:
    markup = line_chart(
        "records read", ["1", "2", "3", "4"], {"crm": [10, 12, None, 9], "erp": [5, 5, 5, 5]}
    )
    svg = parse(markup)
    assert svg.attrib["aria-label"] == "records read"
    lines = svg.findall(f"{SVG}polyline")
    assert len(lines) == 2  # crm's two points around the gap make no line; erp is one line
    tips = [t.text for t in svg.iter(f"{SVG}title")]
    assert "crm, run 4: 9" in tips and "erp, run 1: 5" in tips
    assert len(svg.findall(f"{SVG}circle")) == 7
    assert 'class="legend"' in markup and "crm" in markup[markup.index("</svg>") :]


def test_a_percent_chart_labels_its_axis_in_percent() -> None:
    svg = parse(line_chart("share", ["1", "2"], {"crm": [0.1, 0.25]}, percent=True))
    labels = [t.text for t in svg.iter(f"{SVG}text")]
    assert "50%" in labels and "0%" in labels
    assert "crm, run 2: 25%" in [t.text for t in svg.iter(f"{SVG}title")]


def test_a_bar_chart_stacks_the_statuses_of_each_run() -> None:
    markup = bar_chart(
        "checks",
        ["7", "8"],
        {"passed": [10, 12], "warned": [2, 0], "failed": [1, 1]},
        {"passed": "#0a0", "warned": "#a80", "failed": "#a00"},
    )
    rects = parse(markup).findall(f"{SVG}rect")
    assert len(rects) == 5  # no empty bar for run 8's zero warnings
    assert [r.find(f"{SVG}title").text for r in rects][:3] == [  # type: ignore[union-attr]
        "run 7: 10 passed",
        "run 7: 2 warned",
        "run 7: 1 failed",
    ]
