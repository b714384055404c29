"""Personal data kept out of log files: emails and phone numbers in messages are masked.

Connectors and the pipeline log what they do, and a message sometimes has to
say which record it is about (a sender address in a mailbox, a number a
source sent twice). The filter masks what looks like an email address or a
phone number in the finished message, on the handlers that write logs, so no
call site has to remember to. Names cannot be told from other words in free
text: log messages name records by source and id, never by a person's name.
Turned off with ``privacy.mask_personal_data: false`` in hub.yaml.
"""

from __future__ import annotations

import logging
import re

from core.masking import mask_email, mask_phone, mask_text

#: An address starts where the characters an address can hold start: without that
#: anchor every position of a long run without ``@`` would scan the run again.
_EMAIL = re.compile(
    r"(?<![^\s'\"<>(),;:@\[\]])[^\s'\"<>(),;:@\[\]]+@[^\s'\"<>(),;:@\[\]]+\.[A-Za-z]{2,}"
)
#: International numbers (+86 138 0013 8000) and long national ones (030 1234 5678);
#: ISO dates, times and short counts do not match.
_PHONE = re.compile(r"(?<![\w+])(?:\+\d[\d ().\-]{6,}\d|\d{3,5}[ \-]?\d{3,4}[ \-]?\d{3,5})(?![\w])")


#: Identity numbers: a Chinese resident id (17 digits and a check digit or X), and a
#: letter or two followed by eight or more digits (passports, national ids).
_ID_NUMBER = re.compile(r"(?<![\w+])(?:\d{17}[\dXx]|[A-Za-z]{1,2}\d{8,17})(?!\w)")


def mask_free_text(text: str) -> str:
    """``"mail from zhang.wei@example.cn (+86 138 0013 8000)"`` → masked email and phone;
    identity numbers (``11010519491231002X``) are masked too."""
    text = _EMAIL.sub(lambda m: mask_email(m.group(0)), text)
    text = _ID_NUMBER.sub(lambda m: mask_text(m.group(0)), text)
    return _PHONE.sub(lambda m: _phone(m.group(0)), text)


def _phone(found: str) -> str:
    digits = sum(ch.isdigit() for ch in found)
    return mask_phone(found) if digits >= 9 else found


class PersonalDataFilter(logging.Filter):
    """Masks the formatted message (and exception text) of every record it sees."""

    enabled = True

    def filter(self, record: logging.LogRecord) -> bool:
        if not PersonalDataFilter.enabled:
            return True
        message = record.getMessage()
        masked = mask_free_text(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = mask_free_text(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = mask_free_text(record.exc_text)
        return True


def install(handlers: list[logging.Handler] | None = None) -> None:
    """Put the filter on ``handlers`` (default: the root logger's), once each."""
    for handler in handlers if handlers is not None else logging.getLogger().handlers:
        if not any(isinstance(f, PersonalDataFilter) for f in handler.filters):
            handler.addFilter(PersonalDataFilter())


def set_masking(enabled: bool) -> None:
    """Follow the loaded config (``privacy.mask_personal_data``)."""
    PersonalDataFilter.enabled = enabled
