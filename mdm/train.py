"""Learn a model from unlabelled records: sample, block, count level patterns, run EM.

m — how often a true match reaches each level — is learned by EM over the candidate
pairs (records sharing a blocking key), with u and the prior estimated alongside so
that the non-matches blocking brings together (a household, two people called 张伟)
do not leak into m. The model then scores a pair against *random* pairs, as
Fellegi–Sunter intends (``u_source="random"``, the default): u per level from random
record pairs, an exact level's u from the value counts (the chance two random values
agree), and the prior scaled from the candidate pairs to all pairs.

Two alternatives are kept for measurement (``bench/er_febrl.py --variants``,
``bench/er_scale.py --variants``): ``"blocked"`` scores with the candidate-pair u and
prior themselves, which over-trusts a field when few candidate non-matches happen to
agree on it (at 100,000 generated records it lost precision when the blocking keys
changed); ``"fixed-random"`` is the peers' way, u from random pairs held fixed during
EM, which lets candidate non-matches that share a name or an address pull m up
(F1 0.982 against 0.991 on 100,000 generated records; equal on FEBRL).
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np

from mdm.blocking import block_keys
from mdm.candidates import candidate_pairs, index_blocks
from mdm.comparisons import Comparison
from mdm.em import expectation_maximisation, level_shares
from mdm.frequencies import TermFrequencies
from mdm.library import CUSTOMER_COMPARISONS
from mdm.model import (
    DEFAULT_PRIOR,
    Model,
    Prepared,
    default_model,
    default_parameters,
    exact_u_from_counts,
)
from mdm.scoring import PairScorer

#: Where u comes from. ``random``: scored against random record pairs (u from random
#: pairs and value counts, the prior scaled to all pairs), m from EM on candidate pairs;
#: ``blocked``: m, u and prior all from EM on candidate pairs; ``fixed-random``: the
#: peers' way, u from random pairs held fixed while EM estimates m.
USource = Literal["random", "blocked", "fixed-random"]

#: Fewer candidate pairs than this and the data cannot teach much: keep the defaults.
MIN_PAIRS = 200
#: A comparison needs this many non-missing pairs to be learned.
MIN_COMPARED = 50


def train(
    records: Sequence[Mapping[str, Any]],
    *,
    comparisons: Sequence[Comparison] = CUSTOMER_COMPARISONS,
    seed: int = 0,
    max_records: int = 100_000,
    max_pairs: int = 400_000,
    block_cap: int = 500,
    keep_values: int = 2_000,
    u_source: USource = "random",
) -> Model:
    """Learn m, u, the prior and term frequencies from standardised flat records.

    Deterministic for a given ``seed``. Up to ``max_records`` records are sampled and
    up to ``max_pairs`` of their candidate pairs used; ``keep_values`` most common
    values per comparison are kept for the TF adjustment. With too little data the
    default (cold-start) parameters are kept, with the frequencies learned.

    >>> model = train([{"given_name": "Anna", "family_name": "Li"}] * 3)
    >>> model.training["source"]
    'defaults'
    """
    rng = random.Random(seed)
    sample = list(records)
    if len(sample) > max_records:
        sample = rng.sample(sample, max_records)
    base = default_model(comparisons)
    prepared = [base.prepare(r) for r in sample]
    pairs = candidate_pairs(index_blocks([block_keys(r) for r in sample], block_cap))
    frequencies = TermFrequencies.from_records(prepared, comparisons, keep=keep_values)
    return train_prepared(
        prepared,
        pairs,
        frequencies,
        comparisons=comparisons,
        seed=seed,
        max_pairs=max_pairs,
        u_source=u_source,
    )


def _random_pairs(count: int, size: int, rng: random.Random) -> np.ndarray:
    pairs: set[tuple[int, int]] = set()
    limit = size * (size - 1) // 2
    while len(pairs) < min(count, limit):
        i, j = rng.randrange(size), rng.randrange(size)
        if i != j:
            pairs.add((min(i, j), max(i, j)))
    return np.array(sorted(pairs), dtype=np.int64).reshape(-1, 2)


def train_prepared(
    prepared: Sequence[Prepared] | None,
    pairs: np.ndarray,
    frequencies: TermFrequencies,
    *,
    comparisons: Sequence[Comparison] = CUSTOMER_COMPARISONS,
    seed: int = 0,
    max_pairs: int = 400_000,
    u_source: USource = "random",
    blocked_pairs: int | None = None,
    random_pairs: int = 100_000,
    scorer: PairScorer | None = None,
    workers: int = 1,
    records: int | None = None,
) -> Model:
    """:func:`train` on records prepared by ``default_model(comparisons)`` and their
    candidate pairs (an (n, 2) array of positions, as :mod:`mdm.candidates` makes).
    ``scorer``: the records already encoded (:class:`~mdm.scoring.PairScorer`), in which
    case ``prepared`` may be ``None`` and ``records`` says how many there are."""
    rng = random.Random(seed)
    comparisons = tuple(comparisons)
    base = default_model(comparisons)
    all_blocked = blocked_pairs if blocked_pairs is not None else len(pairs)
    if len(pairs) > max_pairs:
        chosen = np.random.default_rng(seed).choice(len(pairs), max_pairs, replace=False)
        pairs = pairs[np.sort(chosen)]
    if len(pairs) < MIN_PAIRS:
        return base.with_frequencies(frequencies)

    if scorer is None:
        assert prepared is not None, "give the prepared records or their scorer"
        scorer = PairScorer(base, prepared)
    if records is not None:
        size = records
    elif prepared is not None:
        size = len(prepared)
    else:
        raise ValueError("give the number of records with their scorer")
    blocked = scorer.patterns(pairs, workers)
    sizes = [len(c.levels) for c in comparisons]
    start_m = [default_parameters(c)[0] for c in comparisons]
    total = size * (size - 1) / 2
    random_u: list[list[float]] | None = None
    if u_source in ("random", "fixed-random"):
        wanted = min(random_pairs, 10 * size)  # fuzzy levels need no more
        sampled = _random_pairs(wanted, size, rng)
        random_u = _random_u(scorer.patterns(sampled, workers), comparisons, frequencies)
    if u_source == "fixed-random":
        assert random_u is not None
        fit = expectation_maximisation(blocked, start_m, random_u, 0.1, estimate_u=False)
    else:
        start_u = level_shares(blocked, sizes)
        fit = expectation_maximisation(blocked, start_m, _floor(start_u), 0.1)
    prior = fit.prior if random_u is None else fit.prior * all_blocked / total

    m, u, kept_defaults = [], [], []
    for index, comparison in enumerate(comparisons):
        compared = sum(n for pattern, n in blocked.items() if pattern[index])
        fm = fit.m[index]
        fu = fit.u[index] if random_u is None else tuple(random_u[index])
        if compared < MIN_COMPARED or not _sensible(fm, fu):
            default_m, default_u = default_parameters(comparison)
            fm, fu = default_m, (default_u if random_u is None else fu)
            kept_defaults.append(comparison.name)
        m.append(tuple(fm))
        u.append(tuple(fu))
    training = {
        "source": "em",
        "u_source": u_source,
        "records": size,
        "pairs": len(pairs),
        "patterns": len(blocked),
        "iterations": fit.iterations,
        "converged": fit.converged,
        "kept_defaults": kept_defaults,
        "seed": seed,
    }
    prior = min(max(prior, 1e-9), 0.999) if math.isfinite(prior) else DEFAULT_PRIOR
    return Model(comparisons, tuple(m), tuple(u), prior, frequencies, base.guards, training)


def _random_u(
    patterns: Counter[tuple[int, ...]],
    comparisons: Sequence[Comparison],
    frequencies: TermFrequencies,
) -> list[list[float]]:
    """u per level from random record pairs; an exact level's u is the chance two random
    values agree, from the value counts, which is far more precise than a sample."""
    shares = level_shares(patterns, [len(c.levels) for c in comparisons])
    found = []
    for comparison, row in zip(comparisons, shares, strict=True):
        counted = frequencies.fields.get(comparison.name)
        if counted is not None and counted.agreement > 0:
            row = list(exact_u_from_counts(row, counted.agreement))
        found.append(row)
    return _floor(found, floor=1e-7)


def _floor(shares: Sequence[Sequence[float]], floor: float = 1e-4) -> list[list[float]]:
    floored = []
    for row in shares:
        raised = [max(x, floor) for x in row]
        total = sum(raised)
        floored.append([x / total for x in raised])
    return floored


def _sensible(m: Sequence[float], u: Sequence[float]) -> bool:
    """Agreement must count for a match and the final ``else`` level against one."""
    return m[0] > u[0] and m[-1] < u[-1] and (m[0] / u[0]) > (m[-1] / u[-1])
