"""Contacts from a real Dovecot: encodings, folders, incremental counts, UIDVALIDITY, errors."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import sqlalchemy as sa
from connector_contract import InterruptingStream  # type: ignore[import-not-found]

from connectors.email import build_imap
from connectors.email.imap_stream import ImapContactsStream
from core.errors import ConfigError, SourceRejected, SourceUnavailable
from core.records import RawRecord
from core.settings import HubConfig, SourceConfig
from core.store.tables import source_record
from pipeline import sources as pipeline_sources
from pipeline.sync import sync

if TYPE_CHECKING:
    from fixtures_dovecot import DovecotServer  # type: ignore[import-not-found]

pytest_plugins = ["fixtures_dovecot"]

PASSWORD_ENV = "CRMHUB_TEST_MAIL_PW"


def mail(author: str, date: str | None = None, to: str = "owner@example.com", **more: str) -> str:
    lines = [f"From: {author}", f"To: {to}", "Subject: Bestellung"]
    lines += [f"{key.replace('_', '-').title()}: {value}" for key, value in more.items()]
    if date:
        lines.append(f"Date: {date}")
    return "\n".join([*lines, "", "Hello", ""])


def day(n: int) -> str:
    return f"{n} Feb 2024 10:00:00 +0000"


@pytest.fixture
def connection(dovecot: DovecotServer, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.setenv(PASSWORD_ENV, dovecot.password)
    return {
        "host": dovecot.host,
        "port": dovecot.port,
        "tls": "none",
        "user": dovecot.user,
        "password": {"env": PASSWORD_ENV},
    }


def contacts_stream(connection: dict[str, Any], **settings: Any) -> ImapContactsStream:
    (stream,) = build_imap("mail", {**connection, **settings}, Path()).streams()
    return stream


def read(connection: dict[str, Any], **settings: Any) -> dict[str, RawRecord]:
    return {r.source_id: r for r in contacts_stream(connection, **settings).read(None)}


def config_for(connection: dict[str, Any], tmp_path: Path, **settings: Any) -> HubConfig:
    source = SourceConfig(
        name="mail", kind="imap", batch_size=2, connection={**connection, **settings}
    )
    return HubConfig(store=f"sqlite:///{tmp_path / 'store.db'}", sources=(source,))


def staged(config: HubConfig) -> dict[str, dict[str, Any]]:
    engine = sa.create_engine(config.store_url())
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(source_record.c.source_id, source_record.c.payload).where(
                source_record.c.status == "active"
            )
        ).all()
    engine.dispose()
    return {row.source_id: dict(row.payload) for row in rows}


def counts(config: HubConfig) -> dict[str, int]:
    return {email: p["message_count"] for email, p in staged(config).items()}


def test_names_in_gb2312_big5_and_latin1_come_out_right(
    dovecot: DovecotServer, connection: dict[str, Any]
) -> None:
    dovecot.deliver(mail("=?gb2312?B?1cXOsA==?= <zhang.wei@example.cn>", day(5)))
    dovecot.deliver(mail("=?big5?B?s6+kaqTl?= <chan@example.hk>", day(6)))
    dovecot.deliver(mail("=?iso-8859-1?Q?Fran=E7ois_M=FCller?= <fm@example.fr>", day(7)))
    names = {email: r.payload["name"] for email, r in read(connection).items()}
    assert names == {
        "zhang.wei@example.cn": "张伟",
        "chan@example.hk": "陳大文",
        "fm@example.fr": "François Müller",
    }


def test_several_recipients_count_and_the_owner_does_not(
    dovecot: DovecotServer, connection: dict[str, Any]
) -> None:
    dovecot.deliver(
        mail(
            "Anna <anna@kunde.de>",
            day(5),
            to='owner@example.com, "Wagner, Ben" <ben@kunde.de>, li.na@example.cn',
            cc="Maria Rossi <maria@example.it>, noreply@shop.example",
        )
    )
    records = read(connection)
    assert sorted(records) == ["anna@kunde.de", "ben@kunde.de", "li.na@example.cn",
                               "maria@example.it"]  # fmt: skip
    assert records["ben@kunde.de"].payload["name"] == "Wagner, Ben"


def test_reading_leaves_every_message_unread(
    dovecot: DovecotServer, connection: dict[str, Any]
) -> None:
    dovecot.deliver(mail("anna@kunde.de", day(5)))
    assert read(connection)
    session = dovecot.imap()
    session.select("INBOX", readonly=True)
    _, flags = session.fetch("1:*", "(FLAGS)")
    session.logout()
    assert flags and all(b"\\Seen" not in f for f in flags if isinstance(f, bytes))


def test_the_sent_folder_adds_the_people_the_owner_writes_to(
    dovecot: DovecotServer, connection: dict[str, Any]
) -> None:
    dovecot.deliver(mail("Anna <anna@kunde.de>", day(5)))
    dovecot.deliver(mail("owner@example.com", day(6), to="Anna <anna@kunde.de>"), folder="Sent")
    dovecot.deliver(mail("owner@example.com", day(7), to="ben@kunde.de"), folder="Sent")
    records = read(connection, folders=["INBOX", "Sent"])
    assert {e: r.payload["message_count"] for e, r in records.items()} == {
        "anna@kunde.de": 2,
        "ben@kunde.de": 1,
    }
    assert set(records["anna@kunde.de"].payload["folders"]) == {"INBOX", "Sent"}


def test_folders_with_spaces_and_chinese_names_are_read(
    dovecot: DovecotServer, connection: dict[str, Any]
) -> None:
    dovecot.deliver(mail("anna@kunde.de", day(5)), folder="已发送")
    dovecot.deliver(mail("ben@kunde.de", day(6)), folder="Sent Items")
    assert sorted(read(connection, folders=["已发送", "Sent Items"])) == [
        "anna@kunde.de",
        "ben@kunde.de",
    ]


def test_small_batches_fetch_every_message_and_dates_fall_back_to_delivery(
    dovecot: DovecotServer, connection: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("connectors.email.imap_client.SEARCH_WINDOW", 2)
    for n in range(5):
        dovecot.deliver(mail("anna@kunde.de", day(5 + n)))
    delivered = datetime(2024, 3, 1, 8, 30, tzinfo=UTC)
    dovecot.deliver(mail("anna@kunde.de"), received=delivered)  # no Date header
    (anna,) = read(connection, batch_size=2).values()
    assert anna.payload["message_count"] == 6
    assert anna.payload["first_seen"] == "2024-02-05T10:00:00+00:00"
    assert anna.payload["last_seen"] == delivered.isoformat()
    assert anna.updated_at == delivered


def test_a_broken_message_is_logged_with_its_uid_and_the_folder_goes_on(
    dovecot: DovecotServer, connection: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    dovecot.deliver(mail("anna@kunde.de", day(5)))
    dovecot.deliver(b"\x00\x01\x02 binary junk, no header at all \xff\xfe")
    dovecot.deliver(b'From: =?utf-8?B?!!!?= <<broken@@>\nTo: "unterminated\nDate: yesterday\n\nx')
    dovecot.deliver(mail("Ben <ben@kunde.de>", day(6), cc="=?x-unknown?Q?=FF=FE?= <li@x.cn>"))
    stream = contacts_stream(connection, batch_size=2)
    with caplog.at_level(logging.WARNING):
        found = sorted(r.source_id for r in stream.read(None))
    assert found == ["anna@kunde.de", "ben@kunde.de", "li@x.cn"]
    assert stream.unreadable == ["INBOX/2"]
    assert "UID 2 cannot be parsed" in caplog.text


def test_a_second_sync_counts_only_the_new_messages(
    dovecot: DovecotServer, connection: dict[str, Any], tmp_path: Path
) -> None:
    dovecot.deliver(mail("Anna <anna@kunde.de>", day(5)))
    dovecot.deliver(mail("Anna <anna@kunde.de>", day(6), cc="ben@kunde.de"))
    config = config_for(connection, tmp_path)
    assert sync(config).ok
    assert counts(config) == {"anna@kunde.de": 2, "ben@kunde.de": 1}

    dovecot.deliver(mail("Anna Schmidt <anna@kunde.de>", day(20)))
    dovecot.deliver(mail("ben@kunde.de", day(21), cc="anna@kunde.de"))
    dovecot.deliver(mail("li.na@example.cn", day(22)))
    second = sync(config)
    assert second.ok, second.problems
    assert counts(config) == {"anna@kunde.de": 4, "ben@kunde.de": 2, "li.na@example.cn": 1}
    anna = staged(config)["anna@kunde.de"]
    assert (anna["first_seen"], anna["last_seen"], anna["name"]) == (
        "2024-02-05T10:00:00+00:00",
        "2024-02-21T10:00:00+00:00",
        "Anna Schmidt",
    )
    third = sync(config)
    assert third.ok and third.ledger.total("staged") == 0
    assert counts(config)["anna@kunde.de"] == 4


def test_a_new_uidvalidity_rereads_the_folder_without_doubling_counts(
    dovecot: DovecotServer,
    connection: dict[str, Any],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    for n in range(3):
        dovecot.deliver(mail("anna@kunde.de", day(5 + n)))
    dovecot.deliver(mail("ben@kunde.de", day(9)))
    config = config_for(connection, tmp_path)
    assert sync(config).ok
    before = counts(config)
    dovecot.change_uidvalidity("INBOX")
    with caplog.at_level(logging.WARNING):
        reread = sync(config)
    assert reread.ok, reread.problems
    assert "UIDVALIDITY of folder 'INBOX' changed" in caplog.text
    assert counts(config) == before == {"anna@kunde.de": 3, "ben@kunde.de": 1}
    dovecot.deliver(mail("anna@kunde.de", day(10)))
    assert sync(config).ok
    assert counts(config) == {"anna@kunde.de": 4, "ben@kunde.de": 1}


def test_an_interrupted_sync_counts_every_message_once(
    dovecot: DovecotServer,
    connection: dict[str, Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    people = ["anna@kunde.de", "ben@kunde.de", "li.na@example.cn", "maria@example.it"]
    for n, person in enumerate(people * 2):
        dovecot.deliver(mail(person, day(5 + n), cc=people[(n + 1) % len(people)]))
    config = config_for(connection, tmp_path)
    expected = {email: r.payload["message_count"] for email, r in read(connection).items()}
    original = pipeline_sources.open_source

    def interrupted(config: HubConfig, source: Any) -> pipeline_sources.OpenSource:
        opened = original(config, source)
        streams = [InterruptingStream(s, after=3) for s in opened.connector.streams()]
        connector = type("Interrupted", (), {"streams": lambda self: streams})()
        return pipeline_sources.OpenSource(opened.config, connector, opened.mapping)

    with monkeypatch.context() as patch:
        patch.setattr("pipeline.sync.open_source", interrupted)
        assert not sync(config).ok
    assert 0 < len(counts(config)) < len(expected)
    resumed = sync(config)
    assert resumed.ok, resumed.problems
    assert counts(config) == expected == dict.fromkeys(people, 4)


def test_check_names_the_user_for_a_wrong_password_and_never_shows_it(
    connection: dict[str, Any], dovecot: DovecotServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CRMHUB_TEST_WRONG_PW", "not-the-Passw0rd")
    wrong = {**connection, "password": {"env": "CRMHUB_TEST_WRONG_PW"}}
    with pytest.raises(SourceRejected) as caught:
        build_imap("mail", wrong, Path()).check()
    message = str(caught.value)
    assert f"bad credentials for user {dovecot.user}" in message
    assert f"{dovecot.host}:{dovecot.port}" in message
    for secret in ("not-the-Passw0rd", dovecot.password):
        assert secret not in message
        assert secret not in repr(caught.value.args)
        assert secret not in repr(caught.value.__cause__)


def test_check_says_which_host_and_port_do_not_answer(
    connection: dict[str, Any], dovecot: DovecotServer
) -> None:
    closed = {**connection, "port": 1}
    with pytest.raises(SourceUnavailable, match=rf"{dovecot.host}:1\b.*refused"):
        build_imap("mail", closed, Path()).check()


def test_check_lists_the_folders_that_exist_when_one_is_missing(
    dovecot: DovecotServer, connection: dict[str, Any]
) -> None:
    dovecot.deliver(mail("anna@kunde.de", day(5)), folder="Sent")
    with pytest.raises(ConfigError, match=r"no folder 'Gesendet'.*exist: .*INBOX") as caught:
        build_imap("mail", {**connection, "folders": ["INBOX", "Gesendet"]}, Path()).check()
    assert "Sent" in str(caught.value)
    build_imap("mail", {**connection, "folders": ["INBOX", "Sent"]}, Path()).check()


def test_check_says_which_environment_variable_is_missing(
    connection: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(PASSWORD_ENV)
    with pytest.raises(ConfigError, match=f"environment variable {PASSWORD_ENV} is not set"):
        build_imap("mail", connection, Path()).check()
