"""The run report as one self-contained HTML page: inline CSS and SVG, no script, no fetch.

Ops open it from a mail, a shared folder or an Airflow log: it has to work
offline, print well and say at a glance whether the run is fine. Most
important first: the verdict, the checks that did not pass, the ledger, then
why records were quarantined, then the trends and the payload profile.
"""

from __future__ import annotations

import json
from html import escape
from typing import Any

from pipeline.report.charts import bar_chart, line_chart
from pipeline.report.facts import RunReport, TopReason
from pipeline.report.verdict import verdict
from quality.results import CheckResult

STATUS_COLOURS = {"passed": "#15803d", "warned": "#b45309", "failed": "#b91c1c"}
NEUTRAL_COLOUR = "#475569"  # a run neither succeeded nor failed (still running)
_LABELS = {"passed": "PASS", "warned": "WARN", "failed": "FAIL"}

_STYLE = """
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1f2937;
background:#f8fafc;line-height:1.45}
main{max-width:78rem;margin:0 auto;padding:1.5rem 2rem 3rem}
h1{font-size:1.6rem;margin:.2rem 0}h2{font-size:1.2rem;margin:2rem 0 .6rem;
border-bottom:1px solid #e5e7eb;padding-bottom:.3rem}
.muted{color:#6b7280}.small{font-size:.85rem}
.cards{display:flex;flex-wrap:wrap;gap:.8rem;margin:1rem 0}
.card{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:.7rem 1rem;min-width:9rem}
.card b{display:block;font-size:1.5rem;font-variant-numeric:tabular-nums}
table{border-collapse:collapse;width:100%;background:#fff;margin:.4rem 0 1rem}
th,td{border:1px solid #e5e7eb;padding:.35rem .6rem;text-align:left;vertical-align:top;
overflow-wrap:break-word}
th{background:#f1f5f9;font-weight:600}td.n{text-align:right;font-variant-numeric:tabular-nums}
tr.total td{font-weight:600;background:#f8fafc}
.badge{display:inline-block;white-space:nowrap;border-radius:4px;padding:.05rem .45rem;color:#fff;
font-size:.78rem;font-weight:700;letter-spacing:.03em}
.verdict{display:inline-block;border-radius:6px;padding:.2rem .7rem;color:#fff;font-weight:700}
.obs{font-size:.8rem;color:#4b5563;overflow-wrap:anywhere}
.obs span{display:inline-block;margin-right:.7rem}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.8rem}
pre{white-space:pre-wrap;overflow-wrap:anywhere;margin:.2rem 0;background:#f8fafc;
padding:.3rem .5rem;border-radius:4px}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(22rem,1fr));gap:1rem}
figure{margin:0;background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:.6rem}
figcaption{font-weight:600;margin-bottom:.3rem}
.legend{font-size:.8rem;margin-top:.2rem}.key{margin-right:1rem;white-space:nowrap}
.swatch{display:inline-block;width:.8rem;height:.8rem;border-radius:2px;margin-right:.3rem;
vertical-align:-1px}
details{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:.4rem .8rem;
margin:.5rem 0}
summary{cursor:pointer;font-weight:600}
@media print{body{background:#fff}details{border:none}}
"""


def render_html(report: RunReport) -> str:
    run = report.run
    title = f"crm-hub run {run.run_id} ({run.kind})"
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<link rel="icon" href="data:,">',
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body><main>",
        _header(report, title),
        _ledger(report),
        _checks(report),
        _reasons(report),
        _field_issues(report),
        _trends(report),
        _profiles(report),
        _footer(report),
        "</main></body></html>",
    ]
    return "\n".join(parts)


def _badge(status: str) -> str:
    return (
        f'<span class="badge" style="background:{STATUS_COLOURS[status]}">{_LABELS[status]}</span>'
    )


def _header(report: RunReport, title: str) -> str:
    run = report.run
    counts = report.check_counts
    said, tone = verdict(run.status, counts, run.message)
    verdict_colour = STATUS_COLOURS.get(tone, NEUTRAL_COLOUR)
    merge = report.merge
    finished = run.finished_at.strftime("%Y-%m-%d %H:%M UTC") if run.finished_at else "not finished"
    cards = [
        ("records read", report.totals["read"]),
        ("staged", report.totals["staged"]),
        ("unchanged", report.totals["unchanged"]),
        ("quarantined", report.totals["quarantined"]),
        ("golden created", run.golden["created"]),
        ("joined existing golden", merge.joined_existing),
        ("golden updated", run.golden["updated"]),
        ("checks passed", counts.get("passed", 0)),
        ("checks warned", counts.get("warned", 0)),
        ("checks failed", counts.get("failed", 0)),
    ]
    message = (
        f'<p class="small">{escape(run.message)}</p>'
        if run.message and run.message not in said
        else ""
    )
    merged = (
        f"<p class='small' id='merge'>{merge.staged} records staged; {merge.golden_created} "
        f"golden records created; {merge.joined_existing} records joined existing golden "
        f"records ({merge.linked} linked in all)</p>"
    )
    return (
        f"<header><p class='muted small'>crm-hub data-quality report</p><h1>{escape(title)}</h1>"
        f'<p><span class="verdict" id="verdict" style="background:{verdict_colour}">'
        f"{escape(said)}</span> "
        f"<span class='muted small'>started {run.started_at:%Y-%m-%d %H:%M UTC}, finished "
        f"{finished}; sources: {escape(', '.join(run.sources) or 'none')}</span></p>{message}"
        f"{merged}"
        '<div class="cards">'
        + "".join(f'<div class="card"><b>{v}</b>{escape(k)}</div>' for k, v in cards)
        + "</div></header>"
    )


def _observed(values: dict[str, Any]) -> str:
    shown = []
    for key, value in values.items():
        if isinstance(value, dict):
            value = ", ".join(f"{k}: {v}" for k, v in value.items())
        elif isinstance(value, float):
            value = f"{value:.3f}".rstrip("0").rstrip(".")
        elif value is None:
            value = "–"
        shown.append(f"<span>{escape(key)}={escape(str(value))}</span>")
    return f'<div class="obs">{"".join(shown)}</div>'


def _check_row(check: CheckResult) -> str:
    examples = (
        "<div class='small muted'>" + "<br>".join(escape(e) for e in check.examples) + "</div>"
        if check.examples and not check.passed
        else ""
    )
    return (
        f"<tr><td>{_badge(check.status)}</td><td><b>{escape(check.name)}</b></td>"
        f"<td>{escape(check.source or 'golden records')}</td><td>{escape(check.severity)}</td>"
        f"<td>{escape(check.message)}{examples}{_observed(check.observed)}</td></tr>"
    )


def _checks(report: RunReport) -> str:
    ranked = sorted(report.checks, key=lambda c: {"failed": 0, "warned": 1, "passed": 2}[c.status])
    rows = "".join(_check_row(c) for c in ranked)
    return (
        '<section id="checks"><h2>Checks</h2><p class="small muted">error checks fail the run; '
        "warn checks only report. Severities and thresholds: <code>quality:</code> in hub.yaml."
        "</p><table><tr><th>status</th><th>check</th><th>scope</th><th>severity</th>"
        f"<th>result</th></tr>{rows}</table></section>"
    )


def _ledger(report: RunReport) -> str:
    fields: tuple[str, ...] = ("read", "unchanged", "staged", "quarantined", "erased", "deleted")
    if not report.totals.get("erased"):
        fields = tuple(f for f in fields if f != "erased")  # only after a ``crmhub forget``
    head = "".join(f"<th>{f}</th>" for f in ("source", *fields, "adds up", "status"))
    rows = []
    for row in report.ledger:
        cells = "".join(f"<td class='n'>{getattr(row, f)}</td>" for f in fields)
        adds_up = _badge("passed") if row.adds_up else _badge("failed")
        note = f"<div class='small muted'>{escape(row.message)}</div>" if row.message else ""
        rows.append(
            f"<tr><td>{escape(row.source)}</td>{cells}<td>{adds_up}</td>"
            f"<td>{escape(row.status)}{note}</td></tr>"
        )
    totals = "".join(f"<td class='n'>{report.totals[f]}</td>" for f in fields)
    rows.append(f"<tr class='total'><td>total</td>{totals}<td></td><td></td></tr>")
    return (
        '<section id="ledger"><h2>Ledger</h2><p class="small muted">per source: read = '
        "unchanged + staged + quarantined (+ erased: records of people erased on request, "
        "dropped as they were read); every staged record is linked to a golden record.</p>"
        f"<table><tr>{head}</tr>{''.join(rows)}</table></section>"
    )


def _reason_block(reason: TopReason) -> str:
    examples = "".join(
        f"<li><code>{escape(e.record_key)}</code>"
        + (f" (line {e.line})" if e.line is not None else "")
        + f": {escape(e.reason)}<pre>{escape(json.dumps(e.payload, ensure_ascii=False))}</pre></li>"
        for e in reason.examples
    )
    return (
        f"<tr><td class='n'>{reason.count}</td><td>{escape(reason.source)}</td>"
        f"<td>{escape(reason.field)}</td><td>{escape(reason.reason)}"
        f"<div class='small muted'>{escape(reason.check)}</div>"
        f"{'<ul class=small>' + examples + '</ul>' if examples else ''}</td></tr>"
    )


def _reasons(report: RunReport) -> str:
    if not report.top_reasons:
        return (
            '<section id="reasons"><h2>Top failure reasons</h2>'
            "<p>No record was quarantined in this run.</p></section>"
        )
    rows = "".join(_reason_block(r) for r in report.top_reasons)
    return (
        '<section id="reasons"><h2>Top failure reasons</h2><p class="small muted">'
        f"{report.quarantined_in_run} records quarantined in this run; examples have personal "
        "data masked (<code>crmhub quarantine show SOURCE KEY --unmask</code> shows it).</p>"
        "<table><tr><th>count</th><th>source</th><th>field</th><th>reason and examples</th></tr>"
        f"{rows}</table></section>"
    )


def _field_issues(report: RunReport) -> str:
    if not report.field_issues:
        return (
            '<section id="field-issues"><h2>Field issues</h2>'
            "<p>No record read in this run carries a defective value.</p></section>"
        )
    rows = "".join(
        f"<tr><td class='n'>{g.count}</td><td>{escape(g.source)}</td><td>{escape(g.field)}</td>"
        f"<td>{escape(g.reason)}<div class='small muted'>{escape(g.check)}</div>"
        + (
            "<ul class=small>"
            + "".join(
                f"<li><code>{escape(e.source_id)}</code>"
                + (f" (line {e.line})" if e.line is not None else "")
                + f": <code>{escape(e.value)}</code></li>"
                for e in g.examples
            )
            + "</ul>"
            if g.examples
            else ""
        )
        + "</td></tr>"
        for g in report.field_issues
    )
    return (
        '<section id="field-issues"><h2>Field issues</h2><p class="small muted">'
        f"{report.field_issues_in_run} defective values in records read by this run. Those "
        "customers were kept and matched on their other fields; the value stays in the payload "
        "as read but is not used (<code>crmhub quarantine issues list</code>; "
        "<code>crmhub quarantine retry</code> re-checks them after a fix). Values are masked."
        "</p><table><tr><th>count</th><th>source</th><th>field</th>"
        f"<th>reason and examples</th></tr>{rows}</table></section>"
    )


def _trends(report: RunReport) -> str:
    trends = report.trends
    if len(trends.runs) < 2:
        return (
            '<section id="trends"><h2>Trends</h2><p class="muted">Trends appear from the '
            f"second {escape(report.run.kind)} run on.</p></section>"
        )
    labels = [str(r) for r in trends.runs]
    figures = [
        ("Records read per run", line_chart("records read per run", labels, trends.volume)),
        (
            "Quarantined share per run",
            line_chart("quarantined share per run", labels, trends.failure_rate, percent=True),
        ),
        (
            "Checks per run",
            bar_chart("checks per run", labels, trends.checks, STATUS_COLOURS),
        ),
    ]
    body = "".join(f"<figure><figcaption>{t}</figcaption>{svg}</figure>" for t, svg in figures)
    return (
        f'<section id="trends"><h2>Trends (last {len(trends.runs)} '
        f"{escape(report.run.kind)} runs)</h2>"
        f'<div class="charts">{body}</div></section>'
    )


def _profiles(report: RunReport) -> str:
    if not report.profiles:
        return ""
    blocks = []
    for profile in report.profiles:
        rows = "".join(
            f"<tr><td><code>{escape(f.name)}</code></td><td>{escape(', '.join(f.types) or '–')}"
            f"</td><td class='n'>{f.fill_rate * 100:.1f}%</td></tr>"
            for f in profile.fields
        )
        blocks.append(
            f"<details><summary>{escape(profile.source)}: {len(profile.fields)} fields over "
            f"{profile.records} records</summary><table><tr><th>field</th><th>types</th>"
            f"<th>filled</th></tr>{rows}</table></details>"
        )
    return f'<section id="profiles"><h2>Payload profile</h2>{"".join(blocks)}</section>'


def _footer(report: RunReport) -> str:
    json_name = f"run-{report.run.run_id}.json"
    docs = (
        f'<a href="{escape(report.data_docs)}">Great Expectations Data Docs</a> (every '
        "expectation behind these checks) · "
        if report.data_docs
        else "Data Docs are kept for recent runs only; none are left for this one · "
    )
    return (
        f'<footer><h2>More</h2><p class="small">{docs}<a href="{json_name}">the same facts as '
        f"JSON</a> · generated {report.generated_at:%Y-%m-%d %H:%M UTC}</p></footer>"
    )
