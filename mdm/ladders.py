"""Comparison levels for whole arrays of candidate pairs, one ladder per comparison kind.

A ladder encodes one comparison's extracted values of many records into column arrays
(:mod:`mdm.columns`) once, then answers, for arrays of left and right record positions,
the level every pair reaches — the same level :meth:`Comparison.level` gives for the pair,
which ``tests/mdm/test_vector_levels.py`` checks on generated dirty records. It also names
the value whose frequency adjusts an agreeing pair (:meth:`Comparison.tf_value`) as a code
into ``tf_vocabulary``.

A comparison of a kind without a ladder of its own (a project's own subclass) is computed
with its own ``level`` once per distinct pair of values (:class:`ValuePairLadder`).
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
from rapidfuzz.distance import OSA, JaroWinkler

from mdm.columns import (
    MISSING,
    Column,
    SetColumn,
    Vocabulary,
    pairwise,
    shares_any,
    smallest_shared,
)
from mdm.comparisons import (
    Comparison,
    DamerauLevenshteinAtThresholds,
    ExactMatch,
    JaroWinklerAtThresholds,
)
from mdm.contact import AddressComparison, EmailComparison, PhoneComparison, _distinctive, _local
from mdm.keys import is_landline
from mdm.person import DateComparison, NameComparison

LEVEL = np.int8


class Ladder(Protocol):
    """One comparison's values of many records, ready for pair arrays."""

    tf_vocabulary: np.ndarray

    def add(self, value: Any) -> None:
        """Encode one more record's extracted value (``None``: missing)."""
        ...

    def finish(self) -> None:
        """Turn what was added into the arrays :meth:`levels` reads."""
        ...

    def levels(self, left: np.ndarray, right: np.ndarray, workers: int = 1) -> np.ndarray:
        """The level of every pair ``(left[k], right[k])`` (record positions)."""
        ...

    def tf_codes(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        """The code (into ``tf_vocabulary``) of each pair's agreeing value; ``-1``: none.
        Only asked for pairs at a level that takes a TF adjustment."""
        ...


def ladder_for(
    comparison: Comparison, values: Sequence[Any], shared: dict[str, Any] | None = None
) -> Ladder:
    """The ladder of ``comparison`` over the extracted ``values`` of many records.

    >>> from mdm.comparisons import JaroWinklerAtThresholds
    >>> city = JaroWinklerAtThresholds("city", (0.92,))
    >>> ladder = ladder_for(city, ["hamburg", "hamburgh", None, "berlin"])
    >>> ladder.levels(np.array([0, 0, 0, 1]), np.array([1, 2, 3, 1])).tolist()
    [2, 0, 3, 1]
    """
    ladder = new_ladder(comparison, {} if shared is None else shared)
    for value in values:
        ladder.add(value)
    ladder.finish()
    return ladder


def new_ladder(comparison: Comparison, shared: dict[str, Any]) -> Ladder:
    """An empty ladder of ``comparison`` to :meth:`~Ladder.add` records' values to, then
    :meth:`~Ladder.finish`. Ladders made with one ``shared`` dict share what two
    comparisons encode alike (both name comparisons read the same pair of names)."""
    if type(comparison) is NameComparison:
        return NameLadder(comparison, shared)
    if type(comparison) is DateComparison:
        return DateLadder(comparison)
    if type(comparison) is EmailComparison:
        return EmailLadder()
    if type(comparison) is PhoneComparison:
        return PhoneLadder()
    if type(comparison) is AddressComparison:
        return AddressLadder()
    if type(comparison) is JaroWinklerAtThresholds:
        return JaroWinklerLadder(comparison)
    if type(comparison) is DamerauLevenshteinAtThresholds:
        return EditDistanceLadder(comparison)
    if type(comparison) is ExactMatch:
        return ExactLadder()
    return ValuePairLadder(comparison)


def _nulls(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a < 0) | (b < 0)


class ExactLadder:
    """``exact`` or ``else``, by code."""

    def __init__(self) -> None:
        self._column = Column(Vocabulary())

    def add(self, value: str | None) -> None:
        self._column.add(value)

    def finish(self) -> None:
        self.codes = self._column.array()
        self.tf_vocabulary = self._column.vocabulary.array()
        del self._column  # its vocabulary's index is only needed while adding

    def levels(self, left: np.ndarray, right: np.ndarray, workers: int = 1) -> np.ndarray:
        a, b = self.codes[left], self.codes[right]
        found = np.where(a == b, 1, 2).astype(LEVEL)
        found[_nulls(a, b)] = 0
        return found

    def tf_codes(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        codes: np.ndarray = self.codes[left]
        return codes


class JaroWinklerLadder(ExactLadder):
    """Exact, then one level per Jaro-Winkler threshold (``cpdist`` on distinct pairs)."""

    def __init__(self, comparison: JaroWinklerAtThresholds) -> None:
        super().__init__()
        self.thresholds = comparison.thresholds

    def levels(self, left: np.ndarray, right: np.ndarray, workers: int = 1) -> np.ndarray:
        found = super().levels(left, right)
        rest = np.flatnonzero(found == 2)
        similarity = pairwise(
            JaroWinkler.similarity,
            self.codes[left[rest]],
            self.codes[right[rest]],
            self.tf_vocabulary,
            dtype=np.float64,
            workers=workers,
            score_cutoff=self.thresholds[-1],
        )
        reached = np.full(len(rest), len(self.thresholds) + 2, dtype=LEVEL)
        for index in range(len(self.thresholds) + 1, 1, -1):  # lowest threshold first
            reached[similarity >= self.thresholds[index - 2]] = index
        found[rest] = reached
        return found


class EditDistanceLadder(ExactLadder):
    """Exact, then one level per edit distance (``cpdist`` with OSA on distinct pairs)."""

    def __init__(self, comparison: DamerauLevenshteinAtThresholds) -> None:
        super().__init__()
        self.distances = comparison.distances

    def levels(self, left: np.ndarray, right: np.ndarray, workers: int = 1) -> np.ndarray:
        found = super().levels(left, right)
        rest = np.flatnonzero(found == 2)
        distance = pairwise(
            OSA.distance,
            self.codes[left[rest]],
            self.codes[right[rest]],
            self.tf_vocabulary,
            dtype=np.int32,
            workers=workers,
            score_cutoff=self.distances[-1],
        )
        reached = np.full(len(rest), len(self.distances) + 2, dtype=LEVEL)
        for index in range(len(self.distances) + 1, 1, -1):  # largest distance first
            reached[distance <= self.distances[index - 2]] = index
        found[rest] = reached
        return found


class DateLadder(ExactLadder):
    """Eight-digit dates: exact, day/month swapped, one typo or the year off by one, else.

    Two eight-digit strings are one edit apart (OSA) when one digit differs, or two
    neighbouring digits are swapped: both are read off the digit matrix. Should a value
    not be eight digits, the comparison's own ``level`` is asked per distinct pair."""

    def __init__(self, comparison: DateComparison) -> None:
        super().__init__()
        self.comparison = comparison

    def finish(self) -> None:
        super().finish()
        words = self.tf_vocabulary.tolist()
        self.fallback = not all(len(w) == 8 and w.isdigit() for w in words)
        if self.fallback:
            self.pairs = ValuePairLadder(self.comparison)
            for code in self.codes.tolist():
                self.pairs.add(None if code < 0 else words[code])
            self.pairs.finish()
            return
        digits = np.array([[ord(c) - 48 for c in w] for w in words], dtype=np.int8)
        self.digits = digits.reshape(len(words), 8)
        weights = np.array([1000, 100, 10, 1], dtype=np.int32)
        self.year = self.digits[:, :4].astype(np.int32) @ weights
        self.month = self.digits[:, 4:6].astype(np.int32) @ weights[2:]
        self.day = self.digits[:, 6:8].astype(np.int32) @ weights[2:]

    def levels(self, left: np.ndarray, right: np.ndarray, workers: int = 1) -> np.ndarray:
        if self.fallback:
            return self.pairs.levels(left, right, workers)
        found = super().levels(left, right)
        rest = np.flatnonzero(found == 2)
        a, b = self.codes[left[rest]], self.codes[right[rest]]
        same_year = self.year[a] == self.year[b]
        swapped = same_year & (self.month[a] == self.day[b]) & (self.day[a] == self.month[b])
        da, db = self.digits[a], self.digits[b]
        differ = da != db
        count = differ.sum(axis=1)
        neighbours = (
            differ[:, :-1] & differ[:, 1:] & (da[:, :-1] == db[:, 1:]) & (da[:, 1:] == db[:, :-1])
        ).any(axis=1)
        one_edit = (count <= 1) | ((count == 2) & neighbours)
        same_day = (self.month[a] == self.month[b]) & (self.day[a] == self.day[b])
        year_off = same_day & (np.abs(self.year[a] - self.year[b]) == 1)
        found[rest] = np.where(swapped, 2, np.where(one_edit | year_off, 3, 4))
        return found


class _Parts:
    """One name slot (given or family) of every record, as codes."""

    def __init__(self, latin: Vocabulary, natives: Vocabulary, sounds: Vocabulary) -> None:
        self._native, self._latin, self._sound = Column(natives), Column(latin), Column(sounds)
        self._formal = SetColumn(latin)
        self._han, self._length, self._initial = array("b"), array("i"), array("i")

    def add(self, part: Any) -> None:
        present = part is not None
        self._native.add(part.native if present else None)
        self._latin.add(part.latin if present else None)
        self._sound.add(part.sound if present else None)
        self._formal.add(part.formal if present else None)
        self._han.append(present and part.han)
        self._length.append(len(part.latin) if present else 0)
        self._initial.append(ord(part.latin[0]) if present and part.latin else -1)

    def finish(self, width: int) -> None:
        self.native, self.latin = self._native.array(), self._latin.array()
        self.sound, self.formal = self._sound.array(), self._formal.array(width)
        self.han = np.frombuffer(self._han, dtype=np.int8).astype(bool)
        self.length = np.frombuffer(self._length, dtype=np.int32).copy()
        self.initial = np.frombuffer(self._initial, dtype=np.int32).copy()
        del self._native, self._latin, self._sound, self._formal
        del self._han, self._length, self._initial

    def width(self) -> int:
        return int(np.frombuffer(self._formal.lengths, dtype=np.int32).max(initial=1))


class _NameSlots:
    """Both name slots of every record, encoded once for both name comparisons."""

    def __init__(self) -> None:
        self.latin = Vocabulary()
        natives, sounds = Vocabulary(), Vocabulary()
        self.parts = (_Parts(self.latin, natives, sounds), _Parts(self.latin, natives, sounds))
        self.finished = False

    def add(self, names: Any) -> None:
        given, family = self.parts
        given.add(names[0] if names is not None else None)
        family.add(names[1] if names is not None else None)

    def finish(self) -> None:
        if not self.finished:
            width = max(p.width() for p in self.parts)
            for part in self.parts:
                part.finish(width)
            self.vocabulary = self.latin.array()
            del self.latin
            self.finished = True


class NameLadder:
    """:class:`~mdm.person.NameComparison` over codes: a swap is read off the Latin codes of
    both slots, the rest of the ladder off the parts it compares; Jaro-Winkler only for
    Latin names that differ, once per distinct pair."""

    def __init__(self, comparison: NameComparison, shared: dict[str, Any]) -> None:
        self.given = comparison.given
        self.index = 0 if self.given else 1
        self.owner = "names" not in shared  # NameComparison extracts both slots alike
        self._names: _NameSlots = shared.setdefault("names", _NameSlots())

    def add(self, value: Any) -> None:
        if self.owner:
            self._names.add(value)

    def finish(self) -> None:
        self._names.finish()
        self.slots = self._names.parts
        self.tf_vocabulary = self._names.vocabulary

    def _alike(
        self, x: _Parts, y: _Parts, a: np.ndarray, b: np.ndarray, workers: int
    ) -> np.ndarray:
        """:func:`mdm.person._alike` of slot ``x`` of records ``a`` and slot ``y`` of ``b``."""
        xl, yl = x.latin[a], y.latin[b]
        missing = (xl < 0) | (yl < 0)
        agree = (xl == yl) | shares_any(x.formal[a], y.formal[b])
        found: np.ndarray = missing | agree
        fuzzy = np.flatnonzero(~found & ~(x.han[a] | y.han[b]))
        similarity = pairwise(
            JaroWinkler.similarity,
            xl[fuzzy],
            yl[fuzzy],
            self.tf_vocabulary,
            dtype=np.float64,
            workers=workers,
        )
        found[fuzzy] = similarity >= 0.8
        return found

    def swapped(self, left: np.ndarray, right: np.ndarray, workers: int = 1) -> np.ndarray:
        """:func:`mdm.person.is_swapped` for every pair."""
        given, family = self.slots
        ag, af, bg, bf = (
            given.latin[left],
            family.latin[left],
            given.latin[right],
            family.latin[right],
        )
        stays = ((ag >= 0) & (ag == bg)) | ((af >= 0) & (af == bf))
        cross_given = ~stays & (ag >= 0) & (ag == bf)
        cross_family = ~stays & ~cross_given & (af >= 0) & (af == bg)
        found = np.zeros(len(left), dtype=bool)
        first = np.flatnonzero(cross_given)
        found[first] = self._alike(family, given, left[first], right[first], workers)
        second = np.flatnonzero(cross_family)
        found[second] = self._alike(given, family, left[second], right[second], workers)
        return found

    def levels(self, left: np.ndarray, right: np.ndarray, workers: int = 1) -> np.ndarray:
        mine = self.slots[self.index]
        other = self.slots[1 - self.index]
        swapped = self.swapped(left, right, workers)
        flip = np.flatnonzero(swapped)

        def pick(attribute: str) -> tuple[np.ndarray, np.ndarray]:
            ours = getattr(mine, attribute)
            theirs = ours[right]
            theirs[flip] = getattr(other, attribute)[right[flip]]
            return ours[left], theirs

        ll, rl = pick("latin")
        found = np.zeros(len(left), dtype=LEVEL)
        live = np.flatnonzero((ll >= 0) & (rl >= 0))
        ln, rn = (x[live] for x in pick("native"))
        lh, rh = (x[live] for x in pick("han"))
        ll, rl = ll[live], rl[live]
        exact = (ln == rn) | ((lh != rh) & (ll == rl))
        level = np.zeros(len(live), dtype=LEVEL)
        level[exact] = 1
        open_ = np.flatnonzero(~exact)
        lf, rf = pick("formal")
        alias = (ll[open_] == rl[open_]) | shares_any(lf[live[open_]], rf[live[open_]])
        level[open_[alias]] = 2
        open_ = open_[~alias]
        offset = 0
        lengths = [x[live] for x in pick("length")]
        shortest = np.minimum(*lengths)
        if self.given:
            offset = 1
            li, ri = (x[live] for x in pick("initial"))
            initial = (shortest[open_] == 1) & (li[open_] == ri[open_])
            level[open_[initial]] = 3
            open_ = open_[~initial]
        han = lh[open_] | rh[open_]
        level[open_[han]] = 5 + offset
        open_ = open_[~han]
        similarity = pairwise(
            JaroWinkler.similarity,
            ll[open_],
            rl[open_],
            self.tf_vocabulary,
            dtype=np.float64,
            workers=workers,
            score_cutoff=0.8,
        )
        ls, rs = (x[live[open_]] for x in pick("sound"))
        similar = (shortest[open_] >= 5) & ((similarity >= 0.8) | (ls == rs))
        level[open_] = np.where(
            similarity >= 0.92, 3 + offset, np.where(similar, 4 + offset, 5 + offset)
        )
        found[live] = level
        return found

    def tf_codes(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        codes: np.ndarray = self.slots[self.index].latin[left]
        return codes


class EmailLadder:
    """:class:`~mdm.contact.EmailComparison` over code rows: shared mailbox, shared
    distinctive local part or loose label, one edit between the primary keys, else."""

    def __init__(self) -> None:
        keys, labels = Vocabulary(), Vocabulary()
        self._keys, self._first = SetColumn(keys), Column(keys)
        self._locals = SetColumn(Vocabulary())
        self._valid, self._loose = SetColumn(labels), SetColumn(labels)

    def add(self, value: Any) -> None:
        if value is None:
            for column in (self._keys, self._first, self._locals, self._valid, self._loose):
                column.add(None)
            return
        self._keys.add(value[0])
        self._first.add(value[1])
        self._locals.add({local for k in value[0] if _distinctive(local := _local(k))})
        self._valid.add(value[2])
        self._loose.add(value[3])

    def finish(self) -> None:
        self.keys, self.first = self._keys.array(), self._first.array()
        self.tf_vocabulary = self._keys.vocabulary.array()
        self.locals = self._locals.array()
        self.valid_labels, self.loose_labels = self._valid.array(), self._loose.array()
        del self._keys, self._first, self._locals, self._valid, self._loose

    def levels(self, left: np.ndarray, right: np.ndarray, workers: int = 1) -> np.ndarray:
        a0, b0 = self.keys[left, 0], self.keys[right, 0]
        found = np.zeros(len(left), dtype=LEVEL)
        live = np.flatnonzero((a0 >= 0) & (b0 >= 0))
        a, b = left[live], right[live]
        level = np.full(len(live), 4, dtype=LEVEL)
        shared = shares_any(self.keys[a], self.keys[b])
        level[shared] = 1
        open_ = np.flatnonzero(~shared)
        a, b = a[open_], b[open_]
        local = (
            shares_any(self.locals[a], self.locals[b])
            | shares_any(self.loose_labels[a], self.valid_labels[b])
            | shares_any(self.loose_labels[a], self.loose_labels[b])
            | shares_any(self.loose_labels[b], self.valid_labels[a])
        )
        level[open_[local]] = 2
        open_, a, b = open_[~local], a[~local], b[~local]
        distance = pairwise(
            OSA.distance,
            self.first[a],
            self.first[b],
            self.tf_vocabulary,
            dtype=np.int32,
            workers=workers,
            score_cutoff=1,
        )
        level[open_[distance <= 1]] = 3
        found[live] = level
        return found

    def tf_codes(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        return smallest_shared(self.keys[left], self.keys[right], self.tf_vocabulary)


class PhoneLadder:
    """:class:`~mdm.contact.PhoneComparison` over code rows: a shared number (a mobile
    among them: exact; fixed lines only: landline), a shared tail, else."""

    def __init__(self) -> None:
        self._numbers, self._tails = SetColumn(Vocabulary()), SetColumn(Vocabulary())

    def add(self, value: Any) -> None:
        self._numbers.add(value[0] if value is not None else None)
        self._tails.add(value[1] if value is not None else None)

    def finish(self) -> None:
        self.numbers, self.tails = self._numbers.array(), self._tails.array()
        self.tf_vocabulary = self._numbers.vocabulary.array()
        del self._numbers, self._tails
        self.mobile = np.full(len(self.tf_vocabulary), -1, dtype=np.int8)  # -1: not looked up

    def levels(self, left: np.ndarray, right: np.ndarray, workers: int = 1) -> np.ndarray:
        a, b = self.numbers[left], self.numbers[right]
        found = np.zeros(len(left), dtype=LEVEL)
        live = np.flatnonzero((a[:, 0] >= 0) & (b[:, 0] >= 0))
        a, b = a[live], b[live]
        shared = shares_any(a, b)
        mobile = self._mobile(a, b, shared)
        shared_mobile = shares_any(np.where(mobile, a, MISSING), b)
        tail = shares_any(self.tails[left[live]], self.tails[right[live]])
        found[live] = np.where(shared, np.where(shared_mobile, 1, 2), np.where(tail, 3, 4))
        return found

    def _mobile(self, a: np.ndarray, b: np.ndarray, shared: np.ndarray) -> np.ndarray:
        """Whether each code of ``a`` is a mobile number, looked up (slowly, by
        phonenumbers) only for the numbers pairs share."""
        shared_codes = a[shared]
        hit = np.zeros(shared_codes.shape, dtype=bool)
        for j in range(b.shape[1]):
            hit |= shared_codes == b[shared, j][:, None]
        wanted = np.unique(shared_codes[hit & (shared_codes >= 0)])
        unknown = wanted[self.mobile[wanted] < 0]
        vocabulary = self.tf_vocabulary
        self.mobile[unknown] = [not is_landline(vocabulary[c]) for c in unknown.tolist()]
        return np.where(a >= 0, self.mobile[np.maximum(a, 0)] == 1, False)

    def tf_codes(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        return smallest_shared(self.numbers[left], self.numbers[right], self.tf_vocabulary)


class AddressLadder:
    """:class:`~mdm.contact.AddressComparison` over codes: the whole key, then the street
    (Jaro-Winkler once per distinct pair of streets) with or without the house number."""

    def __init__(self) -> None:
        self._key, self._number = Column(Vocabulary()), Column(Vocabulary())
        self._street = Column(Vocabulary())

    def add(self, value: Any) -> None:
        if value is None:
            for column in (self._key, self._number, self._street):
                column.add(None)
            return
        self._key.add(value[0])
        self._number.add("" if value[1] is None else value[1])
        self._street.add(value[2])

    def finish(self) -> None:
        self.key, self.number = self._key.array(), self._number.array()
        self.tf_vocabulary = self._key.vocabulary.array()
        self.street, self.streets = self._street.array(), self._street.vocabulary.array()
        del self._key, self._number, self._street

    def levels(self, left: np.ndarray, right: np.ndarray, workers: int = 1) -> np.ndarray:
        a, b = self.key[left], self.key[right]
        found = np.where(a == b, 1, 4).astype(LEVEL)
        found[_nulls(a, b)] = 0
        rest = np.flatnonzero(found == 4)
        a, b = left[rest], right[rest]
        similarity = pairwise(
            JaroWinkler.similarity,
            self.street[a],
            self.street[b],
            self.streets,
            dtype=np.float64,
            workers=workers,
            score_cutoff=0.9,
        )
        same_street = similarity >= 0.9
        same_number = self.number[a] == self.number[b]
        found[rest] = np.where(same_street, np.where(same_number, 2, 3), 4)
        return found

    def tf_codes(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        codes: np.ndarray = self.key[left]
        return codes


class ValuePairLadder:
    """Any comparison: its own ``level`` and ``tf_value``, once per distinct pair of values."""

    def __init__(self, comparison: Comparison) -> None:
        self.comparison = comparison
        self.values: list[Any] = []
        self._index: dict[Any, int] = {}
        self._codes = array("q")
        self.words: dict[str, int] = {}
        self.tf_vocabulary = np.empty(0, dtype=object)

    def add(self, value: Any) -> None:
        if value is None:
            self._codes.append(MISSING)
            return
        try:
            code = self._index.setdefault(value, len(self.values))
        except TypeError:  # unhashable: a code of its own
            code = len(self.values)
        if code == len(self.values):
            self.values.append(value)
        self._codes.append(code)

    def finish(self) -> None:
        self.codes = np.frombuffer(self._codes, dtype=np.int64).copy()
        del self._index, self._codes

    def _distinct(self, left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        a, b = self.codes[left], self.codes[right]
        width = max(len(self.values), 1)
        keys = np.where((a < 0) | (b < 0), -1, a * width + b)
        distinct, inverse = np.unique(keys, return_inverse=True)
        return distinct, inverse.reshape(-1)

    def levels(self, left: np.ndarray, right: np.ndarray, workers: int = 1) -> np.ndarray:
        distinct, inverse = self._distinct(left, right)
        width = max(len(self.values), 1)
        level = self.comparison.level
        found = np.array(
            [
                0 if k < 0 else level(self.values[k // width], self.values[k % width])
                for k in distinct.tolist()
            ],
            dtype=LEVEL,
        )
        levels: np.ndarray = found[inverse]
        return levels

    def tf_codes(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        distinct, inverse = self._distinct(left, right)
        width = max(len(self.values), 1)
        codes = []
        for k in distinct.tolist():
            value = (
                None
                if k < 0
                else self.comparison.tf_value(self.values[k // width], self.values[k % width])
            )
            codes.append(
                MISSING if value is None else self.words.setdefault(value, len(self.words))
            )
        self.tf_vocabulary = np.array(list(self.words), dtype=object)
        per_pair: np.ndarray = np.array(codes, dtype=np.int64)[inverse]
        return per_pair
