"""Content hashes that decide whether a record changed."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def content_hash(payload: dict[str, Any], record: dict[str, Any]) -> str:
    """Hash of the raw payload *and* its mapped form: a mapping fix re-stages records too."""
    text = json.dumps([payload, record], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
