"""Golden records over real HTTP: by ID (ETag, redirects, 410, 404) and by lookup."""

from __future__ import annotations

import sqlalchemy as sa
from api_helpers import POLICY, Api, rewrite_crm  # type: ignore[import-not-found]

from core.store.tables import golden_record
from pipeline.steward import merge_golden
from pipeline.store import open_store
from pipeline.sync import sync


def test_a_record_comes_with_its_sources_and_an_etag_that_answers_304(api: Api) -> None:
    zhang = api.golden_of("crm", "C1001")
    answer = api.get(f"/customers/{zhang}")
    assert answer.status_code == 200
    body = answer.json()
    assert body["golden_id"] == zhang and body["record"]["full_name"] == "张伟"
    assert {"source": "erp", "source_id": "K1007"} in body["sources"]
    assert body["provenance"]["email"]["source"] == "crm"
    assert "company" not in body["record"]  # absent fields are left out, not null
    etag = answer.headers["ETag"]
    assert etag == f'"{zhang}.v{body["version"]}"'
    again = api.get(f"/customers/{zhang}", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["ETag"] == etag
    weak = api.get(f"/customers/{zhang}", headers={"If-None-Match": f'"other", W/{etag}'})
    assert weak.status_code == 304
    stale = api.get(f"/customers/{zhang}", headers={"If-None-Match": f'"{zhang}.v0"'})
    assert stale.status_code == 200


def test_lookups_normalise_what_the_client_sends(api: Api) -> None:
    zhang = api.golden_of("crm", "C1001")

    def found(**params: str) -> list[str]:
        answer = api.get("/customers", params=params)
        assert answer.status_code == 200, answer.text
        return [c["golden_id"] for c in answer.json()["items"]]

    assert found(email="  Zhang.Wei@EXAMPLE.cn ") == [zhang]
    assert found(phone="0086 138-0013-8000") == [zhang]
    assert found(phone="138 0013 8000") == [zhang]  # the config's default region: CN
    assert found(source="webshop", source_id="W-20001") == [zhang]
    assert found(source="erp", source_id="K1007", email="zhang.wei@example.cn") == [zhang]
    assert found(name="张伟") == [zhang]
    assert zhang in found(name="ZHANG WEI")
    assert api.golden_of("crm", "C1008") in found(name="sophie MARTIN")
    assert found(email="nobody@example.org") == []
    assert found(source="erp", source_id="no-such-id") == []
    assert found(source="erp", source_id="K1007", email="li.na@example.cn") == []


def test_bad_lookup_parameters_are_422_naming_the_parameter(api: Api) -> None:
    for params, word in (
        ({"phone": "12"}, "phone"),
        ({"email": "not-an-address"}, "email"),
        ({"source": "crm"}, "source_id"),
        ({"name": "  "}, "name"),
        ({"email": "a\x00@b.cn"}, "control characters"),
        ({"cursor": "garbage!"}, "cursor"),
        ({"limit": "0"}, "limit"),
    ):
        answer = api.get("/customers", params=params)
        assert answer.status_code == 422, params
        assert answer.json()["error"] == "invalid_request" and word in answer.json()["detail"]


def test_pages_follow_the_cursor_through_every_active_record_once(api: Api) -> None:
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": "4", **({"cursor": cursor} if cursor else {})}
        page = api.get("/customers", params=params).json()
        seen += [c["golden_id"] for c in page["items"]]
        cursor = page["next"]
        if cursor is None:
            break
    engine = sa.create_engine(api.config.store_url())
    with engine.connect() as c:
        active = c.execute(
            sa.select(golden_record.c.golden_id).where(golden_record.c.status == "active")
        ).scalars()
        assert seen == sorted(active)
    engine.dispose()
    assert len(seen) == 25
    first = api.get("/customers", params={"limit": "2"}).json()["next"]
    other = api.get("/customers", params={"limit": "2", "name": "li na", "cursor": first})
    assert other.status_code == 422 and "different query" in other.json()["detail"]


def test_a_merged_away_id_redirects_to_the_survivor(api: Api) -> None:
    anna, ben = api.golden_of("crm", "C1003"), api.golden_of("crm", "C1004")
    engine = open_store(api.config, "write")
    survivor = merge_golden(engine, anna, ben, policy=POLICY, actor="test").golden_ids[0]
    loser = ben if survivor == anna else anna
    answer = api.get(f"/customers/{loser}")
    assert answer.status_code == 307
    assert answer.headers["Location"] == f"/customers/{survivor}"
    assert answer.json()["merged_into"] == survivor
    followed = api.get(f"/customers/{loser}", allow_redirects=True)
    assert followed.status_code == 200 and followed.json()["golden_id"] == survivor
    assert [r.status_code for r in followed.history] == [307]
    sources = {(s["source"], s["source_id"]) for s in followed.json()["sources"]}
    assert {("crm", "C1003"), ("crm", "C1004")} <= sources
    record = followed.json()["record"]
    assert {"anna.schmidt@example.de", "john.smith@example.com"} <= set(record["emails"])
    for params in (
        {"email": "john.smith@example.com"},  # now one of several addresses
        {"email": "anna.schmidt@example.de"},
        {"phone": "+1 415 555 0132"},
        {"source": "crm", "source_id": "C1004"},
    ):
        found = api.get("/customers", params=params).json()["items"]
        assert [c["golden_id"] for c in found] == [survivor], params


def test_unknown_ids_are_404_and_deleted_ones_410(api: Api) -> None:
    answer = api.get("/customers/GNOSUCHRECORD000")
    assert answer.status_code == 404
    assert answer.json() == {
        "error": "not_found",
        "detail": "no golden record 'GNOSUCHRECORD000'",
    }
    emma = api.golden_of("crm", "C1011")
    rewrite_crm(api.config, drop="C1011", change=("C1001", "gold", "gold"))  # Emma left the CRM
    assert sync(api.config).ok
    gone = api.get(f"/customers/{emma}")
    assert gone.status_code == 410
    assert gone.json() == {
        "error": "gone",
        "detail": f"golden record {emma} was deleted (version 2)",
    }
