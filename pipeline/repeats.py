"""Repeated source ids within one load: the last copy is the record, earlier ones are quarantined.

A snapshot export (a CSV or spreadsheet dump, a full-refresh table) that holds one id
twice usually holds an old and a new version of one record, appended in the order they
were written: the last line is the newest. So the last copy read is staged, and each
earlier copy goes to quarantine with a reason naming the copy that was kept. Nothing
is dropped silently, and the ledger still adds up (the earlier copy moves from staged
to quarantined).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from core.errors import Problem
from core.store.quarantine import REPEAT_CHECK

Item = TypeVar("Item")


def repeat_problem(kept_line: int | None) -> Problem:
    """The reason an earlier copy was set aside.

    >>> str(repeat_problem(8))
    'source_id: repeated source id: the later copy at line 8 was kept'
    """
    where = f"line {kept_line}" if kept_line is not None else "a later record"
    return Problem(
        "source_id", f"repeated source id: the later copy at {where} was kept", REPEAT_CHECK
    )


def is_repeat(problems: Sequence[Problem]) -> bool:
    return any(p.check == REPEAT_CHECK for p in problems)


def split_repeats(
    items: Sequence[Item], source_id: Callable[[Item], object], line: Callable[[Item], int | None]
) -> tuple[list[Item], list[tuple[Item, Problem]]]:
    """``items`` in order, each id's last copy kept; the earlier copies with their reason.

    >>> rows = [("1", 2), ("2", 3), ("1", 4)]
    >>> kept, earlier = split_repeats(rows, lambda r: r[0], lambda r: r[1])
    >>> kept, [(row, p.reason) for row, p in earlier]
    ([('2', 3), ('1', 4)], [(('1', 2), 'repeated source id: the later copy at line 4 was kept')])
    """
    last: dict[object, Item] = {}
    for item in items:
        key = source_id(item)
        if key is not None:
            last[key] = item
    kept: list[Item] = []
    earlier: list[tuple[Item, Problem]] = []
    for item in items:
        key = source_id(item)
        winner = last[key] if key is not None else item
        if winner is item:
            kept.append(item)
        else:
            earlier.append((item, repeat_problem(line(winner))))
    return kept, earlier
