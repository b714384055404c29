"""Messages added up into contacts: who counts, which name wins, how records fold together."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from connectors.email.contacts import ContactBook, ContactFilter, contact_payload
from connectors.email.merge import Span, combine_contacts, imap_payload
from connectors.email.parse import UnreadableMessage, parse_message
from connectors.email.settings import DEFAULT_SKIP_PATTERNS


def mail(
    author: str,
    to: str = "owner@acme.de",
    date: str | None = None,
    body: str = "Hi",
    **headers: str,
) -> bytes:
    lines = [f"From: {author}", f"To: {to}"]
    lines += [f"{name.replace('_', '-').title()}: {value}" for name, value in headers.items()]
    if date:
        lines.append(f"Date: {date}")
    return "\n".join([*lines, "", body]).encode("utf-8")


def book(**rules: list[str]) -> ContactBook:
    return ContactBook(
        ContactFilter(
            rules.get("own", ["owner@acme.de"]),
            rules.get("domains", ["acme.de"]),
            rules.get("patterns", list(DEFAULT_SKIP_PATTERNS)),
        ),
        phone_region="DE",
    )


@pytest.mark.parametrize(
    "address",
    [
        "noreply@shop.example",
        "no-reply@accounts.example",
        "do_not_reply@bank.example",
        "DoNotReply@bank.example",
        "mailer-daemon@mx.example",
        "postmaster@kunde.de",
        "bounces+abc=kunde.de@mail.example",
        "bounce-123@news.example",
        "notifications@github.example",
        "news-bounces@lists.example",
        "anything@bounce.mailer.example",
        "owner@acme.de",
        "colleague@acme.de",
        "colleague@sales.acme.de",
    ],
)
def test_machines_the_owner_and_colleagues_are_no_contacts(address: str) -> None:
    contacts = book()
    contacts.add(parse_message(mail(f"X <{address}>", to="anna@kunde.de")))
    assert [t.email for t in contacts.contacts()] == ["anna@kunde.de"]


def test_skip_patterns_are_configurable() -> None:
    contacts = book(patterns=["info", "*@newsletter.example"], domains=[])
    for sender in ("info@kunde.de", "x@newsletter.example", "noreply@shop.example"):
        contacts.add(parse_message(mail(sender, to="owner@acme.de")))
    assert [t.email for t in contacts.contacts()] == ["noreply@shop.example"]


def test_every_header_counts_once_per_message() -> None:
    contacts = book()
    contacts.add(
        parse_message(
            mail(
                "Anna <anna@kunde.de>",
                to="owner@acme.de, Ben <ben@kunde.de>, li.na@example.cn",
                cc="Maria <maria@example.it>, anna@kunde.de",
                reply_to="Anna Schmidt <ANNA@kunde.de>",
                sender="Office <office@kunde.de>",
            )
        )
    )
    counts = {t.email: t.total.messages for t in contacts.contacts()}
    assert counts == dict.fromkeys(
        [
            "anna@kunde.de",
            "ben@kunde.de",
            "li.na@example.cn",
            "maria@example.it",
            "office@kunde.de",
        ],
        1,
    )


def test_the_most_frequent_name_wins_and_ties_go_to_the_most_recent() -> None:
    contacts = book()
    dates = [f"Mon, {day} Feb 2024 10:00:00 +0000" for day in (5, 12, 19, 26)]
    names = ["Tom", "Müller, Thomas", "Thomas Müller", "Tom"]
    for name, date in zip(names, dates, strict=True):
        contacts.add(parse_message(mail(f'"{name}" <thomas@kunde.de>', date=date)))
    # "Müller, Thomas" and "Thomas Müller" are one name seen twice, as is "Tom"; the
    # Thomas spelling was last used on the 19th, Tom on the 26th: Tom is more recent.
    (tally,) = contacts.contacts()
    assert tally.name == "Tom"
    contacts.add(parse_message(mail('"Thomas Müller" <thomas@kunde.de>', date=dates[0])))
    assert contacts.contacts()[0].name == "Thomas Müller"


def test_a_signature_is_given_to_the_sender_only() -> None:
    body = "Hallo,\n\nViele Grüße\nThomas\nACME Maschinenbau GmbH\nTel. 030 1234567\n"
    contacts = book()
    contacts.add(
        parse_message(mail("thomas@kunde.de", to="anna@kunde.de, owner@acme.de", body=body))
    )
    found = {t.email: (t.phone and t.phone.value, t.company and t.company.value)
             for t in contacts.contacts()}  # fmt: skip
    assert found == {
        "thomas@kunde.de": ("+49301234567", "ACME Maschinenbau GmbH"),
        "anna@kunde.de": (None, None),
    }


def test_a_skipped_sender_lends_its_signature_to_nobody() -> None:
    body = "Best regards\nYour Shop\nShop GmbH\nPhone: +49 30 1234567\n"
    contacts = book()
    contacts.add(parse_message(mail("noreply@shop.example", to="anna@kunde.de", body=body)))
    (anna,) = contacts.contacts()
    assert (anna.phone, anna.company) == (None, None)


def test_the_date_header_wins_and_the_delivery_date_fills_in() -> None:
    received = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
    dated = parse_message(
        mail("a@kunde.de", date="Mon, 5 Feb 2024 10:00:00 +0100"), received=received
    )
    assert dated.sent_at == datetime(2024, 2, 5, 9, 0, tzinfo=UTC)
    for date in (None, "not a date", "Mon, 5 Feb 1066 10:00:00 +0100"):
        undated = parse_message(mail("a@kunde.de", date=date), received=received)
        assert undated.sent_at == received


def test_junk_without_headers_is_unreadable() -> None:
    with pytest.raises(UnreadableMessage, match="no header fields"):
        parse_message(b"\x00\x01\x02 not a message at all")


def test_contacts_come_least_recently_seen_first() -> None:
    contacts = book()
    contacts.add(parse_message(mail("b@kunde.de", date="Tue, 6 Feb 2024 10:00:00 +0000")))
    contacts.add(parse_message(mail("a@kunde.de", date="Wed, 7 Feb 2024 10:00:00 +0000")))
    contacts.add(parse_message(mail("c@kunde.de", date="Mon, 5 Feb 2024 10:00:00 +0000")))
    assert [t.email for t in contacts.contacts()] == ["c@kunde.de", "b@kunde.de", "a@kunde.de"]
    payload = contact_payload(contacts.contacts()[0])
    assert payload["first_seen"] == payload["last_seen"] == "2024-02-05T10:00:00+00:00"


def record(day: int, count: int, span: Span, folder: str = "INBOX", name: str = "Anna") -> dict:  # type: ignore[type-arg]
    contacts = book()
    for _ in range(count):
        date = f"{day} Feb 2024 10:00:00 +0000"
        contacts.add(parse_message(mail(f"{name} <anna@kunde.de>", date=date)), folder)
    return imap_payload(contacts.contacts()[0], {folder: span})


def test_combine_adds_the_next_span_and_keeps_the_earliest_first_seen() -> None:
    first = record(5, 2, Span(7, 0, 10))
    second = record(9, 3, Span(7, 10, 15), name="Anna Schmidt")
    combined = combine_contacts(first, second)
    assert combined["message_count"] == 5
    assert combined["first_seen"].startswith("2024-02-05")
    assert combined["last_seen"].startswith("2024-02-09")
    assert combined["name"] == "Anna Schmidt"
    assert combined["folders"]["INBOX"]["through_uid"] == 15


def test_combine_ignores_a_span_it_has_counted_already() -> None:
    staged = combine_contacts(record(5, 2, Span(7, 0, 10)), record(9, 3, Span(7, 10, 15)))
    assert combine_contacts(staged, record(9, 3, Span(7, 10, 15))) is staged


def test_combine_replaces_a_folder_read_again_under_a_new_uidvalidity() -> None:
    staged = combine_contacts(record(5, 2, Span(7, 0, 10)), record(9, 3, Span(7, 10, 15)))
    reread = record(5, 5, Span(8, 0, 5))
    combined = combine_contacts(staged, reread)
    assert combined["message_count"] == 5
    assert combined["uidvalidity"] == {"INBOX": 8}


def test_combine_adds_up_folders_separately() -> None:
    inbox = record(5, 2, Span(7, 0, 10))
    sent = record(6, 1, Span(9, 0, 3), folder="Sent")
    combined = combine_contacts(inbox, sent)
    assert combined["message_count"] == 3
    assert combine_contacts(combined, record(7, 1, Span(7, 10, 11)))["message_count"] == 4
    assert combined["uidvalidity"] == {"INBOX": 7, "Sent": 9}


def test_combine_takes_a_full_reread_from_uid_zero_as_complete() -> None:
    staged = record(5, 2, Span(7, 0, 10))
    assert combine_contacts(staged, record(5, 3, Span(7, 0, 12)))["message_count"] == 3
