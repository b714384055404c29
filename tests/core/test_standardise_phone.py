import phonenumbers
import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.customer import E164
from core.standardise import PhoneReading, phone_key, read_phone, standardise_phone

MOBILE = "+8613800138000"
BEIJING_LANDLINE = "+861065529988"


@pytest.mark.parametrize(
    "raw",
    [
        "+86 138 0013 8000",
        "86-138 0013 8000",
        "86 13800138000",
        "0086 13800138000",
        "13800138000",
        "138-0013-8000",
        "138.0013.8000",
        "(+86) 138 0013 8000",
        "tel:+86-138-0013-8000",
    ],
)
def test_chinese_mobile_variants_become_one_e164(raw: str) -> None:
    assert standardise_phone(raw, "CN") == MOBILE


@pytest.mark.parametrize("raw", ["(010) 6552 9988", "+86 (0)10 6552 9988", "010-65529988"])
def test_beijing_landline_variants_drop_the_trunk_zero(raw: str) -> None:
    assert standardise_phone(raw, "CN") == BEIJING_LANDLINE


def test_gbk_fullwidth_digits_become_e164() -> None:
    assert standardise_phone("＋８６　１３８－００１３－８０００", "CN") == MOBILE


@pytest.mark.parametrize(
    "raw",
    [
        "138 0013 8000 ext. 12",
        "138 0013 8000 x12",
        "13800138000转12",
        "13800138000 分机 12",
        "13800138000#12",
        "+8613800138000;ext=12",
    ],
)
def test_extension_markers_become_ext_suffix(raw: str) -> None:
    result = standardise_phone(raw, "CN")
    assert result == "+8613800138000;ext=12"
    assert E164.match(result)


def test_default_region_decides_numbers_without_country_code() -> None:
    assert standardise_phone("030 1234567", "DE") == "+49301234567"
    assert standardise_phone("(202) 555-0123", "US") == "+12025550123"


def test_country_code_wins_over_default_region() -> None:
    assert standardise_phone("+44 20 7946 0958", "CN") == "+442079460958"
    assert standardise_phone("0049 30 1234567", "CN") == "+49301234567"


def test_a_number_without_international_prefix_never_gets_a_country_invented() -> None:
    assert standardise_phone("44 20 7946 0958", "CN") == "44 20 7946 0958"
    assert standardise_phone("44 20 7946 0958", "GB") == "+442079460958"  # GB's own code


def test_a_hong_kong_record_with_a_mainland_mobile_is_not_made_a_us_number() -> None:
    # Not valid in HK (8 digits there): read in the next region, never as "+1 502 …".
    assert standardise_phone("15024960369", "HK", "CN") == "+8615024960369"
    assert standardise_phone("15024960369", "CN") == "+8615024960369"
    assert standardise_phone("15024960369", "HK") == "15024960369"


def test_the_regions_own_international_prefix_and_00_carry_a_country() -> None:
    assert standardise_phone("011 44 20 7946 0958", "US") == "+442079460958"
    assert standardise_phone("0086 13800138000", "US") == MOBILE
    # HK's own prefixes (001, 008 …) would read "0086 …" as +61; "00" still means +86.
    assert standardise_phone("0086 13800138000", "HK") == MOBILE


def test_an_unassigned_number_is_reported_invalid_not_fixed() -> None:
    reading = read_phone("15409319254", "CN")
    assert reading is not None
    assert reading.e164 is None and not reading.valid
    assert reading.text == "15409319254"
    assert reading.digits == "8615409319254"
    assert reading.reason == "not in an assigned number range of +86"
    assert standardise_phone("15409319254", "CN") == "15409319254"


@pytest.mark.parametrize(
    ("raw", "digits", "country_code"),
    [
        ("+1 598 261 8470", "15982618470", "1"),
        ("1-496-657-3636", "8614966573636", "86"),
        ("0086 144 8945 6349", "8614489456349", "86"),
    ],
)
def test_unassigned_ranges_are_invalid_but_plausible_with_their_digits(
    raw: str, digits: str, country_code: str
) -> None:
    reading = read_phone(f" {raw} ", "CN")
    assert reading == PhoneReading(
        raw, None, digits, True, f"not in an assigned number range of +{country_code}"
    )


def test_an_international_number_keeps_its_country_whatever_the_regions() -> None:
    for regions in (("CN",), ("US", "DE"), ("HK", "CN")):
        reading = read_phone("+1 598 261 8470", *regions)
        assert reading is not None and reading.digits == "15982618470"


@pytest.mark.parametrize(
    ("raw", "reason", "plausible"),
    [
        ("n/a", "not a phone number", False),
        ("123", "too short for +86", False),
        ("+86 138 0013 8000 1234 5678 9", "too long", False),
        ("13800138000 ext 12345678901", "extension longer than 10 digits", True),
    ],
)
def test_an_invalid_reading_says_why_without_repeating_the_number(
    raw: str, reason: str, plausible: bool
) -> None:
    reading = read_phone(raw, "CN")
    assert reading is not None
    assert (reading.e164, reading.reason, reading.plausible) == (None, reason, plausible)
    assert "138" not in reading.reason


def test_a_valid_reading_has_e164_and_its_digits() -> None:
    assert read_phone("13800138000转12", "CN") == PhoneReading(
        "13800138000转12", "+8613800138000;ext=12", "8613800138000", True, None
    )


@pytest.mark.parametrize("raw", [None, "", "   ", "\u3000"])
def test_blank_phone_becomes_none(raw: str | None) -> None:
    assert standardise_phone(raw, "CN") is None


@pytest.mark.parametrize(
    "raw",
    ["n/a", "123", "1380013800", "+86 000 0000 0000", "call me", "13800138000 ext 12345678901"],
)
def test_invalid_numbers_come_back_trimmed_and_unchanged(raw: str) -> None:
    assert standardise_phone(f"  {raw} ", "CN") == raw


def test_a_number_of_possible_length_but_no_real_range_is_invalid() -> None:
    # Possible by length for China, but no Chinese number starts with 0 after the country code.
    number = phonenumbers.parse("+86 0123 4567 890")
    assert not phonenumbers.is_valid_number(number)
    assert standardise_phone("+86 0123 4567 890", "CN") == "+86 0123 4567 890"


def test_phone_key_is_the_last_eight_digits_without_extension() -> None:
    assert phone_key("+8613800138000;ext=12") == "00138000"
    assert phone_key("+861065529988") == "65529988"


def test_phone_key_of_short_or_junk_values() -> None:
    assert phone_key("+123") == "123"
    assert phone_key("n/a") == ""


def test_phone_key_ignores_how_the_prefix_was_written() -> None:
    assert phone_key("0086 138-0013-8000") == phone_key(MOBILE)


@st.composite
def example_numbers(draw: st.DrawFn) -> str:
    """Real E.164 numbers: libphonenumber's example number of a region and a number type."""
    region = draw(st.sampled_from(sorted(phonenumbers.SUPPORTED_REGIONS)))
    kind = draw(
        st.sampled_from(
            [phonenumbers.PhoneNumberType.FIXED_LINE, phonenumbers.PhoneNumberType.MOBILE]
        )
    )
    number = phonenumbers.example_number_for_type(region, kind)
    if number is None:
        number = phonenumbers.example_number(region)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@given(example_numbers(), st.sampled_from(["CN", "US", "DE", "GB"]))
def test_standardising_an_e164_number_returns_it_unchanged(e164: str, region: str) -> None:
    assert standardise_phone(e164, region) == e164


@given(example_numbers(), st.sampled_from(["CN", "US", "DE"]))
def test_international_format_becomes_the_same_e164(e164: str, region: str) -> None:
    international = phonenumbers.format_number(
        phonenumbers.parse(e164), phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    assert standardise_phone(international, region) == e164


@given(st.text(max_size=30), st.sampled_from(["CN", "US", "DE"]))
def test_any_text_comes_out_as_e164_or_as_the_trimmed_input(text: str, region: str) -> None:
    result = standardise_phone(text, region)
    if result is None:
        assert not text.strip()
    else:
        assert E164.match(result) or result == text.strip()
        assert standardise_phone(result, region) == result


def test_digits_of_an_unreadable_number_are_ascii_whatever_script_they_came_in() -> None:
    reading = read_phone("٣٤ abc", "CN")  # Arabic-Indic digits
    assert reading is not None and (reading.digits, reading.reason) == ("34", "not a phone number")
    assert phone_key("tel ٣٤٥") == "345"
