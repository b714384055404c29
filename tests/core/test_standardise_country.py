import pycountry
import pytest

from core.standardise import ISO_ALPHA2, standardise_country


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("UK", "GB"),
        ("Great Britain", "GB"),
        ("USA", "US"),
        ("U.S.A.", "US"),
        ("United States of America", "US"),
        ("Deutschland", "DE"),
        ("Allemagne", "DE"),
        ("德国", "DE"),
        ("中国", "CN"),
        ("中华人民共和国", "CN"),
        ("China", "CN"),
        ("PRC", "CN"),
        ("香港", "HK"),
        ("台湾", "TW"),
        ("臺灣", "TW"),
        ("日本", "JP"),
        ("Russia", "RU"),
        ("South Korea", "KR"),
        ("韩国", "KR"),
        ("Korea, Republic of", "KR"),
        ("Republic of Korea", "KR"),
        ("Viet Nam", "VN"),
        ("Vietnam", "VN"),
        ("Côte d'Ivoire", "CI"),
        ("cote divoire", "CI"),
        ("Democratic Republic of the Congo", "CD"),
        ("The Netherlands", "NL"),
        ("Trinidad & Tobago", "TT"),
        ("Guinea Bissau", "GW"),
    ],
)
def test_names_and_aliases_become_alpha2(raw: str, code: str) -> None:
    assert standardise_country(raw) == code


@pytest.mark.parametrize(
    "raw", ["CN", "cn", " Cn ", "ＣＮ", "CHN", "chn", "156", "China", "CHINA", "　china　"]
)
def test_codes_and_names_ignore_case_space_and_fullwidth(raw: str) -> None:
    assert standardise_country(raw) == "CN"


def test_short_numeric_code_is_zero_padded() -> None:
    assert standardise_country("56") == "BE"
    assert standardise_country("056") == "BE"


def test_every_iso_country_is_found_by_each_of_its_codes_and_its_name() -> None:
    misses = [
        (spelling, country.alpha_2)
        for country in pycountry.countries
        for spelling in (
            country.alpha_2,
            country.alpha_2.lower(),
            country.alpha_3,
            country.numeric,
            country.name,
            country.name.upper(),
        )
        if standardise_country(spelling) != country.alpha_2
    ]
    assert misses == []


@pytest.mark.parametrize("raw", [None, "", "   ", "\u3000"])
def test_blank_country_is_none(raw: str | None) -> None:
    assert standardise_country(raw) is None


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [("Atlantis", "Atlantis"), ("  Middle  Earth ", "Middle Earth"), ("XX", "XX"), ("999", "999")],
)
def test_unknown_country_comes_back_cleaned(raw: str, cleaned: str) -> None:
    result = standardise_country(raw)
    assert result == cleaned
    assert result not in ISO_ALPHA2


def test_iso_alpha2_holds_exactly_the_assigned_codes() -> None:
    assert len(ISO_ALPHA2) == len(pycountry.countries)
    assert {"CN", "GB", "US", "HK", "TW"} <= ISO_ALPHA2
    assert "UK" not in ISO_ALPHA2
    assert all(len(code) == 2 and code.isupper() for code in ISO_ALPHA2)
