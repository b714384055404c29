"""A CSV file's encoding is checked on every line: mixed files are refused, never garbled."""

import random
import tracemalloc
from pathlib import Path

import pytest

from tests.support.spreadsheet_reads import read, refusal

MIB = 1 << 20
COMMON_HANZI = "张王李赵刘陈杨黄吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰"  # noqa: E501


def utf8_rows(start: int, count: int) -> bytes:
    return "".join(
        f"{i},Zoë Ünal,zoe{i}@example.com\n" for i in range(start, start + count)
    ).encode()


def test_utf8_file_with_one_cp1252_row_is_refused_at_that_row_not_read_as_gb18030(
    tmp_path: Path,
) -> None:
    head = b"source_id,full_name,email\n" + utf8_rows(1, 20)
    bad_row = "21,Zoë Ünal,zoe21@example.com\n".encode("cp1252")
    path = tmp_path / "customers.csv"
    path.write_bytes(head + bad_row + utf8_rows(22, 20))
    error = refusal(path)
    assert error.line == 22
    assert f"byte 0xeb at byte offset {len(head) + len('21,Zo')}" in error.problem
    assert "mixes encodings" in error.problem
    assert "毛" not in error.message


def test_gb18030_file_with_some_utf8_rows_is_refused_at_a_line_and_byte_not_its_header(
    tmp_path: Path,
) -> None:
    header = "source_id,姓名,地址\n".encode("gb18030")
    gb = "".join(f"{i},张伟{i},北京市朝阳区\n" for i in range(1, 30)).encode("gb18030")
    utf8 = "99,李娜,上海市\n".encode()
    path = tmp_path / "customers.csv"
    path.write_bytes(header + gb + utf8 + gb)
    error = refusal(path)
    assert error.line == 1
    assert "byte 0xd0 at byte offset 10" in error.problem
    assert "the first: line 31" in error.problem
    assert "header" not in error.problem and "8859" not in error.problem


def test_a_declared_legacy_encoding_is_validated_against_utf8_rows_too(tmp_path: Path) -> None:
    body = "".join(f"{i},张伟,北京市\n" for i in range(1, 10)).encode("gb18030")
    path = tmp_path / "c.csv"
    path.write_bytes("source_id,姓名,地址\n".encode("gb18030") + body + "10,李娜,上海市\n".encode())
    error = refusal(path, encoding="gb18030")
    assert "connection.encoding is gb18030" in error.problem


def test_a_declared_encoding_is_honoured_and_every_line_checked(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    good = "source_id,full_name\n1,Zoë Ünal\n2,Ærøskøbing\n".encode("cp1252")
    path.write_bytes(good)
    assert [r.payload["full_name"] for r in read(path, encoding="cp1252")] == [
        "Zoë Ünal",
        "Ærøskøbing",
    ]
    rows = "".join(f"{i},王芳\n" for i in range(1, 2000)).encode("gb18030")
    head = b"source_id,full_name\n" + rows
    path.write_bytes(head + b"2000,\x81\x20\n")
    error = refusal(path, encoding="gb18030")
    assert error.line == 2001
    assert f"byte offset {len(head) + 5}" in error.problem


def test_gbk_characters_that_happen_to_be_valid_utf8_do_not_make_a_file_mixed(
    tmp_path: Path,
) -> None:
    # 女 in GBK is C5 AE, which is also the UTF-8 for "Ů"; 男 (C4 D0) is not UTF-8.
    assert "女".encode("gbk").decode("utf-8") == "Ů"
    rows = "".join(f"{i},{'女' if i % 3 else '男'},a{i}@example.com\n" for i in range(1, 300))
    path = tmp_path / "c.csv"
    path.write_bytes(("source_id,性别,email\n" + rows).encode("gbk"))
    assert [r.payload["性别"] for r in read(path)][:3] == ["女", "女", "男"]


def test_a_large_gbk_file_of_chinese_names_is_read_as_gb18030_without_a_false_alarm(
    tmp_path: Path,
) -> None:
    chance = random.Random(12)
    names = ["".join(chance.choices(COMMON_HANZI, k=chance.randint(2, 3))) for _ in range(20_000)]
    text = "source_id,姓名\n" + "".join(f"{i},{n}\n" for i, n in enumerate(names, start=1))
    path = tmp_path / "c.csv"
    path.write_bytes(text.encode("gbk"))
    assert [r.payload["姓名"] for r in read(path)] == names


def test_an_ascii_file_with_a_late_cp1252_row_is_read_as_cp1252(tmp_path: Path) -> None:
    rows = "".join(f"{i},Customer {i}\n" for i in range(1, 6000)).encode()
    path = tmp_path / "c.csv"
    path.write_bytes(b"source_id,full_name\n" + rows + "6000,Zoë Ünal\n".encode("cp1252"))
    assert read(path)[-1].payload["full_name"] == "Zoë Ünal"


def test_a_bad_byte_at_the_end_of_a_big_file_is_found_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    row = b"1,Zhang Wei,zhang@example.com\n"
    with path.open("wb") as f:
        f.write(b"source_id,full_name,email\n")
        for _ in range(24):
            f.write(row * (MIB // len(row)))
        f.write(b"2,\xff\n")
    tracemalloc.start()
    try:
        error = refusal(path, encoding="utf-8")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert error.line == 2 + 24 * (MIB // len(row))
    assert peak < 8 * MIB


@pytest.mark.parametrize("declared", ["utf-8", "utf-8-sig", "UTF8"])
def test_a_declared_utf8_in_any_spelling_names_the_bad_line_and_offset(
    tmp_path: Path, declared: str
) -> None:
    path = tmp_path / "c.csv"
    path.write_bytes(b"source_id,full_name\n" + utf8_rows(1, 3) + b"9,Zo\xeb\n")
    error = refusal(path, encoding=declared)
    assert error.line == 5
    assert "not valid utf-8 (byte 0xeb at column 5" in error.problem
