"""Weights learned without labels: EM on candidate pairs, and a model that round-trips."""

from __future__ import annotations

import json

from mdm import FellegiSunterMatcher, Model, default_model, train


def weights(model: Model, name: str) -> dict[str, float]:
    index = [c.name for c in model.comparisons].index(name)
    levels = model.comparisons[index].levels
    return dict(zip(levels, model.weights[index][1:], strict=True))


def test_em_converges_to_sensible_m_and_u_on_generated_data(customers) -> None:
    records, _ = customers
    model = train(records, seed=1)
    assert model.training["source"] == "em" and model.training["converged"]
    for name in ("email", "phone", "birth_date", "given_name"):
        index = [c.name for c in model.comparisons].index(name)
        m, u = model.m[index], model.u[index]
        assert m[0] > 0.5 > u[0], (name, m, u)
        assert weights(model, name)["exact"] > 0 > weights(model, name)["else"]
    assert 0.0 < model.prior < 1.0


def test_training_is_deterministic_for_a_seed(customers) -> None:
    records, _ = customers
    assert train(records, seed=5).to_dict() == train(records, seed=5).to_dict()


def test_a_trained_model_round_trips_through_json(customers) -> None:
    records, _ = customers
    model = train(records, seed=1)
    again = Model.from_dict(json.loads(json.dumps(model.to_dict())))
    assert again.to_dict() == model.to_dict()
    a, b = (again.prepare(r) for r in records[:2])
    assert again.score(a, b).total_weight == model.score(a, b).total_weight


def test_a_saved_model_makes_a_matcher_with_its_thresholds(customers) -> None:
    records, _ = customers
    matcher = FellegiSunterMatcher.from_model(train(records).to_dict(), thresholds=(0.95, 0.8))
    assert matcher.thresholds.auto_merge == 0.95
    assert matcher.decide(matcher.score(records[0], records[0])) == "match"


def test_tiny_data_keeps_the_default_weights() -> None:
    model = train([{"given_name": "Anna", "family_name": "Li"}] * 5)
    assert model.m == default_model().m and model.training["source"] == "defaults"
