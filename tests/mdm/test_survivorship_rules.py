"""Each survivorship rule on its own: winners, ties, blanks and order independence."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest

from mdm import golden_id_for
from mdm.survivorship import (
    Longest,
    Member,
    MostComplete,
    MostFrequent,
    MostRecent,
    SourcePriority,
    SurvivorshipPolicy,
    Union,
    rule_named,
    survive,
)

JAN, FEB, MAR = (datetime(2026, m, 1, tzinfo=UTC) for m in (1, 2, 3))


def member(source: str, trust: int, at: datetime, **record: object) -> Member:
    return Member(source, f"{source}-1", {"source_id": f"{source}-1", **record}, trust, at)


def surviving(members: list[Member], **fields: object) -> tuple[dict, dict]:  # type: ignore[type-arg]
    policy = SurvivorshipPolicy(
        trust={m.source: m.trust for m in members},
        fields=fields,  # type: ignore[arg-type]
    )
    return survive(members, policy)


def test_source_priority_follows_trust_by_default() -> None:
    crm, shop = member("crm", 80, JAN, phone="+4930111"), member("shop", 20, MAR, phone="+4930222")
    record, provenance = surviving([shop, crm])
    assert record["phone"] == "+4930111"
    assert provenance["phone"] == {"source": "crm", "source_id": "crm-1", "rule": "source_priority"}


def test_an_explicit_source_order_beats_trust_and_unlisted_sources_come_last() -> None:
    crm = member("crm", 90, JAN, company="CRM GmbH")
    erp = member("erp", 10, JAN, company="ERP GmbH")
    shop = member("shop", 50, JAN, company="Shop GmbH")
    record, _ = surviving([crm, erp, shop], company=SourcePriority(("erp", "shop")))
    assert record["company"] == "ERP GmbH"
    record, _ = surviving([crm, shop], company=SourcePriority(("erp", "shop")))
    assert record["company"] == "Shop GmbH"
    record, _ = surviving(
        [crm, member("web", 20, JAN, company="Web")], company=SourcePriority(("erp",))
    )
    assert record["company"] == "CRM GmbH"  # neither listed: trust decides


def test_source_priority_ties_on_trust_go_to_the_most_recent() -> None:
    old, new = member("crm", 50, JAN, city="Bonn"), member("erp", 50, FEB, city="Köln")
    assert surviving([old, new])[0]["city"] == "Köln"


def test_most_recent_takes_the_newest_value_and_records_its_time() -> None:
    crm, shop = member("crm", 90, JAN, phone="+4930111"), member("shop", 10, MAR, phone="+4930222")
    record, provenance = surviving([crm, shop], phone=MostRecent())
    assert record["phone"] == "+4930222"
    assert provenance["phone"] == {
        "source": "shop",
        "source_id": "shop-1",
        "rule": "most_recent",
        "at": MAR.isoformat(),
    }


def test_most_recent_prefers_the_sources_own_change_time() -> None:
    seen_late = Member("crm", "1", {"city": "Bonn"}, 50, MAR, updated_at=JAN)
    seen_early = Member("erp", "2", {"city": "Köln"}, 50, FEB, updated_at=FEB)
    record, provenance = survive(
        [seen_late, seen_early], SurvivorshipPolicy(fields={"city": MostRecent()})
    )
    assert record["city"] == "Köln" and provenance["city"]["at"] == FEB.isoformat()


def test_most_complete_takes_the_value_of_the_fullest_record() -> None:
    thin = member("crm", 90, MAR, city="Xi'an")
    full = member("erp", 10, JAN, city="Xian", postcode="710000", country="CN")
    assert surviving([thin, full], city=MostComplete())[0]["city"] == "Xian"


def test_most_frequent_takes_the_value_most_members_agree_on() -> None:
    members = [
        member("crm", 90, MAR, company="ACME"),
        member("erp", 10, JAN, company="Acme Ltd"),
        member("shop", 20, JAN, company="Acme Ltd"),
    ]
    record, provenance = surviving(members, company=MostFrequent())
    assert record["company"] == "Acme Ltd"
    assert provenance["company"]["source"] == "shop" and provenance["company"]["votes"] == 2


def test_most_frequent_breaks_a_tie_by_trust_whatever_the_order() -> None:
    a, b = member("crm", 30, JAN, company="A"), member("erp", 60, JAN, company="B")
    assert surviving([a, b], company=MostFrequent())[0]["company"] == "B"
    assert surviving([b, a], company=MostFrequent())[0]["company"] == "B"


def test_longest_takes_the_longest_text_and_breaks_ties_by_trust() -> None:
    short = member("crm", 90, JAN, full_name="L. Müller")
    long = member("erp", 10, JAN, full_name="Lisa Marie Müller")
    assert surviving([short, long], full_name=Longest())[0]["full_name"] == "Lisa Marie Müller"
    same = member("shop", 50, JAN, full_name="Lisa Marie Mülle!")
    assert surviving([long, same], full_name=Longest())[0]["full_name"] == "Lisa Marie Mülle!"


@pytest.mark.parametrize(
    "rule", [SourcePriority(), MostRecent(), MostComplete(), MostFrequent(), Longest()]
)
def test_no_rule_lets_a_blank_win_over_a_value(rule: object) -> None:
    best = member("crm", 99, MAR, city="  ", postcode=None, company="", tags=[])
    other = member("erp", 1, JAN, city="Bonn", postcode="53111", company="X", tags=["vip"])
    fields = dict.fromkeys(("city", "postcode", "company", "tags"), rule)
    record, provenance = surviving([best, other], **fields)
    assert (record["city"], record["postcode"], record["company"], record["tags"]) == (
        "Bonn",
        "53111",
        "X",
        ["vip"],
    )
    assert {provenance[f]["source"] for f in fields} == {"erp"}


@pytest.mark.parametrize(
    "rule", [SourcePriority(), MostRecent(), MostComplete(), MostFrequent(), Longest()]
)
def test_the_same_members_in_any_order_give_the_same_record(rule: object) -> None:
    members = [
        member("crm", 50, JAN, company="Acme", city="Bonn", email="a@x.cn"),
        member("erp", 50, JAN, company="ACME AG", city="Bonn", email="b@x.cn"),
        member("shop", 50, JAN, company="Acme", city="Köln", email="c@x.cn"),
        Member("shop", "shop-2", {"company": "acme", "city": "Bonn"}, 50, JAN),
    ]
    fields = {"company": rule, "city": rule, "email": rule}
    results = {repr(surviving(list(order), **fields)) for order in itertools.permutations(members)}
    assert len(results) == 1


def test_the_latin_form_and_script_come_with_the_full_name_they_describe() -> None:
    crm = member("crm", 90, JAN, full_name="L. Müller", name_latin="l muller", name_script="latn")
    erp = member("erp", 10, JAN, full_name="张丽", name_latin="zhang li", name_script="han")
    record, provenance = surviving([crm, erp], full_name=Longest())
    assert (record["full_name"], record["name_latin"], record["name_script"]) == (
        "L. Müller",
        "l muller",
        "latn",
    )
    lisa = member("shop", 5, JAN, full_name="Lisa Müller", name_latin="lisa muller")
    record, provenance = surviving([crm, erp, lisa], full_name=Longest())
    assert (record["full_name"], record["name_latin"]) == ("Lisa Müller", "lisa muller")
    assert provenance["name_latin"] == {
        "source": "shop",
        "source_id": "shop-1",
        "rule": "with full_name",
    }
    assert record["name_script"] == "latn" and provenance["name_script"]["source"] == "crm"


def test_union_collects_every_tag_and_list_fields_keep_the_primary_first() -> None:
    crm = member("crm", 90, JAN, email="a@x.cn", tags=["vip"])
    shop = member("shop", 10, MAR, email="b@x.cn", tags=["newsletter", "vip"])
    record, provenance = surviving([crm, shop], tags=Union(), email=MostRecent())
    assert record["tags"] == ["vip", "newsletter"] and provenance["tags"]["rule"] == "union"
    assert record["email"] == "b@x.cn" and record["emails"] == ["b@x.cn", "a@x.cn"]


def test_tags_without_a_rule_come_from_one_member() -> None:
    crm = member("crm", 90, JAN, tags=["vip"])
    shop = member("shop", 10, MAR, tags=["newsletter"])
    assert surviving([crm, shop])[0]["tags"] == ["vip"]


def test_a_later_explicit_consent_wins_even_from_a_less_trusted_source() -> None:
    crm = member("crm", 90, JAN, consent={"email": True, "sms": True})
    shop = member("shop", 10, MAR, consent={"email": False})
    record, provenance = surviving([crm, shop])
    assert record["consent"] == {"email": False, "sms": True}
    assert provenance["consent.email"] == {
        "source": "shop",
        "source_id": "shop-1",
        "rule": "most_recent",
        "at": MAR.isoformat(),
    }
    assert provenance["consent.sms"]["source"] == "crm"


def test_a_later_unknown_consent_does_not_undo_an_explicit_one() -> None:
    crm = member("crm", 90, JAN, consent={"email": False})
    shop = member("shop", 10, MAR, consent={"email": None})
    later_blank = member("erp", 95, MAR, consent={})
    record, provenance = surviving([crm, shop, later_blank])
    assert record["consent"] == {"email": False}
    assert provenance["consent.email"]["source"] == "crm"


def test_consent_can_be_configured_for_all_flags_or_one() -> None:
    crm = member("crm", 90, JAN, consent={"email": True, "sms": True})
    shop = member("shop", 10, MAR, consent={"email": False, "sms": False})
    record, _ = surviving([crm, shop], consent=SourcePriority())
    assert record["consent"] == {"email": True, "sms": True}
    record, _ = surviving([crm, shop], **{"consent.sms": SourcePriority()})
    assert record["consent"] == {"email": False, "sms": True}


def test_rules_are_found_by_their_config_names() -> None:
    assert rule_named("most_frequent") == MostFrequent()
    assert rule_named("source_priority", ["erp"]) == SourcePriority(("erp",))
    with pytest.raises(ValueError, match="unknown survivorship rule 'newest'"):
        rule_named("newest")
    with pytest.raises(ValueError, match="only source_priority"):
        rule_named("longest", ["erp"])


def test_a_policy_refuses_union_on_a_single_field_and_a_rule_on_a_union_field() -> None:
    with pytest.raises(ValueError, match="city: union is only for"):
        SurvivorshipPolicy(fields={"city": Union()})
    with pytest.raises(ValueError, match=r"emails: .*only union fits"):
        SurvivorshipPolicy(fields={"emails": MostRecent()})


def test_the_fingerprint_changes_with_rules_and_trust_only() -> None:
    base = SurvivorshipPolicy(trust={"crm": 50})
    assert base.fingerprint() == SurvivorshipPolicy(trust={"crm": 50}).fingerprint()
    assert base.fingerprint() != SurvivorshipPolicy(trust={"crm": 60}).fingerprint()
    changed = SurvivorshipPolicy(trust={"crm": 50}, fields={"phone": MostRecent()})
    assert base.fingerprint() != changed.fingerprint()


def test_golden_ids_are_stable_and_distinct() -> None:
    assert golden_id_for("crm", "1") == golden_id_for("crm", "1")
    assert golden_id_for("crm", "1") != golden_id_for("crm", "2")
    assert golden_id_for("crm", "12") != golden_id_for("crm1", "2")


def test_the_default_policy_prefers_trust_then_recency_and_never_blanks_a_value() -> None:
    old, new = datetime(2020, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC)
    members = [
        Member("webshop", "W1", {"email": "new@x.cn", "phone": "+8613800138000"}, 40, new),
        Member("crm", "C1", {"email": "old@x.cn", "phone": None}, 70, old),
    ]
    record, provenance = survive(members)
    assert record == {
        "email": "old@x.cn",
        "emails": ["old@x.cn", "new@x.cn"],
        "phone": "+8613800138000",
    }
    assert provenance["email"]["source"] == "crm"
    assert provenance["phone"] == {
        "source": "webshop",
        "source_id": "W1",
        "rule": "source_priority",
    }
