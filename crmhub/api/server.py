"""Running the API under uvicorn, with an access log that cannot show a token.

Uvicorn's access log holds the method, the path with its query string and
the status, never headers; a client that puts a token in the URL anyway
(``?token=crmhub_…``) would still leak it there, so every access-log line
passes through :class:`RedactTokens` first. Lookups carry personal data in
the query string (``?email=…``): those values are masked as well, unless
``privacy.mask_personal_data`` is off.
"""

from __future__ import annotations

import ipaddress
import logging
import re
from urllib.parse import quote, unquote

import uvicorn

from core.errors import redact
from core.log_masking import PersonalDataFilter, set_masking
from core.masking import mask_email, mask_name, mask_phone
from core.settings import HubConfig
from crmhub.api.app import create_app
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


_PERSONAL_PARAMETER = re.compile(r"([?&](email|phone|name)=)([^&\s]*)")
_MASKS = {"email": mask_email, "phone": mask_phone, "name": mask_name}


def _clean(text: str) -> str:
    text = TOKEN_PATTERN.sub("crmhub_***", redact(text))
    if PersonalDataFilter.enabled:
        text = _PERSONAL_PARAMETER.sub(_masked_parameter, text)
    return text


def _masked_parameter(found: re.Match[str]) -> str:
    prefix, name, value = found.groups()
    return prefix + quote(_MASKS[name](unquote(value.replace("+", " "))), safe="*@")


def uvicorn_config(config: HubConfig, host: str, port: int, **options: object) -> uvicorn.Config:
    """A uvicorn config for the API over ``config``'s store, its access log redacted."""
    set_masking(config.privacy.mask_personal_data)
    app = create_app(config)
    server_config = uvicorn.Config(
        app, host=host, port=port, proxy_headers=False, server_header=False, **options
    )
    for name in ("uvicorn.access", "uvicorn.error"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactTokens) for f in logger.filters):
            logger.addFilter(RedactTokens())
    return server_config


def serve(config: HubConfig, host: str, port: int) -> None:
    """Serve until interrupted."""
    if not _is_loopback(host):
        log.warning(
            "serving on %s without TLS: put a TLS-terminating proxy in front, "
            "tokens travel in every request",
            host,
        )
    uvicorn.Server(uvicorn_config(config, host, port)).run()


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
