"""Great Expectations, set up once per run of checks: one ephemeral context, two data sources.

``store`` is GE's SQL data source on the hub's own database: record-level
checks are query assets, so GE computes them in SQL and nothing is loaded
into memory. ``facts`` is a pandas data source for the few numbers per source
that crm-hub computes itself (volume, freshness, ledger, schema drift). Every
validation is named after the run, so the raw results can be stored and Data
Docs rebuilt from them later (see :mod:`quality.data_docs`).

Each expectation carries ``meta={"check": name}``: one crm-hub check may be
several expectations, and it passes when all of them pass.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from core.settings import Severity
from quality.ge_context import new_context
from quality.validator import QualityCheckError

if TYPE_CHECKING:
    import pandas as pd
    from great_expectations.expectations import Expectation

log = logging.getLogger(__name__)

STORE_SOURCE = "store"
FACTS_SOURCE = "facts"
RESULT_FORMAT = "SUMMARY"  # counts and up to 20 example values: never whole columns


@dataclass(frozen=True)
class ExpectationOutcome:
    """One expectation's verdict as plain data (GE's result dict, JSON-safe)."""

    check: str
    type: str
    success: bool
    result: dict[str, Any]
    kwargs: dict[str, Any]


@dataclass(frozen=True)
class SuiteOutcome:
    name: str
    outcomes: list[ExpectationOutcome]

    def for_check(self, check: str) -> list[ExpectationOutcome]:
        return [o for o in self.outcomes if o.check == check]

    def passed(self, check: str) -> bool:
        return all(o.success for o in self.for_check(check))

    def first(self, check: str) -> ExpectationOutcome:
        return self.for_check(check)[0]


@dataclass
class SuiteRunner:
    """Runs named suites against SQL queries or small frames; keeps GE's raw results.

    Example:
        >>> import pandas as pd
        >>> from datetime import datetime, UTC
        >>> import great_expectations as gx
        >>> at = datetime(2026, 1, 1, tzinfo=UTC)
        >>> runner = SuiteRunner(run_name="crm-hub run 1", run_time=at)
        >>> rule = gx.expectations.ExpectColumnValuesToBeBetween(
        ...     column="read", min_value=1, meta={"check": "volume"})
        >>> runner.validate_frame("crm.facts", pd.DataFrame({"read": [0]}), [rule]).passed("volume")
        False
    """

    run_name: str
    run_time: datetime
    store_url: str | None = None
    raw_results: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    _context: Any = field(default=None, init=False, repr=False)

    def validate_frame(
        self, name: str, frame: pd.DataFrame, expectations: Sequence[Expectation]
    ) -> SuiteOutcome:
        """Validate a small frame of facts (one batch, passed at run time)."""
        context = self._ready()
        asset = context.data_sources.get(FACTS_SOURCE).add_dataframe_asset(name)
        batch = asset.add_batch_definition_whole_dataframe("facts")
        return self._run(name, batch, expectations, {"dataframe": frame})

    def validate_query(
        self, name: str, query: str, expectations: Sequence[Expectation]
    ) -> SuiteOutcome:
        """Validate the rows of ``query`` inside the store (GE computes the metrics in SQL)."""
        if self.store_url is None:
            raise QualityCheckError("no store to check: SuiteRunner was built without store_url")
        context = self._ready()
        asset = context.data_sources.get(STORE_SOURCE).add_query_asset(name, query=query)
        batch = asset.add_batch_definition_whole_table("rows")
        return self._run(name, batch, expectations, None)

    def close(self) -> None:
        """Dispose of GE's own engine on the store (it keeps a connection pool)."""
        if self._context is None or self.store_url is None:
            return
        engine = self._context.data_sources.get(STORE_SOURCE).get_engine()
        engine.dispose()

    def _run(
        self,
        name: str,
        batch: Any,
        expectations: Sequence[Expectation],
        parameters: dict[str, Any] | None,
    ) -> SuiteOutcome:
        import great_expectations as gx
        from great_expectations.core.run_identifier import RunIdentifier

        context = self._ready()
        suite = context.suites.add(gx.ExpectationSuite(name=name, expectations=list(expectations)))
        definition = context.validation_definitions.add(
            gx.ValidationDefinition(name=name, data=batch, suite=suite)
        )
        result = definition.run(
            batch_parameters=parameters,
            result_format=RESULT_FORMAT,
            run_id=RunIdentifier(run_name=self.run_name, run_time=self.run_time),
        )
        outcomes = []
        for item in result.results:
            info = item.exception_info or {}
            if info.get("raised_exception"):
                raise QualityCheckError(
                    f"{name}: {item.expectation_config.type} could not be evaluated: "
                    f"{info.get('exception_message')}"
                )
            config = item.expectation_config
            outcomes.append(
                ExpectationOutcome(
                    check=str((config.meta or {}).get("check", config.type)),
                    type=config.type,
                    success=bool(item.success),
                    result=json_safe(dict(item.result)),
                    kwargs=json_safe(dict(config.kwargs)),
                )
            )
        self.raw_results.append((name, json_safe(result.to_json_dict())))
        return SuiteOutcome(name, outcomes)

    def _ready(self) -> Any:
        if self._context is None:
            self._context = new_context()
            self._context.data_sources.add_pandas(FACTS_SOURCE)
            if self.store_url is not None:
                _add_store(self._context, self.store_url)
        return self._context


def _add_store(context: Any, url: str) -> None:
    """GE's SQL data source for the store, of the kind GE has for its backend."""
    sources = context.data_sources
    if url.startswith("sqlite"):
        sources.add_sqlite(STORE_SOURCE, connection_string=url)
    elif url.startswith("postgresql"):
        sources.add_postgres(STORE_SOURCE, connection_string=url)
    else:
        sources.add_sql(STORE_SOURCE, connection_string=url)


def ge_severity(severity: Severity) -> str:
    """Our severity as GE's own (shown in Data Docs)."""
    return "critical" if severity == "error" else "warning"


def json_safe(value: Any) -> Any:
    """``value`` with NaN/infinity as ``None`` (PostgreSQL's JSONB refuses them) and any
    non-JSON object as text."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if value is None or isinstance(value, bool | int | str):
        return value
    if hasattr(value, "item"):  # numpy scalars
        return json_safe(value.item())
    return str(value)
