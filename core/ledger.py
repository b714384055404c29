"""The run ledger: the proof that nothing was lost or counted twice."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict


class SourceLedger(BaseModel):
    """Counts of one source in one run.

    ``read = unchanged + staged + quarantined + erased`` must hold (``erased``: records of
    people erased with ``crmhub forget``, dropped as they are read), and after resolve no
    staged record of the source may be left unlinked (``pending == 0``).
    ``with_field_issues`` counts the staged records that carry a field issue (a defective
    value set aside, the record kept): a part of ``staged``, never more.
    """

    model_config = ConfigDict(frozen=True)

    source: str
    status: str
    read: int = 0
    unchanged: int = 0
    staged: int = 0
    quarantined: int = 0
    erased: int = 0
    deleted: int = 0
    pending: int = 0
    with_field_issues: int = 0
    message: str | None = None

    def problems(self) -> list[str]:
        found = []
        accounted = self.unchanged + self.staged + self.quarantined + self.erased
        if self.read != accounted:
            erased = f" + erased {self.erased}" if self.erased else ""
            found.append(
                f"source {self.source}: read {self.read} != unchanged {self.unchanged}"
                f" + staged {self.staged} + quarantined {self.quarantined}{erased}"
                f" (= {accounted})"
            )
        if self.with_field_issues > self.staged:
            found.append(
                f"source {self.source}: {self.with_field_issues} staged records with field issues"
                f" but only {self.staged} staged"
            )
        if self.pending:
            found.append(f"source {self.source}: {self.pending} staged records not linked")
        return found


class RunLedger(BaseModel):
    model_config = ConfigDict(frozen=True)

    run_id: int
    kind: str
    status: str
    sources: list[str]
    external_key: str | None = None
    started_at: datetime
    finished_at: datetime | None = None
    message: str | None = None
    golden_created: int = 0
    golden_updated: int = 0
    golden_merged: int = 0
    golden_deleted: int = 0
    events: int = 0
    source_ledgers: list[SourceLedger] = []

    def problems(self) -> list[str]:
        return [p for s in self.source_ledgers for p in s.problems()]

    def total(self, field: str) -> int:
        return sum(getattr(s, field) for s in self.source_ledgers)
