"""Personal data is masked by field name and by the shape of the value."""

from __future__ import annotations

import pytest

from core.masking import (
    field_kind,
    mask_email,
    mask_name,
    mask_payload,
    mask_phone,
    mask_reason,
)


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("zhang.wei@example.cn", "z***@example.cn"),
        ("a@example.com", "a***@example.com"),
        ("bob@@example", "b***@example"),
        ("@example.com", "***@example.com"),
    ],
)
def test_an_email_keeps_its_first_letter_and_its_domain(value: str, masked: str) -> None:
    assert mask_email(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("+8613800138000", "+86******8000"),
        ("+49 30 1234567", "+49******4567"),
        ("+8613800138000;ext=12", "+86******8000"),
        ("0086-138-0013-8000", "******8000"),
        ("12", "**"),
    ],
)
def test_a_phone_keeps_its_country_code_and_last_four_digits(value: str, masked: str) -> None:
    assert mask_phone(value) == masked


def test_a_name_keeps_the_first_character_of_each_word() -> None:
    assert mask_name("Zhao Wei") == "Z*** W**"
    assert mask_name("张伟") == "张*"


def test_a_payload_is_masked_by_field_names_in_any_language_and_by_value_shapes() -> None:
    payload = {
        "Kundennr": "K1004",
        "Vorname": "Lena",
        "Nachname": "Becker",
        "E-Mail": "lena@example.de",
        "Telefon": "0221 1234567",
        "Strasse": "Hohe Str. 1",
        "Geburtsdatum": "01.02.1980",
        "PLZ": "50667",
        "Ort": "Köln",
        "Firma": "ACME GmbH",
        "source_id": "123456789012",
        "note": "call +49 30 1234567",
        "contact": {"mail": "x@y.de", "numbers": ["+8613800138000"]},
    }
    masked = mask_payload(payload)
    assert masked["Kundennr"] == "K1004"
    assert masked["Vorname"] == "L***"
    assert masked["Nachname"] == "B*****"
    assert masked["E-Mail"] == "l***@example.de"
    assert masked["Telefon"] == "******4567"
    assert masked["Strasse"].startswith("H*") and "Str" not in masked["Strasse"]
    assert masked["Geburtsdatum"].startswith("0*")
    assert (masked["PLZ"], masked["Ort"], masked["Firma"]) == ("50667", "Köln", "ACME GmbH")
    assert masked["source_id"] == "123456789012"
    assert masked["note"] == "call +49******4567"
    assert masked["contact"] == {"mail": "x***@y.de", "numbers": ["+86******8000"]}
    assert payload["Vorname"] == "Lena"  # the input is left alone


def test_a_reason_has_its_quoted_value_masked_as_its_field() -> None:
    assert (
        mask_reason("email", "'bob@@example' is not a valid email address")
        == "'b***@example' is not a valid email address"
    )
    assert mask_reason("phone", "'138 0013 8000' is not valid").startswith("'******8000'")
    assert mask_reason("full_name", "'Zhao Wei' is odd") == "'Z*** W**' is odd"
    assert (
        mask_reason("source_id", "'K1004' is the source id of more than one record")
        == "'K1004' is the source id of more than one record"
    )
    assert "lena@" not in mask_reason("record", "mail lena@example.de bounced")


@pytest.mark.parametrize(
    ("field", "kind"),
    [
        ("email", "email"),
        ("default_address.phone", "phone"),
        ("given_name", "name"),
        ("company_name", "public"),
        ("address_line1", "other"),
        ("city", None),
    ],
)
def test_field_kinds_come_from_the_last_part_of_the_name(field: str, kind: str | None) -> None:
    assert field_kind(field) == kind


def test_names_of_source_fields_in_a_reason_are_not_masked() -> None:
    assert (
        mask_reason("email", "required source fields 'mail', 'E-Mail' are all missing or empty")
        == "required source fields 'mail', 'E-Mail' are all missing or empty"
    )
    assert mask_reason("birth_date", "'01.02.1980' is not a date in the format '%Y-%m-%d'") == (
        "'0*******' is not a date in the format '%Y-%m-%d'"
    )
