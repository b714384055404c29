"""Properties of the standardisers over hostile input: they never raise anything but
their documented errors, they are idempotent, and a value they cannot read comes back
as it was read (cleaned), never silently changed into something else."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from properties import PROPERTY, hostile_text, json_values  # type: ignore[import-not-found]

from core.customer import E164
from core.standardise import (
    ISO_ALPHA2,
    NameForm,
    PhoneReading,
    StandardiseOptions,
    fold_to_ascii,
    normalise_text,
    parse_date,
    read_phone,
    split_full_name,
    standardise_country,
    standardise_email,
    standardise_flag,
    standardise_flat,
    standardise_name,
    standardise_phone,
    to_latin,
)

REGIONS = st.lists(st.sampled_from(["CN", "HK", "US", "DE", "GB", "ZZ", "XX"]), max_size=3)
ORDERS = st.sampled_from(["dmy", "mdy", "ymd"])


# --- text --------------------------------------------------------------------------------------


@PROPERTY
@given(hostile_text)
def test_normalised_text_is_trimmed_single_spaced_and_stable(text: str) -> None:
    clean = normalise_text(text)
    assert clean == clean.strip() and "  " not in clean
    assert normalise_text(clean) == clean


@PROPERTY
@given(hostile_text)
def test_folding_to_ascii_is_stable(text: str) -> None:
    assert fold_to_ascii(fold_to_ascii(text)) == fold_to_ascii(text)


# --- phone -------------------------------------------------------------------------------------


@PROPERTY
@given(hostile_text, REGIONS)
def test_a_phone_reading_keeps_the_text_and_is_valid_exactly_when_it_has_e164(
    text: str, regions: list[str]
) -> None:
    reading = read_phone(text, *regions)
    if reading is None:
        assert not text.strip()
        return
    assert isinstance(reading, PhoneReading)
    assert reading.text == text.strip()
    assert reading.digits.isascii() and (reading.digits.isdigit() or not reading.digits)
    assert (reading.e164 is None) == (reading.reason is not None)
    if reading.e164 is not None:
        assert E164.match(reading.e164)
        assert reading.plausible


@PROPERTY
@given(hostile_text, REGIONS)
def test_standardising_a_phone_twice_changes_nothing(text: str, regions: list[str]) -> None:
    once = standardise_phone(text, *regions)
    assert standardise_phone(once, *regions) == once
    assert once is None or E164.match(once) or once == text.strip()


# --- email -------------------------------------------------------------------------------------


@PROPERTY
@given(hostile_text)
def test_standardising_an_email_twice_changes_nothing(text: str) -> None:
    once = standardise_email(text)
    assert once is None or (isinstance(once, str) and once == once.strip() and once)
    assert standardise_email(once) == once


# --- dates -------------------------------------------------------------------------------------


@PROPERTY
@given(st.one_of(hostile_text, st.integers(), st.floats()), ORDERS)
def test_a_date_is_read_or_refused_with_a_value_error(value: Any, order: Any) -> None:
    try:
        found = parse_date(value, order)
    except ValueError as e:
        assert str(e)
        return
    assert found is None or isinstance(found, date)
    if found is not None:
        assert parse_date(found.isoformat(), order) == found


@PROPERTY
@given(st.dates(min_value=date(1000, 1, 1)), ORDERS)
def test_a_date_written_in_the_sources_order_is_read_back(day: date, order: Any) -> None:
    pattern = {"dmy": "%d/%m/%Y", "mdy": "%m/%d/%Y", "ymd": "%Y/%m/%d"}[order]
    assert parse_date(day.strftime(pattern), order) == day
    assert parse_date(f"{day.year}年{day.month}月{day.day}日", order) == day


# --- names -------------------------------------------------------------------------------------


@PROPERTY
@given(hostile_text)
def test_standardising_a_name_twice_changes_nothing(text: str) -> None:
    form = standardise_name(text)
    if form is None:
        return
    assert isinstance(form, NameForm) and form.text
    assert standardise_name(form.text) == form


@PROPERTY
@given(hostile_text)
def test_a_latin_form_is_lowercase_and_stable(text: str) -> None:
    latin = to_latin(text)
    assert latin == " ".join(latin.split())
    assert to_latin(latin) == latin


@PROPERTY
@given(hostile_text)
def test_splitting_a_full_name_gives_clean_parts(text: str) -> None:
    for part in split_full_name(text):
        assert part is None or (isinstance(part, str) and part == part.strip() and part)


# --- country and flags -------------------------------------------------------------------------


@PROPERTY
@given(hostile_text)
def test_a_country_is_an_iso_code_or_the_cleaned_text(text: str) -> None:
    found = standardise_country(text)
    assert found is None or found in ISO_ALPHA2 or found == normalise_text(text)
    assert standardise_country(found) == found


@PROPERTY
@given(st.one_of(hostile_text, st.integers(), st.floats(allow_nan=False), st.booleans()))
def test_a_flag_is_yes_no_unset_or_the_cleaned_value(value: Any) -> None:
    found = standardise_flag(value)
    assert found is None or isinstance(found, bool | str | int | float)
    assert standardise_flag(found) == found


# --- one flat record ---------------------------------------------------------------------------

FLAT_FIELDS = (
    "source_id",
    "given_name",
    "family_name",
    "full_name",
    "company",
    "email",
    "phone",
    "city",
    "postcode",
    "country",
    "birth_date",
)

flat_records = st.fixed_dictionaries(
    {},
    optional={
        **dict.fromkeys(FLAT_FIELDS, st.one_of(st.none(), hostile_text)),
        "consent": st.dictionaries(st.sampled_from(["email", "sms"]), json_values, max_size=2),
        "emails": st.lists(st.one_of(st.none(), hostile_text), max_size=3),
        "phones": st.lists(st.one_of(st.none(), hostile_text), max_size=3),
        "addresses": st.lists(
            st.one_of(
                json_values,
                st.dictionaries(st.sampled_from(["line1", "city", "country"]), hostile_text),
            ),
            max_size=2,
        ),
        "segment": json_values,
    },
)
OPTIONS = st.builds(
    StandardiseOptions,
    default_region=st.sampled_from(["CN", "DE", "US"]),
    date_order=ORDERS,
    source_region=st.sampled_from([None, "HK", "GB"]),
)


@PROPERTY
@given(flat_records, OPTIONS)
def test_a_flat_record_is_standardised_without_touching_the_input(
    flat: dict[str, Any], options: StandardiseOptions
) -> None:
    before = copy.deepcopy(flat)
    out = standardise_flat(flat, options)
    assert flat == before
    for field in ("phone", "email", "country", "birth_date"):
        assert out.get(field) is None or isinstance(out[field], str)


@PROPERTY
@given(flat_records, OPTIONS)
def test_a_value_that_cannot_be_standardised_is_kept_as_read(
    flat: dict[str, Any], options: StandardiseOptions
) -> None:
    out = standardise_flat(flat, options)
    phone, country, birth = flat.get("phone"), flat.get("country"), flat.get("birth_date")
    if phone and out["phone"] and not E164.match(out["phone"]) and not flat.get("phones"):
        assert out["phone"] == normalise_text(phone)
    filled_from_address = bool(flat.get("addresses"))  # a blank country takes the address's
    if country and out["country"] not in (None, *ISO_ALPHA2) and not filled_from_address:
        assert out["country"] == normalise_text(country)
    if birth and out["birth_date"] is not None:
        try:
            parse_date(birth, options.date_order)
        except ValueError:
            assert out["birth_date"] == normalise_text(birth)


@PROPERTY
@given(flat_records, OPTIONS)
def test_standardising_a_standard_record_again_changes_nothing(
    flat: dict[str, Any], options: StandardiseOptions
) -> None:
    once = standardise_flat(flat, options)
    assert standardise_flat(once, options) == once
