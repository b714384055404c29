"""Validate batches of standardised flat customers: Great Expectations first, then pydantic.

GE judges the batch as a whole (a duplicate source id is only visible
there) and reports failing row positions; we turn those into per-row
:class:`~core.errors.Problem` lists, since GE itself does not split a batch
into passing and failing rows. Problems are then split (:mod:`quality.field_issues`):
a missing source id or nothing that identifies anybody stops the record; a
defective field is set aside as a field issue and the record goes on. What is
left is built into a :class:`~core.customer.Customer`, which catches what a
column-wise rule cannot (an email in capitals, a bad entry in a list of phones).

Example:
    >>> from datetime import date
    >>> result = validate_rows(
    ...     [{"source_id": "7", "full_name": "Bob", "email": "bob@@example"}],
    ...     source="shop",
    ...     today=date(2025, 1, 1),
    ... )
    >>> [str(p) for p in result.problems[0]]
    ["email: 'bob@@example' is not a valid email address"]
    >>> outcome = result.outcomes[0]
    >>> outcome.problems, outcome.record["email"], outcome.record["defective"]
    ((), None, {'email': ['bob@@example']})
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from core.customer import Customer
from core.errors import HubError, Problem
from quality.field_issues import FieldIssue, can_set_aside, set_aside
from quality.ge_context import new_context
from quality.suites import (
    SUITE_NAME,
    build_customer_suite,
    customer_frame,
    present,
    suite_parameters,
)

if TYPE_CHECKING:
    from great_expectations import ExpectationSuite
    from great_expectations.core.batch_definition import BatchDefinition

logger = logging.getLogger(__name__)

PYDANTIC_CHECK = "pydantic"
MAX_SHOWN = 60

#: Where a field of the canonical model lives in the flat form.
_FLAT_FIELDS = {
    "emails": "email",
    "phones": "phone",
    "identifiers": "national_id",
    "line1": "address_line1",
    "line2": "address_line2",
}


class QualityCheckError(HubError):
    """A check could not be evaluated at all (not a bad record: a broken suite or engine)."""


@dataclass(frozen=True, slots=True)
class CheckStatistics:
    """How one check went over a batch.

    ``evaluated`` counts the values the check looked at (GE skips missing
    values for all but the not-null rules); ``unexpected`` counts the failing ones.
    """

    rule: str
    field: str
    check: str
    evaluated: int
    unexpected: int
    success: bool


@dataclass(frozen=True, slots=True)
class RowOutcome:
    """What validation decided for one row.

    ``problems`` say why the record cannot be staged (empty: it can); ``field_issues``
    are the defective values set aside (:mod:`quality.field_issues`); ``record`` is the
    flat record to stage, those values moved under ``defective``.
    """

    problems: tuple[Problem, ...]
    field_issues: tuple[FieldIssue, ...]
    record: dict[str, Any]

    @property
    def every_problem(self) -> tuple[Problem, ...]:
        """The record's problems and its field issues, as a quarantine lists them."""
        return (*self.problems, *(i.as_problem() for i in self.field_issues))


@dataclass(frozen=True, slots=True)
class BatchResult:
    """Per-row outcomes (same order as the input) and per-check statistics.

    ``problems`` lists, per row, every problem found (record-level and field issues alike;
    an empty list means the row is clean).
    """

    outcomes: list[RowOutcome]
    statistics: list[CheckStatistics]

    @property
    def problems(self) -> list[list[Problem]]:
        return [list(o.every_problem) for o in self.outcomes]

    @property
    def failed_count(self) -> int:
        """Rows that cannot be staged at all."""
        return sum(1 for o in self.outcomes if o.problems)


def shown(value: Any) -> str:
    """``value`` as a person should read it in a reason: printable, at most ~60 characters.

    >>> shown("a\\nb")
    'a\\\\nb'
    """
    text = str(value)
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…"


class BatchValidator:
    """Validates batches against the customer suite; create one per process and reuse it.

    The GE context, data source and suite are built lazily on the first
    :meth:`validate` (importing GE costs seconds, building the suite a little
    more) and reused for every later batch. Runs are serialised by a lock: a
    GE context is not meant to be shared between threads.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._batch_definition: BatchDefinition | None = None
        self._suite: ExpectationSuite | None = None

    def warm(self) -> None:
        """Load Great Expectations and build the suite now rather than on the first batch
        (processes forked afterwards inherit the import)."""
        with self._lock:
            self._ensure_ready()

    def validate(
        self, rows: Sequence[Mapping[str, Any]], *, source: str, today: date
    ) -> BatchResult:
        """Judge ``rows`` (standardised flat customers of ``source``) as of ``today``.

        Args:
            rows: flat dicts as the standardisers produce them.
            source: the source name, given to the canonical model.
            today: the date birth dates may not lie after; the caller decides it.

        Returns:
            One problem list per row, in input order, and per-check statistics.
        """
        problems: list[list[Problem]] = [[] for _ in rows]
        statistics = self._run_expectations(rows, today, problems)
        outcomes = [
            _judge_row(source, row, found) for row, found in zip(rows, problems, strict=True)
        ]
        checked = sum(1 for o in outcomes if not _record_level(o.problems, PYDANTIC_CHECK))
        failed_model = sum(
            1
            for o in outcomes
            if any(p.check == PYDANTIC_CHECK for p in o.problems)
            or any(i.check == PYDANTIC_CHECK for i in o.field_issues)
        )
        statistics.append(
            CheckStatistics(
                rule="customer_model",
                field="*",
                check=PYDANTIC_CHECK,
                evaluated=checked,
                unexpected=failed_model,
                success=failed_model == 0,
            )
        )
        return BatchResult(outcomes=outcomes, statistics=statistics)

    def _run_expectations(
        self, rows: Sequence[Mapping[str, Any]], today: date, problems: list[list[Problem]]
    ) -> list[CheckStatistics]:
        frame = customer_frame(rows)
        with self._lock:
            batch_definition, suite = self._ensure_ready()
            batch = batch_definition.get_batch(batch_parameters={"dataframe": frame})
            outcome = batch.validate(
                suite,
                result_format={"result_format": "COMPLETE"},
                expectation_parameters=suite_parameters(today),
            )
        by_rule = {
            _suite_meta(r.expectation_config.meta if r.expectation_config else None)["rule"]: r
            for r in outcome.results
        }
        statistics: list[CheckStatistics] = []
        for expectation in suite.expectations:
            meta = _suite_meta(expectation.meta)
            result = by_rule[meta["rule"]]
            failing = _failing_rows(result)
            for position in failing:
                value = rows[position].get(meta["field"])
                reason = meta["reason"].format(value=shown(present(value)), today=today.isoformat())
                problems[position].append(
                    Problem(meta["field"], reason, expectation.expectation_type)
                )
            details = result.result
            evaluated = details.get("element_count", 0) - details.get("missing_count", 0)
            statistics.append(
                CheckStatistics(
                    rule=meta["rule"],
                    field=meta["field"],
                    check=expectation.expectation_type,
                    evaluated=evaluated,
                    unexpected=len(failing),
                    success=bool(result.success),
                )
            )
        return statistics

    def _ensure_ready(self) -> tuple[BatchDefinition, ExpectationSuite]:
        if self._batch_definition is None or self._suite is None:
            self._batch_definition, self._suite = _create_ge_objects()
        return self._batch_definition, self._suite


@cache
def shared_validator() -> BatchValidator:
    """The process-wide validator (created on first use; GE is loaded on its first batch)."""
    return BatchValidator()


def validate_rows(rows: Sequence[Mapping[str, Any]], *, source: str, today: date) -> BatchResult:
    """:meth:`BatchValidator.validate` on the validator shared by the whole process."""
    return shared_validator().validate(rows, source=source, today=today)


def _create_ge_objects() -> tuple[BatchDefinition, ExpectationSuite]:
    context = new_context()
    suite = context.suites.add(build_customer_suite())
    asset = context.data_sources.add_pandas("crm_hub").add_dataframe_asset(SUITE_NAME)
    logger.debug("Great Expectations context ready with suite %s", SUITE_NAME)
    return asset.add_batch_definition_whole_dataframe("batch"), suite


def _suite_meta(meta: dict[str, Any] | None) -> dict[str, Any]:
    """The ``rule``, ``field`` and ``reason`` that every expectation of our suite carries."""
    if not meta:
        raise QualityCheckError("an expectation without the rule, field and reason of its check")
    return meta


def _failing_rows(result: Any) -> list[int]:
    info = result.exception_info or {}
    if info.get("raised_exception"):
        raise QualityCheckError(
            f"{result.expectation_config.type} could not be evaluated: "
            f"{info.get('exception_message')}"
        )
    index = result.result.get("unexpected_index_list")
    if index is None:
        if result.success:
            return []
        raise QualityCheckError(
            f"{result.expectation_config.type} failed without naming the failing rows"
        )
    return [int(i) for i in index]


#: How often the canonical model is asked again after setting values aside: each pass
#: can only reveal problems of fields not yet set aside, and there are few such fields.
_MODEL_PASSES = 4


def _record_level(problems: Sequence[Problem], check: str) -> bool:
    """True when some problem other than the model's own stopped the record early."""
    return any(p.check != check for p in problems)


def _judge_row(source: str, row: Mapping[str, Any], found: list[Problem]) -> RowOutcome:
    """Split the suite's problems into record problems and field issues, set the defective
    values aside, then ask the canonical model about what is left (and set aside again)."""
    record: dict[str, Any] = dict(row)
    issues: list[FieldIssue] = []
    blocking = [p for p in found if not can_set_aside(p.field)]
    for problem in found:
        if can_set_aside(problem.field):
            record = _set_aside(record, problem, issues)
    if blocking:
        return RowOutcome(tuple(blocking), tuple(issues), record)
    for _ in range(_MODEL_PASSES):
        model = _model_problems(source, record)
        if not model:
            return RowOutcome((), tuple(issues), record)
        done = {i.field for i in issues}
        stuck = [p for p in model if not can_set_aside(p.field) or p.field in done]
        if stuck:
            return RowOutcome(tuple(stuck), tuple(issues), record)
        for problem in model:
            record = _set_aside(record, problem, issues)
    return RowOutcome(tuple(model), tuple(issues), record)


def _set_aside(
    record: dict[str, Any], problem: Problem, issues: list[FieldIssue]
) -> dict[str, Any]:
    """Move ``problem``'s defective values aside; one issue per value moved. The problem's
    reason quotes the value it saw; another value moved with it gets the reason with its
    own value quoted instead."""
    before = record.get(problem.field)
    record, moved = set_aside(record, problem.field)
    quoted = shown(present(before)) if before is not None else None
    for value in moved:
        reason = problem.reason
        if quoted and value != before and f"'{quoted}'" in reason:
            reason = reason.replace(f"'{quoted}'", f"'{shown(value)}'", 1)
        issues.append(FieldIssue(problem.field, value, reason, problem.check))
    if not moved:  # nothing recognisable to move: keep the problem visible all the same
        issues.append(FieldIssue(problem.field, shown(before or ""), problem.reason, problem.check))
    return record


def _model_problems(source: str, row: Mapping[str, Any]) -> list[Problem]:
    flat = {key: present(value) for key, value in row.items()}
    try:
        Customer.from_flat(source, flat)
    except ValidationError as error:
        return [
            Problem(_flat_field(e["loc"]), _model_reason(e), PYDANTIC_CHECK)
            for e in error.errors(include_url=False)
        ]
    return []


def _flat_field(loc: tuple[int | str, ...]) -> str:
    names = [str(part) for part in loc if not isinstance(part, int)]
    if names[:1] == ["consent"] and len(names) > 1:
        return f"consent.{names[1]}"
    if names[:1] == ["addresses"] and len(names) > 1:
        names = names[1:]
    return _FLAT_FIELDS.get(names[0], names[0]) if names else "record"


def _model_reason(error: Mapping[str, Any]) -> str:
    message = str(error["msg"]).removeprefix("Value error, ")
    value = error.get("input")
    if isinstance(value, str | int | float) and shown(value) not in message:
        return f"'{shown(value)}': {message}"
    return message
