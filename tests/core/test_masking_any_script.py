"""Masking by what a value is: hints in any script, the mapping's targets, value shapes."""

from __future__ import annotations

import logging

import pytest

from core.log_masking import PersonalDataFilter, mask_free_text
from core.masking import field_kind, mask_payload


@pytest.mark.parametrize(
    ("field", "kind"),
    [
        ("姓名", "name"),
        ("客户姓名", "name"),
        ("手机", "phone"),
        ("联系电话", "phone"),
        ("電話", "phone"),
        ("邮箱", "email"),
        ("电子邮箱", "email"),
        ("地址", "other"),
        ("身份证号", "other"),
        ("出生日期", "other"),
        ("公司名称", "public"),
        ("备注", None),
        ("---", None),
    ],
)
def test_field_names_in_chinese_are_recognised(field: str, kind: str | None) -> None:
    assert field_kind(field) == kind


def test_a_mapped_column_is_masked_as_the_field_it_feeds_whatever_its_name() -> None:
    payload = {"客户": "谭建国", "Kunde": "Lena Becker", "号": {"x": "Zhao Wei"}}
    targets = {"客户": "full_name", "Kunde": "full_name", "号.x": "given_name"}
    assert mask_payload(payload, targets) == {
        "客户": "谭**",
        "Kunde": "L*** B*****",
        "号": {"x": "Z*** W**"},
    }
    assert mask_payload(payload)["客户"] == "谭建国"  # no mapping, no hint, no shape


@pytest.mark.parametrize(
    "value",
    ["154 3231 9487", "15432319487", "154-3231-9487", "(154) 3231 9487", "+86 154 3231 9487"],
)
def test_a_phone_number_in_any_grouping_is_masked_in_any_column(value: str) -> None:
    masked = mask_payload({"备注": value, "x": value})
    assert all("3231" not in v and v.endswith("9487") for v in masked.values()), masked


@pytest.mark.parametrize("value", ["11010519491231002X", "110105194912310021", "E12345678"])
def test_an_identity_number_is_masked_in_any_column(value: str) -> None:
    masked = mask_payload({"证号": value})["证号"]
    assert value[2:-2] not in masked and "*" in masked


@pytest.mark.parametrize(
    ("text", "hidden"),
    [
        ("record 7 has phone 154 3231 9487", "3231"),
        ("id 11010519491231002X refused", "91231002"),
        ("from tan.jianguo@example.cn", "tan.jianguo"),
    ],
)
def test_log_lines_are_masked_by_shape(text: str, hidden: str) -> None:
    record = logging.LogRecord("x", logging.WARNING, __file__, 1, "%s", (text,), None)
    PersonalDataFilter().filter(record)
    assert hidden not in record.getMessage() and hidden not in mask_free_text(text)
