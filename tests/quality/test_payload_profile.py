"""Payload profiles and the schema drift between two of them (pure, no I/O)."""

from __future__ import annotations

from quality.profile import compare_profiles, profile_payloads


def test_a_profile_counts_types_presence_and_fill_per_flattened_field() -> None:
    profile = profile_payloads(
        [
            {"id": 1, "email": "a@b.cn", "address": {"city": "Berlin", "zip": "10115"}},
            {"id": "2", "email": "", "address": {"city": None}, "tags": ["x"]},
            {"id": 3, "flag": True},
        ]
    )
    assert profile.records == 3
    assert profile.fields["id"].types == ["integer", "string"]
    assert (profile.fields["email"].present, profile.fields["email"].filled) == (2, 1)
    assert profile.fields["address.city"].types == ["string"]
    assert profile.fill_rate("address.city") == 1 / 3
    assert profile.fields["tags"].types == ["array"]
    assert profile.fields["flag"].types == ["boolean"]


def test_a_new_column_is_drift_and_names_the_field() -> None:
    before = profile_payloads([{"id": "1", "email": "a@b.cn"}] * 3)
    after = profile_payloads([{"id": "1", "email": "a@b.cn", "loyalty_tier": "gold"}])
    drift = compare_profiles(before, after)
    assert (drift.new, drift.missing, drift.retyped) == (["loyalty_tier"], [], {})
    assert drift.count == 1


def test_a_column_every_record_had_is_missing_when_no_record_has_it() -> None:
    before = profile_payloads([{"id": "1", "phone": "1", "fax": "2"}, {"id": "2", "phone": "3"}])
    after = profile_payloads([{"id": "3"}])
    drift = compare_profiles(before, after)
    assert drift.missing == ["phone"]  # fax was optional before: its absence is no drift


def test_a_new_type_in_a_field_is_a_retype_but_a_narrower_one_is_not() -> None:
    before = profile_payloads([{"zip": "10115"}, {"zip": 10115}, {"code": "A"}])
    after = profile_payloads([{"zip": 10115, "code": 7}])
    drift = compare_profiles(before, after)
    assert drift.retyped == {"code": (["string"], ["integer"])}


def test_an_empty_run_has_no_drift() -> None:
    before = profile_payloads([{"id": "1"}])
    assert compare_profiles(before, profile_payloads([])).count == 0
