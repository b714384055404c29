"""Expectation–maximisation for Fellegi–Sunter: m, u and the prior without labels.

Candidate pairs are summarised as *patterns* (the level each comparison reaches)
with a count, so one iteration costs the number of distinct patterns, not pairs.
Missing values (level 0) carry no evidence and do not enter the estimates.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

Levels = tuple[int, ...]


@dataclass(frozen=True)
class EMResult:
    """Estimated ``m``/``u`` per comparison and level, the prior and how it went."""

    m: tuple[tuple[float, ...], ...]
    u: tuple[tuple[float, ...], ...]
    prior: float
    iterations: int
    converged: bool


def _normalise(counts: np.ndarray) -> np.ndarray:
    total = counts.sum()
    return counts / total if total > 0 else counts


def expectation_maximisation(
    patterns: Mapping[Levels, int],
    m: Sequence[Sequence[float]],
    u: Sequence[Sequence[float]],
    prior: float,
    *,
    estimate_u: bool = True,
    max_iterations: int = 200,
    tolerance: float = 1e-6,
    pseudo_count: float = 1.0,
) -> EMResult:
    """Fit a two-class mixture (match / non-match) to counted level patterns.

    ``m``, ``u`` and ``prior`` are the starting point; with ``estimate_u=False`` the
    u values stay fixed (as when they come from random pairs). ``pseudo_count``
    pairs' worth of the starting values are mixed into each estimate, which keeps
    a level never seen among matches from getting a probability of zero.

    Three fields, 100 matches agreeing on each with probability 0.9 and 900
    non-matches agreeing with probability 0.1, are recovered from a poor start:

    >>> from itertools import product
    >>> def p(agree, levels): return agree ** levels.count(1) * (1 - agree) ** levels.count(2)
    >>> patterns = {lv: 100 * p(0.9, lv) + 900 * p(0.1, lv) for lv in product((1, 2), repeat=3)}
    >>> fit = expectation_maximisation(patterns, [(0.6, 0.4)] * 3, [(0.3, 0.7)] * 3, 0.3,
    ...                                pseudo_count=0.0)
    >>> round(fit.prior, 3), round(fit.m[0][0], 3), round(fit.u[0][0], 3)
    (0.1, 0.9, 0.1)
    """
    levels = np.array(list(patterns), dtype=np.int64)
    counts = np.array(list(patterns.values()), dtype=np.float64)
    sizes = [len(x) for x in m]
    m_now = [np.asarray(x, dtype=np.float64) for x in m]
    u_now = [np.asarray(x, dtype=np.float64) for x in u]
    m_start, u_start = [x.copy() for x in m_now], [x.copy() for x in u_now]
    converged = False
    iteration = 0
    for iteration in range(1, max_iterations + 1):  # noqa: B007
        log_m = np.full(len(counts), np.log(prior))
        log_u = np.full(len(counts), np.log1p(-prior))
        for index in range(len(sizes)):
            column = levels[:, index]
            log_m += np.concatenate(([0.0], np.log(m_now[index])))[column]
            log_u += np.concatenate(([0.0], np.log(u_now[index])))[column]
        share = 1.0 / (1.0 + np.exp(np.clip(log_u - log_m, -700, 700)))
        matched, unmatched = counts * share, counts * (1.0 - share)
        new_prior = float(matched.sum() / counts.sum())
        new_prior = min(max(new_prior, 1e-6), 1 - 1e-6)
        change = abs(new_prior - prior)
        for index, size in enumerate(sizes):
            column = levels[:, index]
            m_counts = np.bincount(column, weights=matched, minlength=size + 1)[1:]
            new_m = _normalise(m_counts + pseudo_count * m_start[index])
            change = max(change, float(np.abs(new_m - m_now[index]).max()))
            m_now[index] = new_m
            if estimate_u:
                u_counts = np.bincount(column, weights=unmatched, minlength=size + 1)[1:]
                new_u = _normalise(u_counts + pseudo_count * u_start[index])
                change = max(change, float(np.abs(new_u - u_now[index]).max()))
                u_now[index] = new_u
        prior = new_prior
        if change < tolerance:
            converged = True
            break
    return EMResult(
        tuple(tuple(float(v) for v in x) for x in m_now),
        tuple(tuple(float(v) for v in x) for x in u_now),
        prior,
        iteration,
        converged,
    )


def level_shares(patterns: Mapping[Levels, int], sizes: Sequence[int]) -> list[list[float]]:
    """Per comparison, the share of each level among pairs where it is not missing.

    >>> level_shares({(1, 0): 3, (2, 2): 1}, [2, 2])
    [[0.75, 0.25], [0.0, 1.0]]
    """
    shares = []
    for index, size in enumerate(sizes):
        counts = [0.0] * size
        for pattern, count in patterns.items():
            if pattern[index]:
                counts[pattern[index] - 1] += count
        total = sum(counts)
        shares.append([c / total if total else 1.0 / size for c in counts])
    return shares
