"""List targets: a party with several emails, phones and addresses maps to one record holding
all of them, through ``[*]`` paths and the filter / pluck / rename transforms."""

from __future__ import annotations

from typing import Any

import pytest

from core.customer import ADDRESS_KEYS, Customer
from core.standardise import StandardiseOptions, standardise_flat
from mappings import VALID_TARGETS, apply_mapping, parse_mapping
from mappings.interpreter import compile_field

PARTY = {
    "id": 7,
    "name": "Anna Schmidt",
    "contact_mechanisms": [
        {"id": 1, "type": "email", "value": "Anna@Example.de"},
        {"id": 2, "type": "phone", "value": "030 1234567"},
        {"id": 3, "type": "mobile", "value": "+49 170 1234567"},
        {"id": 4, "type": "website", "value": "https://anna.example.de"},
    ],
    "addresses": [
        {
            "id": 11,
            "street": "Hauptstraße 1",
            "postal_code": 10115,
            "city": "Berlin",
            "country": {"code": "DE", "name": "Germany"},
            "subdivision": {"name": "Berlin"},
        },
        {
            "id": 12,
            "street": "Hafenweg 2",
            "postal_code": "20457",
            "city": "Hamburg",
            "country": {"code": "DE", "name": "Germany"},
            "subdivision": None,
        },
    ],
}

RENAME = {
    "street": "line1",
    "postal_code": "postcode",
    "city": "city",
    "subdivision.name": "region",
    "country.code": "country",
}


def mapping(fields: dict[str, Any], **top: Any) -> Any:
    return parse_mapping({"version": 1, "source_id": "id", "fields": fields, **top})


def party_mapping() -> Any:
    return mapping(
        {
            "full_name": "name",
            "emails": {
                "from": "contact_mechanisms",
                "transforms": [{"filter": {"type": ["email"]}}, {"pluck": "value"}],
            },
            "phones": {
                "from": "contact_mechanisms",
                "transforms": [{"filter": {"type": ["phone", "mobile"]}}, {"pluck": "value"}],
            },
            "addresses": {"from": "addresses", "transforms": [{"rename": RENAME}]},
        }
    )


def test_a_party_with_two_addresses_and_three_contacts_maps_to_one_record_with_all() -> None:
    flat, problems = apply_mapping(party_mapping(), PARTY)
    assert problems == []
    assert flat["emails"] == ["Anna@Example.de"]
    assert flat["phones"] == ["030 1234567", "+49 170 1234567"]
    assert flat["addresses"] == [
        {
            "line1": "Hauptstraße 1",
            "line2": None,
            "city": "Berlin",
            "region": "Berlin",
            "postcode": "10115",
            "country": "DE",
        },
        {
            "line1": "Hafenweg 2",
            "line2": None,
            "city": "Hamburg",
            "region": None,
            "postcode": "20457",
            "country": "DE",
        },
    ]


def test_the_mapped_lists_survive_standardising_into_the_customer() -> None:
    flat, _ = apply_mapping(party_mapping(), PARTY)
    standard = standardise_flat(flat, StandardiseOptions(default_region="DE"))
    customer = Customer.from_flat("erp", standard)
    assert customer.emails == ("anna@example.de",)
    assert customer.phones == ("+49301234567", "+491701234567")
    assert [a.city for a in customer.addresses] == ["Berlin", "Hamburg"]
    assert standard["email"] == "anna@example.de"
    assert standard["city"] == "Berlin"


def test_the_whole_list_read_by_a_field_is_not_carried_again_as_attributes() -> None:
    flat, _ = apply_mapping(party_mapping(), PARTY)
    assert not [key for key in flat if key.startswith(("addresses[", "contact_mechanisms", "raw."))]


def test_a_wildcard_path_reads_one_value_per_item() -> None:
    flat, problems = apply_mapping(
        mapping({"emails": {"from": "contact_mechanisms[*].value", "transforms": ["lower"]}}),
        PARTY,
    )
    assert problems == []
    assert flat["emails"] == [
        "anna@example.de",
        "030 1234567",
        "+49 170 1234567",
        "https://anna.example.de",
    ]


def test_fields_read_through_a_wildcard_count_as_consumed_and_the_rest_is_carried() -> None:
    flat, _ = apply_mapping(mapping({"emails": "contact_mechanisms[*].value"}), PARTY)
    assert "contact_mechanisms[0].value" not in flat
    assert flat["contact_mechanisms[0].type"] == "email"
    assert flat["contact_mechanisms[3].id"] == 4
    assert "addresses" not in flat  # not mapped here: kept whole, under a name of its own
    assert flat["raw.addresses"] == PARTY["addresses"]


def test_a_wildcard_and_an_index_on_the_same_list_consume_together() -> None:
    flat, _ = apply_mapping(
        mapping(
            {
                "emails": "contact_mechanisms[*].value",
                "attributes.first_type": "contact_mechanisms[0].type",
            },
            unmapped="attributes",
        ),
        {"id": 1, "contact_mechanisms": [{"type": "email", "value": "a@b.de", "id": 9}]},
    )
    assert flat["first_type"] == "email"
    assert flat["contact_mechanisms[0].id"] == 9
    assert "contact_mechanisms[0].type" not in flat


def test_a_list_target_takes_several_sources_and_flattens_them() -> None:
    flat, problems = apply_mapping(
        mapping({"emails": {"from": ["email", "contact_mechanisms[*].value"]}}),
        {"id": 1, "email": "x@y.de", "contact_mechanisms": [{"value": "a@b.de"}, {"value": ""}]},
    )
    assert problems == []
    assert flat["emails"] == ["x@y.de", "a@b.de"]


def test_a_single_value_where_a_list_target_is_expected_becomes_a_list_of_one() -> None:
    flat, _ = apply_mapping(mapping({"phones": "tel"}), {"id": 1, "tel": 3012345})
    assert flat["phones"] == ["3012345"]


def test_an_empty_list_target_stays_none_so_that_it_never_beats_a_value() -> None:
    flat, problems = apply_mapping(
        party_mapping(), {"id": 1, "contact_mechanisms": [], "addresses": None}
    )
    assert problems == []
    assert (flat["emails"], flat["phones"], flat["addresses"]) == (None, None, None)


def test_an_address_with_keys_that_are_not_address_keys_is_a_problem_saying_how_to_fix_it() -> None:
    flat, problems = apply_mapping(mapping({"addresses": "addresses"}), PARTY)
    assert flat["addresses"] is None
    assert len(problems) == 1
    assert problems[0].field == "addresses"
    assert "rename them, e.g. {rename: {street: line1}}" in problems[0].reason
    assert all(key in problems[0].reason for key in ADDRESS_KEYS)


def test_one_address_object_is_taken_as_a_list_of_one() -> None:
    flat, _ = apply_mapping(
        mapping(
            {"addresses": {"from": "address", "transforms": [{"rename": {"zip": "postcode"}}]}}
        ),
        {"id": 1, "address": {"zip": "10115"}},
    )
    assert flat["addresses"] == [dict.fromkeys(ADDRESS_KEYS) | {"postcode": "10115"}]


def test_an_address_of_blanks_only_is_left_out() -> None:
    flat, _ = apply_mapping(
        mapping({"addresses": {"from": "addresses", "transforms": [{"rename": RENAME}]}}),
        {"id": 1, "addresses": [{"street": " ", "city": None}, {"city": "Köln"}]},
    )
    assert [a["city"] for a in flat["addresses"]] == ["Köln"]


def test_an_address_that_is_not_an_object_is_a_problem() -> None:
    _, problems = apply_mapping(mapping({"addresses": "addresses"}), {"id": 1, "addresses": ["x"]})
    assert "address 0 is 'x', not an object" in problems[0].reason


@pytest.mark.parametrize("target", ["emails", "phones", "addresses"])
def test_the_list_targets_are_valid_targets(target: str) -> None:
    assert target in VALID_TARGETS


def test_a_required_list_target_that_comes_out_empty_is_a_problem() -> None:
    _, problems = apply_mapping(
        mapping({"emails": {"from": "contact_mechanisms[*].value", "required": True}}),
        {"id": 1, "contact_mechanisms": []},
    )
    assert [p.field for p in problems] == ["emails"]


def test_an_unmapped_payload_key_named_like_a_list_target_is_kept_as_raw() -> None:
    flat, _ = apply_mapping(mapping({"full_name": "name"}), {"id": 1, "name": "A", "emails": "x"})
    assert flat["raw.emails"] == "x"
    assert "emails" not in flat


def test_plain_columns_keep_the_compiled_fast_path_next_to_list_targets() -> None:
    fields = party_mapping().fields
    assert compile_field("full_name", fields["full_name"]).__name__ == "run_column"
    assert compile_field("emails", fields["emails"]).__name__ == "run_plain"
