"""What the blocking costs and finds: candidate pairs per rule, and recall per rule.

Every candidate pair is scored, so the pairs a blocking rule brings are its price; the true
pairs only it brings are its worth. A block larger than the cap is left out (scoring it
would cost its square) and reported: with known duplicates the report also says how many
true pairs were lost because every key they share was capped.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from mdm.blocking import BlockingRule

#: The rule (:func:`mdm.blocking.block_on`) each key prefix of the blocking keys belongs to.
RULES = {
    prefix: str(BlockingRule(on))
    for prefix, on in {
        "e": ("email",),
        "el": ("email_local_part",),
        "p": ("phone",),
        "i": ("national_id",),
        "n": ("name",),
        "n~": ("name_sounds", "city"),
        "nc": ("name", "city"),
        "d": ("birth_date", "name_sound"),
        "di": ("birth_date", "initials"),
        "pc": ("postcode", "name_sound"),
        "dp": ("birth_date", "postcode"),
        "a": ("street", "place"),
        "an": ("place", "house_number", "name_sound"),
    }.items()
}


def rule_of(key: str) -> str:
    """The rule a blocking key belongs to.

    >>> rule_of("e:zhang@x.cn"), rule_of("n:~z5|w|beijing"), rule_of("dp:19850312|100000")
    ("block_on('email')", "block_on('name_sounds', 'city')", "block_on('birth_date', 'postcode')")
    """
    prefix, _, rest = key.partition(":")
    if prefix == "n" and rest.startswith("~"):
        prefix = "n~"
    return RULES.get(prefix, prefix)


@dataclass
class RuleReport:
    """One rule: its usable blocks, the pair occurrences they hold, its capped blocks and,
    with known duplicates, the share of true pairs it finds and finds alone."""

    rule: str
    blocks: int = 0
    pairs: int = 0
    capped_blocks: int = 0
    capped_records: int = 0
    largest_capped: int = 0
    recall: float | None = None
    only: float | None = None


@dataclass
class BlockingReport:
    """The blocking of one set of records (see :func:`blocking_report`)."""

    records: int
    cap: int
    pair_occurrences: int
    rules: list[RuleReport] = field(default_factory=list)
    true_pairs: int | None = None
    recall: float | None = None
    lost_to_caps: int | None = None

    @property
    def pairs_per_record(self) -> float:
        """Pair occurrences (a pair counted once per rule key it shares) per record."""
        return self.pair_occurrences / self.records if self.records else 0.0

    def lines(self) -> list[str]:
        """The report as a table a person reads."""
        found = [
            f"{self.records} records, cap {self.cap}: {self.pair_occurrences} pair occurrences "
            f"({self.pairs_per_record:.1f} per record)"
        ]
        if self.recall is not None:
            found.append(
                f"blocking recall {self.recall:.4f} of {self.true_pairs} true pairs; "
                f"{self.lost_to_caps} lost because every key they share was capped"
            )
        found.append(
            f"{'rule':<50} {'blocks':>9} {'pairs':>11} {'capped':>7} {'largest':>8}"
            f" {'recall':>7} {'alone':>7}"
        )
        for rule in self.rules:
            recall = "-" if rule.recall is None else f"{rule.recall:.4f}"
            only = "-" if rule.only is None else f"{rule.only:.4f}"
            found.append(
                f"{rule.rule:<50} {rule.blocks:>9} {rule.pairs:>11} {rule.capped_blocks:>7}"
                f" {rule.largest_capped:>8} {recall:>7} {only:>7}"
            )
        return found


def blocking_report(
    keys: Sequence[Iterable[str]],
    *,
    cap: int,
    true_pairs: Iterable[tuple[int, int]] | None = None,
) -> BlockingReport:
    """Blocks, pairs and capped blocks per rule for records' blocking ``keys`` (one
    collection per record), and recall per rule when the ``true_pairs`` (positions) are known.

    >>> keys = [{"e:a@x.cn", "n:li|wei"}, {"e:a@x.cn"}, {"n:li|wei"}, {"n:li|wei"}]
    >>> report = blocking_report(keys, cap=2, true_pairs=[(0, 1), (2, 3)])
    >>> [(r.rule, r.pairs, r.capped_blocks, r.recall) for r in report.rules]
    [("block_on('email')", 1, 0, 0.5), ("block_on('name')", 0, 1, 0.0)]
    >>> report.recall, report.lost_to_caps
    (0.5, 1)
    """
    sets = [k if isinstance(k, set | frozenset) else set(k) for k in keys]
    names = sorted({rule_of(k) for ks in sets for k in ks})
    rule_index = {name: n for n, name in enumerate(names)}
    flat = [(hash(k), rule_index[rule_of(k)]) for ks in sets for k in ks]
    hashes = np.fromiter((h for h, _ in flat), dtype=np.int64, count=len(flat))
    rules = np.fromiter((r for _, r in flat), dtype=np.int64, count=len(flat))
    distinct, first, sizes = np.unique(hashes, return_index=True, return_counts=True)
    block_rules = rules[first]
    usable = (sizes >= 2) & (sizes <= cap)
    capped = sizes > cap
    reports = []
    for index, name in enumerate(names):
        mine = block_rules == index
        pairs = sizes[mine & usable]
        over = sizes[mine & capped]
        reports.append(
            RuleReport(
                name,
                blocks=len(pairs),
                pairs=int((pairs * (pairs - 1) // 2).sum()),
                capped_blocks=len(over),
                capped_records=int(over.sum()),
                largest_capped=int(over.max(initial=0)),
            )
        )
    report = BlockingReport(len(sets), cap, sum(r.pairs for r in reports), reports)
    if true_pairs is not None:
        _recall(report, sets, list(true_pairs), distinct, sizes, cap)
    return report


def _recall(
    report: BlockingReport,
    sets: Sequence[set[str] | frozenset[str]],
    truth: Sequence[tuple[int, int]],
    distinct: np.ndarray,
    sizes: np.ndarray,
    cap: int,
) -> None:
    found = dict.fromkeys((r.rule for r in report.rules), 0)
    alone = dict.fromkeys(found, 0)
    kept = lost = 0
    for a, b in truth:
        shared = sets[a] & sets[b]
        if not shared:
            continue
        wanted = np.fromiter((hash(k) for k in shared), dtype=np.int64, count=len(shared))
        size = sizes[np.searchsorted(distinct, wanted)]
        usable = {rule_of(k) for k, n in zip(shared, size.tolist(), strict=True) if n <= cap}
        if not usable:
            lost += 1
            continue
        kept += 1
        for rule in usable:
            found[rule] += 1
        if len(usable) == 1:
            alone[next(iter(usable))] += 1
    total = len(truth)
    report.true_pairs, report.lost_to_caps = total, lost
    report.recall = kept / total if total else 1.0
    for entry in report.rules:
        entry.recall = found[entry.rule] / total if total else 1.0
        entry.only = alone[entry.rule] / total if total else 0.0


def truth_pairs(entities: Sequence[Hashable]) -> list[tuple[int, int]]:
    """Every pair of positions whose records belong to one entity.

    >>> truth_pairs(["a", "b", "a", "a"])
    [(0, 2), (0, 3), (2, 3)]
    """
    members: dict[Hashable, list[int]] = {}
    for position, entity in enumerate(entities):
        members.setdefault(entity, []).append(position)
    return sorted((x, y) for m in members.values() for i, x in enumerate(m) for y in m[i + 1 :])
