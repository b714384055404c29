"""Emails and phone numbers never reach a log file unmasked (unless the config says so)."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from core.log_masking import PersonalDataFilter, install, mask_free_text, set_masking


@pytest.fixture
def log() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    install([handler])
    install([handler])  # once is enough
    assert sum(isinstance(f, PersonalDataFilter) for f in handler.filters) == 1
    logger = logging.getLogger("connectors.email.merge")  # a child logger: records propagate
    root = logging.getLogger()
    root.addHandler(handler)
    yield logger, stream
    root.removeHandler(handler)
    set_masking(True)


def test_emails_and_phones_in_messages_and_arguments_are_masked(log) -> None:  # type: ignore[no-untyped-def]
    logger, stream = log
    logger.warning("%s, folder %s: UIDs overlap", "lena.kraus@example.de", "INBOX")
    logger.warning("number %s sent twice", "+49 171 555 0123")
    text = stream.getvalue()
    assert "lena.kraus" not in text and "l***@example.de" in text
    assert "555 0123" not in text and "+49******0123" in text


def test_exception_text_is_masked_too(log) -> None:  # type: ignore[no-untyped-def]
    logger, stream = log
    try:
        raise ValueError("bad address bob@example.com")
    except ValueError:
        logger.exception("failed")
    assert "bob@" not in stream.getvalue() and "b***@example.com" in stream.getvalue()


def test_masking_can_be_turned_off(log) -> None:  # type: ignore[no-untyped-def]
    logger, stream = log
    set_masking(False)
    logger.warning("%s", "lena.kraus@example.de")
    assert "lena.kraus@example.de" in stream.getvalue()


@pytest.mark.parametrize(
    "text",
    [
        "run 12 at 2026-11-22 12:00:01 read 123456 rows in 12.5 s",
        "source crm: HTTP 503 after 3 tries; retrying in 2.0 s",
        "golden record GZ4MBTJH5N5SOHX6 version 3",
    ],
)
def test_ordinary_messages_are_left_alone(text: str) -> None:
    assert mask_free_text(text) == text
