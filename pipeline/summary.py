"""A short, self-contained HTML summary of a run: the ledger, the golden records, the rejects."""

from __future__ import annotations

from html import escape
from pathlib import Path

from sqlalchemy.engine import Engine

from core.ledger import RunLedger
from core.store import UnitOfWork

_STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem;color:#222;max-width:72rem}
table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;padding:.3rem .6rem}
th{background:#f3f3f3;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}
.ok{color:#176f2c}.bad{color:#a01b1b}
"""
_GOLDEN_COLUMNS = ("full_name", "name_latin", "company", "email", "phone", "city", "country")


def write_summary(engine: Engine, ledger: RunLedger, path: Path, golden_limit: int = 200) -> Path:
    with UnitOfWork(engine) as uow:
        golden_rows = []
        for row in uow.golden.iter_active():
            if len(golden_rows) >= golden_limit:
                break
            golden_rows.append(row)
        members = uow.golden.members(r.golden_id for r in golden_rows)
        rejects = uow.quarantine.open_entries(limit=100)
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>crm-hub run {ledger.run_id}</title><style>{_STYLE}</style></head><body>",
        f"<h1>crm-hub run {ledger.run_id} ({escape(ledger.kind)})</h1>",
        _status(ledger),
        _ledger_table(ledger),
        f"<h2>Golden records ({len(golden_rows)} shown)</h2>",
        _golden_table(golden_rows, members),
        f"<h2>Quarantine ({len(rejects)} open)</h2>",
        _reject_table(rejects),
        "</body></html>",
    ]
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


def _status(ledger: RunLedger) -> str:
    problems = ledger.problems()
    css = "bad" if problems or ledger.status != "succeeded" else "ok"
    text = escape(ledger.status) + ("" if not problems else ": " + escape("; ".join(problems)))
    return (
        f"<p class='{css}'>Status: {text}. Golden records: {ledger.golden_created} created, "
        f"{ledger.golden_updated} updated, {ledger.golden_merged} merged away; "
        f"{ledger.events} change events.</p>"
    )


def _ledger_table(ledger: RunLedger) -> str:
    fields = ("read", "unchanged", "staged", "quarantined", "erased", "deleted")
    head = "".join(f"<th>{f}</th>" for f in ("source", *fields, "status"))
    rows = [
        "<tr><td>"
        + escape(s.source)
        + "</td>"
        + "".join(f"<td class='n'>{getattr(s, f)}</td>" for f in fields)
        + f"<td>{escape(s.status)}</td></tr>"
        for s in ledger.source_ledgers
    ]
    return f"<h2>Ledger</h2><table><tr>{head}</tr>{''.join(rows)}</table>"


def _golden_table(rows: list, members: dict) -> str:  # type: ignore[type-arg]
    head = "".join(f"<th>{c}</th>" for c in ("golden id", *_GOLDEN_COLUMNS, "sources"))
    body = []
    for row in rows:
        record = dict(row.record)
        cells = "".join(f"<td>{escape(str(record.get(c) or ''))}</td>" for c in _GOLDEN_COLUMNS)
        sources = ", ".join(f"{s}:{i}" for s, i in members.get(row.golden_id, []))
        body.append(f"<tr><td>{row.golden_id}</td>{cells}<td>{escape(sources)}</td></tr>")
    return f"<table><tr>{head}</tr>{''.join(body)}</table>"


def _reject_table(rows: list) -> str:  # type: ignore[type-arg]
    head = "<tr><th>source</th><th>record</th><th>line</th><th>reasons</th></tr>"
    body = []
    for row in rows:
        reasons = "<br>".join(escape(f"{r['field']}: {r['reason']}") for r in row.reasons)
        body.append(
            f"<tr><td>{escape(row.source)}</td><td>{escape(row.record_key)}</td>"
            f"<td class='n'>{row.line or ''}</td><td>{reasons}</td></tr>"
        )
    return f"<table>{head}{''.join(body)}</table>"
