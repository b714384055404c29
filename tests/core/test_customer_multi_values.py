"""Sources with several emails, phones or addresses keep all of them."""

from __future__ import annotations

from datetime import UTC, datetime

from core.customer import Customer
from core.standardise import StandardiseOptions, standardise_flat
from mdm import Member, survive

OPTIONS = StandardiseOptions(default_region="CN")


def test_list_values_are_standardised_deduplicated_and_fill_the_primary() -> None:
    flat = standardise_flat(
        {
            "source_id": "p1",
            "full_name": "张伟",
            "emails": ["Zhang.Wei@Example.cn", "zhang.wei@example.cn", "zw@work.cn"],
            "phones": ["138 0013 8000", "+86 (010) 6552 9988", "13800138000"],
            "addresses": [
                {"line1": "建国路88号", "city": "北京", "postcode": "100020", "country": "中国"},
                {"line1": "Hohe Straße 3", "city": "Köln", "postcode": "50667", "country": "DE"},
            ],
        },
        OPTIONS,
    )
    assert flat["email"] == "zhang.wei@example.cn"
    assert flat["emails"] == ["zhang.wei@example.cn", "zw@work.cn"]
    assert flat["phones"] == ["+8613800138000", "+861065529988"]
    assert flat["phone"] == "+8613800138000"
    assert (flat["city"], flat["country"]) == ("北京", "CN")
    customer = Customer.from_flat("erp", flat)
    assert customer.emails == ("zhang.wei@example.cn", "zw@work.cn")
    assert len(customer.phones) == 2
    assert [a.country for a in customer.addresses] == ["CN", "DE"]
    assert "emails" not in customer.attributes


def test_golden_records_take_the_union_of_their_members_emails_and_phones() -> None:
    at = datetime(2026, 1, 1, tzinfo=UTC)
    record, provenance = survive(
        [
            Member("crm", "1", {"email": "a@x.cn", "phone": "+8613800138000"}, 70, at),
            Member("erp", "2", {"email": "b@x.cn", "emails": ["b@x.cn", "a@x.cn"]}, 60, at),
        ]
    )
    assert record["email"] == "a@x.cn"
    assert record["emails"] == ["a@x.cn", "b@x.cn"]
    assert "phones" not in record
    assert provenance["emails"]["rule"] == "union"
