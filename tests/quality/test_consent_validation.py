"""Consent flags reach the store only as explicit yes/no; anything else is quarantined."""

from __future__ import annotations

from datetime import date
from typing import Any

from quality import BatchValidator


def row(source_id: str, consent: dict[str, Any]) -> dict[str, Any]:
    return {"source_id": source_id, "full_name": "Anna Schmidt", "consent": consent}


def test_a_consent_flag_that_is_not_yes_or_no_is_a_problem_on_that_flag() -> None:
    result = BatchValidator().validate(
        [row("1", {"email": True, "sms": False}), row("2", {"email": "maybe"})],
        source="shop",
        today=date(2026, 1, 1),
    )
    assert result.problems[0] == []
    [problem] = result.problems[1]
    assert problem.field == "consent.email" and "'maybe'" in problem.reason
