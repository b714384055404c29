"""What the run checks found, in crm-hub's own terms.

Great Expectations stays behind ``quality``: the rest of the code, the reports
and the JSON for machines only see :class:`ValidationReport`, a list of
:class:`CheckResult` with a name, a scope (a source, or the store for the golden
record checks), a severity, the numbers observed and one sentence a person can
act on.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from core.errors import HubError, redact
from core.settings import Severity

Status = Literal["passed", "warned", "failed"]

#: The scope of store-wide checks (the golden records) where a source name would be.
STORE_SCOPE = "*"


class QualityFailure(HubError):
    """A run's ``error`` checks failed: the run (and its Airflow task) must fail."""


class CheckResult(BaseModel):
    """One check over one source (``source``) or over the store (``source is None``).

    Example:
        >>> result = CheckResult(
        ...     name="volume", source="crm", severity="warn", passed=False,
        ...     observed={"read": 50, "median": 100.0},
        ...     message="source crm: volume: read 50 records, 50% below the median 100",
        ... )
        >>> result.status
        'warned'
    """

    model_config = ConfigDict(frozen=True)

    name: str
    source: str | None = None
    severity: Severity
    passed: bool
    observed: dict[str, Any] = Field(default_factory=dict)
    message: str
    examples: list[str] = Field(default_factory=list)

    @property
    def status(self) -> Status:
        if self.passed:
            return "passed"
        return "failed" if self.severity == "error" else "warned"

    @property
    def scope(self) -> str:
        return self.source or STORE_SCOPE

    @property
    def where(self) -> str:
        """``"source crm"`` or ``"golden records"``: how messages name the scope."""
        return f"source {self.source}" if self.source else "golden records"


def make_result(
    name: str,
    source: str | None,
    severity: Severity,
    passed: bool,
    observed: dict[str, Any],
    detail: str,
    examples: list[str] | None = None,
) -> CheckResult:
    """A result whose message names the scope and the check before ``detail``.

    >>> make_result("uniqueness", "crm", "warn", True, {}, "no source id repeated").message
    'source crm: uniqueness: no source id repeated'
    """
    where = f"source {source}" if source else "golden records"
    return CheckResult(
        name=name,
        source=source,
        severity=severity,
        passed=passed,
        observed=observed,
        message=redact(f"{where}: {name}: {detail}"),
        examples=[redact(e) for e in examples or []],
    )


class ValidationReport(BaseModel):
    """Every check of one run, in a stable order (per source, then the store)."""

    model_config = ConfigDict(frozen=True)

    run_id: int
    checked_at: datetime
    checks: list[CheckResult] = Field(default_factory=list)

    @property
    def failures(self) -> list[CheckResult]:
        """Failed ``error`` checks: these fail the run."""
        return [c for c in self.checks if c.status == "failed"]

    @property
    def warnings(self) -> list[CheckResult]:
        return [c for c in self.checks if c.status == "warned"]

    @property
    def ok(self) -> bool:
        return not self.failures

    def counts(self) -> dict[str, int]:
        """``{"passed": 11, "warned": 1, "failed": 0}``"""
        found = {"passed": 0, "warned": 0, "failed": 0}
        for check in self.checks:
            found[check.status] += 1
        return found

    def problems(self) -> list[str]:
        """One line per failed ``error`` check (what a failing run reports)."""
        return [c.message for c in self.failures]

    def get(self, name: str, source: str | None = None) -> CheckResult:
        for check in self.checks:
            if check.name == name and check.source == source:
                return check
        raise KeyError(f"no check {name} for {source or 'the store'} in run {self.run_id}")

    def raise_for_failures(self) -> None:
        if self.failures:
            raise QualityFailure(f"run {self.run_id}: " + "; ".join(self.problems()))
