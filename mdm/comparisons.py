"""Comparisons: for one field, an ordered ladder of levels, strongest first.

A comparison reads its value from each record once (:meth:`Comparison.extract`) and
then tells, for a pair, the first level the two values reach (:meth:`Comparison.level`):
``0`` means a value is missing (no evidence either way), ``1`` the strongest level and
the last one ``"else"``. The level's weight is learned (see :mod:`mdm.model`), so a
comparison only says *what* agrees, never how much it counts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from rapidfuzz.distance import OSA, JaroWinkler

from core.standardise import normalise_text
from mdm.keys import address_key, id_key, latin_key, place_key

Record = Mapping[str, Any]
NULL = 0


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value)
    text = " ".join(text.split()).lower() if text.isascii() else normalise_text(text).lower()
    return text or None


def _none_if_empty(function: Callable[[str], str | None]) -> Callable[[Any], str | None]:
    def key(value: Any) -> str | None:
        if value is None or value == "":
            return None
        return function(str(value)) or None

    return key


#: Named value keys a comparison may use; names, not functions, go into a saved model.
KEYS: dict[str, Callable[[Any], str | None]] = {
    "text": _text,
    "latin": _none_if_empty(latin_key),
    "place": _none_if_empty(place_key),
    "address": _none_if_empty(address_key),
    "id": id_key,
}


class Comparison:
    """Base of every comparison: the field, its level names and which levels take TF.

    Subclasses set :attr:`levels` (without ``"null"``; the last is ``"else"``) and
    implement :meth:`level`. ``tf_levels`` are the levels whose weight is adjusted
    by how common the agreeing value is (see :mod:`mdm.frequencies`).
    """

    kind: ClassVar[str] = "Comparison"
    levels: tuple[str, ...] = ("exact", "else")
    tf_levels: frozenset[int] = frozenset({1})

    def __init__(self, field: str) -> None:
        if not field:
            raise ValueError("a comparison needs a field name, e.g. ExactMatch('email')")
        self.field = field

    @property
    def name(self) -> str:
        """How explanations and saved models name this comparison (the field, by default)."""
        return self.field

    def extract(self, record: Record) -> Any:
        """The value to compare, read once per record; ``None`` when missing."""
        return _text(record.get(self.field))

    def level(self, a: Any, b: Any) -> int:
        """The first level the two extracted values reach; ``0`` when either is missing."""
        raise NotImplementedError

    @property
    def tf_tables(self) -> tuple[str, ...]:
        """The frequency tables an agreeing value is looked up in; the most common wins."""
        return (self.name,)

    def tf_value(self, a: Any, b: Any) -> str | None:
        """The agreeing value whose frequency adjusts an exact level (the left one)."""
        return a if isinstance(a, str) else None

    def values(self, extracted: Any) -> tuple[str, ...]:
        """The values a record contributes to the term-frequency counts of this comparison."""
        return (extracted,) if isinstance(extracted, str) else ()

    def note(self, a: Any, b: Any) -> str | None:
        """An optional remark for explanations (e.g. "given and family name swapped")."""
        return None

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "field": self.field}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.to_dict().items() if k != "kind")
        return f"{self.kind}({args})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Comparison) and self.to_dict() == other.to_dict()

    def __hash__(self) -> int:
        return hash(repr(self))


def _key_named(key: str) -> Callable[[Any], str | None]:
    if key not in KEYS:
        raise ValueError(f"unknown key {key!r}: use one of {', '.join(sorted(KEYS))}")
    return KEYS[key]


class ExactMatch(Comparison):
    """Equal or not: ``ExactMatch("country")``.

    >>> c = ExactMatch("country")
    >>> c.level(c.extract({"country": "CN"}), c.extract({"country": "cn"}))
    1
    """

    kind = "ExactMatch"

    def __init__(self, field: str, key: str = "text") -> None:
        super().__init__(field)
        self.key = key
        self._key = _key_named(key)

    def extract(self, record: Record) -> str | None:
        return self._key(record.get(self.field))

    def level(self, a: str | None, b: str | None) -> int:
        if a is None or b is None:
            return NULL
        return 1 if a == b else 2

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "key": self.key}


class JaroWinklerAtThresholds(ExactMatch):
    """Exact, then one level per Jaro-Winkler threshold, then else.

    ``JaroWinklerAtThresholds("city", (0.92, 0.85))`` has the levels exact,
    jw>=0.92, jw>=0.85 and else.

    >>> c = JaroWinklerAtThresholds("city", (0.92, 0.85), key="place")
    >>> c.levels
    ('exact', 'jw>=0.92', 'jw>=0.85', 'else')
    >>> c.level("hamburg", "hamburgh")
    2
    """

    kind = "JaroWinklerAtThresholds"

    def __init__(self, field: str, thresholds: tuple[float, ...], key: str = "text") -> None:
        super().__init__(field, key)
        thresholds = tuple(float(t) for t in thresholds)
        if not thresholds or list(thresholds) != sorted(set(thresholds), reverse=True):
            raise ValueError(
                f"{field}: thresholds {thresholds} must be distinct and descending,"
                " e.g. (0.92, 0.85)"
            )
        if not all(0.0 < t < 1.0 for t in thresholds):
            raise ValueError(f"{field}: Jaro-Winkler thresholds lie between 0 and 1 (exclusive)")
        self.thresholds = thresholds
        self.levels = ("exact", *(f"jw>={t:g}" for t in thresholds), "else")

    def level(self, a: str | None, b: str | None) -> int:
        if a is None or b is None:
            return NULL
        if a == b:
            return 1
        similarity = JaroWinkler.similarity(a, b, score_cutoff=self.thresholds[-1])
        for index, threshold in enumerate(self.thresholds, start=2):
            if similarity >= threshold:
                return index
        return len(self.levels)

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "thresholds": list(self.thresholds)}


class DamerauLevenshteinAtThresholds(ExactMatch):
    """Exact, then one level per edit distance (transpositions count one), then else.

    ``DamerauLevenshteinAtThresholds("national_id", (1, 2))``: exact, one typo, two, else.

    >>> c = DamerauLevenshteinAtThresholds("national_id", (1, 2), key="id")
    >>> c.level("1234567", "1243567"), c.level("1234567", "7654321")
    (2, 4)
    """

    kind = "DamerauLevenshteinAtThresholds"

    def __init__(self, field: str, distances: tuple[int, ...], key: str = "text") -> None:
        super().__init__(field, key)
        distances = tuple(int(d) for d in distances)
        if not distances or list(distances) != sorted(set(distances)) or distances[0] < 1:
            raise ValueError(
                f"{field}: distances {distances} must be distinct, ascending and >= 1, e.g. (1, 2)"
            )
        self.distances = distances
        self.levels = ("exact", *(f"dl<={d}" for d in distances), "else")

    def level(self, a: str | None, b: str | None) -> int:
        if a is None or b is None:
            return NULL
        if a == b:
            return 1
        distance = OSA.distance(a, b, score_cutoff=self.distances[-1])
        for index, limit in enumerate(self.distances, start=2):
            if distance <= limit:
                return index
        return len(self.levels)

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "distances": list(self.distances)}
