"""Address headers as real mail writes them: encoded words in any charset, names in any order."""

from __future__ import annotations

import base64

import pytest

from connectors.email.addresses import Address, parse_address_header
from connectors.email.charsets import codec_for, decode_text


def encoded(text: str, charset: str, cte: str = "B") -> str:
    data = text.encode(charset)
    if cte == "B":
        return f"=?{charset}?B?{base64.b64encode(data).decode()}?="
    quoted = "".join(chr(b) if b < 128 and chr(b).isalnum() else f"={b:02X}" for b in data)
    return f"=?{charset}?Q?{quoted.replace('=20', '_')}?="


def test_a_gb2312_encoded_word_gives_the_chinese_name() -> None:
    header = f"{encoded('张伟', 'gb2312')} <Zhang.Wei@Example.CN>"
    assert parse_address_header(header) == [Address("zhang.wei@example.cn", "张伟")]


def test_gb2312_is_read_as_gb18030_so_characters_outside_it_survive() -> None:
    # 镕 is not in GB2312, but mail programs send it under that label anyway (as GBK).
    header = f"=?GB2312?B?{base64.b64encode('王镕'.encode('gbk')).decode()}?= <wr@example.cn>"
    assert parse_address_header(header)[0].name == "王镕"


@pytest.mark.parametrize(
    ("name", "charset", "cte"),
    [
        ("陳大文", "big5", "B"),
        ("François Müller", "iso-8859-1", "Q"),
        ("Zoë O’Brien", "windows-1252", "Q"),
        ("Łukasz Wróbel", "iso-8859-2", "Q"),
        ("Андрей Иванов", "koi8-r", "B"),
        ("李娜", "utf-8", "B"),
        ("Jürgen", "utf-8", "Q"),
    ],
)
def test_encoded_names_decode_in_their_charset(name: str, charset: str, cte: str) -> None:
    header = f"{encoded(name, charset, cte)} <someone@example.org>"
    assert parse_address_header(header) == [Address("someone@example.org", name)]


def test_adjacent_encoded_words_join_without_the_space_between_them() -> None:
    header = f"{encoded('张', 'utf-8')} {encoded('伟', 'utf-8')} <zw@example.cn>"
    assert parse_address_header(header)[0].name == "张伟"


def test_an_encoded_comma_stays_inside_the_name() -> None:
    header = "=?utf-8?Q?M=C3=BCller,_Thomas?= <thomas@kunde.de>, anna@kunde.de"
    assert parse_address_header(header) == [
        Address("thomas@kunde.de", "Müller, Thomas"),
        Address("anna@kunde.de", ""),
    ]


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ("Zhang Wei <zw@example.cn>", "Zhang Wei"),
        ('"Wei, Zhang" <zw@example.cn>', "Wei, Zhang"),
        ("Wei, Zhang <zw@example.cn>", "Wei, Zhang"),  # unquoted: not two addresses
        ('"Müller, Thomas" <zw@example.cn>', "Müller, Thomas"),
        ('"=?utf-8?Q?M=C3=BCller,_Thomas?=" <zw@example.cn>', "Müller, Thomas"),
        ("zw@example.cn (Zhang Wei)", "Zhang Wei"),
        ("'Zhang Wei' <zw@example.cn>", "Zhang Wei"),
        ('"zw@example.cn" <zw@example.cn>', ""),
        ('"O\\"Neil, Pat" <zw@example.cn>', 'O"Neil, Pat'),
    ],
)
def test_display_names_in_either_order_and_quoting(header: str, name: str) -> None:
    assert parse_address_header(header) == [Address("zw@example.cn", name)]


def test_a_header_lists_several_addresses_groups_and_folded_lines() -> None:
    header = (
        'Anna Schmidt <anna@kunde.de>, "Ben, B." <BEN@kunde.de>;\r\n li.na@example.cn,\r\n'
        " Team: maria@example.it, Sophie <sophie@example.fr>; undisclosed-recipients:;"
        ", Pat <pat@example.org>"
    )
    assert [a.email for a in parse_address_header(header)] == [
        "anna@kunde.de",
        "ben@kunde.de",
        "li.na@example.cn",
        "maria@example.it",
        "sophie@example.fr",
        "pat@example.org",
    ]
    assert parse_address_header(header)[-1].name == "Pat"


@pytest.mark.parametrize(
    "header",
    [
        "undisclosed-recipients:;",
        "<<<@@>>>, foo, a@b@c.com",
        '"never closed <nobody',
        "=?utf-8?B?!!!!?=",
        "",
        "@",
    ],
)
def test_headers_without_a_valid_address_give_none_and_never_raise(header: str) -> None:
    assert parse_address_header(header) == []


def test_one_broken_address_costs_only_itself() -> None:
    header = 'anna@kunde.de, "unterminated <broken, Ben <ben@kunde.de>'
    assert "anna@kunde.de" in [a.email for a in parse_address_header(header)]


def test_undeclared_8bit_names_are_read_in_the_message_charset() -> None:
    raw = "张伟 <zw@example.cn>".encode("gbk").decode("ascii", "surrogateescape")
    assert parse_address_header(raw, fallback_charset="gb2312")[0].name == "张伟"
    utf8 = "Jürgen <j@example.de>".encode().decode("ascii", "surrogateescape")
    assert parse_address_header(utf8)[0].name == "Jürgen"


def test_charsets_map_to_the_superset_real_mail_uses() -> None:
    assert codec_for("GB2312") == "gb18030"
    assert codec_for("big5") == "big5hkscs"
    assert codec_for("x-no-such-charset") is None
    assert codec_for("base64") is None  # a bytes-to-bytes codec is no charset
    assert decode_text("Grüße".encode(), "us-ascii") == "Grüße"
    assert decode_text(b"caf\xe9", "utf-8") == "café"  # a wrong label falls back
