"""Column arrays of comparison values: every record's values encoded once, as integers.

Scoring a million candidate pairs one Python call at a time costs minutes; comparing
integer codes of whole pair arrays with numpy costs milliseconds. A column holds, per
record, an integer code for a value (``-1``: missing) and the vocabulary the codes index;
a record holding a set of values (every address in ``emails``) gets a row of codes padded
with ``-1``. Columns are appended to record by record (compact ``array`` buffers), so that
a million records are encoded as they are read, without keeping their values.

Fuzzy similarities are computed with rapidfuzz's ``process.cpdist`` on the distinct value
pairs of a pair array only: a city compared a million times has a few hundred pairs of
spellings.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
from rapidfuzz import process

MISSING = -1


class Vocabulary:
    """Distinct words in order of first appearance, each with its code.

    >>> words = Vocabulary()
    >>> [words.code(w) for w in ("b", None, "a", "b")], words.array().tolist()
    ([0, -1, 1, 0], ['b', 'a'])
    """

    def __init__(self) -> None:
        self._codes: dict[str, int] = {}
        self.words: list[str] = []

    def code(self, word: str | None) -> int:
        if word is None:
            return MISSING
        found = self._codes.get(word)
        if found is None:
            found = self._codes[word] = len(self.words)
            self.words.append(word)
        return found

    def __len__(self) -> int:
        return len(self.words)

    def array(self) -> np.ndarray:
        """The words as the object array codes index."""
        found = np.empty(len(self.words), dtype=object)
        found[:] = self.words
        return found


class Column:
    """One code per record, appended as records are encoded (``-1``: missing).

    >>> words = Vocabulary()
    >>> column = Column(words)
    >>> for word in ("x", None, "x"):
    ...     column.add(word)
    >>> column.array().tolist()
    [0, -1, 0]
    """

    def __init__(self, vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary
        self.codes = array("i")

    def add(self, word: str | None) -> None:
        self.codes.append(self.vocabulary.code(word))

    def array(self) -> np.ndarray:
        return np.frombuffer(self.codes, dtype=np.int32).copy()


class SetColumn:
    """A set of codes per record, appended as records are encoded; :meth:`array` pads
    them into rows of one width with ``-1``.

    >>> words = Vocabulary()
    >>> column = SetColumn(words)
    >>> for found in ({"x"}, None, ()):
    ...     column.add(found)
    >>> column.add(["y", "x"])
    >>> column.array().tolist()
    [[0, -1], [-1, -1], [-1, -1], [1, 0]]
    """

    def __init__(self, vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary
        self.flat = array("i")
        self.lengths = array("i")

    def add(self, words: Iterable[str] | None) -> None:
        before = len(self.flat)
        if words:
            code = self.vocabulary.code
            self.flat.extend(code(w) for w in words)
        self.lengths.append(len(self.flat) - before)

    def array(self, width: int = 1) -> np.ndarray:
        lengths = np.frombuffer(self.lengths, dtype=np.int32).astype(np.int64)
        flat = np.frombuffer(self.flat, dtype=np.int32)
        width = max(int(lengths.max(initial=0)), width)
        codes = np.full((len(lengths), width), MISSING, dtype=np.int32)
        if len(flat):
            starts = np.cumsum(lengths) - lengths
            owners = np.repeat(np.arange(len(lengths)), lengths)
            codes[owners, np.arange(len(flat)) - np.repeat(starts, lengths)] = flat
        return codes


def shares_any(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per pair, whether two padded code rows share a code (``a``, ``b``: (pairs, width)).

    >>> shares_any(np.array([[1, 2], [3, -1]]), np.array([[2, -1], [-1, -1]])).tolist()
    [True, False]
    """
    found = np.zeros(len(a), dtype=bool)
    for i in range(a.shape[1]):
        left = a[:, i]
        if not (left >= 0).any():
            continue
        for j in range(b.shape[1]):
            found |= (left == b[:, j]) & (left >= 0)
    return found


def smallest_shared(a: np.ndarray, b: np.ndarray, vocabulary: np.ndarray) -> np.ndarray:
    """Per pair, the code of the smallest word (as strings order) two padded rows share;
    ``-1`` when they share none.

    >>> words = np.array(["b", "a", "c"], dtype=object)
    >>> smallest_shared(np.array([[0, 1], [2, -1]]), np.array([[1, 0], [0, -1]]), words).tolist()
    [1, -1]
    """
    found = np.full(len(a), MISSING, dtype=np.int32)
    several = np.zeros(len(a), dtype=bool)
    for i in range(a.shape[1]):
        left = a[:, i]
        for j in range(b.shape[1]):
            hit = (left == b[:, j]) & (left >= 0)
            several |= hit & (found >= 0) & (found != left)
            found = np.where(hit & (found < 0), left, found)
    for row in np.flatnonzero(several).tolist():  # rare: two shared addresses
        shared = set(a[row][a[row] >= 0].tolist()) & set(b[row][b[row] >= 0].tolist())
        found[row] = min(shared, key=lambda code: vocabulary[code])
    return found


def pairwise(
    scorer: Callable[..., Any],
    left: np.ndarray,
    right: np.ndarray,
    vocabulary: np.ndarray,
    *,
    dtype: Any,
    workers: int = 1,
    right_vocabulary: np.ndarray | None = None,
    **options: Any,
) -> np.ndarray:
    """``scorer(vocabulary[l], vocabulary[r])`` for every code pair, computed once per
    distinct pair with ``process.cpdist`` (``workers`` threads).

    >>> from rapidfuzz.distance import OSA
    >>> words = np.array(["abc", "abd", "xyz"], dtype=object)
    >>> pairwise(OSA.distance, np.array([0, 0, 0]), np.array([1, 2, 1]), words,
    ...          dtype=np.int32).tolist()
    [1, 3, 1]
    """
    if len(left) == 0:
        return np.zeros(0, dtype=dtype)
    others = vocabulary if right_vocabulary is None else right_vocabulary
    width = np.int64(len(others))
    keys = left.astype(np.int64) * width + right.astype(np.int64)
    distinct, inverse = np.unique(keys, return_inverse=True)
    queries = vocabulary[distinct // width]
    choices = others[distinct % width]
    found = process.cpdist(
        queries, choices, scorer=scorer, dtype=dtype, workers=workers, **options
    ).reshape(-1)
    per_pair: np.ndarray = found[inverse.reshape(-1)]
    return per_pair
