"""Values set aside as field issues are still evidence: the comparisons and the blocking
read them, loosely, while no golden record ever takes them."""

from __future__ import annotations

from datetime import datetime

from mdm.blocking import block_keys
from mdm.contact import EmailComparison, PhoneComparison
from mdm.person import DateComparison
from mdm.survivorship import Member, survive


def defective(**fields: str) -> dict[str, object]:
    return {"defective": {name: [value] for name, value in fields.items()}}


def level(comparison, a: dict[str, object], b: dict[str, object]) -> str:  # type: ignore[no-untyped-def]
    found = comparison.level(comparison.extract(a), comparison.extract(b))
    return "null" if found == 0 else comparison.levels[found - 1]


def test_an_unassigned_phone_written_two_ways_is_one_number_and_shares_a_block() -> None:
    a = {"given_name": "Na", "family_name": "Li", **defective(phone="+1 598 261 8470")}
    b = {"given_name": "Na", "family_name": "Li", **defective(phone="001-598-261-8470")}
    other = {"given_name": "Na", "family_name": "Li", **defective(phone="+1 598 261 9999")}

    assert level(PhoneComparison("phone"), a, b) == "exact"
    assert level(PhoneComparison("phone"), a, other) == "else"
    assert "p:98261847" not in block_keys(a)  # the tail is the last eight digits
    assert "p:82618470" in block_keys(a) & block_keys(b)


def test_junk_and_too_short_numbers_are_no_evidence() -> None:
    assert PhoneComparison("phone").extract(defective(phone="000 0000 000")) is None
    assert PhoneComparison("phone").extract(defective(phone="12-34")) is None


def test_a_malformed_email_meets_the_address_it_was_meant_to_be() -> None:
    valid = {"email": "zhang.wei@163.com"}
    comparison = EmailComparison("email")

    assert level(comparison, valid, defective(email="Zhang.Wei@@163.com")) == "exact"
    assert level(comparison, valid, defective(email="zhang.wei@163")) == "local"
    assert level(comparison, valid, defective(email="li.na@163")) == "else"
    assert "e:zhang.wei@163.com" in block_keys(defective(email="zhang.wei @163..com"))


def test_an_impossible_or_swapped_birth_date_still_compares_by_its_digits() -> None:
    dob = DateComparison("birth_date")
    real = {"birth_date": "1989-02-13"}

    assert level(dob, real, defective(birth_date="1989-13-02")) == "swapped"
    assert level(dob, real, defective(birth_date="19890231")) == "close"  # 13 → 31
    assert level(dob, real, defective(birth_date="19890230")) == "else"
    assert level(dob, {"birth_date": "1989-02-21"}, defective(birth_date="19890231")) == "close"
    assert level(dob, real, defective(birth_date="13.02.1989")) == "exact"
    named = {"given_name": "Wei", "family_name": "Zhang"}
    swapped = block_keys({**named, **defective(birth_date="1989-13-02")})
    assert {k for k in swapped if k.startswith("d:")} & block_keys({**named, **real})


def test_a_defective_value_never_survives_into_the_golden_record() -> None:
    at = datetime(2026, 1, 1)
    kept = Member("crm", "1", {"full_name": "Li Na", **defective(phone="+1 598 261 8470")}, 50, at)
    other = Member("shop", "2", {"full_name": "Li Na", "phone": "+8613800138000"}, 20, at)

    record, provenance = survive([kept, other])

    assert "defective" not in record and "defective" not in provenance
    assert record["phone"] == "+8613800138000" and record.get("phones", ["+8613800138000"]) == [
        "+8613800138000"
    ]
