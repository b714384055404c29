import dataclasses

import pytest

from core.customer import CANONICAL_COLUMNS, DERIVED_COLUMNS, Customer
from core.standardise import StandardiseOptions, standardise_flat

CN = StandardiseOptions()


def test_default_options_are_china_and_day_first() -> None:
    options = StandardiseOptions()
    assert (options.default_region, options.date_order) == ("CN", "dmy")


def test_options_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        CN.default_region = "DE"  # type: ignore[misc]


def test_a_dirty_chinese_record_comes_out_standard() -> None:
    raw = {
        "source_id": " 0042 ",
        "full_name": "　张　伟 ",
        "email": " <MAILTO:Zhang.Wei@Example.COM> ",
        "phone": "８６-１３８ ００１３ ８０００",
        "city": "北京　",
        "country": "中国",
        "postcode": " 100000 ",
        "birth_date": "１９９０年３月５日",
    }
    assert standardise_flat(raw, CN) == {
        "source_id": "0042",
        "given_name": "伟",
        "family_name": "张",
        "full_name": "张伟",
        "email": "zhang.wei@example.com",
        "phone": "+8613800138000",
        "city": "北京",
        "country": "CN",
        "postcode": "100000",
        "birth_date": "1990-03-05",
        "name_script": "han",
        "name_latin": "zhang wei",
    }


def test_input_record_is_not_modified() -> None:
    raw = {"full_name": " Jane Doe ", "email": "JANE@EXAMPLE.COM"}
    before = dict(raw)
    result = standardise_flat(raw, CN)
    assert raw == before
    assert result is not raw


def test_options_decide_phone_region_and_date_order() -> None:
    raw = {"phone": "030 1234567", "birth_date": "03/05/1990"}
    german = standardise_flat(raw, StandardiseOptions(default_region="DE", date_order="dmy"))
    american = standardise_flat(raw, StandardiseOptions(default_region="US", date_order="mdy"))
    assert (german["phone"], german["birth_date"]) == ("+49301234567", "1990-05-03")
    assert (american["phone"], american["birth_date"]) == ("030 1234567", "1990-03-05")


def test_full_name_is_built_from_han_parts_without_a_space() -> None:
    result = standardise_flat({"given_name": "修", "family_name": "欧阳"}, CN)
    assert result["full_name"] == "欧阳修"
    assert result["name_latin"] == "ou yang xiu"


def test_full_name_is_built_from_latin_parts_given_name_first() -> None:
    result = standardise_flat({"given_name": "Mr. José", "family_name": "Müller"}, CN)
    assert result["given_name"] == "José"
    assert result["full_name"] == "José Müller"
    assert (result["name_script"], result["name_latin"]) == ("latin", "jose muller")


def test_parts_are_split_from_a_comma_full_name_which_is_then_said_naturally() -> None:
    result = standardise_flat({"full_name": "Dr. Doe, Jane"}, CN)
    assert (result["given_name"], result["family_name"]) == ("Jane", "Doe")
    assert result["full_name"] == "Jane Doe"


def test_given_parts_are_not_overwritten_by_a_split() -> None:
    result = standardise_flat({"full_name": "Jane Mary Doe", "family_name": "Doe"}, CN)
    assert result["given_name"] is None
    assert result["family_name"] == "Doe"
    assert result["full_name"] == "Jane Mary Doe"


def test_surname_pronunciation_reaches_the_latin_form() -> None:
    assert standardise_flat({"full_name": "曾国藩"}, CN)["name_latin"] == "zeng guo fan"


def test_company_only_record_has_no_name_fields() -> None:
    result = standardise_flat({"company": " ACME  Ltd "}, CN)
    assert result["company"] == "ACME Ltd"
    assert all(result[k] is None for k in ("full_name", "name_script", "name_latin"))


def test_blank_strings_become_none() -> None:
    raw = {k: "  \u3000 " for k in CANONICAL_COLUMNS}
    result = standardise_flat(raw, CN)
    assert set(result) == set(CANONICAL_COLUMNS) | set(DERIVED_COLUMNS)
    assert all(value is None for value in result.values())


def test_values_that_cannot_be_standardised_stay_cleaned_for_quality() -> None:
    raw = {
        "email": " Not An Email ",
        "phone": " n/a ",
        "country": " Atlantis ",
        "birth_date": " 1990-02-30 ",
    }
    result = standardise_flat(raw, CN)
    assert result["email"] == "not an email"
    assert result["phone"] == "n/a"
    assert result["country"] == "Atlantis"
    assert result["birth_date"] == "1990-02-30"


def test_spreadsheet_numbers_are_read_as_text() -> None:
    raw = {
        "source_id": 42,
        "phone": 13800138000.0,
        "postcode": 100000,
        "birth_date": 32937,
        "email": float("nan"),
    }
    result = standardise_flat(raw, CN)
    assert result["source_id"] == "42"
    assert result["phone"] == "+8613800138000"
    assert result["postcode"] == "100000"
    assert result["birth_date"] == "1990-03-05"
    assert result["email"] is None


def test_postcode_is_uppercased_with_one_inner_space() -> None:
    assert standardise_flat({"postcode": " sw1a \t 1aa "}, CN)["postcode"] == "SW1A 1AA"


def test_attributes_only_get_text_clean_up() -> None:
    raw = {"loyalty_tier": " Ｇｏｌｄ ", "visits": 3, "vip": True, "note": "  "}
    result = standardise_flat(raw, CN)
    assert result["loyalty_tier"] == "Gold"
    assert result["visits"] == 3
    assert result["vip"] is True
    assert result["note"] is None


def test_result_builds_a_valid_customer() -> None:
    raw = {
        "source_id": "7",
        "full_name": "Mrs. Jane Doe",
        "email": "<Jane@Example.com>",
        "phone": "+44 20 7946 0958 ext. 5",
        "country": "UK",
        "birth_date": "1990-03-05T00:00:00Z",
    }
    customer = Customer.from_flat("crm", standardise_flat(raw, CN))
    assert customer.emails == ("jane@example.com",)
    assert customer.phones == ("+442079460958;ext=5",)
    assert customer.addresses[0].country == "GB"
    assert customer.name_latin == "jane doe"


def test_standardising_a_standard_record_changes_nothing() -> None:
    raw = {
        "source_id": " 1 ",
        "full_name": "Doe, Jane",
        "email": "mailto:JANE@例子.中国",
        "phone": "0086 138 0013 8000 转 12",
        "country": "Deutschland",
        "postcode": "d-10115",
        "birth_date": "5.3.1990",
    }
    once = standardise_flat(raw, CN)
    assert standardise_flat(once, CN) == once


def test_a_local_number_is_read_in_the_records_own_country_first() -> None:
    german = standardise_flat({"phone": "015 223449133", "country": "Deutschland"}, CN)
    chinese_in_germany = standardise_flat({"phone": "138 0013 8000", "country": "DE"}, CN)
    unknown = standardise_flat({"phone": "015 223449133"}, CN)
    assert german["phone"] == "+4915223449133"
    assert chinese_in_germany["phone"] == "+8613800138000"
    assert unknown["phone"] == "+8615223449133"


def test_a_hong_kong_record_never_gets_a_us_number_from_a_mainland_mobile() -> None:
    hong_kong = standardise_flat({"phone": "15024960369", "country": "HK"}, CN)
    mainland = standardise_flat({"phone": "15024960369", "country": "CN"}, CN)
    assert hong_kong["phone"] == mainland["phone"] == "+8615024960369"
    only_hk = StandardiseOptions(default_region="HK")
    assert standardise_flat({"phone": "15024960369", "country": "HK"}, only_hk)["phone"] == (
        "15024960369"
    )


def test_a_blank_country_reads_in_the_source_region_then_the_default() -> None:
    german_source = StandardiseOptions(default_region="CN", source_region="DE")
    assert standardise_flat({"phone": "030 1234567"}, german_source)["phone"] == "+49301234567"
    assert standardise_flat({"phone": "138 0013 8000"}, german_source)["phone"] == (
        "+8613800138000"
    )
    assert standardise_flat({"phone": "030 1234567", "country": None}, CN)["phone"] == (
        "030 1234567"
    )


def test_the_records_country_comes_before_the_source_region() -> None:
    german_source = StandardiseOptions(default_region="CN", source_region="DE")
    # Valid in Germany (Cologne) and in Austria: the record's country decides.
    austrian = standardise_flat({"phone": "0221 1234567", "country": "AT"}, german_source)
    german = standardise_flat({"phone": "0221 1234567"}, german_source)
    assert (austrian["phone"], german["phone"]) == ("+432211234567", "+492211234567")


def test_an_unassigned_number_is_kept_as_read_not_fixed() -> None:
    result = standardise_flat({"phone": "15409319254"}, CN)
    assert result["phone"] == "15409319254"


def test_list_items_get_the_same_clean_up_as_a_column_so_a_second_pass_changes_nothing() -> None:
    once = standardise_flat({"phones": ["ｎ／ａ"]}, CN)
    assert (once["phone"], once["phones"]) == ("n/a", ["n/a"])
    assert standardise_flat(once, CN) == once


def test_name_parts_split_from_a_full_name_are_standardised_like_given_parts() -> None:
    once = standardise_flat({"full_name": "约翰·史 密斯"}, CN)
    assert (once["given_name"], once["family_name"]) == ("约翰", "史密斯")
    assert standardise_flat(once, CN) == once
