"""Comparisons of how to reach a person: email, phone, street address."""

from __future__ import annotations

from typing import Any

from rapidfuzz.distance import OSA, JaroWinkler

from mdm.comparisons import NULL, Comparison, Record
from mdm.keys import (
    address_key,
    defective_values,
    domain_label_key,
    email_key,
    house_number,
    is_landline,
    loose_email,
    loose_phone,
    phone_number,
    phone_tail,
)


def values_of(record: Record, single: str, plural: str) -> list[str]:
    """The primary value and every listed one, primary first, without repeats.

    >>> values_of({"email": "a@x.cn", "emails": ["b@x.cn", "a@x.cn"]}, "email", "emails")
    ['a@x.cn', 'b@x.cn']
    """
    found: list[str] = []
    for value in (record.get(single), *(record.get(plural) or ())):
        if isinstance(value, str) and value and value not in found:
            found.append(value)
    return found


def _local(key: str) -> str:
    """The local part without separators or tag: "zhang.wei+x@163.com" → "zhangwei"."""
    local = key.partition("@")[0].partition("+")[0]
    return local.replace(".", "").replace("_", "").replace("-", "")


def _distinctive(local: str) -> bool:
    """A local part two people are unlikely to share: long, with a digit ("zhangwei1985")."""
    return len(local) >= 6 and any(ch.isdigit() for ch in local)


class EmailComparison(Comparison):
    """Any shared mailbox (``exact``, provider rules applied), the same distinctive local
    part at another provider (``local``: "zhangwei1985" at 163.com and qq.com), a typo
    (``close``: one edit — two people named alike have alike addresses, so no more), ``else``.
    Every address in ``emails`` counts, not only the primary one.

    An address set aside as a field issue (``defective``: ``zhang.wei@@163.com``,
    ``zhang.wei@gmail`` without its top-level domain) is still evidence: repaired of its
    typing slips it takes part like any other address, and the same local part at the
    same first domain label (``zhang.wei@gmail`` and ``zhang.wei@gmail.com``) is ``local``.
    It never becomes a golden email: only the comparison reads it.

    >>> c = EmailComparison("email")
    >>> a = c.extract({"email": "zhang.wei85+shop@gmail.com"})
    >>> [c.level(a, c.extract({"email": e})) for e in ("zhangwei85@googlemail.com",
    ...  "zhang.wei85@163.com", "zhangwie85@gmail.com", "zhangwei1972@gmail.com")]
    [1, 2, 3, 4]
    >>> c.level(c.extract({"email": "zhang.wei@gmail.com"}),
    ...         c.extract({"defective": {"email": ["zhang.wei@gmail"]}}))
    2
    """

    kind = "EmailComparison"
    levels = ("exact", "local", "close", "else")

    def extract(self, record: Record) -> tuple[Any, ...] | None:
        valid = [e for e in values_of(record, self.field, f"{self.field}s") if "@" in e]
        keys = [email_key(e) for e in valid]
        loose = [found for v in defective_values(record, self.field) if (found := loose_email(v))]
        keys += [key for key, _ in loose]
        if not keys:
            return None
        labels = frozenset(label for _, label in loose)
        valid_labels = frozenset(domain_label_key(e) for e in valid) if valid else frozenset()
        return frozenset(keys), keys[0], valid_labels, labels

    def level(self, a: tuple[Any, ...] | None, b: Any) -> int:
        if a is None or b is None:
            return NULL
        if not a[0].isdisjoint(b[0]):
            return 1
        local_a = {_local(k) for k in a[0]}
        if any(_distinctive(local) and local in local_a for local in map(_local, b[0])):
            return 2
        if (a[3] and not a[3].isdisjoint(b[2] | b[3])) or (b[3] and not b[3].isdisjoint(a[2])):
            return 2
        if OSA.distance(a[1], b[1], score_cutoff=1) <= 1:
            return 3
        return 4

    def tf_value(self, a: Any, b: Any) -> str | None:
        shared = a[0] & b[0] if a is not None and b is not None else ()
        return min(shared) if shared else None

    def values(self, extracted: Any) -> tuple[str, ...]:
        return tuple(extracted[0]) if extracted is not None else ()


class PhoneComparison(Comparison):
    """A shared number (``exact``), a shared fixed line — which a household shares too —
    (``landline``), the same last eight digits (``tail``, a misread prefix), ``else``.

    A number set aside as a field issue (``defective``: a plausible length in a range no
    carrier holds, a typo) is still evidence: two records sharing it are likely one
    person. It takes part as the digits dialled (:func:`~mdm.keys.loose_phone`), at the
    same levels as a valid number, and its weight is learned with theirs; how common the
    shared value is (term frequencies) keeps a junk number from counting much. It never
    becomes a golden phone: only the comparison and the blocking read it.

    >>> c = PhoneComparison("phone")
    >>> a = c.extract({"phone": "+8613800138000"})
    >>> c.level(a, c.extract({"phones": ["+861065529988", "+8613800138000"]}))
    1
    >>> home = c.extract({"phone": "+861065529988"})
    >>> c.level(home, c.extract({"phone": "+861065529988"})), c.level(a, home)
    (2, 4)
    >>> unassigned = c.extract({"defective": {"phone": ["+1 598 261 8470"]}})
    >>> c.level(unassigned, c.extract({"defective": {"phone": ["+1-598-261-8470"]}}))
    1
    """

    kind = "PhoneComparison"
    levels = ("exact", "landline", "tail", "else")
    tf_levels = frozenset({1, 2})

    def extract(self, record: Record) -> tuple[frozenset[str], frozenset[str]] | None:
        numbers = [phone_number(p) for p in values_of(record, self.field, f"{self.field}s")]
        numbers = [n for n in numbers if sum(ch.isdigit() for ch in n) >= 6]
        numbers += [n for v in defective_values(record, self.field) if (n := loose_phone(v))]
        if not numbers:
            return None
        return frozenset(numbers), frozenset(phone_tail(n) for n in numbers)

    def level(self, a: Any, b: Any) -> int:
        if a is None or b is None:
            return NULL
        shared = a[0] & b[0]
        if shared:
            return 2 if all(is_landline(n) for n in shared) else 1
        if not a[1].isdisjoint(b[1]):
            return 3
        return 4

    def tf_value(self, a: Any, b: Any) -> str | None:
        shared = a[0] & b[0] if a is not None and b is not None else ()
        return min(shared) if shared else None

    def values(self, extracted: Any) -> tuple[str, ...]:
        return tuple(extracted[0]) if extracted is not None else ()


class AddressComparison(Comparison):
    """A street line: ``exact`` (after abbreviations: "Hauptstr. 5" = "Hauptstraße 5"),
    ``close`` (same house number, street Jaro-Winkler ≥ 0.9), ``street`` (the street
    agrees, the number does not: a neighbour or a typo), ``else``.

    >>> c = AddressComparison("address_line1")
    >>> a = c.extract({"address_line1": "12 Main St."})
    >>> [c.level(a, c.extract({"address_line1": s}))
    ...  for s in ("12 main street", "12 Mian Street", "14 Main Street", "3 Elm Road")]
    [1, 2, 3, 4]
    """

    kind = "AddressComparison"
    levels = ("exact", "close", "street", "else")

    def extract(self, record: Record) -> tuple[str, str | None, str] | None:
        value = record.get(self.field)
        if not value:
            return None
        key = address_key(str(value))
        if not key:
            return None
        number = house_number(key)
        street = " ".join(w for w in key.split() if not w.isdigit()) or key
        return key, number, street

    def level(self, a: Any, b: Any) -> int:
        if a is None or b is None:
            return NULL
        if a[0] == b[0]:
            return 1
        same_street = JaroWinkler.similarity(a[2], b[2], score_cutoff=0.9) >= 0.9
        if same_street and a[1] == b[1]:
            return 2
        if same_street:
            return 3
        return 4

    def tf_value(self, a: Any, b: Any) -> str | None:
        return a[0] if a is not None else None

    def values(self, extracted: Any) -> tuple[str, ...]:
        return (extracted[0],) if extracted is not None else ()
