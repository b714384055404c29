"""Column arrays of comparison values: every record's values encoded once, as integers.

Scoring a million candidate pairs one Python call at a time costs minutes; comparing
integer codes of whole pair arrays with numpy costs milliseconds. A column holds, per
record, an integer code for a value (``-1``: missing) and the vocabulary the codes index.
Vocabularies are sorted, so comparing codes orders values as comparing the strings does
(a comparison's "smallest shared value" is the smallest shared code). A record holding a
set of values (every address in ``emails``) gets a row of codes padded with ``-1``.

Fuzzy similarities are computed with rapidfuzz's ``process.cpdist`` on the distinct value
pairs of a pair array only: a city compared a million times has a few hundred pairs of
spellings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from rapidfuzz import process

MISSING = -1


@dataclass(frozen=True)
class Codes:
    """One value per record as a code into ``vocabulary`` (sorted); ``-1`` when missing."""

    codes: np.ndarray
    vocabulary: np.ndarray  # object array of str, sorted

    def __len__(self) -> int:
        return len(self.codes)


def encode(values: Iterable[str | None], vocabulary: Sequence[str] | None = None) -> Codes:
    """Codes for ``values`` in a sorted vocabulary (their own distinct values by default).

    >>> found = encode(["b", None, "a", "b"])
    >>> found.codes.tolist(), found.vocabulary.tolist()
    ([1, -1, 0, 1], ['a', 'b'])
    """
    values = list(values)
    words = sorted(set(values) - {None} if vocabulary is None else vocabulary)  # type: ignore[type-var]
    index: dict[str | None, int] = {w: n for n, w in enumerate(words)}
    index[None] = MISSING
    codes = np.fromiter(map(index.__getitem__, values), dtype=np.int32, count=len(values))
    return Codes(codes, _objects(words))


def encode_sets(
    values: Iterable[Iterable[str] | None], vocabulary: Sequence[str] | None = None
) -> Codes:
    """A row of codes per record for a set of values, padded with ``-1`` (``codes`` is 2-D).

    >>> found = encode_sets([{"x", "y"}, None, {"y"}])
    >>> sorted(found.codes[0].tolist()), found.codes[1:].tolist(), found.vocabulary.tolist()
    ([0, 1], [[-1, -1], [1, -1]], ['x', 'y'])
    """
    rows = [list(v) if v else [] for v in values]
    lengths = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
    flat = [w for row in rows for w in row]
    words = sorted(set(flat) if vocabulary is None else vocabulary)
    index = {w: n for n, w in enumerate(words)}
    width = int(lengths.max(initial=0)) or 1
    codes = np.full((len(rows), width), MISSING, dtype=np.int32)
    if flat:
        starts = np.cumsum(lengths) - lengths
        owners = np.repeat(np.arange(len(rows)), lengths)
        columns = np.arange(len(flat)) - np.repeat(starts, lengths)
        codes[owners, columns] = np.fromiter(map(index.__getitem__, flat), np.int32, len(flat))
    return Codes(codes, _objects(words))


def vocabulary_of(*groups: Iterable[str | None]) -> list[str]:
    """The sorted distinct values of several groups, for columns that are compared across."""
    return sorted({v for group in groups for v in group if v is not None})


def as_vocabulary(words: Sequence[str]) -> np.ndarray:
    """Sorted words as the object array a column's codes index."""
    return _objects(sorted(words))


def _objects(words: Sequence[str]) -> np.ndarray:
    found = np.empty(len(words), dtype=object)
    found[:] = list(words)
    return found


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


def smallest_shared(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per pair, the smallest code two padded rows share; ``-1`` when they share none."""
    none = np.iinfo(np.int32).max
    found = np.full(len(a), none, dtype=np.int32)
    for i in range(a.shape[1]):
        left = a[:, i]
        for j in range(b.shape[1]):
            hit = (left == b[:, j]) & (left >= 0)
            found = np.where(hit & (left < found), left, found)
    found[found == none] = MISSING
    return found


def rows(matrix: np.ndarray) -> np.ndarray:
    """A 1-D code column as a (records, 1) matrix, so that sets and single values mix."""
    return matrix if matrix.ndim == 2 else matrix[:, None]


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
    return found[inverse.reshape(-1)]
