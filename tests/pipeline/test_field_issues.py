"""A defective field keeps its customer: staged, linked, its issue stored; the quarantine
holds only what cannot be identified; a team may ask for record quarantine per field."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

from quality_helpers import hub, write_rows  # type: ignore[import-not-found]
from store_helpers import csv_config, table, write_csv  # type: ignore[import-not-found]

from core.errors import Problem
from core.records import RawRecord
from core.settings import HubConfig, QualitySettings
from core.standardise import StandardiseOptions
from core.store.tables import field_issue, golden_record, quarantine, source_record, xref
from mappings import identity_mapping
from pipeline.field_issue_view import export_field_issues, list_field_issues
from pipeline.prepare import prepare_batch
from pipeline.quality_run import stored_report
from pipeline.quarantine import retry_quarantine
from pipeline.report import write_report
from pipeline.store import open_store
from pipeline.sync import sync
from quality import BatchValidator

UNASSIGNED = "+1 598 261 8470"  # a plausible length, but no carrier holds the range
ROWS = [
    {"source_id": "1", "full_name": "Anna Schmidt", "email": "anna@example.de"},
    {"source_id": "2", "full_name": "Ben Wagner", "phone": UNASSIGNED, "birth_date": "19890231"},
    {"source_id": "3", "email": "nobody@@nowhere", "city": "Berlin"},  # identifies nobody
]


def with_policy(config: HubConfig, **policy: str) -> HubConfig:
    return config.model_copy(update={"quality": QualitySettings(field_policy=policy)})


def test_a_defective_field_is_a_field_issue_and_the_customer_reaches_a_golden_record(
    store_url: str, tmp_path: Path
) -> None:
    config = csv_config(store_url, write_csv(tmp_path / "crm.csv", ROWS))

    result = sync(config)

    (crm,) = result.ledger.source_ledgers
    assert (crm.read, crm.staged, crm.quarantined, crm.with_field_issues) == (3, 2, 1, 1)
    assert crm.problems() == []
    [entry] = table(config, quarantine)
    assert entry.source_id == "3"
    assert [r["field"] for r in entry.reasons] == ["identity", "email"]
    issues = sorted(
        (r.source_id, r.field, r.value, r.first_run_id) for r in table(config, field_issue)
    )
    run_id = result.ledger.run_id
    assert issues == [
        ("2", "birth_date", "1*******", run_id),
        ("2", "phone", "+1******8470", run_id),
    ]
    ben = next(r for r in table(config, source_record) if r.source_id == "2")
    assert ben.payload["phone"] == UNASSIGNED  # as read
    assert ben.record["phone"] is None and ben.record["birth_date"] is None
    assert ben.record["defective"] == {"phone": [UNASSIGNED], "birth_date": ["19890231"]}
    golden_of = {x.source_id: x.golden_id for x in table(config, xref)}
    assert set(golden_of) == {"1", "2"}
    golden = {g.golden_id: g.record for g in table(config, golden_record)}
    assert golden[golden_of["2"]]["full_name"] == "Ben Wagner"
    assert not golden[golden_of["2"]].get("phone") and "defective" not in golden[golden_of["2"]]


def test_the_report_shows_field_issues_per_source_and_field_with_masked_examples(
    store_url: str, tmp_path: Path
) -> None:
    config = csv_config(store_url, write_csv(tmp_path / "crm.csv", ROWS))
    result = sync(config)
    engine = open_store(config, "write")

    written = write_report(engine, config, result.ledger.run_id)

    facts = json.loads(written.json.read_text(encoding="utf-8"))
    groups = {(g["source"], g["field"]): g for g in facts["field_issues"]}
    assert facts["field_issues_in_run"] == 2
    phone = groups[("crm", "phone")]
    assert phone["count"] == 1 and phone["reason"].startswith("'…' is not a valid phone number")
    assert phone["examples"] == [{"source_id": "2", "line": 3, "value": "+1******8470"}]
    html = written.html.read_text(encoding="utf-8")
    assert "Field issues" in html and "+1******8470" in html
    assert UNASSIGNED not in html and "19890231" not in html
    validity = stored_report(engine, result.ledger.run_id).get("validity", "crm")  # type: ignore[union-attr]
    assert validity.observed["by_field"]["phone"] == 1
    assert validity.observed["with_field_issues"] == 1
    assert "1 (33.3%) staged with a defective value set aside" in validity.message
    listed = list_field_issues(engine, source="crm")
    assert [(i.source_id, i.field, i.value) for i in listed] == [
        ("2", "birth_date", "1*******"),
        ("2", "phone", "+1******8470"),
    ]
    out = io.StringIO()
    assert export_field_issues(engine, out, "csv") == 2
    exported = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [(r["source_id"], r["field"], r["value"]) for r in exported] == [
        ("2", "birth_date", "1*******"),
        ("2", "phone", "'+1******8470"),  # the safe writer: a leading + could run as a formula
    ]


def test_a_fixed_value_read_again_clears_its_field_issue(store_url: str, tmp_path: Path) -> None:
    path = tmp_path / "crm.csv"
    config = csv_config(store_url, write_csv(path, ROWS[:2]))
    sync(config)
    fixed = {**ROWS[1], "phone": "+49 30 1234567"}
    write_csv(path, [ROWS[0], fixed])

    second = sync(config)

    (crm,) = second.ledger.source_ledgers
    assert (crm.staged, crm.unchanged, crm.with_field_issues) == (1, 1, 1)  # the date is still bad
    assert [(r.field, r.first_run_id) for r in table(config, field_issue)] == [
        ("birth_date", second.ledger.run_id - 1)
    ]
    ben = next(r for r in table(config, source_record) if r.source_id == "2")
    assert ben.record["phone"] == "+49301234567"


def test_a_field_policy_of_quarantine_sends_the_whole_record_to_quarantine(
    store_url: str, tmp_path: Path
) -> None:
    config = with_policy(
        csv_config(store_url, write_csv(tmp_path / "crm.csv", ROWS)), phone="quarantine"
    )

    result = sync(config)

    (crm,) = result.ledger.source_ledgers
    assert (crm.read, crm.staged, crm.quarantined, crm.with_field_issues) == (3, 1, 2, 0)
    held = {q.source_id: [r["field"] for r in q.reasons] for q in table(config, quarantine)}
    assert held == {"2": ["phone", "birth_date"], "3": ["identity", "email"]}
    assert table(config, field_issue) == []


DATED = """version: 1
source_id: id
fields:
  full_name: name
  phone: phone
  birth_date: {{from: dob, transforms: [{{parse_date: ["{date_format}"]}}]}}
"""


def test_a_retry_after_a_mapping_fix_clears_the_issues_it_cured_and_updates_the_golden_record(
    store_url: str, tmp_path: Path
) -> None:
    mapping = tmp_path / "dated.yaml"
    mapping.write_text(DATED.format(date_format="%Y-%m-%d"), encoding="utf-8")  # the file is d.m.Y
    rows = [
        {"id": "1", "name": "Anna Schmidt", "phone": "+49 30 1234567", "dob": "02.03.1985"},
        {"id": "2", "name": "Ben Wagner", "phone": UNASSIGNED, "dob": "31.12.1979"},
    ]
    config = hub(store_url, write_rows(tmp_path / "crm.csv", rows), mapping="dated.yaml")
    first = sync(config)
    assert first.ok, first.problems
    assert first.ledger.total("quarantined") == 0
    assert sorted((r.source_id, r.field) for r in table(config, field_issue)) == [
        ("1", "birth_date"),
        ("2", "birth_date"),
        ("2", "phone"),
    ]

    mapping.write_text(DATED.format(date_format="%d.%m.%Y"), encoding="utf-8")
    result = retry_quarantine(config)

    assert result.ok, result.problems
    assert (result.field_issues_before, result.field_issues_after) == (3, 1)
    (crm,) = result.ledger.source_ledgers
    assert (crm.read, crm.staged, crm.unchanged, crm.quarantined) == (2, 2, 0, 0)
    assert crm.with_field_issues == 1 and crm.problems() == []
    assert [(r.source_id, r.field) for r in table(config, field_issue)] == [("2", "phone")]
    staged = {r.source_id: r.record for r in table(config, source_record)}
    assert staged["1"]["birth_date"] == "1985-03-02" and "defective" not in staged["1"]
    golden = {g.golden_id: g.record for g in table(config, golden_record)}
    anna = next(x.golden_id for x in table(config, xref) if x.source_id == "1")
    assert golden[anna]["birth_date"] == "1985-03-02"
    assert result.ledger.golden_updated == 2
    again = retry_quarantine(config)  # the phone is still unassigned: re-checked, unchanged
    assert again.ledger is not None
    assert [(s.read, s.unchanged) for s in again.ledger.source_ledgers] == [(1, 1)]


def test_what_the_reader_could_not_read_is_a_field_issue_of_a_kept_record() -> None:
    unread = Problem("phone", "sheet 'Kunden' cell D7: a formula without a saved value", "reader")
    raw = RawRecord(
        source="crm",
        stream="customers",
        source_id="7",
        payload={"source_id": "7", "full_name": "Anna Schmidt", "phone": None},
        problems=(unread,),
    )

    prepared = prepare_batch(
        [raw],
        mapping=identity_mapping(),
        options=StandardiseOptions("DE"),
        validator=BatchValidator(),
        today=date(2026, 1, 1),
    )

    assert prepared.rejected == []
    [item] = prepared.accepted
    assert [(i.field, i.check, i.reason) for i in item.field_issues] == [
        ("phone", "reader", unread.reason)
    ]


def test_a_shared_unassigned_phone_joins_its_person_s_golden_record_and_stays_out_of_it(
    store_url: str, tmp_path: Path
) -> None:
    rows = [
        {"source_id": "1", "full_name": "Li Na", "phone": UNASSIGNED, "city": "Shanghai"},
        {"source_id": "2", "full_name": "Li Na", "phone": "+1-598-261-8470", "city": "Shanghai"},
        {"source_id": "3", "full_name": "Li Na", "phone": "+1 598 261 9999", "city": "Shanghai"},
    ]
    config = csv_config(store_url, write_csv(tmp_path / "crm.csv", rows))

    result = sync(config)

    assert result.ok, result.problems
    assert result.ledger.total("with_field_issues") == 3
    golden_of = {x.source_id: x.golden_id for x in table(config, xref)}
    assert golden_of["1"] == golden_of["2"] != golden_of["3"]  # the same number, one person
    joined = next(g.record for g in table(config, golden_record) if g.golden_id == golden_of["1"])
    assert not joined.get("phone") and not joined.get("phones")  # never a golden phone
