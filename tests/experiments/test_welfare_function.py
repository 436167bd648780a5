"""The one entry point for exploration tools, and the EMA Workbench bridge."""

from __future__ import annotations

import gc
import math
import weakref

import mesa
import pytest

from simulation.experiments import run_welfare
from simulation.experiments.welfare import last_error, outcome_names

SMALL = dict(scale=0.005, municipalities=(101, 461, 751), end_year=2034)


def test_run_welfare_returns_scalar_outcomes_and_is_deterministic():
    a = run_welfare(seed=3, facilitation=0.8, effect_scale=1.5, **SMALL)
    b = run_welfare(seed=3, facilitation=0.8, effect_scale=1.5, **SMALL)
    assert a == b
    assert a["run_ok"] == 1
    assert set(outcome_names()) <= set(a)
    assert all(isinstance(v, float | int) and math.isfinite(v) for v in a.values())
    assert run_welfare(seed=4, facilitation=0.8, effect_scale=1.5, **SMALL) != a


def test_finished_models_are_freed(monkeypatch):
    """A sweep worker runs thousands of models: none may stay in memory after its run."""
    created = []
    original = mesa.Model.__init__

    def init(self, *args, **kwargs):
        created.append(weakref.ref(self))
        original(self, *args, **kwargs)

    monkeypatch.setattr(mesa.Model, "__init__", init)
    for seed in (1, 2):
        assert run_welfare(seed=seed, base="strategic", **SMALL)["run_ok"] == 1
    gc.collect()
    assert len(created) == 2
    assert all(ref() is None for ref in created)
    # agent ids still count per model
    model = mesa.Model()
    assert [mesa.Agent(model).unique_id for _ in range(3)] == [1, 2, 3]


def test_run_welfare_never_raises():
    for bad in ({"facilitaton": 1.0}, {"facilitation": 99.0}, {"public_role": "nobody"}):
        out = run_welfare(seed=1, **SMALL, **bad)
        assert out["run_ok"] == 0
        assert all(math.isnan(out[name]) for name in outcome_names())
        assert last_error()


def test_run_welfare_compares_under_common_random_numbers():
    out = run_welfare(seed=2, base="strategic", compare_to="strategic", **SMALL)
    assert out["diff_net_cost_cum"] == 0.0
    assert out["costs_more"] == 0.0


def test_ema_bridge_runs_scenarios_by_policies():
    ema = pytest.importorskip("ema_workbench")
    from simulation.experiments.ema import build_model

    model = build_model(
        uncertainties=["effect_scale", "unit_cost_growth"],
        levers=["quality_assurance", "public_role"],
        scale=0.003,
        municipalities=(101, 751),
        end_year=2032,
    )
    experiments, outcomes = ema.perform_experiments(
        model, scenarios=2, policies=2, evaluator=ema.SequentialEvaluator(model)
    )
    assert len(experiments) == 4
    assert {"effect_scale", "unit_cost_growth", "quality_assurance", "public_role"} <= set(
        experiments.columns
    )
    assert len(outcomes["net_cost_cum"]) == 4
    assert list(outcomes["run_ok"]) == [1, 1, 1, 1]
