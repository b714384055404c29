"""What went wrong with a request, said so that a person knows what to check.

An answer the source refused (4xx) becomes :class:`SourceRejected`: fatal, a
person must fix a credential, a permission or a URL. Anything that may pass on
its own (no connection, a timeout, 429, 5xx, a cut-off body) is a
:class:`Problem` that the client retries and, once the retries are spent,
raises as :class:`SourceUnavailable`.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests

from connectors.http.redaction import scrub, vendor_message
from core.errors import SourceRejected

#: ``explain(response)``: a connector's reading of a refusal (e.g. from an error code in
#: the body), or None to fall back on the hint for the status.
Explain = Callable[[requests.Response], str | None]

DEFAULT_HINTS: Mapping[int, str] = {
    400: "the source refused the request as malformed",
    401: "bad credentials: the source did not accept them; check the credentials in the "
    "connection and that the environment variables hold the current values",
    403: "missing permission: the credentials are valid but may not read this; check the "
    "permissions (scopes, roles) granted to them",
    404: "not found: check the source's URL and the API path (version) in the connection",
    405: "the source does not allow this request; check the URL",
}


@dataclass(frozen=True)
class Problem:
    """A failure worth retrying; ``wait``: what the source asked for (Retry-After), if anything."""

    message: str
    wait: float | None = None
    cause: BaseException | None = None


def describe_exception(error: requests.RequestException, url: str, timeouts: str) -> Problem:
    """A request that got no complete answer: unreachable host, timeout or cut-off body."""
    where = host_of(url)
    if isinstance(error, requests.ConnectTimeout):
        message = (
            f"host unreachable: no connection to {where} within {timeouts}; check the URL "
            "and that the host is up and reachable from here"
        )
    elif isinstance(error, requests.Timeout):
        message = f"{where} did not answer GET {scrub(url)} within {timeouts}"
    elif isinstance(error, requests.ConnectionError) and not _answered(error):
        message = f"host unreachable: {_connection_problem(error, where)}"
    elif isinstance(error, requests.ConnectionError | requests.exceptions.ChunkedEncodingError):
        message = f"the answer from {where} was cut off (connection dropped mid-response)"
    else:
        message = f"the request to {where} failed ({type(error).__name__})"
    return Problem(message, cause=error)


def rejection(
    response: requests.Response,
    hints: Mapping[int, str],
    explain: Explain | None = None,
) -> SourceRejected:
    """The SourceRejected for a 4xx answer: what to check first, then the source's own words."""
    status = response.status_code
    what = (explain(response) if explain else None) or hints.get(status)
    what = what or DEFAULT_HINTS.get(status) or "the source refused the request"
    detail = vendor_message(response)
    said = f"; the source said: {detail}" if detail else ""
    reason = f" {response.reason}" if response.reason else ""
    url = scrub(response.url or "")
    return SourceRejected(f"{what} (HTTP {status}{reason} for GET {url}){said}")


def redirected(response: requests.Response) -> SourceRejected:
    """Redirects are not followed: custom headers would carry credentials to the new host."""
    target = response.headers.get("Location", "(no Location header)")
    return SourceRejected(
        f"{scrub(response.url or '')} redirects (HTTP {response.status_code}) to "
        f"{scrub(target)}; set the connection's URL to the address the source redirects to"
    )


def host_of(url: str) -> str:
    parts = urlsplit(url)
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.hostname}{port}"


def _answered(error: requests.ConnectionError) -> bool:
    """Whether the server had started answering (a dropped body, not an unreachable host)."""
    text = str(error)
    return "IncompleteRead" in text or "Connection broken" in text or "RemoteDisconnected" in text


def _connection_problem(error: requests.ConnectionError, where: str) -> str:
    chain = list(_causes(error))
    if any(isinstance(e, socket.gaierror) for e in chain) or "NameResolution" in str(error):
        return f"cannot resolve the host name of {where}; check the URL in the connection"
    if any(isinstance(e, ConnectionRefusedError) for e in chain) or "refused" in str(error):
        return (
            f"{where} refused the connection; check the URL (and port) and that the service "
            "is running"
        )
    return f"cannot connect to {where}; check the URL and the network"


def _causes(error: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    stack: list[BaseException | None] = [error]
    while stack:
        current = stack.pop()
        if current is None or any(current is s for s in seen):
            continue
        seen.append(current)
        stack.extend([current.__cause__, current.__context__])
        stack.extend(a for a in getattr(current, "args", ()) if isinstance(a, BaseException))
        reason = getattr(current, "reason", None)
        if isinstance(reason, BaseException):
            stack.append(reason)
    return seen
