"""The SQL the store-level checks hand to Great Expectations, written once for both backends.

Queries are SQLAlchemy selects over :mod:`core.store.tables`, compiled for the
store's dialect with literal values (GE's query assets take a string). The
values inlined are run IDs (integers), source names (``[a-z][a-z0-9_-]*`` by
the config schema) and constants: nothing a user types goes into the text.
JSON fields are read with SQLAlchemy's JSON operators, which become
``JSON_EXTRACT`` on SQLite and ``->>`` on PostgreSQL.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect

from core.store.tables import (
    field_issue,
    golden_record,
    match_decision,
    quarantine,
    source_record,
    xref,
)

#: Fields a golden record is scored on (a name or a company counts as the one "name").
GOLDEN_SCORED_FIELDS: tuple[str, ...] = (
    "email",
    "phone",
    "address_line1",
    "city",
    "postcode",
    "country",
    "birth_date",
)
GOLDEN_SCORE_SLOTS = len(GOLDEN_SCORED_FIELDS) + 1
#: Fields whose validity is counted on its own (``invalid_<field>`` in :func:`records_read`).
VALIDATED_FIELDS: tuple[str, ...] = ("email", "phone", "birth_date", "country")
#: Fields with an allowed set of values (a field issue on one means a value outside it).
ALLOWED_SET_FIELDS: tuple[str, ...] = ("country", "kind")


def compile_sql(query: sa.Select[Any], dialect: Dialect) -> str:
    """``query`` as text for ``dialect``, with its values inlined."""
    return str(query.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))


def _text(column: sa.ColumnElement[Any], key: str) -> sa.ColumnElement[str]:
    """A JSON field as text, blank → NULL."""
    return sa.func.nullif(sa.func.trim(column[key].as_string()), "")


def _issue_on(*fields: str) -> sa.ColumnElement[bool]:
    """The staged record of the current row carries a field issue (on one of ``fields``)."""
    t = field_issue.c
    found = sa.exists().where(
        t.source == source_record.c.source, t.source_id == source_record.c.source_id
    )
    if fields:
        found = found.where(t.field.in_(fields))
    return found


def records_read(source: str, run_id: int) -> sa.Select[Any]:
    """One row per record of ``source`` read by ``run_id``: staged, unchanged or quarantined.

    Columns: ``source_id``; ``identity`` (the first identifying field a staged
    record has, NULL for a record quarantined because nothing identifies it,
    ``unchecked`` for other quarantined ones); ``outcome`` (accepted |
    quarantined); ``with_field_issue`` (1 for a staged record carrying a field issue:
    a defective value set aside, the record kept); ``value_allowed`` (0 when a value
    was outside its allowed set); ``invalid_email``, ``invalid_phone``,
    ``invalid_birth_date``, ``invalid_country`` (1 when that field was defective: a
    field issue of a staged record, or a reason of a quarantined one).
    The quarantine reasons are matched as JSON text: ``"identity"`` is the field
    of the identity rule, ``expect_column_values_to_be_in_set`` the check of the
    allowed-value rules (country code, kind).
    """
    record = source_record.c.record
    identity = sa.case(
        (_text(record, "email").is_not(None), "email"),
        (_text(record, "phone").is_not(None), "phone"),
        (_text(record, "full_name").is_not(None), "name"),
        (_text(record, "family_name").is_not(None), "name"),
        (_text(record, "company").is_not(None), "company"),
        (_text(record, "national_id").is_not(None), "national_id"),
        else_=sa.null(),
    )
    staged = sa.select(
        source_record.c.source_id.label("source_id"),
        identity.label("identity"),
        sa.literal("accepted").label("outcome"),
        sa.case((_issue_on(), 1), else_=0).label("with_field_issue"),
        sa.case((_issue_on(*ALLOWED_SET_FIELDS), 0), else_=1).label("value_allowed"),
        *(
            sa.case((_issue_on(name), 1), else_=0).label(f"invalid_{name}")
            for name in VALIDATED_FIELDS
        ),
    ).where(source_record.c.source == source, source_record.c.seen_run_id == run_id)
    reasons = sa.cast(quarantine.c.reasons, sa.Text)
    rejected = sa.select(
        quarantine.c.source_id.label("source_id"),
        sa.case((reasons.like('%"identity"%'), sa.null()), else_="unchecked").label("identity"),
        sa.literal("quarantined").label("outcome"),
        sa.literal(0).label("with_field_issue"),
        sa.case((reasons.like("%expect_column_values_to_be_in_set%"), 0), else_=1).label(
            "value_allowed"
        ),
        *(
            sa.case((reasons.like(f'%"field": "{name}"%'), 1), else_=0).label(f"invalid_{name}")
            for name in VALIDATED_FIELDS
        ),
    ).where(quarantine.c.source == source, quarantine.c.seen_run_id == run_id)
    return sa.select(sa.union_all(staged, rejected).subquery("records_read"))


def _golden_values(field: str, name: str) -> sa.Subquery:
    """``golden_id, value`` of every active golden record with ``field`` filled."""
    value = sa.func.lower(_text(golden_record.c.record, field))
    return (
        sa.select(golden_record.c.golden_id, value.label("value"))
        .where(golden_record.c.status == "active", value.is_not(None))
        .subquery(name)
    )


def _shared_values(field: str, name: str) -> sa.Subquery:
    """``golden_id, value`` of the active golden records whose ``field`` another one has too.

    The grouping keeps the pair join below to the few records that share a value,
    and ``DISTINCT`` makes SQLite materialise this set (and index it for the join)
    instead of joining the whole table with itself on a JSON expression: without
    it, a store of a few thousand golden records took seconds per check.
    """
    values = _golden_values(field, f"{name}_all")
    counted = _golden_values(field, f"{name}_counted")
    repeated = sa.select(counted.c.value).group_by(counted.c.value).having(sa.func.count() > 1)
    return (
        sa.select(values.c.golden_id, values.c.value)
        .where(values.c.value.in_(repeated))
        .distinct()
        .subquery(name)
    )


def shared_value_pairs(field: str) -> sa.Select[Any]:
    """Pairs of active golden records with the same ``field`` (``email``/``phone``) that no
    steward pinned apart ("not a match" between any member of one and any of the other).

    Columns: ``value``, ``left_id``, ``right_id`` (``left_id < right_id``).
    """
    left, right = _shared_values(field, "left_golden"), _shared_values(field, "right_golden")
    left_xref, right_xref = xref.alias("left_xref"), xref.alias("right_xref")
    left_key = left_xref.c.source.concat(":").concat(left_xref.c.source_id)
    right_key = right_xref.c.source.concat(":").concat(right_xref.c.source_id)
    decision = match_decision.c
    pinned_apart = (
        sa.exists()
        .where(
            decision.pinned.is_(True),
            decision.outcome == "distinct",
            left_xref.c.golden_id == left.c.golden_id,
            right_xref.c.golden_id == right.c.golden_id,
            sa.or_(
                sa.and_(decision.left_key == left_key, decision.right_key == right_key),
                sa.and_(decision.left_key == right_key, decision.right_key == left_key),
            ),
        )
        .correlate(left, right)
    )
    return (
        sa.select(
            left.c.value.label("value"),
            left.c.golden_id.label("left_id"),
            right.c.golden_id.label("right_id"),
        )
        .select_from(
            left.join(
                right,
                sa.and_(left.c.value == right.c.value, left.c.golden_id < right.c.golden_id),
            )
        )
        .where(~pinned_apart)
    )


def pair_ids(field: str) -> sa.Select[Any]:
    """:func:`shared_value_pairs` without the value itself: what GE sees holds no PII."""
    pairs = shared_value_pairs(field).subquery("pairs")
    return sa.select(pairs.c.left_id, pairs.c.right_id)


def golden_scores() -> sa.Select[Any]:
    """One row per active golden record: ``completeness`` (0..1) and ``sources`` (distinct
    sources among its members)."""
    record = golden_record.c.record
    has_name = sa.or_(
        _text(record, "full_name").is_not(None), _text(record, "company").is_not(None)
    )
    filled: sa.ColumnElement[int] = sa.case((has_name, 1), else_=0)
    for name in GOLDEN_SCORED_FIELDS:
        filled = filled + sa.case((_text(record, name).is_not(None), 1), else_=0)
    sources = (
        sa.select(sa.func.count(sa.distinct(xref.c.source)))
        .where(xref.c.golden_id == golden_record.c.golden_id)
        .scalar_subquery()
    )
    return sa.select(
        golden_record.c.golden_id,
        (sa.cast(filled, sa.Float) / GOLDEN_SCORE_SLOTS).label("completeness"),
        sources.label("sources"),
    ).where(golden_record.c.status == "active")


def orphan_links() -> sa.Select[Any]:
    """Cross references whose golden record is missing or no longer active."""
    golden = golden_record.c
    return (
        sa.select(
            xref.c.source,
            xref.c.source_id,
            xref.c.golden_id,
            sa.func.coalesce(golden.status, "missing").label("golden_status"),
        )
        .select_from(xref.outerjoin(golden_record, golden.golden_id == xref.c.golden_id))
        .where(sa.or_(golden.golden_id.is_(None), golden.status != "active"))
    )
