"""IMAP over TLS checks the server's certificate unless told which CA to trust."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from connectors.email import build_imap
from core.errors import ConfigError

if TYPE_CHECKING:
    from fixtures_dovecot import DovecotServer  # type: ignore[import-not-found]

pytest_plugins = ["fixtures_dovecot"]


@pytest.fixture
def connection(dovecot_tls: DovecotServer, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.setenv("CRMHUB_TEST_MAIL_PW", dovecot_tls.password)
    dovecot_tls.deliver("From: Anna <anna@kunde.de>\nTo: owner@example.com\n\nHallo\n")
    return {
        "host": dovecot_tls.host,
        "port": dovecot_tls.tls_port,
        "user": dovecot_tls.user,
        "password": {"env": "CRMHUB_TEST_MAIL_PW"},
    }


def test_an_untrusted_certificate_is_refused_and_the_error_says_what_to_set(
    connection: dict[str, Any],
) -> None:
    with pytest.raises(ConfigError, match=r"certificate is not trusted.*connection\.ca_file"):
        build_imap("mail", connection, Path()).check()


def test_imap_over_tls_reads_once_the_ca_is_trusted(
    connection: dict[str, Any], dovecot_tls: DovecotServer
) -> None:
    connector = build_imap("mail", {**connection, "ca_file": str(dovecot_tls.ca_file)}, Path())
    connector.check()
    assert [r.source_id for r in connector.streams()[0].read(None)] == ["anna@kunde.de"]


def test_starttls_upgrades_the_plain_port(
    connection: dict[str, Any], dovecot_tls: DovecotServer
) -> None:
    starttls = {**connection, "port": dovecot_tls.port, "tls": "starttls"}
    with pytest.raises(ConfigError, match="not trusted"):
        build_imap("mail", starttls, Path()).check()
    build_imap("mail", {**starttls, "ca_file": str(dovecot_tls.ca_file)}, Path()).check()
