"""Standardise for matching: the spellings of one value meet, those of two do not."""

from __future__ import annotations

from mdm_samples import person

from mdm.blocking import block_keys
from mdm.keys import address_key, email_key, phone_tail
from mdm.nicknames import are_aliases


def test_nicknames_meet_their_formal_names_in_english_and_german() -> None:
    assert are_aliases("bob", "robert") and are_aliases("liz", "elizabeth")
    assert are_aliases("bill", "william") and are_aliases("hans", "johannes")
    assert not are_aliases("otto", "emma")


def test_gmail_ignores_dots_and_tags_but_other_providers_keep_their_dots() -> None:
    assert email_key("Zhang.Wei+shop@googlemail.com") == "zhangwei@gmail.com"
    assert email_key("zhang.wei+x@outlook.com") == "zhang.wei@outlook.com"
    assert email_key("zhang.wei@163.com") != email_key("zhangwei@163.com")


def test_phone_spellings_share_their_last_eight_digits() -> None:
    assert phone_tail("+8613800138000") == phone_tail("+86 138-0013-8000;ext=9") == "00138000"


def test_street_abbreviations_and_full_width_digits_fold() -> None:
    assert address_key("Hauptstr. 5") == address_key("Hauptstraße 5")
    assert address_key("12 Main St") == address_key("12 main street")
    assert address_key("建國路８８號") == address_key("建国路88号")


def test_a_nickname_a_swapped_date_and_a_traditional_name_still_share_a_block() -> None:
    assert block_keys(person(given_name="Bob", family_name="Smith")) & block_keys(
        person(given_name="Robert", family_name="Smith")
    )
    assert block_keys(
        person(full_name="Li Na", birth_date="1990-03-04", postcode="1")
    ) & block_keys(person(full_name="Li Nha", birth_date="1990-04-03", postcode="1"))
    assert block_keys(person(full_name="張偉")) & block_keys(person(full_name="ZHANG WEI"))
