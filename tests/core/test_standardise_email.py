import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.customer import EMAIL
from core.standardise import standardise_email


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Jane.Doe@Example.COM ", "jane.doe@example.com"),
        ("<jane@example.com>", "jane@example.com"),
        ("mailto:jane@example.com", "jane@example.com"),
        ("MAILTO:Jane@Example.com?subject=Hello", "jane@example.com"),
        ("<mailto:jane@example.com>", "jane@example.com"),
        ('"Jane Doe" <Jane@Example.com>', "jane@example.com"),
    ],
)
def test_wrappers_case_and_spaces_are_removed(raw: str, expected: str) -> None:
    assert standardise_email(raw) == expected


def test_fullwidth_address_becomes_halfwidth() -> None:
    assert standardise_email("ｊａｎｅ＠ｅｘａｍｐｌｅ．ｃｏｍ") == "jane@example.com"


def test_unicode_domain_goes_to_punycode_and_local_part_stays_unicode() -> None:
    assert standardise_email("用户@例子.中国") == "用户@xn--fsqu00a.xn--fiqs8s"


def test_ideographic_full_stop_in_domain_is_a_dot() -> None:
    assert standardise_email("用户＠例子。中国") == "用户@xn--fsqu00a.xn--fiqs8s"


def test_german_umlaut_domain_goes_to_punycode() -> None:
    assert standardise_email("Max@Müller.DE") == "max@xn--mller-kva.de"


@pytest.mark.parametrize("raw", [None, "", "   ", "\u3000", "<>", "mailto:"])
def test_blank_address_becomes_none(raw: str | None) -> None:
    assert standardise_email(raw) is None


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [("N/A", "n/a"), ("jane at example dot com", "jane at example dot com"), ("@", "@")],
)
def test_garbage_comes_back_cleaned_without_raising(raw: str, cleaned: str) -> None:
    assert standardise_email(raw) == cleaned


def test_domain_that_cannot_be_encoded_comes_back_cleaned() -> None:
    assert standardise_email("a@例子..中国") == "a@例子..中国"


def test_result_passes_the_canonical_email_check() -> None:
    result = standardise_email(" <Zhang.Wei@例子.中国> ")
    assert result is not None
    assert EMAIL.match(result)


@given(st.emails())
def test_wrapped_uppercase_addresses_come_out_lowercase_and_valid(address: str) -> None:
    result = standardise_email(f" <{address.upper()}> ")
    assert result == address.lower()
    assert EMAIL.match(result)


@given(st.one_of(st.emails(), st.text()))
def test_standardising_an_email_is_idempotent(value: str) -> None:
    once = standardise_email(value)
    assert standardise_email(once) == once


def test_a_domain_with_spaces_is_kept_as_read_not_encoded() -> None:
    # Punycode used to encode the spaces too ("xn--  0-lga"), which a second pass changed.
    assert standardise_email("a@例子 .中国") == "a@例子 .中国"
    assert standardise_email(standardise_email("A@ \u00b7 0")) == "a@ \u00b7 0"
