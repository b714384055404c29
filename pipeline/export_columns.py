"""The columns of the flat export forms (CSV and Parquet), shared by both writers.

They live apart from :mod:`pipeline.export` so the Parquet writer can know them
without importing the module that calls it.
"""

from __future__ import annotations

from core.customer import CANONICAL_COLUMNS, DERIVED_COLUMNS

META_COLUMNS = ("golden_id", "status", "merged_into", "version", "updated_at")
FIELD_COLUMNS = (*[c for c in CANONICAL_COLUMNS if c != "source_id"], *DERIVED_COLUMNS)
EXPORT_COLUMNS = (*META_COLUMNS, *FIELD_COLUMNS)
PROVENANCE_SUFFIX = "__source"
#: Rows per Parquet row group, and per fetch from the store.
ROW_GROUP_SIZE = 10_000


def export_columns(provenance: bool = False) -> tuple[str, ...]:
    """Column names of the CSV and Parquet forms: ``email`` gets ``email__source`` beside it."""
    if not provenance:
        return EXPORT_COLUMNS
    return (*META_COLUMNS, *FIELD_COLUMNS, *(f"{c}{PROVENANCE_SUFFIX}" for c in FIELD_COLUMNS))
