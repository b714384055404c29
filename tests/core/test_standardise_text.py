from hypothesis import given
from hypothesis import strategies as st

from core.standardise import fold_to_ascii, normalise_text


def test_fullwidth_characters_become_halfwidth() -> None:
    assert normalise_text("ＡＢＣ　１２３") == "ABC 123"


def test_ideographic_and_nonbreaking_spaces_collapse_to_one_space() -> None:
    assert normalise_text("　张\u3000\u3000伟\xa0 Li\t\n") == "张 伟 Li"


def test_zero_width_space_and_bom_are_dropped() -> None:
    assert normalise_text("\ufeffJo\u200bhn") == "John"


def test_blank_text_becomes_empty() -> None:
    assert normalise_text(" \u3000\t ") == ""


def test_decomposed_accents_are_composed() -> None:
    assert normalise_text("Jose\u0301") == "José"


def test_accents_and_special_latin_letters_fold_to_ascii() -> None:
    assert fold_to_ascii("Jörg Ødegård Straße Łódź") == "Jorg Odegard Strasse Lodz"


def test_folding_keeps_marks_of_other_scripts() -> None:
    assert fold_to_ascii("ドイツ Ä") == "ドイツ A"


@given(st.text())
def test_normalising_text_is_idempotent(text: str) -> None:
    once = normalise_text(text)
    assert normalise_text(once) == once
    assert once == once.strip()
    assert "  " not in once


def test_an_invisible_character_between_a_letter_and_its_mark_does_not_keep_them_apart() -> None:
    # Dropped after NFKC, the BOM left "X" + combining diaeresis uncomposed: a second pass
    # then gave "Ẍ", so the same value had two spellings.
    assert normalise_text("X\ufeff\u0308") == "\u1e8c"
    assert normalise_text(normalise_text("e\u200b\u0301")) == normalise_text("e\u200b\u0301")


def test_a_mark_with_no_letter_before_it_is_folded_away() -> None:
    assert fold_to_ascii("\u0301x") == "x"
