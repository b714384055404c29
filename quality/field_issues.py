"""Field issues: a defective value is set aside, the customer is kept.

A record is quarantined only when it cannot be processed or identified (see
:data:`RECORD_FIELDS`). Any other failing check is about one *field*: an email of
the wrong shape, a phone number no region assigns, an impossible birth date, an
unknown country code, a value outside its allowed set. Such a value is moved out
of its canonical field into the record's :data:`DEFECTIVE` entry, so that no
golden record takes it as a valid email, phone or date, while the matcher may
still read it as evidence (``mdm`` compares defective phones by their digits,
e-mails by their address and dates by their digits). The payload keeps the value
as the source wrote it; the issue itself is reported, counted and re-checked.

Example:
    >>> record, moved = set_aside({"email": "bob@@x", "phone": "+8613800138000"}, "email")
    >>> record["email"], record["phone"], record[DEFECTIVE], moved
    (None, '+8613800138000', {'email': ['bob@@x']}, ['bob@@x'])
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from core.customer import DEFECTIVE, E164, EMAIL
from core.errors import Problem
from core.settings import FIELD_POLICY_FIELDS

#: Problems on these fields mean the record cannot be staged at all: no source id,
#: nothing that identifies anybody, or a record-wide failure.
RECORD_FIELDS = frozenset({"source_id", "identity", "record", "*"})

#: Fields whose defective values can be set aside; ``quality.field_policy`` may name each.
POLICY_FIELDS: tuple[str, ...] = FIELD_POLICY_FIELDS


@dataclass(frozen=True, slots=True)
class FieldIssue:
    """One defective value set aside: the field, the value as it stood, why and who said so."""

    field: str
    value: str
    reason: str
    check: str

    def as_problem(self) -> Problem:
        """The issue as a quarantine reason (a policy sent its record there)."""
        return Problem(self.field, self.reason, self.check)

    def as_dict(self) -> dict[str, str]:
        return {
            "field": self.field,
            "value": self.value,
            "reason": self.reason,
            "check": self.check,
        }


def policy_field(field: str) -> str:
    """The policy name a flat field falls under: ``consent.email`` → ``consent``.

    >>> policy_field("consent.email"), policy_field("phone")
    ('consent', 'phone')
    """
    return field.partition(".")[0]


def can_set_aside(field: str) -> bool:
    """True when a problem on ``field`` is a field issue, not a reason to quarantine.

    >>> can_set_aside("phone"), can_set_aside("consent.sms"), can_set_aside("identity")
    (True, True, False)
    """
    return field not in RECORD_FIELDS and policy_field(field) in POLICY_FIELDS


def usable_email(value: Any) -> bool:
    """An address the canonical model accepts (the shape and lowercase).

    >>> usable_email("a@x.cn"), usable_email("a@x"), usable_email("A@X.CN")
    (True, False, False)
    """
    return isinstance(value, str) and bool(EMAIL.match(value)) and value == value.lower()


def usable_phone(value: Any) -> bool:
    """A number in E.164 form, as the standardiser writes a *valid* number.

    >>> usable_phone("+8613800138000"), usable_phone("1-496-657-3636")
    (True, False)
    """
    return isinstance(value, str) and bool(E164.match(value))


def usable_country(value: Any) -> bool:
    """An ISO 3166-1 alpha-2 code."""
    from quality.suites import country_codes

    return isinstance(value, str) and value in country_codes()


def set_aside(record: dict[str, Any], field: str) -> tuple[dict[str, Any], list[str]]:
    """A copy of ``record`` without the defective values of ``field``, and those values.

    The values go to ``record["defective"][field]`` (for matching only). For a list field
    (``email``/``emails``, ``phone``/``phones``, address countries) only the values that
    fail are moved and the primary becomes the first one left; for a single value the
    whole value goes.

    >>> record, moved = set_aside({"phone": "12345", "phones": ["12345", "+8613800138000"]},
    ...                           "phone")
    >>> record["phone"], record["phones"], moved
    ('+8613800138000', ['+8613800138000'], ['12345'])
    """
    out = copy.deepcopy(record)
    name = policy_field(field)
    mover = _MOVERS.get(name)
    moved = mover(out, field) if mover is not None else []
    if moved:
        defective = out.setdefault(DEFECTIVE, {})
        kept = defective.setdefault(field, [])
        kept.extend(v for v in moved if v not in kept)
    return out, moved


def add_defective(record: dict[str, Any], issues: Sequence[FieldIssue]) -> dict[str, Any]:
    """``record`` with the values of ``issues`` found before validation (a mapping transform
    that failed on them) kept under ``defective`` too.

    >>> add_defective({"birth_date": None},
    ...               [FieldIssue("birth_date", "31.02.1980", "not a date", "mapping")])
    {'birth_date': None, 'defective': {'birth_date': ['31.02.1980']}}
    """
    if not issues:
        return record
    out = dict(record)
    defective = {k: list(v) for k, v in (out.get(DEFECTIVE) or {}).items()}
    for issue in issues:
        kept = defective.setdefault(issue.field, [])
        if issue.value and issue.value not in kept:
            kept.append(issue.value)
    out[DEFECTIVE] = {k: v for k, v in defective.items() if v}
    if not out[DEFECTIVE]:
        del out[DEFECTIVE]
    return out


def _move_list(usable: Callable[[Any], bool], single: str, plural: str) -> Callable[..., list[str]]:
    def move(out: dict[str, Any], _field: str) -> list[str]:
        values = [out.get(single), *(out.get(plural) or ())]
        bad = [str(v) for v in values if v not in (None, "") and not usable(v)]
        if not bad:
            return []
        good = [v for v in values if v not in (None, "") and usable(v)]
        unique = list(dict.fromkeys(good))
        if single in out:
            out[single] = unique[0] if unique else None
        if plural in out:
            out[plural] = unique
        return list(dict.fromkeys(bad))

    return move


def _move_single(out: dict[str, Any], field: str) -> list[str]:
    value = out.get(field)
    if value in (None, ""):
        return []
    out[field] = None
    return [str(value)]


def _move_kind(out: dict[str, Any], field: str) -> list[str]:
    value = out.pop(field, None)
    return [] if value in (None, "") else [str(value)]


def _move_country(out: dict[str, Any], _field: str) -> list[str]:
    moved: list[str] = []
    value = out.get("country")
    if value not in (None, "") and not usable_country(value):
        out["country"] = None
        moved.append(str(value))
    for address in out.get("addresses") or ():
        if (
            isinstance(address, dict)
            and address.get("country") not in (None, "")
            and not usable_country(address["country"])
        ):
            moved.append(str(address["country"]))
            address["country"] = None
    return list(dict.fromkeys(moved))


def _move_consent(out: dict[str, Any], field: str) -> list[str]:
    flags = out.get("consent")
    flag = field.partition(".")[2]
    if not isinstance(flags, dict):
        out.pop("consent", None)
        return [] if flags in (None, "") else [str(flags)]
    if flag and flag in flags:
        return [str(flags.pop(flag))]
    return []


_MOVERS: dict[str, Callable[[dict[str, Any], str], list[str]]] = {
    "email": _move_list(usable_email, "email", "emails"),
    "phone": _move_list(usable_phone, "phone", "phones"),
    "birth_date": _move_single,
    "country": _move_country,
    "kind": _move_kind,
    "consent": _move_consent,
}
