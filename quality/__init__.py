"""Data quality: validation suites (Great Expectations + pydantic) for batches of customers.

Importing this package is cheap; Great Expectations is imported on the first validation.
"""

from quality.validator import BatchResult, BatchValidator, CheckStatistics, validate_rows

__all__ = ["BatchResult", "BatchValidator", "CheckStatistics", "validate_rows"]
