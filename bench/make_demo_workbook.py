"""Rebuild the demo's web-shop workbook (crmhub/sample/data/webshop_accounts.xlsx).

The workbook is committed; this script documents its content and recreates it:
``.venv/bin/python bench/make_demo_workbook.py``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import Workbook

TARGET = Path(__file__).parents[1] / "crmhub" / "sample" / "data" / "webshop_accounts.xlsx"
HEADER = [
    "customer_id",
    "name",
    "email",
    "mobile",
    "province",
    "city",
    "address",
    "zip",
    "country",
    "birthday",
    "accepts_marketing",
    "tags",
]
ROWS: list[list[str | int | date | bool | None]] = [
    [
        "W-20001",
        "张伟",
        "zhang.wei@example.cn",
        13800138000,
        "北京",
        "北京",
        "建国路88号",
        "100020",
        "中国",
        date(1985, 3, 12),
        "yes",
        "vip,app",
    ],
    [
        "W-20002",
        "李娜",
        "LI.NA@example.cn",
        "139-1234-5678",
        "上海",
        "上海",
        "南京西路1266号",
        "200040",
        "中国",
        date(1990, 7, 1),
        "no",
        "app",
    ],
    [
        "W-20003",
        "王芳",
        "wangfang@example.com",
        "137 0000 1111",
        "广东",
        "广州",
        "天河路385号",
        "510000",
        "中国",
        date(1978, 11, 23),
        "yes",
        "",
    ],
    [
        "W-20004",
        "陈静",
        "chenjing@example.cn",
        "18620003000",
        "广东",
        "深圳",
        "深南大道6008号",
        "518000",
        "中国",
        None,
        "yes",
        "web",
    ],
    [
        "W-20005",
        "刘洋",
        "liuyang@example.cn",
        "135 5555 6666",
        "四川",
        "成都",
        "春熙路1号",
        "610000",
        "中国",
        date(1992, 2, 29),
        "no",
        "",
    ],
    [
        "W-20006",
        "欧阳娜娜",
        "nana.ouyang@example.cn",
        "150 1111 2222",
        "浙江",
        "杭州",
        "西湖大道2号",
        "310000",
        "中国",
        date(1996, 6, 15),
        "yes",
        "vip",
    ],
    [
        "W-20007",
        "Huang Xiaoming",
        "hxm@example.cn",
        "+86 138 8888 9999",
        "上海",
        "上海",
        "外滩1号",
        "200001",
        "China",
        None,
        "no",
        "web",
    ],
    [
        "W-20008",
        "张伟",
        "zhangwei88@example.com",
        "13122223333",
        "湖北",
        "武汉",
        "江汉路100号",
        "430000",
        "中国",
        date(1991, 8, 8),
        "yes",
        "app",
    ],
    [
        "W-20009",
        "孙丽",
        "sunli@example.cn",
        "187 1234 0000",
        "天津",
        "天津",
        "和平路5号",
        "300000",
        "中国",
        date(1987, 4, 4),
        "no",
        "",
    ],
    [
        "W-20010",
        "周杰",
        "zhoujie@example.cn",
        "+86 158 6666 7777",
        "江苏",
        "南京",
        "中山路1号",
        "210000",
        "中国",
        date(1979, 3, 3),
        "yes",
        "vip",
    ],
    [
        "W-20011",
        "Sophie Martin",
        "sophie.martin@example.fr",
        "+33 1 23 45 67 89",
        "",
        "Paris",
        "12 Rue de Rivoli",
        "75001",
        "France",
        date(1988, 6, 14),
        "yes",
        "web",
    ],
    [
        "W-20012",
        "吴刚",
        "wugang@example.cn",
        "12345",
        "北京",
        "北京",
        "长安街1号",
        "100000",
        "中国",
        None,
        "no",
        "",
    ],
]


def main() -> None:
    book = Workbook()
    sheet = book.worksheets[0]  # the active one of a new workbook
    sheet.title = "Accounts"
    sheet.append(["Web shop accounts, export of 2026-11-01"])
    sheet.append([])
    sheet.append(HEADER)
    for row in ROWS:
        sheet.append(row)
    notes = book.create_sheet("Notes")
    notes.append(["Exported by the shop back office; one row per account."])
    book.save(TARGET)


if __name__ == "__main__":
    main()
