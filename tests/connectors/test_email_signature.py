"""Phones and companies from signatures: German, English and Chinese mail, plain and HTML."""

from __future__ import annotations

import pytest

from connectors.email.bodytext import html_to_text
from connectors.email.signature import Signature, find_signature, own_lines

GERMAN = """Hallo Frau Schmidt,

anbei das Angebot wie besprochen. Rufen Sie mich gern an.

Mit freundlichen Grüßen
Thomas Müller
Vertrieb
ACME Maschinenbau GmbH
Hauptstraße 1 · 10115 Berlin
Tel.: +49 (0)30 1234567-0
Fax: +49 30 1234567-99
"""

ENGLISH = """Hi,

thanks for the quick reply, the numbers look fine.

--\x20
Jane Doe | Head of Purchasing
Northwind Traders Ltd.
Mobile: +44 7911 123456
www.northwind.example
"""

CHINESE = """王经理，您好：

附件是本月的订单，请查收。

此致
敬礼！
张伟
北京华信科技有限公司
电话：010-6552 9988
手机：138 0013 8000
"""


def test_a_german_signature_gives_phone_and_company_not_the_fax() -> None:
    assert find_signature(GERMAN, phone_region=None) == Signature(
        "+493012345670", "ACME Maschinenbau GmbH"
    )


def test_an_english_signature_after_the_delimiter() -> None:
    assert find_signature(ENGLISH, phone_region=None) == Signature(
        "+447911123456", "Northwind Traders Ltd."
    )


def test_a_chinese_signature_needs_the_region_for_numbers_without_a_country_code() -> None:
    assert find_signature(CHINESE, phone_region=None) == Signature(None, "北京华信科技有限公司")
    assert find_signature(CHINESE, phone_region="CN") == Signature(
        "+861065529988", "北京华信科技有限公司"
    )


def test_a_chinese_mobile_with_its_country_code_is_found_without_a_region() -> None:
    text = "您好\n\n祝好\n李娜\n上海某某贸易有限公司\n手机：+86 139 1234 5678\n"
    assert find_signature(text, phone_region=None) == Signature(
        "+8613912345678", "上海某某贸易有限公司"
    )


def test_a_signature_in_a_quoted_reply_belongs_to_someone_else() -> None:
    reply = (
        "Passt, danke!\n\nAnna\n\n"
        "Am 05.02.2024 um 10:00 schrieb Thomas Müller <thomas@kunde.de>:\n"
        "> Mit freundlichen Grüßen\n> Thomas Müller\n> ACME GmbH\n> Tel.: +49 30 1234567\n"
    )
    assert find_signature(reply, phone_region="DE") == Signature()
    outlook = (
        "OK.\n\nBest regards\nAnna\n\n"
        "From: Thomas Müller <thomas@kunde.de>\nSent: Monday, 5 February 2024 10:00\n"
        "To: Anna\n\nRegards\nThomas\nACME GmbH\nPhone: +49 30 1234567\n"
    )
    assert [line for line in own_lines(outlook) if line][-1] == "Anna"
    assert find_signature(outlook, phone_region="DE") == Signature()


def test_the_last_lines_count_when_there_is_no_closing() -> None:
    text = "Please call me back.\nPeter Brown\nContoso Inc.\nT +1 (415) 555-0100\n"
    assert find_signature(text, phone_region=None) == Signature("+14155550100", "Contoso Inc.")
    assert find_signature(text, phone_region=None, complete=False) == Signature()


@pytest.mark.parametrize(
    "text",
    [
        "Meeting on 12.03.2024 at 10:30, invoice 2024-000123.\n\nBest regards\nAnna",
        "Best regards\nAnna\nAmtsgericht Charlottenburg HRB 12345, Sitz der ACME GmbH: Berlin",
        "Regards\nAnna\nTel: 12\n",
        "您好\n\n我们公司下周一放假，请提前安排发货。\n谢谢\n",
        "",
    ],
)
def test_dates_numbers_and_register_lines_are_not_phones_or_companies(text: str) -> None:
    assert find_signature(text, phone_region="DE") == Signature()


def test_an_html_signature_keeps_its_lines() -> None:
    html = (
        "<html><head><style>p {color: red}</style></head><body><p>Hello,</p>"
        "<p>Kind regards<br>Peter Brown<br><b>Contoso&nbsp;Inc.</b><br>"
        "Phone: <a href='tel:+14155550100'>+1 415 555 0100</a></p></body></html>"
    )
    text = html_to_text(html)
    assert "color" not in text
    assert find_signature(text, phone_region=None) == Signature("+14155550100", "Contoso Inc.")
