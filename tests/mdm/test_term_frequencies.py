"""An agreement on a common name is weaker evidence than one on a rare name."""

from __future__ import annotations

from collections import Counter

from mdm_samples import person

from mdm import FellegiSunterMatcher, TermFrequencies, default_model


def test_a_common_name_agreement_counts_less_than_a_rare_one() -> None:
    counts = {"family_name": Counter(zhang=900, ouyang=3, li=97)}
    matcher = FellegiSunterMatcher(frequencies=TermFrequencies.from_counts(counts))
    born = {"birth_date": "1980-01-01"}
    common = matcher.score(person(full_name="张伟", **born), person(full_name="张伟", **born))
    rare = matcher.score(person(full_name="欧阳伟", **born), person(full_name="欧阳伟", **born))
    family = {s: next(f for f in s.fields if f.field == "family_name") for s in (common, rare)}
    assert family[common].level == family[rare].level == "exact"
    assert family[common].tf_adjustment < 0 < family[rare].tf_adjustment
    assert common.total_weight < rare.total_weight


def test_frequencies_counted_from_records_and_the_pipeline_figures_agree() -> None:
    model = default_model()
    records = [model.prepare(person(full_name=n)) for n in ["张伟"] * 8 + ["李娜", "王芳"]]
    counted = TermFrequencies.from_records(records, model.comparisons)
    given = counted.fields["given_name"]
    assert given.counts["wei"] == 8 and given.total == 10
    supplied = TermFrequencies.from_counts(
        {"given_name": {"wei": 8}},
        totals={"given_name": 10},
        squares={"given_name": 66},
        distinct={"given_name": 3},
    )
    assert supplied.adjustment("given_name", "wei") == counted.adjustment("given_name", "wei")


def test_the_matcher_lists_the_values_a_record_adds_to_the_counts() -> None:
    values = FellegiSunterMatcher().term_values(person(full_name="張偉", email="A@x.cn"))
    assert ("family_name", "zhang") in values and ("email", "a@x.cn") in values
