"""Fixtures for the matcher tests; the generators live in ``tests/support/mdm_samples.py``."""

from __future__ import annotations

from typing import Any

import pytest
from mdm_samples import generated_customers  # type: ignore[import-not-found]


@pytest.fixture(scope="session")
def customers() -> tuple[list[dict[str, Any]], list[int]]:
    return generated_customers(400)
