"""Data quality: validation suites (Great Expectations + pydantic) and the run checks.

Importing this package is cheap; Great Expectations is imported on the first validation.
The batch validator judges records as they are read (failures go to quarantine); the run
checks (:mod:`quality.record_checks`, :mod:`quality.run_checks`,
:mod:`quality.golden_checks`) judge a finished run and the golden records, and report in
crm-hub's own terms: :class:`ValidationReport`.
"""

from quality.results import CheckResult, QualityFailure, ValidationReport
from quality.validator import BatchResult, BatchValidator, CheckStatistics, validate_rows

__all__ = [
    "BatchResult",
    "BatchValidator",
    "CheckResult",
    "CheckStatistics",
    "QualityFailure",
    "ValidationReport",
    "validate_rows",
]
