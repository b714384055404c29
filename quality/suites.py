"""The expectation suite that judges a batch of standardised customers, and the frame it reads.

Standardisers never reject a value: they normalise what they can and pass the
rest through raw. This suite is where a raw leftover is recognised as wrong.
Each expectation carries, in its ``meta``, the flat field it is about, a rule
name for reports and a reason template, so that a failure can be told to a
person as ``email: 'bob@@example' is not a valid email address``.

The suite reads a few helper columns computed by :func:`customer_frame`:
``_identity`` (which identifying field a row has, if any) and ``_birth_date``
(the birth date parsed, for the range check). Great Expectations is imported
inside the functions: importing it takes seconds.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from core.customer import E164, EMAIL, IDENTIFYING_COLUMNS
from quality.field_issues import usable_email, usable_phone

if TYPE_CHECKING:
    import pandas as pd
    from great_expectations import ExpectationSuite

SUITE_NAME = "crm_customers"

#: Helper columns the suite reads besides the flat fields.
IDENTITY_COLUMN = "_identity"
BIRTH_DATE_COLUMN = "_birth_date"

#: Flat fields the suite checks (identifying fields are read through ``_identity``).
CHECKED_COLUMNS: tuple[str, ...] = ("source_id", "email", "phone", "country", "birth_date", "kind")

KINDS: tuple[str, ...] = ("person", "organisation")
EARLIEST_BIRTH_DATE = date(1900, 1, 1)
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CAPTURING_GROUP = re.compile(r"(?<!\\)\((?!\?)")

#: Name of the suite parameter holding the caller's date (never ``now()`` in the checks).
TODAY_PARAMETER = "today"


def ge_pattern(pattern: re.Pattern[str]) -> str:
    r"""``pattern`` rewritten for GE's pandas engine, which matches with ``Series.str.contains``.

    That is ``re.search``, where a final ``$`` also matches before a trailing
    newline (``"bob@example.com\n"`` would pass ``EMAIL``): it becomes ``\Z``.
    Groups become non-capturing, else pandas warns on every run.

    >>> ge_pattern(re.compile(r"^\+\d+(;ext=\d+)?$"))
    '^\\+\\d+(?:;ext=\\d+)?\\Z'
    """
    text = _CAPTURING_GROUP.sub("(?:", pattern.pattern)
    return text[:-1] + r"\Z" if text.endswith("$") and not text.endswith(r"\$") else text


@cache
def country_codes() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes known to ``pycountry`` (``"CN"``, ``"DE"`` …)."""
    import pycountry

    return frozenset(country.alpha_2 for country in pycountry.countries)


def build_customer_suite() -> ExpectationSuite:
    """The expectations every batch of flat customers must meet.

    The birth-date range ends at the suite parameter ``today``, which the
    caller passes to each validation run.

    Example:
        >>> suite = build_customer_suite()
        >>> [e.meta["rule"] for e in suite.expectations][:2]
        ['source_id_present', 'source_id_unique']
    """
    import great_expectations as gx

    expect = gx.expectations
    identifying = ", ".join(IDENTIFYING_COLUMNS)

    def meta(field: str, rule: str, reason: str) -> dict[str, str]:
        return {"field": field, "rule": rule, "reason": reason}

    expectations = [
        expect.ExpectColumnValuesToNotBeNull(
            column="source_id",
            meta=meta("source_id", "source_id_present", "the source id is missing"),
        ),
        expect.ExpectColumnValuesToBeUnique(
            column="source_id",
            meta=meta(
                "source_id",
                "source_id_unique",
                "'{value}' is the source id of more than one record in this batch",
            ),
        ),
        expect.ExpectColumnValuesToNotBeNull(
            column=IDENTITY_COLUMN,
            meta=meta(
                "identity",
                "identity_present",
                f"nothing identifies this customer: at least one of {identifying} is needed",
            ),
        ),
        expect.ExpectColumnValuesToMatchRegex(
            column="email",
            regex=ge_pattern(EMAIL),
            meta=meta("email", "email_format", "'{value}' is not a valid email address"),
        ),
        expect.ExpectColumnValuesToMatchRegex(
            column="phone",
            regex=ge_pattern(E164),
            meta=meta(
                "phone",
                "phone_format",
                "'{value}' is not a valid phone number (expected E.164 like +8613800138000)",
            ),
        ),
        expect.ExpectColumnValuesToBeInSet(
            column="country",
            value_set=sorted(country_codes()),
            meta=meta(
                "country",
                "country_code",
                "'{value}' is not an ISO 3166 country code (expected two letters like CN or DE)",
            ),
        ),
        expect.ExpectColumnValuesToMatchRegex(
            column="birth_date",
            regex=ge_pattern(ISO_DATE),
            meta=meta(
                "birth_date",
                "birth_date_format",
                "'{value}' is not a date in the form YYYY-MM-DD",
            ),
        ),
        expect.ExpectColumnValuesToBeBetween(
            column=BIRTH_DATE_COLUMN,
            min_value=datetime.combine(EARLIEST_BIRTH_DATE, datetime.min.time()),
            max_value={"$PARAMETER": TODAY_PARAMETER},
            meta=meta(
                "birth_date",
                "birth_date_range",
                f"'{{value}}' is not a plausible birth date "
                f"(expected {EARLIEST_BIRTH_DATE.isoformat()} to {{today}})",
            ),
        ),
        expect.ExpectColumnValuesToBeInSet(
            column="kind",
            value_set=list(KINDS),
            meta=meta(
                "kind",
                "kind_known",
                "'{value}' is not a kind of customer (expected person or organisation)",
            ),
        ),
    ]
    return gx.ExpectationSuite(name=SUITE_NAME, expectations=expectations)


def suite_parameters(today: date) -> dict[str, Any]:
    """The run-time parameters of the suite for a run on ``today``."""
    return {TODAY_PARAMETER: datetime.combine(today, datetime.min.time())}


def present(value: Any) -> Any:
    """``value``, or ``None`` when it is missing or a blank string."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return value


def identity_of(row: Mapping[str, Any]) -> str | None:
    """The first identifying field of ``row`` that holds a usable value, if any.

    A defective email or phone does not identify anybody on its own: it is set aside
    as a field issue, and a golden record built from what is left would name no one.

    >>> identity_of({"email": "bob@@x", "phone": "+8613800138000"})
    'phone'
    >>> identity_of({"email": "bob@@x"}) is None
    True
    """
    for column in IDENTIFYING_COLUMNS:
        value = present(row.get(column))
        if value is None:
            continue
        if column == "email" and not usable_email(value):
            continue
        if column == "phone" and not usable_phone(value):
            continue
        return column
    return None


def customer_frame(rows: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """The columns the suite reads, one row per flat customer, index = row position.

    Blank strings count as missing. ``_identity`` names the first identifying
    field a row has with a usable value (:func:`identity_of`); ``_birth_date`` is
    the birth date parsed when it is an ISO date, else missing (the format rule
    reports those).

    Example:
        >>> frame = customer_frame([{"source_id": "1", "company": "ACME", "birth_date": "x"}])
        >>> frame.loc[0, "_identity"], frame.loc[0, "_birth_date"]
        ('company', NaT)
    """
    import pandas as pd

    data: dict[str, list[Any]] = {
        column: [present(row.get(column)) for row in rows] for column in CHECKED_COLUMNS
    }
    data[IDENTITY_COLUMN] = [identity_of(row) for row in rows]
    frame = pd.DataFrame(data, dtype=object)
    frame[BIRTH_DATE_COLUMN] = pd.to_datetime(
        frame["birth_date"], format="%Y-%m-%d", errors="coerce"
    )
    return frame
