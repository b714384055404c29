"""Tryton's JSON: plain JSON plus tagged objects for the types JSON lacks.

A datetime travels as ``{"__class__": "datetime", "year": 2024, ..., "microsecond": 0}``
(naive, in UTC, as Tryton stores it), a date, time, timedelta, Decimal or bytes
likewise. Values are decoded on the way in and encoded the same way on the way
out, so a timestamp read from the server can be sent back in a search domain.
"""

from __future__ import annotations

import base64
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any


def encode(value: Any) -> Any:
    """``json.dumps(default=encode)``: Python values Tryton needs tagged, tagged."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return {
            "__class__": "datetime",
            "year": value.year,
            "month": value.month,
            "day": value.day,
            "hour": value.hour,
            "minute": value.minute,
            "second": value.second,
            "microsecond": value.microsecond,
        }
    if isinstance(value, date):
        return {"__class__": "date", "year": value.year, "month": value.month, "day": value.day}
    if isinstance(value, time):
        return {
            "__class__": "time",
            "hour": value.hour,
            "minute": value.minute,
            "second": value.second,
            "microsecond": value.microsecond,
        }
    if isinstance(value, timedelta):
        return {"__class__": "timedelta", "seconds": value.total_seconds()}
    if isinstance(value, Decimal):
        return {"__class__": "Decimal", "decimal": str(value)}
    if isinstance(value, bytes):
        return {"__class__": "bytes", "base64": base64.b64encode(value).decode("ascii")}
    raise TypeError(f"cannot send {type(value).__name__} to Tryton")


def decode(obj: dict[str, Any]) -> Any:
    """``json.loads(object_hook=decode)``: tagged objects back to Python; datetimes in UTC."""
    kind = obj.get("__class__")
    if kind is None:
        return obj
    if kind == "datetime":
        return datetime(
            obj["year"],
            obj["month"],
            obj["day"],
            obj.get("hour", 0),
            obj.get("minute", 0),
            obj.get("second", 0),
            obj.get("microsecond", 0),
            tzinfo=UTC,
        )
    if kind == "date":
        return date(obj["year"], obj["month"], obj["day"])
    if kind == "time":
        return time(
            obj.get("hour", 0),
            obj.get("minute", 0),
            obj.get("second", 0),
            obj.get("microsecond", 0),
        )
    if kind == "timedelta":
        return timedelta(seconds=obj["seconds"])
    if kind == "Decimal":
        return Decimal(obj["decimal"])
    if kind == "bytes":
        return base64.b64decode(obj["base64"])
    return obj


def plain(value: Any) -> Any:
    """A decoded value as plain JSON for a payload: ISO text for times, text for decimals.

    Bytes (images, attachments) are no customer data and become ``None``.
    """
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return None
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value
