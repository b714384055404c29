"""Term frequencies over the whole store, kept up to date record by record.

A value's weight as evidence depends on how common it is in the store (张伟 and
"Smith" are weak evidence, "Zylstra" strong). Each record's values are kept in the
key index next to its blocking keys (``t:<table>=<value>``), replaced whenever the
record is resolved, so the counts follow every change without a recount: a batch
asks only for the counts of the values it compares, and a run reads each table's
totals with one aggregate over the index.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from core.store import UnitOfWork
from mdm import Matcher, TermFrequencies
from mdm.blocking import MAX_KEY_LENGTH

PREFIX = "t:"


def term_key(table: str, value: str) -> str:
    """The index key of one value: ``term_key("family_name", "zhang")`` is
    ``"t:family_name=zhang"`` (cut to the index's key length)."""
    return f"{PREFIX}{table}={value}"[:MAX_KEY_LENGTH]


def index_keys(matcher: Matcher, record: Mapping[str, Any]) -> set[str]:
    """Everything a record is indexed under: its blocking keys and its values."""
    return matcher.block_keys(record) | {term_key(t, v) for t, v in matcher.term_values(record)}


def store_frequencies(uow: UnitOfWork, tables: Iterable[str]) -> TermFrequencies:
    """Each table's totals over the store (values counted, sum of squared counts, distinct
    values), without the counts of single values (see :func:`batch_frequencies`)."""
    totals, squares, distinct = {}, {}, {}
    for table in tables:
        total, square, different = uow.matching.key_totals(term_key(table, ""))
        if total:
            totals[table], squares[table], distinct[table] = total, square, different
    return TermFrequencies.from_counts({t: {} for t in totals}, totals, squares, distinct)


def batch_frequencies(
    uow: UnitOfWork,
    matcher: Matcher,
    store: TermFrequencies,
    records: Iterable[Mapping[str, Any]],
) -> TermFrequencies:
    """The store's frequencies with the exact counts of every value ``records`` hold."""
    wanted = {term_key(t, v): (t, v) for r in records for t, v in matcher.term_values(r)}
    counts: dict[str, dict[str, int]] = {table: {} for table in store.fields}
    for key, count in uow.matching.key_counts(wanted).items():
        table, value = wanted[key]
        if table in counts:
            counts[table][value] = count
    fields = store.fields
    return TermFrequencies.from_counts(
        counts,
        {t: f.total for t, f in fields.items()},
        {t: f.squares for t, f in fields.items()},
        {t: f.distinct for t, f in fields.items()},
    )
