"""Scoring a deduplication against known truth, pair by pair."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import InputFileError
from pipeline.evaluate import pairwise_score, read_clusters


def test_a_perfect_result_scores_one_and_a_split_loses_recall_only() -> None:
    truth = {"1": "a", "2": "a", "3": "a", "4": "b"}
    assert pairwise_score({"1": "x", "2": "x", "3": "x", "4": "y"}, truth).f1 == 1.0
    split = pairwise_score({"1": "x", "2": "x", "3": "z", "4": "y"}, truth)
    assert (split.precision, round(split.recall, 4)) == (1.0, 0.3333)


def test_records_missing_from_the_truth_are_not_counted() -> None:
    score = pairwise_score({"1": "x", "2": "x", "9": "x"}, {"1": "a", "2": "a"})
    assert (score.records, score.found, score.correct) == (2, 1, 1)


def test_a_truth_file_needs_an_id_and_an_entity_column(tmp_path: Path) -> None:
    good = tmp_path / "truth.csv"
    good.write_text("source_id,person\n1,7\n2,7\n", encoding="utf-8")
    assert read_clusters(good) == {"1": "7", "2": "7"}
    bad = tmp_path / "bad.csv"
    bad.write_text("id,person\n1,7\n", encoding="utf-8")
    with pytest.raises(InputFileError, match=r"bad\.csv: expected a source_id column"):
        read_clusters(bad)
