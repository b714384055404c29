"""mbox files and .eml folders: the same contacts as IMAP gives for the same messages."""

from __future__ import annotations

import mailbox
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from connectors.email import build_eml, build_imap, build_mbox
from connectors.email.file_stream import from_line_date
from core.errors import InputFileError

if TYPE_CHECKING:
    from fixtures_dovecot import DovecotServer  # type: ignore[import-not-found]

pytest_plugins = ["fixtures_dovecot"]

#: What the contacts are compared on; the rest is IMAP's per-folder bookkeeping.
CONTACT_FIELDS = ("email", "name", "first_seen", "last_seen", "message_count", "phone", "company")

MESSAGES = [
    """From: =?gb2312?B?1cXOsA==?= <zhang.wei@example.cn>
To: owner@example.com
Cc: =?big5?B?s6+kaqTl?= <chan@example.hk>, noreply@shop.example
Date: Mon, 5 Feb 2024 10:00:00 +0800
Subject: =?utf-8?B?6K6i5Y2V?=
Content-Type: text/plain; charset=utf-8

王经理，您好：

此致
张伟
北京华信科技有限公司
手机：+86 138 0013 8000
""",
    """From: "Müller, Thomas" <Thomas@Kunde.de>
To: owner@example.com, colleague@example.com
Date: Tue, 6 Feb 2024 09:30:00 +0100
Subject: Angebot
Content-Type: text/html; charset=iso-8859-1
Content-Transfer-Encoding: quoted-printable

<p>Hallo,</p><p>Mit freundlichen Gr=FC=DFen<br>Thomas M=FCller<br>ACME Maschinenbau GmbH<br>=
Tel.: +49 30 1234567</p>
""",
    """From: Thomas Müller <thomas@kunde.de>
To: owner@example.com
Cc: Zhang Wei <zhang.wei@example.cn>
Date: Wed, 7 Feb 2024 11:00:00 +0100
Subject: Re: Angebot
Content-Type: text/plain; charset=utf-8

Passt.

Am 06.02.2024 schrieb owner@example.com:
> Best regards
> Owner GmbH
> Phone: +49 40 7654321
""",
    """From: owner@example.com
To: "Wei, Zhang" <zhang.wei@example.cn>, Maria Rossi <maria@example.it>
Date: Thu, 8 Feb 2024 12:00:00 +0100
Subject: Lieferung

Grazie!
""",
]


def write_mbox(path: Path, texts: list[str]) -> Path:
    box = mailbox.mbox(str(path))
    try:
        for text in texts:
            box.add(text.encode("utf-8"))
        box.flush()
    finally:
        box.close()
    return path


def write_eml(folder: Path, texts: list[str]) -> Path:
    (folder / "2024" / "02").mkdir(parents=True)
    for number, text in enumerate(texts, start=1):
        (folder / "2024" / "02" / f"{number:03d}.eml").write_text(text, encoding="utf-8")
    (folder / "notes.txt").write_text("not a message", encoding="utf-8")
    return folder


def contacts(records: Any) -> dict[str, dict[str, Any]]:
    return {r.source_id: {key: r.payload[key] for key in CONTACT_FIELDS} for r in records}


FILE_RULES = {"own_addresses": ["owner@example.com"], "own_domains": ["example.com"]}


def test_mbox_eml_and_imap_give_the_same_contacts(
    dovecot: DovecotServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for text in MESSAGES:
        dovecot.deliver(text)
    monkeypatch.setenv("CRMHUB_TEST_MAIL_PW", dovecot.password)
    imap = build_imap(
        "mail",
        {"host": dovecot.host, "port": dovecot.port, "tls": "none", "user": dovecot.user,
         "password": {"env": "CRMHUB_TEST_MAIL_PW"}, "own_domains": ["example.com"]},
        tmp_path,
    )  # fmt: skip
    write_mbox(tmp_path / "archive.mbox", MESSAGES)
    write_eml(tmp_path / "messages", MESSAGES)
    mbox = build_mbox("mail", {"path": "archive.mbox", **FILE_RULES}, tmp_path)
    eml = build_eml("mail", {"path": "messages", **FILE_RULES}, tmp_path)

    from_imap = contacts(imap.streams()[0].read(None))
    assert from_imap == contacts(mbox.streams()[0].read(None))
    assert from_imap == contacts(eml.streams()[0].read(None))
    assert from_imap == {
        "zhang.wei@example.cn": {
            "email": "zhang.wei@example.cn",
            "name": "Wei, Zhang",  # three spellings of one name; this one is the most recent
            "first_seen": "2024-02-05T02:00:00+00:00",
            "last_seen": "2024-02-08T11:00:00+00:00",
            "message_count": 3,
            "phone": "+8613800138000",
            "company": "北京华信科技有限公司",
        },
        "chan@example.hk": {
            "email": "chan@example.hk",
            "name": "陳大文",
            "first_seen": "2024-02-05T02:00:00+00:00",
            "last_seen": "2024-02-05T02:00:00+00:00",
            "message_count": 1,
            "phone": None,
            "company": None,
        },
        "thomas@kunde.de": {
            "email": "thomas@kunde.de",
            "name": "Thomas Müller",
            "first_seen": "2024-02-06T08:30:00+00:00",
            "last_seen": "2024-02-07T10:00:00+00:00",
            "message_count": 2,
            "phone": "+49301234567",
            "company": "ACME Maschinenbau GmbH",
        },
        "maria@example.it": {
            "email": "maria@example.it",
            "name": "Maria Rossi",
            "first_seen": "2024-02-08T11:00:00+00:00",
            "last_seen": "2024-02-08T11:00:00+00:00",
            "message_count": 1,
            "phone": None,
            "company": None,
        },
    }


def test_file_contacts_come_sorted_by_address_as_a_full_refresh(tmp_path: Path) -> None:
    write_mbox(tmp_path / "a.mbox", MESSAGES)
    (stream,) = build_mbox("mail", {"path": "a.mbox", **FILE_RULES}, tmp_path).streams()
    records = list(stream.read(None))
    assert stream.cursor_field is None
    assert [r.source_id for r in records] == sorted(r.source_id for r in records)
    assert all(r.payload["uidvalidity"] is None for r in records)


def test_an_mbox_message_without_a_date_takes_the_from_line_date(tmp_path: Path) -> None:
    path = tmp_path / "a.mbox"
    path.write_bytes(
        b"From anna@kunde.de Mon Feb  5 10:00:00 2024\nFrom: anna@kunde.de\nTo: x@y.de\n\nhi\n"
    )
    (stream,) = build_mbox("mail", {"path": "a.mbox"}, tmp_path).streams()
    first_seen = {r.source_id: r.payload["first_seen"] for r in stream.read(None)}
    assert first_seen == {
        "anna@kunde.de": "2024-02-05T10:00:00+00:00",
        "x@y.de": "2024-02-05T10:00:00+00:00",
    }
    assert from_line_date(b"From MAILER-DAEMON Thu Feb 30 10:00:00 2024") is None


def test_a_broken_eml_file_is_counted_and_the_rest_is_read(tmp_path: Path) -> None:
    folder = write_eml(tmp_path / "messages", MESSAGES)
    (folder / "2024" / "02" / "000-junk.eml").write_bytes(b"\x00\xff\xfe no headers")
    (stream,) = build_eml("mail", {"path": "messages", **FILE_RULES}, tmp_path).streams()
    assert len(list(stream.read(None))) == 4
    assert stream.unreadable == [str(Path("2024", "02", "000-junk.eml"))]


def test_an_interrupted_file_read_resumes_after_the_last_staged_contact(tmp_path: Path) -> None:
    write_mbox(tmp_path / "a.mbox", MESSAGES)
    (stream,) = build_mbox("mail", {"path": "a.mbox", **FILE_RULES}, tmp_path).streams()
    records = list(stream.read(None))
    resumed = [r.source_id for r in stream.read(records[1].position)]
    assert resumed == [r.source_id for r in records[1:]]
    write_mbox(tmp_path / "a.mbox", MESSAGES[:1])  # the file changed: start again
    assert len(list(stream.read(records[1].position))) == 4
    assert stream.completed_state(None)["complete"] is True


def test_check_reports_missing_and_wrong_files(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match=r"missing\.mbox: file not found"):
        build_mbox("mail", {"path": "missing.mbox"}, tmp_path).check()
    (tmp_path / "one.eml").write_text(MESSAGES[0], encoding="utf-8")
    with pytest.raises(InputFileError, match=r"is not an mbox file.*kind: eml"):
        build_mbox("mail", {"path": "one.eml"}, tmp_path).check()
    with pytest.raises(InputFileError, match=r"is a file, not a folder of \.eml files"):
        build_eml("mail", {"path": "one.eml"}, tmp_path).check()
    with pytest.raises(InputFileError, match="not found"):
        build_eml("mail", {"path": "nowhere"}, tmp_path).check()
    build_eml("mail", {"path": "."}, tmp_path).check()
