"""apply_mapping: the flat output, every problem at once, nothing lost, and the identity mapping."""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.customer import CANONICAL_COLUMNS, Customer
from core.errors import ConfigError, Problem
from mappings import (
    apply_mapping,
    builtin_mapping_path,
    compile_mapping,
    identity_mapping,
    load_mapping,
    mapping_for_columns,
    parse_mapping,
)


def mapping(fields: dict[str, Any], **top: Any):
    return parse_mapping({"version": 1, "source_id": "id", "fields": fields, **top}, "t.yaml")


SHOPIFY_MAPPING = mapping(
    {
        "email": {"from": "email", "transforms": ["trim", "lower"]},
        "given_name": "first_name",
        "family_name": "last_name",
        "phone": {"from": ["phone", "default_address.phone"], "transforms": ["first_non_empty"]},
        "address_line1": "default_address.address1",
        "city": {"from": "default_address.city", "required": True},
        "region": "default_address.province",
        "postcode": "addresses[0].zip",
        "country": "default_address.country_code",
        "consent.email": {"from": "accepts_marketing"},
        "tags": {"from": "tags", "transforms": [{"split": ","}]},
        "attributes.orders": "orders_count",
    }
)

SHOPIFY_CUSTOMER = {
    "id": 207119551,
    "email": " Bob.Norman@Mail.example.com ",
    "first_name": "Bob",
    "last_name": "Norman",
    "phone": None,
    "accepts_marketing": False,
    "orders_count": 1,
    "tags": "loyal, vip",
    "default_address": {
        "address1": "Chestnut Street 92",
        "city": "Louisville",
        "province": "Kentucky",
        "country_code": "US",
        "phone": "555-625-1199",
        "zip": "40202",
    },
    "addresses": [{"zip": "40202", "default": True}],
    "note": None,
}


def test_a_nested_shop_customer_becomes_the_flat_form() -> None:
    flat, problems = apply_mapping(SHOPIFY_MAPPING, SHOPIFY_CUSTOMER)
    assert problems == []
    assert flat == {
        "source_id": "207119551",
        "given_name": "Bob",
        "family_name": "Norman",
        "full_name": None,
        "company": None,
        "email": "bob.norman@mail.example.com",
        "phone": "555-625-1199",
        "address_line1": "Chestnut Street 92",
        "address_line2": None,
        "city": "Louisville",
        "region": "Kentucky",
        "postcode": "40202",
        "country": "US",
        "birth_date": None,
        "national_id": None,
        "consent": {"email": False},
        "tags": ["loyal", "vip"],
        "orders": 1,
        "default_address.zip": "40202",
        "addresses[0].default": True,
    }


def test_the_flat_form_builds_a_customer_once_the_phone_is_standardised() -> None:
    flat, _ = apply_mapping(SHOPIFY_MAPPING, SHOPIFY_CUSTOMER)
    customer = Customer.from_flat("shop", {**flat, "phone": "+15556251199"})
    assert customer.source_id == "207119551"
    assert customer.addresses[0].city == "Louisville"
    assert customer.consent == {"email": False}
    assert customer.attributes["orders"] == 1


def test_the_flat_form_always_holds_every_canonical_column() -> None:
    flat, _ = apply_mapping(mapping({}), {"id": "x"})
    assert list(flat)[: len(CANONICAL_COLUMNS)] == list(CANONICAL_COLUMNS)
    assert flat["consent"] == {}
    assert flat["tags"] == []
    assert "kind" not in flat


def test_the_source_id_is_always_text() -> None:
    assert apply_mapping(mapping({}), {"id": 42})[0]["source_id"] == "42"
    assert apply_mapping(mapping({}), {"id": 42.0})[0]["source_id"] == "42"


def test_a_missing_source_id_is_a_problem() -> None:
    flat, problems = apply_mapping(mapping({}), {"id": "  "})
    assert flat["source_id"] is None
    assert problems == [Problem("source_id", "required source field 'id' is missing or empty")]


def test_a_source_id_may_be_composed_of_several_fields() -> None:
    composed = parse_mapping(
        {"version": 1, "source_id": {"from": ["store", "nr"], "transforms": [{"join": "-"}]}}
    )
    assert apply_mapping(composed, {"store": "B", "nr": 7})[0]["source_id"] == "B-7"
    _, problems = apply_mapping(composed, {"store": ""})
    assert problems == [
        Problem("source_id", "required source fields 'store', 'nr' are all missing or empty")
    ]


def test_a_required_field_that_is_missing_is_a_problem_naming_the_path() -> None:
    payload = {**SHOPIFY_CUSTOMER, "default_address": {"city": ""}}
    flat, problems = apply_mapping(SHOPIFY_MAPPING, payload)
    assert flat["city"] is None
    assert problems == [
        Problem(
            "city", "required source field 'default_address.city' is missing or empty", "mapping"
        )
    ]


def test_an_optional_missing_field_is_simply_empty() -> None:
    flat, problems = apply_mapping(SHOPIFY_MAPPING, {"id": 1, "default_address": {"city": "X"}})
    assert problems == []
    assert flat["email"] is None
    assert flat["postcode"] is None
    assert flat["tags"] == []


def test_every_problem_of_a_record_is_reported_not_just_the_first() -> None:
    strict = mapping(
        {
            "city": {"from": "ort", "required": True},
            "birth_date": {"from": "dob", "transforms": [{"parse_date": "%d.%m.%Y"}]},
            "consent.email": {"from": "newsletter", "transforms": ["to_bool"]},
            "country": {
                "from": "land",
                "transforms": [{"lookup": {"table": {"DE": "DE"}, "default": "error"}}],
            },
            "kind": "typ",
            "email": "mail",
        }
    )
    payload = {
        "id": "K1",
        "dob": "1980-13-01",
        "newsletter": "vielleicht",
        "land": "Mars",
        "typ": "robot",
        "mail": "ok@example.de",
    }
    flat, problems = apply_mapping(strict, payload)
    assert [p.field for p in problems] == ["city", "birth_date", "consent.email", "country", "kind"]
    assert all(p.check == "mapping" for p in problems)
    assert flat["email"] == "ok@example.de"
    assert flat["source_id"] == "K1"
    assert "'1980-13-01'" in problems[1].reason and "'%d.%m.%Y'" in problems[1].reason


def test_unmapped_fields_are_carried_as_attributes_by_their_name() -> None:
    flat, _ = apply_mapping(mapping({"email": "mail"}), {"id": 1, "mail": "a@b.de", "VIP": "ja"})
    assert flat["VIP"] == "ja"
    assert "mail" not in flat


def test_empty_unmapped_fields_are_not_carried() -> None:
    flat, _ = apply_mapping(mapping({}), {"id": 1, "fax": "", "note": None, "list": [], "x": " "})
    assert not {"fax", "note", "list", "x"} & set(flat)


def test_unmapped_fields_can_be_dropped() -> None:
    flat, _ = apply_mapping(mapping({"email": "mail"}, unmapped="drop"), {"id": 1, "VIP": "ja"})
    assert "VIP" not in flat


def test_an_unmapped_field_never_overwrites_a_mapped_value() -> None:
    remap = mapping({"email": "mail", "attributes.segment": "seg"})
    payload = {"id": 1, "mail": "a@b.de", "email": "old@b.de", "segment": "B", "seg": "A"}
    flat, _ = apply_mapping(remap, payload)
    assert flat["email"] == "a@b.de"
    assert flat["raw.email"] == "old@b.de"
    assert flat["segment"] == "A"
    assert flat["raw.segment"] == "B"


def test_mapping_does_not_change_the_payload() -> None:
    payload = copy.deepcopy(SHOPIFY_CUSTOMER)
    apply_mapping(SHOPIFY_MAPPING, payload)
    assert payload == SHOPIFY_CUSTOMER


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        (10115, "10115"),
        (10115.0, "10115"),
        (1.5, "1.5"),
        (datetime(1980, 5, 17, 0, 0), "1980-05-17"),
        ("  ", None),
        ("", None),
        (float("nan"), None),
    ],
)
def test_a_canonical_column_holds_text_or_none(raw: Any, text: str | None) -> None:
    assert apply_mapping(mapping({"postcode": "plz"}), {"id": 1, "plz": raw})[0]["postcode"] == text


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (["a", "b"], "expected one value, got a list of 2"),
        ({"zip": 1}, "expected one value, got an object with keys ['zip']"),
        (True, "expected text, got the yes/no value True"),
    ],
)
def test_a_value_that_is_not_one_text_in_a_column_is_a_problem(raw: Any, reason: str) -> None:
    flat, problems = apply_mapping(mapping({"postcode": "plz"}), {"id": 1, "plz": raw})
    assert flat["postcode"] is None
    assert len(problems) == 1
    assert problems[0].field == "postcode"
    assert problems[0].reason.startswith(reason)


def test_kind_must_be_person_or_organisation() -> None:
    kinds = mapping({"kind": "k"})
    assert apply_mapping(kinds, {"id": 1, "k": "organisation"})[0]["kind"] == "organisation"
    flat, problems = apply_mapping(kinds, {"id": 1, "k": "firm"})
    assert flat.get("kind") is None
    assert "kind must be person or organisation, got 'firm'" in problems[0].reason


def test_phone_region_from_a_column_must_be_a_country_code() -> None:
    regions = mapping({"phone": "tel", "phone_region": "land"})
    assert apply_mapping(regions, {"id": 1, "tel": "1", "land": "AT"})[0]["phone_region"] == "AT"
    _, problems = apply_mapping(regions, {"id": 1, "land": "Austria"})
    assert problems[0].field == "phone_region"


def test_a_consent_value_is_read_as_yes_or_no_even_without_to_bool() -> None:
    consent = mapping({"consent.sms": "sms", "consent.post": "post"})
    flat, problems = apply_mapping(consent, {"id": 1, "sms": "Y", "post": ""})
    assert (flat["consent"], problems) == ({"sms": True}, [])


def test_tags_from_a_json_list_are_kept_as_a_list_of_text() -> None:
    tags = mapping({"tags": "labels"})
    flat, _ = apply_mapping(tags, {"id": 1, "labels": ["vip", 2024, "", None]})
    assert flat["tags"] == ["vip", "2024"]
    assert apply_mapping(tags, {"id": 1, "labels": "vip"})[0]["tags"] == ["vip"]


def test_a_mapping_is_compiled_once_and_reused() -> None:
    fresh = mapping({"email": "mail"})
    assert compile_mapping(fresh) is compile_mapping(fresh)


def test_a_changed_copy_of_a_mapping_is_compiled_afresh() -> None:
    original = mapping({"email": "mail"})
    apply_mapping(original, {"id": 1})
    dropping = original.model_copy(update={"unmapped": "drop"})
    assert "VIP" not in apply_mapping(dropping, {"id": 1, "VIP": "ja"})[0]
    assert apply_mapping(original, {"id": 1, "VIP": "ja"})[0]["VIP"] == "ja"


def test_the_identity_mapping_passes_canonical_columns_through() -> None:
    row = {column: f"v-{column}" for column in CANONICAL_COLUMNS}
    flat, problems = apply_mapping(identity_mapping(), {**row, "Kundengruppe": "A"})
    assert problems == []
    assert {k: flat[k] for k in CANONICAL_COLUMNS} == row
    assert flat["Kundengruppe"] == "A"
    assert flat["consent"] == {}


def test_the_identity_mapping_leaves_absent_canonical_columns_empty() -> None:
    flat, problems = apply_mapping(identity_mapping(), {"source_id": "1", "email": "a@b.de"})
    assert problems == []
    assert flat["email"] == "a@b.de"
    assert flat["phone"] is None


def test_mapping_for_columns_returns_the_given_mapping() -> None:
    given_mapping = mapping({})
    assert mapping_for_columns(["whatever"], given_mapping) is given_mapping


@pytest.mark.parametrize(
    "columns", [["source_id", "email"], ["source_id", "company", "city", "extra"]]
)
def test_canonical_columns_need_no_mapping(columns: list[str]) -> None:
    assert mapping_for_columns(columns, None) is identity_mapping()


@pytest.mark.parametrize(
    "columns", [["Kundennr", "Vorname", "E-Mail"], ["source_id", "city"], ["email", "phone"], []]
)
def test_other_columns_without_a_mapping_are_a_config_error_listing_them(
    columns: list[str],
) -> None:
    with pytest.raises(ConfigError) as caught:
        mapping_for_columns(columns, None)
    message = str(caught.value)
    assert "this source needs a mapping" in message
    assert f"({', '.join(columns) or 'none'})" in message
    assert "source_id and at least one of full_name, family_name, company, email, phone" in message


ERP_ROW = {
    "Kundennr": " 10001 ",
    "Vorname": "Anna",
    "Nachname": "Müller",
    "Firma": "",
    "E-Mail": " Anna.Mueller@Example.DE",
    "Telefon": "030 1234567",
    "Strasse": "Hauptstr. 1",
    "PLZ": "10115",
    "Ort": "Berlin",
    "Land": "Deutschland",
    "Geburtsdatum": "17.05.1980",
    "Kundengruppe": "A",
}


def test_the_erp_sample_mapping_maps_an_erp_row() -> None:
    flat, problems = apply_mapping(load_mapping(builtin_mapping_path("erp_legacy")), ERP_ROW)
    assert problems == []
    assert {k: v for k, v in flat.items() if v not in (None, {}, [])} == {
        "source_id": "10001",
        "given_name": "Anna",
        "family_name": "Müller",
        "full_name": "Anna Müller",
        "email": "anna.mueller@example.de",
        "phone": "030 1234567",
        "phone_region": "DE",
        "address_line1": "Hauptstr. 1",
        "postcode": "10115",
        "city": "Berlin",
        "country": "DE",
        "birth_date": "1980-05-17",
        "Kundengruppe": "A",
    }


def test_the_erp_sample_mapping_maps_a_company_row_without_person_names() -> None:
    row = {**ERP_ROW, "Vorname": "", "Nachname": "", "Firma": "ACME GmbH", "Land": "AT"}
    row["Geburtsdatum"] = "00.00.0000"
    flat, problems = apply_mapping(load_mapping(builtin_mapping_path("erp_legacy")), row)
    assert problems == []
    assert (flat["company"], flat["full_name"], flat["country"]) == ("ACME GmbH", None, "AT")
    assert flat["birth_date"] is None
    assert Customer.from_flat("erp", {**flat, "phone": "+49301234567"}).kind == "organisation"


@pytest.mark.parametrize(
    ("name", "given_name", "family_name"), [("张伟", "伟", "张"), ("Wei Zhang", "Wei", "Zhang")]
)
def test_the_webshop_sample_mapping_maps_a_shop_row(
    name: str, given_name: str, family_name: str
) -> None:
    row = {
        "customer_id": "C-1001",
        "name": name,
        "email": "Zhang.Wei@Example.CN",
        "mobile": "138 0013 8000",
        "province": "广东省",
        "city": "深圳市",
        "address": "南山区科技园 1号",
        "zip": "518000",
        "country": "中国",
        "birthday": "1990-01-02",
        "accepts_marketing": "yes",
        "tags": "VIP, 新客户",
        "channel": "wechat",
    }
    flat, problems = apply_mapping(load_mapping(builtin_mapping_path("webshop")), row)
    assert problems == []
    assert (flat["full_name"], flat["given_name"], flat["family_name"]) == (
        name,
        given_name,
        family_name,
    )
    assert (flat["email"], flat["phone"], flat["phone_region"]) == (
        "zhang.wei@example.cn",
        "138 0013 8000",
        "CN",
    )
    assert (flat["region"], flat["city"], flat["postcode"], flat["country"]) == (
        "广东省",
        "深圳市",
        "518000",
        "CN",
    )
    assert flat["birth_date"] == "1990-01-02"
    assert flat["consent"] == {"email": True}
    assert flat["tags"] == ["vip", "新客户"]
    assert flat["channel"] == "wechat"


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)


@pytest.mark.parametrize("name", ["erp_legacy", "webshop"])
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_a_sample_mapping_never_raises_on_any_json_payload(name: str, data: st.DataObject) -> None:
    mapping_ = load_mapping(builtin_mapping_path(name))
    columns = [*mapping_.source_paths(), "other"]
    payload = data.draw(st.dictionaries(st.sampled_from(columns), JSON_VALUES))
    flat, problems = apply_mapping(mapping_, payload)
    assert all(isinstance(p, Problem) and p.field for p in problems)
    assert set(CANONICAL_COLUMNS) <= set(flat)
    assert all(flat[c] is None or isinstance(flat[c], str) for c in CANONICAL_COLUMNS)
