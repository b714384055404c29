"""Encodings of CSV files: detected from the first bytes, or declared and checked."""

import codecs
from pathlib import Path

import pytest

from connectors.tabular.encoding import SAMPLE_SIZE, detect_encoding, locate_decode_error
from connectors.tabular.settings import SpreadsheetSettings
from connectors.tabular.streams import SpreadsheetStream
from core.errors import InputFileError
from core.records import RawRecord

CHINESE = (
    "source_id,full_name,city,email\n"
    "c-1,张伟,北京市朝阳区,zhang.wei@example.com\n"
    "c-2,王芳,上海市浦东新区,wang.fang@example.com\n"
    "c-3,李娜,广州市天河区,li.na@example.com\n"
)


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def read(path: Path, **settings: object) -> list[RawRecord]:
    stream = SpreadsheetStream("crm", SpreadsheetSettings(path=str(path), **settings))
    return list(stream.read(None))


def names(records: list[RawRecord]) -> list[str]:
    return [r.payload["full_name"] for r in records]


def test_utf8_file_is_read_with_chinese_names(tmp_path: Path) -> None:
    records = read(write(tmp_path / "c.csv", CHINESE.encode("utf-8")))
    assert names(records) == ["张伟", "王芳", "李娜"]
    assert records[0].payload["city"] == "北京市朝阳区"


def test_utf8_bom_does_not_end_up_in_the_first_column_name(tmp_path: Path) -> None:
    records = read(write(tmp_path / "c.csv", CHINESE.encode("utf-8-sig")))
    assert next(iter(records[0].payload)) == "source_id"
    assert records[0].source_id == "c-1"


def test_utf8_bom_is_stripped_when_utf8_is_declared(tmp_path: Path) -> None:
    records = read(write(tmp_path / "c.csv", CHINESE.encode("utf-8-sig")), encoding="utf-8")
    assert records[0].source_id == "c-1"


def test_gbk_file_is_detected_and_decoded(tmp_path: Path) -> None:
    records = read(write(tmp_path / "c.csv", CHINESE.encode("gbk")))
    assert names(records) == ["张伟", "王芳", "李娜"]
    assert records[2].payload["city"] == "广州市天河区"


def test_gbk_is_read_as_gb18030_so_rare_name_characters_survive(tmp_path: Path) -> None:
    # 䶮 (in the name 刘䶮) is not in GBK; GB18030, its superset, has it.
    text = CHINESE + "c-4,刘䶮,深圳市,liu.yan@example.com\n"
    with pytest.raises(UnicodeEncodeError):
        text.encode("gbk")
    data = text.encode("gb18030")
    assert detect_encoding("c.csv", data) == "gb18030"
    assert names(read(write(tmp_path / "c.csv", data)))[-1] == "刘䶮"


def test_short_gbk_sample_is_not_taken_for_another_east_asian_encoding() -> None:
    assert detect_encoding("c.csv", "id,name\n1,王芳\n".encode("gbk")) == "gb18030"
    assert detect_encoding("c.csv", "id,name\n1,王芳\n2,李娜,镕\n".encode("gbk")) == "gb18030"


def test_big5_file_is_not_mistaken_for_gb18030(tmp_path: Path) -> None:
    text = "source_id,full_name,city\n1,張偉,臺北市\n2,王芳,高雄市\n3,陳美玲,新竹縣\n"
    records = read(write(tmp_path / "t.csv", text.encode("big5")))
    assert names(records) == ["張偉", "王芳", "陳美玲"]


def test_western_legacy_file_is_read_as_cp1252(tmp_path: Path) -> None:
    text = "source_id,full_name,city\n1,Zoë Müller,Köln\n2,José Peña,Málaga\n"
    assert names(read(write(tmp_path / "w.csv", text.encode("cp1252")))) == [
        "Zoë Müller",
        "José Peña",
    ]


def test_utf16_file_with_bom_is_detected(tmp_path: Path) -> None:
    data = CHINESE.encode("utf-16")  # Python writes a BOM, little-endian here
    assert data.startswith(codecs.BOM_UTF16_LE)
    records = read(write(tmp_path / "c.csv", data))
    assert names(records) == ["张伟", "王芳", "李娜"]
    assert next(iter(records[0].payload)) == "source_id"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_detected_from_its_nul_bytes(tmp_path: Path, codec: str) -> None:
    records = read(write(tmp_path / "c.csv", CHINESE.encode(codec)))
    assert names(records) == ["张伟", "王芳", "李娜"]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (codecs.BOM_UTF32_LE + "a,b\n".encode("utf-32-le"), "utf-32"),
        (codecs.BOM_UTF32_BE + "a,b\n".encode("utf-32-be"), "utf-32"),
        (codecs.BOM_UTF16_BE + "a,b\n".encode("utf-16-be"), "utf-16"),
        (codecs.BOM_UTF8 + b"a,b\n", "utf-8-sig"),
        (b"a,b\n1,2\n", "utf-8"),
        (b"", "utf-8"),
    ],
)
def test_byte_order_marks_and_plain_ascii_are_recognised(data: bytes, expected: str) -> None:
    assert detect_encoding("x.csv", data) == expected


def test_utf8_character_cut_at_the_end_of_the_sample_is_still_utf8() -> None:
    data = ("a,b\n" + "张" * SAMPLE_SIZE).encode("utf-8")[:SAMPLE_SIZE]
    assert detect_encoding("x.csv", data) == "utf-8"


def test_file_with_nul_bytes_is_refused_as_not_text(tmp_path: Path) -> None:
    path = write(tmp_path / "c.csv", b"a,b\n1,\x00\x01\x02\x03\n")
    with pytest.raises(InputFileError, match="contains NUL bytes"):
        read(path)


def test_declared_encoding_mismatch_names_file_line_and_encoding(tmp_path: Path) -> None:
    path = write(tmp_path / "customers.csv", CHINESE.encode("gbk"))
    with pytest.raises(InputFileError) as caught:
        read(path, encoding="utf-8")
    error = caught.value
    assert error.path == str(path)
    assert error.line == 2
    assert error.message == (
        f"{path}, line 2: not valid utf-8 (byte 0xd5 at column 5, byte offset 35); "
        "set connection.encoding or re-save the file as UTF-8"
    )


def late_gbk_row() -> bytes:
    # The first 64 KiB are ASCII; the only non-ASCII row comes later.
    rows = [f"{i},Customer {i},city {i}\n" for i in range(1, 5001)]
    head = "source_id,full_name,city\n" + "".join(rows)
    assert len(head) > SAMPLE_SIZE
    return head.encode() + "5001,张伟,北京\n".encode("gbk") + b"5002,Last,city\n"


def test_a_legacy_row_past_the_sample_decides_the_encoding_of_an_ascii_file(
    tmp_path: Path,
) -> None:
    records = read(write(tmp_path / "late.csv", late_gbk_row()))
    assert names(records)[-2:] == ["张伟", "Last"]


def test_bad_byte_after_the_sample_is_refused_before_any_row_is_read(tmp_path: Path) -> None:
    path = write(tmp_path / "late.csv", late_gbk_row())
    records = SpreadsheetStream("crm", SpreadsheetSettings(path=str(path), encoding="utf-8"))
    with pytest.raises(InputFileError) as caught:
        next(iter(records.read(None)))
    assert caught.value.line == 5002
    offset = len(late_gbk_row().split(b"5001,")[0]) + 5
    assert f"not valid utf-8 (byte 0xd5 at column 6, byte offset {offset})" in caught.value.message
    assert caught.value.message.startswith(f"{path}, line 5002: ")


def test_file_cut_in_the_middle_of_a_character_says_so() -> None:
    assert locate_decode_error([b"a,b\n", b"1,\xe5\xbc"], "utf-8") == (2, 3, None, 6)


def test_decode_error_position_counts_crlf_and_cr_line_ends() -> None:
    chunks = [b"a,b\r\n1,2\r", b"\n3,4\r5,\xff"]
    assert locate_decode_error(chunks, "utf-8") == (4, 3, 0xFF, 16)


def test_valid_bytes_have_no_decode_error_position() -> None:
    assert locate_decode_error([CHINESE.encode("gb18030")], "gb18030") is None
