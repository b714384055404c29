"""Dates as sources write them: ISO, local orders, Chinese, Excel serial numbers."""

from __future__ import annotations

import math
import numbers
import re
import unicodedata
from datetime import date, datetime, timedelta
from typing import Literal

DateOrder = Literal["dmy", "mdy", "ymd"]

#: Excel's serial numbers run from 1 (1900-01-01) to 2958465 (9999-12-31).
EXCEL_SERIAL_MAX = 2958465
# Excel believes 1900-02-29 existed (serial 60), so serials after it count from 1899-12-30.
_EXCEL_EPOCH = date(1899, 12, 30)
_EXCEL_EPOCH_BEFORE_LEAP_BUG = date(1899, 12, 31)
_EXCEL_FICTITIOUS_LEAP_DAY = 60

# Two-digit years as Excel reads them: 00-29 → 2000s, 30-99 → 1900s.
_CENTURY_PIVOT = 30

_TIME_SUFFIX = re.compile(
    r"(?:T|\s+)\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*"
    r"(?:Z|[AaPp]\.?[Mm]\.?|[+-]\d{2}(?::?\d{2})?)?$"
)
# Text: only five-digit serials (1927..2173) — a bare "1990" is a year, not serial 1990.
_SERIAL = re.compile(r"^\d{5}(?:\.\d*)?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_CHINESE = re.compile(r"^(\d{2}|\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号號]?$")
_NUMERIC = re.compile(r"^(\d{1,4})([-/.])(\d{1,2})\2(\d{1,4})$")


def parse_date(
    value: str | int | float | date | datetime | None, date_order: DateOrder
) -> date | None:
    """Read a date the way the source wrote it; ``None`` for a missing value.

    ``date_order`` says how the source orders day, month and year when the text
    alone cannot: ``parse_date("03/05/1990", "dmy")`` is 3 May and with ``"mdy"``
    5 March; ``parse_date("90/03/05", "ymd")`` is 1990-03-05. A four-digit year
    is recognised at either end, and a day/month pair that only fits one way
    round is accepted that way (``"25/12/1990"`` is Christmas in ``"mdy"`` too).
    Also read: ``"1990年3月5日"`` (full-width digits, ``号``), compact ``"19900305"``,
    timestamps (``"1990-03-05T10:00:00Z"`` → the date as written) and Excel serial
    numbers of at most five digits (``32937`` → 1990-03-05). Two-digit years pivot
    as in Excel: ``"03-05-29"`` is 2029, ``"03-05-30"`` is 1930. A float NaN (a blank
    spreadsheet cell) is ``None``.

    Raises:
        ValueError: the value is not a date this function can read, with the reason.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is a boolean, not a date")
    if isinstance(value, numbers.Integral):  # also numpy integers from a DataFrame
        return _parse_number(int(value))
    if isinstance(value, numbers.Real):
        return _parse_number(float(value))
    if not isinstance(value, str):
        raise ValueError(f"cannot read a date from a {type(value).__name__}")
    return _parse_text(value, date_order)


def _parse_number(value: int | float) -> date | None:
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if not math.isfinite(value):
            raise ValueError(f"{value!r} is not a date")
        if value.is_integer():
            value = int(value)
    if isinstance(value, int) and len(str(abs(value))) == 8:
        return _parse_text(str(value), "ymd")
    if value < 0 or value >= 100_000:
        raise ValueError(f"{value!r} is neither an Excel serial date nor YYYYMMDD")
    return _from_excel_serial(int(value))


def _from_excel_serial(serial: int) -> date:
    if not 1 <= serial <= EXCEL_SERIAL_MAX:
        raise ValueError(f"Excel serial {serial} is out of range 1..{EXCEL_SERIAL_MAX}")
    if serial == _EXCEL_FICTITIOUS_LEAP_DAY:
        raise ValueError("Excel serial 60 is 1900-02-29, a day that never existed")
    if serial < _EXCEL_FICTITIOUS_LEAP_DAY:
        return _EXCEL_EPOCH_BEFORE_LEAP_BUG + timedelta(days=serial)
    return _EXCEL_EPOCH + timedelta(days=serial)


def _parse_text(raw: str, date_order: DateOrder) -> date | None:
    text = _to_ascii_digits(raw).strip()
    if not text:
        return None
    if _SERIAL.match(text):
        return _from_excel_serial(int(float(text)))
    text = _TIME_SUFFIX.sub("", text)
    if match := _COMPACT.match(text):
        return _build(int(match[1]), int(match[2]), int(match[3]), raw)
    if match := _CHINESE.match(text):
        return _build(_full_year(match[1]), int(match[2]), int(match[3]), raw)
    if match := _NUMERIC.match(text):
        return _from_parts(match[1], match[3], match[4], date_order, raw)
    raise ValueError(f"{raw!r} is not a date in a known format")


def _to_ascii_digits(text: str) -> str:
    return text if text.isascii() else unicodedata.normalize("NFKC", text)


def _full_year(digits: str) -> int:
    year = int(digits)
    if len(digits) > 2:
        return year
    return year + (2000 if year < _CENTURY_PIVOT else 1900)


def _from_parts(first: str, middle: str, last: str, date_order: DateOrder, raw: str) -> date:
    if len(first) == 4:  # 1990/3/5: a leading four-digit year is always year-month-day
        return _build(int(first), int(middle), int(last), raw)
    if len(first) == 3 or len(last) == 3:
        raise ValueError(f"{raw!r} has a three-digit part that is neither day, month nor year")
    if date_order == "ymd" and len(last) <= 2:
        return _build(_full_year(first), int(middle), int(last), raw)
    if date_order == "ymd":  # the year is last after all: only an unambiguous day/month will do
        day, month = int(first), int(middle)
        if day <= 12 and month <= 12 and day != month:
            raise ValueError(f"{raw!r} is ambiguous: the source writes year-month-day")
    elif date_order == "dmy":
        day, month = int(first), int(middle)
    else:
        month, day = int(first), int(middle)
    year = _full_year(last)
    if month > 12 >= day:  # an unambiguous swap: 25/12/1990 read as month-day-year
        day, month = month, day
    return _build(year, month, day, raw)


def _build(year: int, month: int, day: int, raw: str) -> date:
    try:
        return date(year, month, day)
    except ValueError as error:
        raise ValueError(f"{raw!r} is not a valid date: {error}") from error
