"""The connection settings of the mail sources: safe defaults, errors that say what to write."""

from __future__ import annotations

from pathlib import Path

import pytest

from connectors.email import build_eml, build_imap, build_mbox
from connectors.email.imap_names import decode_mailbox, encode_mailbox, listed_folders
from core.errors import ConfigError

IMAP = {"host": "imap.example.com", "user": "sales@example.com", "password": {"env": "PW"}}


def test_imap_defaults_to_verified_tls_on_993_and_the_inbox() -> None:
    settings = build_imap("mail", IMAP, Path()).settings
    assert (settings.tls, settings.effective_port, settings.folders) == ("ssl", 993, ("INBOX",))
    assert settings.owner_addresses == ("sales@example.com",)


def test_a_password_written_in_the_config_is_refused_without_echoing_it() -> None:
    with pytest.raises(ConfigError, match=r"connection\.password: .*\{env: IMAP_PASSWORD\}") as e:
        build_imap("mail", {**IMAP, "password": "hunter2-secret"}, Path())
    assert "hunter2-secret" not in str(e.value)


def test_plain_text_imap_is_for_loopback_servers_only() -> None:
    with pytest.raises(ConfigError, match=r"unencrypted to imap\.example\.com"):
        build_imap("mail", {**IMAP, "tls": "none"}, Path())
    for host in ("127.0.0.1", "localhost", "::1"):
        settings = build_imap("mail", {**IMAP, "host": host, "tls": "none"}, Path()).settings
        assert settings.effective_port == 143


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"folders": []}, r"connection\.folders: .*at least one folder"),
        ({"folders": ["INBOX", "INBOX"]}, r"connection\.folders: .*twice"),
        ({"port": 0}, r"connection\.port: "),
        ({"batch_size": 0}, r"connection\.batch_size: "),
        ({"phone_region": "Germany"}, r"connection\.phone_region: "),
        ({"folder": "INBOX"}, r"connection\.folder: unknown key \(allowed: .*folders"),
        ({"host": None}, r"connection\.host: "),
    ],
)
def test_bad_imap_settings_name_the_key(change: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        build_imap("mail", {**IMAP, **change}, Path())


def test_file_paths_and_ca_files_start_at_the_config_folder(tmp_path: Path) -> None:
    assert build_mbox("a", {"path": "x.mbox"}, tmp_path).settings.path == str(tmp_path / "x.mbox")
    assert build_eml("a", {"path": "mails"}, tmp_path).settings.path == str(tmp_path / "mails")
    settings = build_imap("mail", {**IMAP, "ca_file": "ca.pem"}, tmp_path).settings
    assert settings.ca_file == str(tmp_path / "ca.pem")


def test_own_domains_and_patterns_are_lowercased() -> None:
    connection = {"path": "x", "own_domains": ["@ACME.de"], "also_skip": ["Info"]}
    settings = build_mbox("a", connection, Path()).settings
    assert (settings.own_domains, settings.also_skip) == (("acme.de",), ("info",))


def test_folder_names_travel_in_modified_utf7() -> None:
    for name in ("已发送", "Gesendete Objekte", "R&D", "Entwürfe/2024"):
        assert decode_mailbox(encode_mailbox(name)) == name
    reply = [
        b'(\\HasNoChildren) "." INBOX',
        b'(\\HasNoChildren) "." "&XfJT0ZAB-"',
        (b'(\\HasNoChildren) "." {10}', b"Sent Items"),
        b'(\\Noselect) "." Archive',
    ]
    assert listed_folders(reply) == ["INBOX", "已发送", "Sent Items"]
