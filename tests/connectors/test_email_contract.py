"""The mail connectors pass the connector contract: IMAP on a real Dovecot, mbox and .eml files."""

from __future__ import annotations

import mailbox
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from connector_contract import ConnectorContract  # type: ignore[import-not-found]

from core.settings import HubConfig, SourceConfig

if TYPE_CHECKING:
    from fixtures_dovecot import DovecotServer  # type: ignore[import-not-found]

pytest_plugins = ["fixtures_dovecot"]

PASSWORD_ENV = "CRMHUB_TEST_MAIL_PW"
WRONG_PASSWORD = "wrong-mail-pw-4711"


def message(sender: str, to: str, date: str, cc: str | None = None) -> str:
    lines = [f"From: {sender}", f"To: {to}", f"Date: {date}", "Subject: Angebot"]
    if cc:
        lines.append(f"Cc: {cc}")
    return "\n".join([*lines, "", "Hello,", "", "Best regards", ""])


MESSAGES = [
    message("Anna Schmidt <anna@kunde.de>", "owner@example.com", "Mon, 5 Feb 2024 09:00:00 +0100"),
    message(
        "=?gb2312?B?1cXOsA==?= <zhang.wei@example.cn>",
        "owner@example.com",
        "Tue, 6 Feb 2024 10:00:00 +0800",
        cc="Li Na <li.na@example.cn>",
    ),
    message("Ben Wagner <ben@kunde.de>", "owner@example.com", "Wed, 7 Feb 2024 11:00:00 +0100"),
    message(
        "Maria Rossi <maria@example.it>", "owner@example.com", "Thu, 8 Feb 2024 12:00:00 +0100"
    ),
]
NEW = message(
    "Sophie Martin <sophie@example.fr>", "owner@example.com", "Fri, 9 Feb 2024 8:00 +0100"
)


class TestImapContract(ConnectorContract):
    @pytest.fixture
    def mailbox_server(self, dovecot: DovecotServer) -> DovecotServer:
        for text in MESSAGES:
            dovecot.deliver(text)
        return dovecot

    @pytest.fixture
    def contract_config(self, mailbox_server: DovecotServer, store_url: str) -> Iterator[HubConfig]:
        # A monkeypatch of its own: the contract's resume test undoes the test's monkeypatch.
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv(PASSWORD_ENV, mailbox_server.password)
            yield self._config(mailbox_server, store_url)

    @staticmethod
    def _config(mailbox_server: DovecotServer, store_url: str) -> HubConfig:
        connection = {
            "host": mailbox_server.host,
            "port": mailbox_server.port,
            "tls": "none",
            "user": mailbox_server.user,
            "password": {"env": PASSWORD_ENV},
        }
        source = SourceConfig(name="mail", kind="imap", batch_size=2, connection=connection)
        return HubConfig(store=store_url, sources=(source,))

    @pytest.fixture
    def contract_bad_connection(
        self, contract_config: HubConfig, monkeypatch: pytest.MonkeyPatch
    ) -> dict[str, Any]:
        monkeypatch.setenv("CRMHUB_TEST_WRONG_PW", WRONG_PASSWORD)
        connection = contract_config.sources[0].connection
        return {**connection, "password": {"env": "CRMHUB_TEST_WRONG_PW"}}

    @pytest.fixture
    def contract_secret(self) -> str:
        return WRONG_PASSWORD

    @pytest.fixture
    def contract_add_record(self, mailbox_server: DovecotServer) -> Callable[[], None]:
        return lambda: mailbox_server.deliver(NEW)


def write_mbox(path: Path, texts: list[str]) -> None:
    box = mailbox.mbox(str(path))
    try:
        for text in texts:
            box.add(text.encode("utf-8"))
        box.flush()
    finally:
        box.close()


def write_eml(folder: Path, texts: list[str]) -> None:
    folder.mkdir(exist_ok=True)
    for number, text in enumerate(texts, start=1):
        (folder / f"{number:04d}.eml").write_text(text, encoding="utf-8")


@pytest.fixture(params=["mbox", "eml"])
def mail_file(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, Path]:
    kind: str = request.param
    path = tmp_path / ("archive.mbox" if kind == "mbox" else "messages")
    (write_mbox if kind == "mbox" else write_eml)(path, MESSAGES)
    return kind, path


class TestMailFileContract(ConnectorContract):
    """On SQLite only: the store's side of the contract runs on both stores with IMAP above."""

    @pytest.fixture
    def store_url(self, tmp_path: Path) -> str:
        return f"sqlite:///{tmp_path / 'store.db'}"

    @pytest.fixture
    def contract_config(self, mail_file: tuple[str, Path], store_url: str) -> HubConfig:
        kind, path = mail_file
        source = SourceConfig(
            name="archive",
            kind=kind,
            batch_size=2,
            connection={"path": path.name, "own_addresses": ["owner@example.com"]},
        )
        return HubConfig(store=store_url, sources=(source,), base_dir=path.parent)

    @pytest.fixture
    def contract_bad_connection(self, mail_file: tuple[str, Path]) -> dict[str, Any]:
        return {"path": "missing-" + mail_file[1].name}

    @pytest.fixture
    def contract_secret(self) -> str:
        return "no-secret-for-files"

    @pytest.fixture
    def contract_add_record(self, mail_file: tuple[str, Path]) -> Callable[[], None]:
        kind, path = mail_file
        if kind == "mbox":
            return lambda: write_mbox(path, [NEW])
        return lambda: (path / "0100.eml").write_text(NEW, encoding="utf-8")  # type: ignore[func-returns-value]
