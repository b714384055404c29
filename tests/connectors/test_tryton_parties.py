"""The ``parties`` stream against a real trytond: what a party's payload holds, which changes
bring a party back, and that the cursor order is gap-free and resumes inclusively."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fixtures_tryton import (  # type: ignore[import-not-found]
    TrytonServer,
    tryton,  # noqa: F401
    tryton_template,  # noqa: F401
)

from connectors.tryton import PartiesStream, build
from core.errors import SourceRejected
from core.records import RawRecord
from core.settings import HubConfig, SourceConfig
from core.store.tables import golden_record
from pipeline.sync import sync

ANNA_ADDRESSES = [
    {"street": "Hauptstraße 1", "postal_code": "10115", "city": "Berlin", "country": "DE"},
    {"street": "Hafenweg 2", "postal_code": "20457", "city": "Hamburg", "country": "DE"},
]
ANNA_CONTACTS = [
    ("email", "Anna.Schmidt@Example.de"),
    ("phone", "+49 30 1234567"),
    ("mobile", "+49 170 1234567"),
]


@pytest.fixture
def password_env(tryton: TrytonServer) -> Iterator[str]:  # noqa: F811
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ERP_PARTIES_LOGIN", tryton.password)
        yield "ERP_PARTIES_LOGIN"


def connection(server: TrytonServer, variable: str, **extra: Any) -> dict[str, Any]:
    return {
        "url": server.url,
        "database": server.database,
        "user": server.user,
        "password": {"env": variable},
        "retries": 0,
        **extra,
    }


def stream(server: TrytonServer, variable: str, **extra: Any) -> PartiesStream:
    connector = build("erp", connection(server, variable, **extra), Path())
    (parties,) = connector.streams()
    return parties


def hub(server: TrytonServer, variable: str, tmp_path: Path) -> HubConfig:
    source = SourceConfig(
        name="erp", kind="tryton", batch_size=3, connection=connection(server, variable)
    )
    return HubConfig(
        store=f"sqlite:///{tmp_path / 'store.db'}",
        default_region="DE",
        sources=(source,),
        base_dir=tmp_path,
    )


def golden_records(config: HubConfig) -> list[dict[str, Any]]:
    engine = sa.create_engine(config.store_url())
    with engine.connect() as connection_:
        rows = connection_.execute(
            sa.select(golden_record.c.record).where(golden_record.c.status == "active")
        )
        records = [dict(row.record) for row in rows]
    engine.dispose()
    return records


def ids(records: list[RawRecord]) -> list[int]:
    return [int(r.source_id or 0) for r in records]


def test_a_party_with_two_addresses_and_three_contacts_syncs_to_one_golden_record(
    tryton: TrytonServer,  # noqa: F811
    password_env: str,
    tmp_path: Path,
) -> None:
    tryton.create_party("Anna Schmidt", addresses=ANNA_ADDRESSES, contacts=ANNA_CONTACTS)
    config = hub(tryton, password_env, tmp_path)
    result = sync(config)
    assert result.ok, result.problems
    (record,) = golden_records(config)
    assert record["full_name"] == "Anna Schmidt"
    assert record["email"] == "anna.schmidt@example.de"
    assert record["phones"] == ["+49301234567", "+491701234567"]
    assert [(a["line1"], a["postcode"], a["city"], a["country"]) for a in record["addresses"]] == [
        ("Hauptstraße 1", "10115", "Berlin", "DE"),
        ("Hafenweg 2", "20457", "Hamburg", "DE"),
    ]


def test_the_payload_holds_the_party_with_its_children_and_related_names(
    tryton: TrytonServer,  # noqa: F811
    password_env: str,
) -> None:
    party = tryton.create_party(
        "Anna Schmidt", code="C-7", addresses=ANNA_ADDRESSES[:1], contacts=ANNA_CONTACTS
    )
    subdivision = tryton.model(
        "country.subdivision",
        "create",
        [{"country": tryton.country("DE"), "code": "DE-BE", "name": "Berlin", "type": "state"}],
    )[0]
    (address,) = tryton.model("party.address", "search", [["party", "=", party]], 0, None, None)
    tryton.write("party.address", [address], {"subdivision": subdivision})
    (record,) = list(stream(tryton, password_env).read(None))
    payload = record.payload
    assert (payload["id"], payload["code"], payload["name"], payload["active"]) == (
        party,
        "C-7",
        "Anna Schmidt",
        True,
    )
    assert payload["addresses"] == [
        {
            "id": address,
            "party_name": None,
            "street": "Hauptstraße 1",
            "postal_code": "10115",
            "city": "Berlin",
            "subdivision": {"code": "DE-BE", "name": "Berlin"},
            "country": {"code": "DE", "name": "DE"},
        }
    ]
    assert [(c["type"], c["value"]) for c in payload["contact_mechanisms"]] == ANNA_CONTACTS
    assert record.source_id == str(party)
    assert record.updated_at is not None and record.updated_at.tzinfo is not None


def test_changing_only_a_phone_number_restages_that_party_on_the_next_sync(
    tryton: TrytonServer,  # noqa: F811
    password_env: str,
    tmp_path: Path,
) -> None:
    anna = tryton.create_party("Anna Schmidt", addresses=ANNA_ADDRESSES, contacts=ANNA_CONTACTS)
    tryton.create_party("Ben Wagner", contacts=[("email", "ben@example.de")])
    config = hub(tryton, password_env, tmp_path)
    assert sync(config).ok
    before = tryton.model("party.party", "read", [anna], ["last_modified_at"])
    (phone,) = [c["id"] for c in tryton.contacts(anna) if c["type"] == "phone"]
    tryton.write("party.contact_mechanism", [phone], {"value": "+49 30 7654321"})
    assert tryton.model("party.party", "read", [anna], ["last_modified_at"]) == before

    result = sync(config)
    assert result.ok, result.problems
    assert result.ledger.total("staged") == 1
    anna_record = next(r for r in golden_records(config) if r["full_name"] == "Anna Schmidt")
    assert anna_record["phones"] == ["+49307654321", "+491701234567"]


def test_parties_never_modified_since_creation_are_read(
    tryton: TrytonServer,  # noqa: F811
    password_env: str,
) -> None:
    created = [tryton.create_party(f"Party {n}", addresses=ANNA_ADDRESSES[:1]) for n in range(3)]
    addresses = tryton.model("party.address", "search", [], 0, None, None)
    tryton.clear_write_date("party_party", created)
    tryton.clear_write_date("party_address", addresses)
    rows = tryton.model("party.party", "read", created, ["write_date", "create_date"])
    assert all(row["write_date"] is None for row in rows)
    records = list(stream(tryton, password_env).read(None))
    assert sorted(set(ids(records))) == created
    assert all(r.payload["addresses"] for r in records)


def test_a_changed_or_deactivated_address_brings_its_party_back(
    tryton: TrytonServer,  # noqa: F811
    password_env: str,
) -> None:
    anna = tryton.create_party("Anna Schmidt", addresses=ANNA_ADDRESSES, contacts=ANNA_CONTACTS)
    tryton.create_party("Ben Wagner")
    parties = stream(tryton, password_env)
    list(parties.read(None))
    state = parties.completed_state(None)
    (first, second) = tryton.model(
        "party.address", "search", [["party", "=", anna]], 0, None, [["id", "ASC"]]
    )
    tryton.write("party.address", [second], {"active": False})
    records = list(parties.read(state))
    changed = [r for r in records if r.source_id == str(anna)]
    assert changed, "the party whose address was deactivated was not read again"
    assert [a["id"] for a in changed[-1].payload["addresses"]] == [first]


def test_records_come_in_cursor_order_and_the_state_moves_forward(
    tryton: TrytonServer,  # noqa: F811
    password_env: str,
) -> None:
    created = [
        tryton.create_party(f"Party {n}", contacts=[("email", f"p{n}@example.de")])
        for n in range(5)
    ]
    parties = stream(tryton, password_env, page_size=2)
    records = list(parties.read(None))
    stamps = [r.updated_at for r in records]
    assert stamps == sorted(stamps)
    assert set(ids(records)) == set(created)
    positions = [r.position for r in records]
    assert positions[-1] == parties.completed_state(None)


def test_a_read_restarts_inclusively_at_the_saved_cursor(
    tryton: TrytonServer,  # noqa: F811
    password_env: str,
) -> None:
    for n in range(6):
        tryton.create_party(f"Party {n}")
    parties = stream(tryton, password_env, page_size=4)
    records = list(parties.read(None))
    middle = records[3]
    again = list(parties.read(middle.position))
    assert again[0].source_id == middle.source_id
    assert ids(again) == ids(records)[3:]


def test_rows_sharing_one_time_across_page_boundaries_are_all_read(
    tryton: TrytonServer,  # noqa: F811
    password_env: str,
) -> None:
    created = [tryton.create_party(f"Bulk {n}") for n in range(11)]
    same = "2024-03-01 12:00:00"  # as Tryton writes a time without microseconds
    tryton.sql("UPDATE party_party SET write_date = NULL, create_date = ?", same)
    parties = stream(tryton, password_env, page_size=3)
    records = list(parties.read(None))
    assert ids(records) == created  # once each, by id within the shared time
    assert {r.updated_at for r in records} == {datetime(2024, 3, 1, 12, tzinfo=UTC)}
    assert ids(list(parties.read(records[4].position))) == created


def test_lookback_rereads_a_change_stamped_just_before_the_cursor(
    tryton: TrytonServer,  # noqa: F811
    password_env: str,
) -> None:
    early, late = tryton.create_party("Early"), tryton.create_party("Late")
    stamp = "UPDATE party_party SET write_date = ? WHERE id = ?"
    tryton.sql(stamp, "2024-03-01 12:00:00", late)
    tryton.sql(stamp, "2024-03-01 11:59:30", early)
    state = {"last_modified_at": "2024-03-01T12:00:00+00:00"}
    assert ids(list(stream(tryton, password_env).read(state))) == [late]
    widened = stream(tryton, password_env, lookback_seconds=60)
    assert ids(list(widened.read(state))) == [early, late]
    assert widened.completed_state(state) == state  # never moves back


def test_completed_state_without_news_keeps_the_saved_state(
    tryton: TrytonServer,  # noqa: F811
    password_env: str,
) -> None:
    future = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    parties = stream(tryton, password_env)
    assert list(parties.read({"last_modified_at": future})) == []
    assert parties.completed_state({"last_modified_at": future}) == {"last_modified_at": future}
    assert parties.completed_state(None) == {}


def test_a_server_that_breaks_the_keyset_order_fails_the_read_instead_of_looping(
    tryton: TrytonServer,  # noqa: F811
    password_env: str,
) -> None:
    for n in range(4):
        tryton.create_party(f"Bulk {n}")
    # Text that SQLite orders like the time but does not find equal to it: the next page's
    # "later than (time, id)" condition then matches the first page again.
    tryton.sql("UPDATE party_party SET write_date = NULL, create_date = '2024-03-01 12:00:00.0'")
    with pytest.raises(SourceRejected, match=r"do not follow their \(last_modified_at, id\) order"):
        list(stream(tryton, password_env, page_size=2).read(None))
