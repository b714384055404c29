"""Keep credentials out of messages, logs and tracebacks.

:func:`core.errors.redact` masks every secret registered when it was
resolved. This module adds what is specific to HTTP: credentials travel in URLs
(WooCommerce may put ``consumer_secret`` in the query string), urllib3 logs
every URL at DEBUG level, and the exceptions requests raises repeat the URL.
So URLs are scrubbed by parameter name too, urllib3's log records pass through
the same scrubbing, and an exception whose text still holds a secret is not
chained as the cause of ours.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import requests

from core.errors import HubError, redact

#: Query parameters whose value is a credential, whatever it is.
_SENSITIVE = re.compile(
    r"(?P<name>[?&;](?:[\w.\-]*(?:key|secret|token|signature|password|passwd|auth)[\w.\-]*)=)"
    r"(?P<value>[^&#\s\"'<>]*)",
    re.IGNORECASE,
)
_MAX_DETAIL = 300


def scrub(text: str) -> str:
    """``text`` with credential-named query values and registered secrets masked.

    >>> scrub("GET /customers?consumer_key=ck_1&page=2")
    'GET /customers?consumer_key=***&page=2'
    """
    return redact(_SENSITIVE.sub(r"\g<name>***", text))


def is_clean(text: str) -> bool:
    return scrub(text) == text


def safe_cause(error: HubError, cause: BaseException | None) -> HubError:
    """``error`` chained to ``cause`` only if the cause's text shows no secret.

    Use as ``raise safe_cause(SourceUnavailable(...), e)``: a traceback printed
    by a log handler shows the cause in full, secrets included.
    """
    error.__cause__ = cause if cause is not None and is_clean(f"{cause!r} {cause}") else None
    error.__suppress_context__ = True
    return error


def vendor_message(response: requests.Response) -> str:
    """The source's own explanation of an error answer, short and scrubbed; "" if none.

    Understands the usual shapes: ``{"errors": "..."}`` (Shopify),
    ``{"code": ..., "message": "..."}`` (WordPress/WooCommerce), ``{"error": ...}``.
    """
    text = response.text if response.content else ""
    try:
        body: Any = json.loads(text)
    except ValueError:
        detail = " ".join(text.split())
        if detail.startswith("<"):  # an HTML error page says nothing a person needs here
            detail = ""
    else:
        detail = _from_json(body)
    detail = scrub(detail)
    return detail if len(detail) <= _MAX_DETAIL else detail[: _MAX_DETAIL - 1] + "…"


def _from_json(body: Any) -> str:
    if isinstance(body, dict):
        for key in ("errors", "message", "error", "error_description"):
            value = body.get(key)
            if value:
                return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return json.dumps(body, ensure_ascii=False) if body else ""


class _ScrubbingFilter(logging.Filter):
    """Rewrites a log record whose message holds a credential."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = scrub(message)
        if clean != message:
            record.msg, record.args = clean, ()
        return True


_FILTER = _ScrubbingFilter()
#: Loggers of the HTTP stack that write URLs (urllib3 logs each request line at DEBUG).
_THIRD_PARTY_LOGGERS = ("urllib3.connectionpool", "urllib3.util.retry", "requests")


def install_log_scrubbing() -> None:
    """Scrub the HTTP stack's own log records; safe to call any number of times."""
    for name in _THIRD_PARTY_LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
