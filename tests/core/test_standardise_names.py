import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.standardise import (
    NameForm,
    detect_script,
    normalise_text,
    split_full_name,
    standardise_name,
    strip_titles,
    to_latin,
)


def test_normalise_text_from_names_module_is_the_shared_one() -> None:
    from core.standardise import names

    assert names.normalise_text is normalise_text


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("张伟", "han"),
        ("張偉", "han"),
        ("约翰·史密斯", "han"),
        ("José Müller", "latin"),
        ("O'Brien-Smith", "latin"),
        ("Ｊｏｈｎ", "latin"),
        ("张伟 David", "mixed"),
        ("山田たろう", "mixed"),
        ("Иван Петров", "other"),
        ("김민준", "other"),
        ("12345", "other"),
        ("", "other"),
    ],
)
def test_script_is_detected_from_letters_only(text: str, script: str) -> None:
    assert detect_script(text) == script


@pytest.mark.parametrize(
    ("text", "latin"),
    [
        ("张伟", "zhang wei"),
        ("張偉", "zhang wei"),
        ("José Müller", "jose muller"),
        ("  JOSÉ   MÜLLER ", "jose muller"),
        ("Ødegård", "odegard"),
        ("张伟 David", "zhang wei david"),
    ],
)
def test_latin_form_is_lowercase_toneless_ascii(text: str, latin: str) -> None:
    assert to_latin(text) == latin


@pytest.mark.parametrize(
    ("name", "latin"),
    [
        ("单雄信", "shan xiong xin"),
        ("曾国藩", "zeng guo fan"),
        ("区小明", "ou xiao ming"),
        ("解缙", "xie jin"),
        ("尉迟恭", "yu chi gong"),
        ("长孙无忌", "zhang sun wu ji"),
    ],
)
def test_family_names_are_read_as_surnames(name: str, latin: str) -> None:
    assert to_latin(name, surname_first=True) == latin


def test_surname_reading_applies_only_to_names() -> None:
    assert to_latin("单", surname_first=False) == "dan"
    assert to_latin("单", surname_first=True) == "shan"


def test_u_umlaut_is_spelled_u_as_in_latin_passports() -> None:
    assert to_latin("吕布") == "lu bu"


def test_standardise_name_gives_text_script_and_latin() -> None:
    assert standardise_name(" Mr.  José  Müller ") == NameForm(
        "José Müller", "latin", "jose muller"
    )
    assert standardise_name("曾国藩") == NameForm("曾国藩", "han", "zeng guo fan")


def test_spaces_inside_a_han_name_are_dropped() -> None:
    assert standardise_name("张　伟") == NameForm("张伟", "han", "zhang wei")


@pytest.mark.parametrize("value", [None, "", "  ", "\u3000"])
def test_blank_name_is_none(value: str | None) -> None:
    assert standardise_name(value) is None


@pytest.mark.parametrize(
    ("text", "stripped"),
    [
        ("Mr John Smith", "John Smith"),
        ("mrs. Jane Doe", "Jane Doe"),
        ("Ms Jane Doe", "Jane Doe"),
        ("Dr.Jane Doe", "Jane Doe"),
        ("Prof. Dr. Hans Müller", "Hans Müller"),
        ("张先生", "张"),
        ("王女士", "王"),
        ("李 小姐", "李"),
        ("Drake Bell", "Drake Bell"),
        ("Msomi", "Msomi"),
        ("Mr", "Mr"),
        ("先生", "先生"),
    ],
)
def test_titles_are_stripped_but_never_the_whole_name(text: str, stripped: str) -> None:
    assert strip_titles(text) == stripped


@pytest.mark.parametrize(
    ("full", "parts"),
    [
        ("张伟", ("伟", "张")),
        ("王小明", ("小明", "王")),
        ("欧阳修", ("修", "欧阳")),
        ("司马相如", ("相如", "司马")),
        ("诸葛亮", ("亮", "诸葛")),
        ("歐陽修", ("修", "歐陽")),
        ("张 三丰", ("三丰", "张")),
        ("约翰·史密斯", ("约翰", "史密斯")),
        ("张先生", (None, "张")),
    ],
)
def test_han_names_put_the_family_name_first(full: str, parts: tuple) -> None:
    assert split_full_name(full) == parts


@pytest.mark.parametrize(
    ("full", "parts"),
    [
        ("Jane Doe", ("Jane", "Doe")),
        ("John Ronald Reuel Tolkien", ("John Ronald Reuel", "Tolkien")),
        ("Doe, Jane", ("Jane", "Doe")),
        ("Doe,Jane Mary", ("Jane Mary", "Doe")),
        ("Dr. Jane Doe", ("Jane", "Doe")),
        ("Doe, Mrs Jane", ("Jane", "Doe")),
        ("Ludwig van Beethoven", ("Ludwig", "van Beethoven")),
        ("Van Morrison", ("Van", "Morrison")),
        ("Madonna", (None, "Madonna")),
        ("Иван Петров", ("Иван", "Петров")),
    ],
)
def test_latin_names_put_the_family_name_last_unless_a_comma_says_otherwise(
    full: str, parts: tuple
) -> None:
    assert split_full_name(full) == parts


@pytest.mark.parametrize("full", ["", "   ", "张伟 David"])
def test_blank_and_mixed_names_are_not_split(full: str) -> None:
    assert split_full_name(full) == (None, None)


@given(st.text())
def test_standardising_a_name_twice_changes_nothing(text: str) -> None:
    form = standardise_name(text)
    if form is not None:
        assert standardise_name(form.text) == form


@given(st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=1))
def test_han_text_gives_one_ascii_syllable_per_character(text: str) -> None:
    latin = to_latin(text, surname_first=True)
    assert latin.isascii()
    assert len(latin.split()) == len(text)


def test_a_mark_left_after_a_han_character_does_not_reach_the_latin_form() -> None:
    assert to_latin("伟\u0301") == "wei"
    assert to_latin(to_latin("伟\u0301")) == "wei"
