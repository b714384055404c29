"""Running the API under uvicorn, with an access log that cannot show a token.

Uvicorn's access log holds the method, the path with its query string and
the status, never headers; a client that puts a token in the URL anyway
(``?token=crmhub_…``) would still leak it there, so every access-log line
passes through :class:`RedactTokens` first. Lookups carry personal data in
the query string (``?email=…``): those values are masked as well, unless
``privacy.mask_personal_data`` is off. Names and values are percent-decoded
before they are judged (``?e%6Dail=`` is ``?email=``), and any value that looks
like an email or a phone number is masked whatever its parameter is called.
Everything here runs in time linear in the URL, which a client chooses; URLs
over 8 KB are refused before they reach a log (:mod:`crmhub.api.url_limit`).
"""

from __future__ import annotations

import errno
import ipaddress
import logging
import re
import socket
from typing import Any
from urllib.parse import quote, unquote_plus

import uvicorn

from core.errors import ConfigError, is_secret_parameter, redact
from core.log_masking import PersonalDataFilter, mask_free_text, set_masking
from core.masking import mask_email, mask_name, mask_phone
from core.settings import HubConfig
from crmhub.api.app import create_app
from crmhub.api.url_limit import UrlLimitProtocol
from pipeline.tokens import TOKEN_PATTERN

log = logging.getLogger(__name__)


class RedactTokens(logging.Filter):
    """Mask tokens and registered secrets in a log record's arguments (uvicorn's access
    formatter needs its five arguments, so the message itself is left alone)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_clean(a) if isinstance(a, str) else a for a in record.args)
        if isinstance(record.msg, str):
            record.msg = _clean(record.msg)
        return True


#: One query parameter: its separator, its name and its value (both still encoded).
_PARAMETER = re.compile(r"([?&;])([^=&;#\s]*)=([^&;#\s]*)")
_MASKS = {"email": mask_email, "phone": mask_phone, "name": mask_name}


def _clean(text: str) -> str:
    return _PARAMETER.sub(_clean_parameter, TOKEN_PATTERN.sub("crmhub_***", redact(text)))


def _clean_parameter(found: re.Match[str]) -> str:
    """A parameter judged by its decoded name and value; re-encoded only when masked."""
    separator, name, value = found.groups()
    decoded, decoded_name = unquote_plus(value), unquote_plus(name)
    if is_secret_parameter(decoded_name):
        return f"{separator}{name}=***" if value else found.group(0)
    cleaned = TOKEN_PATTERN.sub("crmhub_***", redact(decoded))
    if PersonalDataFilter.enabled:
        mask = _MASKS.get(decoded_name.strip().lower())
        cleaned = mask(cleaned) if mask is not None and cleaned else mask_free_text(cleaned)
    if cleaned == decoded:
        return found.group(0)
    return f"{separator}{name}={quote(cleaned, safe='*@')}"


def uvicorn_config(config: HubConfig, host: str, port: int, **options: Any) -> uvicorn.Config:
    """A uvicorn config for the API over ``config``'s store, its access log redacted."""
    set_masking(config.privacy.mask_personal_data)
    app = create_app(config)
    server_config = uvicorn.Config(
        app,
        host=host,
        port=port,
        proxy_headers=False,
        server_header=False,
        http=UrlLimitProtocol,
        **options,
    )
    for name in ("uvicorn.access", "uvicorn.error"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactTokens) for f in logger.filters):
            logger.addFilter(RedactTokens())
    return server_config


def prepare_server(config: HubConfig, host: str, port: int) -> tuple[uvicorn.Server, socket.socket]:
    """The server and its listening socket, ready to :meth:`run <uvicorn.Server.run>`.

    The port is bound here, before anything announces it: a port in use (or one this
    user may not open) is a :class:`ConfigError` of one line, not uvicorn's own report
    after "read API on …" has been printed.
    """
    listening = listening_socket(host, port)
    try:
        if not _is_loopback(host):
            log.warning(
                "serving on %s without TLS: put a TLS-terminating proxy in front, "
                "tokens travel in every request",
                host,
            )
        return uvicorn.Server(uvicorn_config(config, host, port)), listening
    except BaseException:
        listening.close()
        raise


def listening_socket(host: str, port: int) -> socket.socket:
    """A socket bound to ``host:port`` as uvicorn binds it; :class:`ConfigError` if it cannot."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as e:
        sock.close()
        reason = "the port is in use" if e.errno == errno.EADDRINUSE else (e.strerror or str(e))
        raise ConfigError(
            f"cannot serve on {host}:{port}: {reason} (choose another with --port)"
        ) from None
    sock.set_inheritable(True)
    return sock


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
