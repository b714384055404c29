"""A real Dovecot IMAP server per test, on a free loopback port, with its own mail store.

A test module loads these fixtures with ``pytest_plugins = ["fixtures_dovecot"]``
(``tests/support`` is on the path) and asks for ``dovecot``: a
:class:`DovecotServer` with the login of one user, helpers to deliver messages
over IMAP ``APPEND`` (which also sets the delivery date, INTERNALDATE) and to
force a new UIDVALIDITY, the way a server does when its index is rebuilt.

Dovecot is installed with apt the first time a session needs it (the machine
is root and reaches Debian's registry). It starts in about 0.1 s; it is sent
SIGTERM when its test ends, and as it takes a second to exit, its exit (and the
removal of its files) is awaited later, at the latest when the session ends.
"""

from __future__ import annotations

import contextlib
import imaplib
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pytest
from apt_install import apt_install  # type: ignore[import-not-found]

USER = "owner@example.com"
PASSWORD = "dove-s3cret-pw"

_CONFIG = """\
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
instance_name = crmhub-test-{port}
{ssl}
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
mail_location = maildir:~/Maildir
first_valid_uid = 1
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid=dovecot gid=dovecot home={root}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
  }}
}}
"""
_NO_TLS = "ssl = no"
_TLS = """\
ssl = yes
ssl_cert = <{cert}
ssl_key = <{key}
ssl_min_protocol = TLSv1.2"""


@dataclass(frozen=True)
class Certificate:
    """A self-signed certificate for 127.0.0.1; ``cert`` is also the CA file that trusts it."""

    cert: Path
    key: Path


@dataclass
class DovecotServer:
    """A running Dovecot: where it listens, who may log in, and ways to change its mail."""

    host: str
    port: int
    user: str
    password: str
    root: Path
    log_path: Path = field(repr=False)
    tls_port: int | None = None  # IMAP over TLS (imaps); ``port`` then offers STARTTLS
    ca_file: Path | None = None

    def imap(self) -> imaplib.IMAP4:
        """A logged-in plain IMAP session (the test server has no TLS)."""
        session = imaplib.IMAP4(self.host, self.port, timeout=10)
        session.login(self.user, self.password)
        return session

    def deliver(
        self, message: bytes | str, folder: str = "INBOX", received: datetime | None = None
    ) -> None:
        """Append one message to ``folder`` (created if missing), delivered at ``received``."""
        data = message.encode("utf-8") if isinstance(message, str) else message
        data = data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
        when = imaplib.Time2Internaldate(received.timestamp()) if received else None
        session = self.imap()
        try:
            session.create(_quoted(folder))  # answers NO when it exists: fine
            status, answer = session.append(_quoted(folder), None, when, data)
            if status != "OK":
                raise RuntimeError(f"APPEND to {folder} failed: {answer!r}")
        finally:
            session.logout()

    def uidvalidity(self, folder: str = "INBOX") -> int:
        session = self.imap()
        try:
            status, answer = session.status(_quoted(folder), "(UIDVALIDITY)")
            if status != "OK" or not answer or not isinstance(answer[0], bytes):
                raise RuntimeError(f"STATUS {folder} failed: {answer!r}")
            return int(answer[0].split(b"UIDVALIDITY", 1)[1].strip(b" ()"))
        finally:
            session.logout()

    def change_uidvalidity(self, folder: str = "INBOX") -> None:
        """Make Dovecot give ``folder`` a new UIDVALIDITY, keeping its messages.

        Removing a maildir's ``dovecot-uidlist`` and index files is what a
        rebuilt or restored mail store looks like: Dovecot renumbers the
        messages from 1 under a new UIDVALIDITY. Its ``dovecot-uidvalidity``
        counter stays, so the new value never repeats an old one.
        """
        before = self.uidvalidity(folder)
        root = self.root / "mail" / self.user / "Maildir"
        maildir = root if folder == "INBOX" else root / f".{folder}"
        stale = [maildir / "dovecot-uidlist", *maildir.glob("dovecot.index*")]
        for path in [*stale, *root.glob("dovecot.list.index*")]:
            path.unlink(missing_ok=True)
        if self.uidvalidity(folder) == before:
            raise RuntimeError(f"{folder}: UIDVALIDITY stayed {before}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def _quoted(folder: str) -> str:
    """A folder name for a command: IMAP's modified UTF-7 (built on the stdlib's UTF-7), quoted."""
    parts = []
    for run in re.split(r"([ -~]+)", folder):
        if run and " " <= run[0] <= "~":
            parts.append(run.replace("&", "&-"))
        elif run:  # UTF-7 writes "+base64-"; the IMAP flavour writes "&base64-" with "," for "/"
            parts.append("&" + run.encode("utf-7").decode("ascii")[1:].replace("/", ","))
    encoded = "".join(parts)
    return '"' + encoded.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2) as connection:
            return connection.recv(64).startswith(b"* OK")
    except OSError:
        return False


def install_dovecot() -> str:
    """The path of the ``dovecot`` binary, installing ``dovecot-imapd`` with apt if needed."""
    found = shutil.which("dovecot") or shutil.which("dovecot", path="/usr/sbin:/usr/bin")
    if found:
        return found
    apt_install("dovecot-imapd", timeout=600)
    found = shutil.which("dovecot", path="/usr/sbin:/usr/bin")
    if not found:
        pytest.fail("dovecot-imapd was installed but no dovecot binary was found")
    return found


@pytest.fixture(scope="session")
def dovecot_binary() -> str:
    return install_dovecot()


def _owned_by_dovecot(path: Path) -> None:
    if os.geteuid() == 0:
        shutil.chown(path, "dovecot", "dovecot")


class _Stopping:
    """Servers sent SIGTERM: Dovecot takes about a second to exit, so nobody waits for it
    until the session ends (or until it is gone anyway), and its files go with it."""

    def __init__(self) -> None:
        self._servers: list[tuple[subprocess.Popen[bytes], Path]] = []

    def add(self, process: subprocess.Popen[bytes], root: Path) -> None:
        process.send_signal(signal.SIGTERM)
        self._servers.append((process, root))
        self.reap(wait=False)

    def reap(self, *, wait: bool) -> None:
        running = []
        for process, root in self._servers:
            if wait:
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            if process.poll() is None:
                running.append((process, root))
                continue
            if process.stderr:
                process.stderr.close()
            with contextlib.suppress(OSError):
                shutil.rmtree(root)
        self._servers = running


@pytest.fixture(scope="session")
def _dovecots_stopping() -> Iterator[_Stopping]:
    stopping = _Stopping()
    yield stopping
    stopping.reap(wait=True)


@pytest.fixture(scope="session")
def dovecot_certificate(dovecot_binary: str) -> Iterator[Certificate]:
    """A throwaway self-signed certificate for 127.0.0.1 (``openssl`` comes with dovecot-core)."""
    folder = Path(tempfile.mkdtemp(prefix="crmhub-dovecot-tls-"))
    certificate = Certificate(folder / "cert.pem", folder / "key.pem")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(certificate.key), "-out", str(certificate.cert)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    yield certificate
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def dovecot(dovecot_binary: str, _dovecots_stopping: _Stopping) -> Iterator[DovecotServer]:
    """A fresh Dovecot with one user and an empty mailbox, plain IMAP only."""
    yield from _run_dovecot(dovecot_binary, _dovecots_stopping, None)


@pytest.fixture
def dovecot_tls(
    dovecot_binary: str, _dovecots_stopping: _Stopping, dovecot_certificate: Certificate
) -> Iterator[DovecotServer]:
    """Like ``dovecot``, with IMAP over TLS on ``tls_port`` and STARTTLS on ``port``."""
    yield from _run_dovecot(dovecot_binary, _dovecots_stopping, dovecot_certificate)


def _run_dovecot(
    binary: str, stopping: _Stopping, certificate: Certificate | None
) -> Iterator[DovecotServer]:
    root = Path(tempfile.mkdtemp(prefix="crmhub-dovecot-"))
    root.chmod(0o755)  # pytest's tmp_path sits under a 0700 root folder dovecot cannot enter
    port = _free_port()
    tls_port = 0
    while certificate and tls_port in (0, port):
        tls_port = _free_port()
    for name in ("run", "state", "mail"):
        (root / name).mkdir()
    _owned_by_dovecot(root / "mail")
    (root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
    ssl = _TLS.format(cert=certificate.cert, key=certificate.key) if certificate else _NO_TLS
    config = root / "dovecot.conf"
    config.write_text(_CONFIG.format(root=root, port=port, tls_port=tls_port, ssl=ssl))
    process = subprocess.Popen(
        [binary, "-F", "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    server = DovecotServer(
        "127.0.0.1",
        port,
        USER,
        PASSWORD,
        root=root,
        log_path=root / "dovecot.log",
        tls_port=tls_port or None,
        ca_file=certificate.cert if certificate else None,
    )
    try:
        deadline = time.monotonic() + 15
        while not _answers(port):
            if process.poll() is not None:
                error = process.stderr.read().decode(errors="replace") if process.stderr else ""
                pytest.fail(f"dovecot exited with {process.returncode}: {error}{server.log()}")
            if time.monotonic() > deadline:
                pytest.fail(f"dovecot did not answer on port {port}: {server.log()}")
            time.sleep(0.02)
        yield server
    finally:
        stopping.add(process, root)
