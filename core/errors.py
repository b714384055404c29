"""Errors typed by what the runner should do with them.

``ConfigError`` and ``SourceRejected`` are fatal (a person must fix something),
``SourceUnavailable`` is worth a retry, ``InvalidRecord`` sends one record to
quarantine while the run goes on. Every message passes through
:func:`redact` so a secret never reaches a log line, a report or the database.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass

_registered_secrets: set[str] = set()
_SECRET_ENV_HINTS = ("PASSWORD", "SECRET", "TOKEN", "API_KEY", "APIKEY", "CREDENTIAL")
#: The user part of ``scheme://user:password@host`` (may be empty): up to its colon.
_URL_USER = re.compile(r"[^:/@\s]*:")
_PASSWORD_END = re.compile(r"[@\s]")
#: Names of query parameters holding a credential (``?password=…``, ``&pwd=…``).
SECRET_PARAMETERS = r"password|passwd|pwd|pass|secret|api_?key|access_token|auth_token"
_QUERY_SECRET = re.compile(rf"([?&;](?:{SECRET_PARAMETERS})=)([^&;#\s]*)", re.IGNORECASE)
_SECRET_PARAMETER = re.compile(SECRET_PARAMETERS, re.IGNORECASE)


#: The longest value an error message quotes in full.
QUOTED_CHARS = 80
#: The longest message an error carries, and the longest reason a record is refused for.
MESSAGE_CHARS = 10_000
REASON_CHARS = 1_000


def cut(text: str, limit: int = QUOTED_CHARS) -> str:
    """``text`` if short, else its start and end around how long it was: the end of a
    message often says what was wrong.

    >>> cut("a" * 50 + "b" * 50, 12)
    'aaaaaaaa… (100 characters) …bbb'
    """
    if len(text) <= limit:
        return text
    head = limit * 2 // 3
    tail = max(limit - head - 1, 0)
    return f"{text[:head]}… ({len(text)} characters) …{text[len(text) - tail :]}"


def register_secret(value: str | None) -> None:
    """Remember a secret value so that :func:`redact` masks it everywhere."""
    if value and len(value) >= 4:
        _registered_secrets.add(value)


def _environment_secrets() -> Iterable[str]:
    for key, value in os.environ.items():
        if value and len(value) >= 4 and any(h in key.upper() for h in _SECRET_ENV_HINTS):
            yield value


def is_secret_parameter(name: str) -> bool:
    """Whether a query parameter of this (decoded) name holds a credential."""
    return _SECRET_PARAMETER.fullmatch(name.strip()) is not None


def redact(text: str) -> str:
    """Mask registered secrets, secret-looking env values and URL passwords in ``text``.

    Runs in time linear in ``text``: it sits on every log line of the API, whose URLs
    a client chooses.

    >>> redact("postgresql://hub:s3cret@db/hub?sslpassword=x&password=y")
    'postgresql://hub:***@db/hub?sslpassword=x&password=***'
    """
    spans = credential_spans(text)
    if spans:
        parts, written = [], 0
        for begin, end in spans:
            parts += [text[written:begin], "***"]
            written = end
        text = "".join([*parts, text[written:]])
    for secret in sorted({*_registered_secrets, *_environment_secrets()}, key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


def credential_spans(text: str) -> list[tuple[int, int]]:
    """Where ``text`` holds credentials, in order: passwords in URLs and the values of
    credential-named query parameters (``scheme://user:PW@host``, ``?password=PW``).

    >>> credential_spans("postgresql://:pw@db/hub?pwd=x")
    [(14, 16), (28, 29)]
    """
    found = _url_password_spans(text)
    found += [m.span(2) for m in _QUERY_SECRET.finditer(text) if m.end(2) > m.start(2)]
    spans: list[tuple[int, int]] = []
    for begin, end in sorted(found):
        if not spans or begin >= spans[-1][1]:
            spans.append((begin, end))
    return spans


def _url_password_spans(text: str) -> list[tuple[int, int]]:
    """The password of every ``scheme://user:password@host`` (the user may be empty).

    Each character is looked at a bounded number of times: the user part ends at the next
    ``:``, and a password ends at the next ``@`` or blank, where the password of every
    ``://`` before it would end too, so the search goes on from there (a regex from every
    ``://`` to the next ``@`` would be quadratic).
    """
    spans: list[tuple[int, int]] = []
    at = text.find("://")
    while at != -1:
        user = _URL_USER.match(text, at + 3)
        if user is None:
            at = text.find("://", at + 1)
            continue
        begin = user.end()
        found = _PASSWORD_END.search(text, begin)
        stop = found.start() if found else len(text)
        if stop > begin and stop < len(text) and text[stop] == "@":
            spans.append((begin, stop))
        at = text.find("://", stop)
    return spans


class HubError(Exception):
    """Base of every error crm-hub raises on purpose; its message is already redacted."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(cut(redact(message), MESSAGE_CHARS))

    @property
    def message(self) -> str:
        return str(self)


class ConfigError(HubError):
    """The user must fix a file, a setting or a command line; retrying cannot help."""

    exit_code = 2


class InputFileError(ConfigError):
    """A file given to crm-hub cannot be read as promised: names the file, line and problem."""

    def __init__(self, path: str, problem: str, line: int | None = None) -> None:
        where = f"{path}, line {line}" if line is not None else path
        super().__init__(f"{where}: {problem}")
        self.path = path
        self.line = line
        self.problem = problem


class SourceUnavailable(HubError):
    """The source did not answer as it should right now (timeouts, 429, 5xx): retry later."""


class SourceRejected(HubError):
    """The source refused the request (bad credentials, missing permission): fatal."""


class ReconciliationError(HubError):
    """A run's ledger does not add up: something was lost or counted twice."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One reason a record cannot be accepted: the field, what was wrong, which check said so."""

    field: str
    reason: str
    check: str = "mapping"

    def as_dict(self) -> dict[str, str]:
        return {
            "field": self.field,
            "reason": cut(redact(self.reason), REASON_CHARS),
            "check": self.check,
        }

    def __str__(self) -> str:
        return f"{self.field}: {self.reason}"


class InvalidRecord(HubError):
    """One record cannot be accepted; it goes to quarantine with every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems
