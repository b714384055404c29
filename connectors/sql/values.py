"""Column values as JSON: for payloads, and for positions that must come back typed.

A payload holds JSON only: ``Decimal("12.50")`` → ``"12.50"`` (text keeps every
digit), dates and times → ISO 8601 text, UUIDs → text, intervals → seconds. Binary
values (photos, documents) are no customer data and are left out of the payload.

A position's value is bound again as a parameter on the next read, where
``'2024-05-01T09:30:00'`` as text would not compare with a timestamp column on
every database, so it is saved with its type and rebuilt:
``{"value": "2024-05-01T09:30:00", "type": "datetime"}``.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from core.errors import ConfigError

_BINARY = (bytes, bytearray, memoryview)


def json_value(value: Any) -> Any:
    """One column value as plain JSON (see the module docstring)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, Decimal):
        return str(value) if value.is_finite() else None
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items() if not isinstance(v, _BINARY)}
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    return str(value)


def payload(row: dict[str, Any]) -> dict[str, Any]:
    """A row as a payload: every column by its name, binary columns left out."""
    return {str(k): json_value(v) for k, v in row.items() if not isinstance(v, _BINARY)}


_DECODERS: dict[str, Callable[[Any], Any]] = {
    "int": int,
    "float": float,
    "decimal": Decimal,
    "str": str,
    "datetime": datetime.fromisoformat,
    "date": date.fromisoformat,
    "time": time.fromisoformat,
    "uuid": uuid.UUID,
}


def encode_position(value: Any, column: str) -> dict[str, Any]:
    """``value`` of ``column`` as ``{"value": ..., "type": ...}`` for a saved state."""
    kind = _kind(value)
    if kind is None:
        raise ConfigError(
            f"column {column!r} holds {type(value).__name__} values, which cannot order a "
            "read; choose a column of numbers, text, dates or timestamps"
        )
    return {"value": json_value(value), "type": kind}


def decode_position(saved: Any) -> Any:
    """The value saved by :func:`encode_position`; ``None`` when there is none."""
    if not isinstance(saved, dict) or saved.get("type") not in _DECODERS:
        return None
    return _DECODERS[saved["type"]](saved["value"])


def _kind(value: Any) -> str | None:
    if isinstance(value, bool):
        return None
    for kind, types in (
        ("int", int),
        ("float", float),
        ("decimal", Decimal),
        ("str", str),
        ("datetime", datetime),
        ("date", date),
        ("time", time),
        ("uuid", uuid.UUID),
    ):
        if isinstance(value, types):
            return kind
    return None
