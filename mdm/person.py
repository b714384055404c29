"""Comparisons of who a person is: given name, family name, birth date."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Literal

from rapidfuzz.distance import OSA, JaroWinkler

from mdm.comparisons import NULL, Comparison, Record
from mdm.keys import NamePart, date_key, defective_values, loose_date_key, name_part

Names = tuple[NamePart | None, NamePart | None]  # (given, family)


@lru_cache(maxsize=262144)
def person_names(given: str | None, family: str | None) -> Names:
    """Both name parts folded for comparison.

    >>> given, family = person_names("偉", "張")
    >>> given.latin, family.native
    ('wei', '张')
    """
    return name_part(given, surname=False), name_part(family, surname=True)


def _latin(part: NamePart | None) -> str | None:
    return part.latin if part is not None else None


def is_swapped(a: Names, b: Names) -> bool:
    """True when b's given name is a's family name (or the other way round), the other
    halves agree as well and no part agrees in place: "Zhang Wei" written as given
    "Zhang", family "Wei" against 张伟.

    >>> is_swapped(person_names("Zhang", "Wei"), person_names("伟", "张"))
    True
    >>> is_swapped(person_names("Wei", "Zhang"), person_names("伟", "张"))
    False
    """
    (ag, af), (bg, bf) = a, b
    given, family = _latin(ag), _latin(af)
    other_given, other_family = _latin(bg), _latin(bf)
    if given is not None and given == other_given:
        return False
    if family is not None and family == other_family:
        return False
    if given is not None and given == other_family:
        return _alike(af, bg)
    if family is not None and family == other_given:
        return _alike(ag, bf)
    return False


def _alike(a: NamePart | None, b: NamePart | None) -> bool:
    """The other half of a swap must agree too (or be missing): "Zhao Tao" is not 赵春梅."""
    if a is None or b is None:
        return True
    if a.latin == b.latin or not a.formal.isdisjoint(b.formal):
        return True
    if a.han or b.han:
        return False
    return JaroWinkler.similarity(a.latin, b.latin) >= 0.8


class NameComparison(Comparison):
    """A given or family name, across scripts, orders, nicknames and typos.

    Levels, first reached wins: ``exact`` (same name, or the same name in characters
    and in pinyin: 张 and "Zhang"), ``alias`` (a nickname — Bob/Robert — or two
    characters read alike: 张伟/张玮), ``initial`` (given names only: "J" and "John"),
    ``close`` (Jaro-Winkler ≥ 0.92), ``similar`` (≥ 0.8, or the same sound key, for names
    of five letters or more: "Fang" and "Gang" are different names), ``else``. Chinese
    characters that differ are ``else``: a different character is a different name.
    Names written in swapped places are compared swapped back.

    >>> given = NameComparison("given_name")
    >>> a = given.extract({"given_name": "Bob", "family_name": "Smith"})
    >>> b = given.extract({"given_name": "Robert", "family_name": "Smith"})
    >>> given.levels[given.level(a, b) - 1]
    'alias'
    """

    kind = "NameComparison"

    def __init__(self, field: Literal["given_name", "family_name"]) -> None:
        if field not in ("given_name", "family_name"):
            raise ValueError(
                f"NameComparison compares 'given_name' or 'family_name', not {field!r}"
            )
        super().__init__(field)
        self.given = field == "given_name"
        if self.given:
            self.levels = ("exact", "alias", "initial", "close", "similar", "else")
        else:
            self.levels = ("exact", "alias", "close", "similar", "else")

    def extract(self, record: Record) -> Names | None:
        names = person_names(record.get("given_name"), record.get("family_name"))
        return names if names[0] is not None or names[1] is not None else None

    def _parts(self, a: Names, b: Names) -> tuple[NamePart | None, NamePart | None]:
        index = 0 if self.given else 1
        if is_swapped(a, b):
            return a[index], b[1 - index]
        return a[index], b[index]

    def level(self, a: Names | None, b: Names | None) -> int:
        if a is None or b is None:
            return NULL
        left, right = self._parts(a, b)
        if left is None or right is None:
            return NULL
        if left.native == right.native or (left.han != right.han and left.latin == right.latin):
            return 1
        if left.latin == right.latin or not left.formal.isdisjoint(right.formal):
            return 2
        offset = 0
        if self.given:
            offset = 1
            short, long = sorted((left.latin, right.latin), key=len)
            if len(short) == 1 and long.startswith(short):
                return 3
        if left.han or right.han:  # characters differ in meaning, not by typos: 芳 is not 刚
            return 5 + offset
        similarity = JaroWinkler.similarity(left.latin, right.latin, score_cutoff=0.8)
        if similarity >= 0.92:
            return 3 + offset
        shortest = min(len(left.latin), len(right.latin))
        if shortest >= 5 and (similarity >= 0.8 or left.sound == right.sound):
            return 4 + offset
        return 5 + offset

    @property
    def tf_tables(self) -> tuple[str, ...]:
        """A name may sit in the other slot ("ZHANG WEI" read as given Zhang): look it up as
        a given and as a family name, and take the more common reading."""
        return ("given_name", "family_name")

    def tf_value(self, a: Names | None, b: Names | None) -> str | None:
        if a is None or b is None:
            return None
        left, _ = self._parts(a, b)
        return left.latin if left is not None else None

    def values(self, extracted: Names | None) -> tuple[str, ...]:
        if extracted is None:
            return ()
        part = extracted[0 if self.given else 1]
        return (part.latin,) if part is not None else ()

    def note(self, a: Names | None, b: Names | None) -> str | None:
        if a is not None and b is not None and is_swapped(a, b):
            return "given and family name swapped"
        return None

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "field": self.field}


class DateComparison(Comparison):
    """A date: ``exact``, ``swapped`` (day and month), ``close`` (one typo, or the year
    off by one), ``else``.

    A date set aside as a field issue (``defective``: ``19890231``, ``1989-31-02``) is read
    by its digits (:func:`~mdm.keys.loose_date_key`): an impossible date is usually a typo
    or a swap of a real one, and those levels are what it reaches.

    >>> dob = DateComparison("birth_date")
    >>> [dob.level(dob.extract({"birth_date": "1985-03-12"}), dob.extract({"birth_date": d}))
    ...  for d in ("1985-03-12", "1985-12-03", "1986-03-12", "1958-03-12", "1990-01-01")]
    [1, 2, 3, 3, 4]
    >>> dob.level(dob.extract({"birth_date": "1989-02-21"}),
    ...           dob.extract({"defective": {"birth_date": ["19890231"]}}))
    3
    """

    kind = "DateComparison"
    levels = ("exact", "swapped", "close", "else")

    def extract(self, record: Record) -> str | None:
        key = date_key(record.get(self.field))
        if key is not None:
            return key
        for value in defective_values(record, self.field):  # set aside: evidence only
            if (loose := loose_date_key(value)) is not None:
                return loose
        return None

    def level(self, a: str | None, b: str | None) -> int:
        if a is None or b is None:
            return NULL
        if a == b:
            return 1
        if a[:4] == b[:4] and a[4:6] == b[6:8] and a[6:8] == b[4:6]:
            return 2
        if OSA.distance(a, b, score_cutoff=1) <= 1:
            return 3
        if (
            a[4:] == b[4:]
            and a[:4].isdigit()
            and b[:4].isdigit()
            and abs(int(a[:4]) - int(b[:4])) == 1
        ):
            return 3
        return 4
