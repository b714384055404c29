"""A run's verdict in words and a tone that means what it says.

``succeeded``, ``succeeded with 3 warnings`` (green: nothing failed, three checks
want a look), ``failed: <why>`` (red); a run still going is neither.
"""

from __future__ import annotations

from typing import Literal

Tone = Literal["passed", "failed", "neutral"]


def verdict(status: str, check_counts: dict[str, int], message: str | None) -> tuple[str, Tone]:
    """The verdict text and its tone.

    >>> verdict("succeeded", {"passed": 10, "warned": 3}, None)
    ('succeeded with 3 warnings', 'passed')
    >>> verdict("failed", {"failed": 1}, "source erp failed: file not found")
    ('failed: source erp failed: file not found', 'failed')
    """
    warned, failed = check_counts.get("warned", 0), check_counts.get("failed", 0)
    if status == "succeeded" and not failed:
        plural = "warning" if warned == 1 else "warnings"
        return ("succeeded" + (f" with {warned} {plural}" if warned else "")), "passed"
    if status == "failed" or failed:
        checks = f"{failed} error check{'' if failed == 1 else 's'} failed" if failed else ""
        reason = message or checks or "see the checks below"
        return f"failed: {reason}", "failed"
    return status, "neutral"
