"""Which fields of a mapping a table's columns cannot feed.

A mapping that reads ``电子邮箱`` from a file whose column is ``邮箱`` maps every
record without an error and every e-mail comes out empty. Checked against the
header before anything is read, such a field is a configuration error instead.
A path is fed by a column named like the whole path (a flattened export's
``default_address.city``) or like its first key; a field with alternatives
(``from: [phone, mobile]``) needs one of them.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from mappings.model import FieldSpec, Mapping
from mappings.paths import parse_path


@dataclass(frozen=True, slots=True)
class UnfedField:
    """A mapped field none of whose source paths names a column of the table."""

    target: str
    paths: tuple[str, ...]

    def describe(self) -> str:
        """``'电子邮箱' (for email)`` or ``'phone' or 'mobile' (for phone)``."""
        return " or ".join(repr(p) for p in self.paths) + f" (for {self.target})"


def unfed_fields(mapping: Mapping, columns: Collection[str]) -> list[UnfedField]:
    """The fields of ``mapping`` that no column in ``columns`` can feed, in mapping order.

    >>> from mappings import parse_mapping
    >>> m = parse_mapping({"version": 1, "source_id": "id", "fields": {"email": "电子邮箱"}})
    >>> [f.describe() for f in unfed_fields(m, ["id", "邮箱"])]
    ["'电子邮箱' (for email)"]
    """
    available = set(columns)
    specs: list[FieldSpec] = [mapping.source_id, *mapping.fields.values()]
    return [
        UnfedField(spec.target, spec.paths)
        for spec in specs
        if spec.paths and not any(_fed(path, available) for path in spec.paths)
    ]


def _fed(path: str, columns: set[str]) -> bool:
    if path in columns:
        return True
    first = parse_path(path)[0]
    return isinstance(first, str) and first in columns
