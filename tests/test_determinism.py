"""The same scenario, scale and seed give identical results; other seeds differ."""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulation import model as model_module
from simulation.scenario import load_scenario
from simulation.simulate import run_scenarios
from tests.conftest import run_model

SMALL = (101, 461, 751)


def test_same_seed_gives_identical_tables():
    a = run_model(scale=0.01, seed=3, municipalities=SMALL, end_year=2035).table()
    b = run_model(scale=0.01, seed=3, municipalities=SMALL, end_year=2035).table()
    pd.testing.assert_frame_equal(a, b)


def test_runs_sharing_a_seed_start_from_the_same_citizens_drawn_once(monkeypatch):
    """The per-process copy of the starting citizens gives what drawing them anew gives."""
    monkeypatch.setattr(model_module, "_STARTING_CITIZENS", {})
    fresh = run_model(scale=0.01, seed=5, municipalities=SMALL, end_year=2030, scenario="s")
    assert len(model_module._STARTING_CITIZENS) == 1
    kept = next(iter(model_module._STARTING_CITIZENS.values()))
    before = {k: v.copy() for k, v in kept.columns.items()}
    copied = run_model(scale=0.01, seed=5, municipalities=SMALL, end_year=2030, scenario="s")
    pd.testing.assert_frame_equal(fresh.table(), copied.table())
    # the runs changed their own citizens, never the kept ones
    assert all(np.array_equal(before[k], v) for k, v in kept.columns.items())
    run_model(scale=0.01, seed=6, municipalities=SMALL, end_year=2027, scenario="s")
    assert len(model_module._STARTING_CITIZENS) == 2  # another seed: other citizens
    first, second = model_module._STARTING_CITIZENS.values()
    assert not np.array_equal(first.age, second.age)


def test_other_seed_differs():
    a = run_model(scale=0.01, seed=3, municipalities=SMALL, end_year=2035).table()
    b = run_model(scale=0.01, seed=4, municipalities=SMALL, end_year=2035).table()
    assert not a["value"].equals(b["value"])


def test_results_do_not_depend_on_the_number_of_workers():
    scenarios = [
        load_scenario("scenarios/patchwork.toml")
        .with_settings(scale=0.005, end_year=2032)
        .with_places(municipalities=list(SMALL))
    ]
    one, _, _ = run_scenarios(scenarios, replicates=3, seed=7, workers=1)
    two, _, _ = run_scenarios(scenarios, replicates=3, seed=7, workers=2)
    pd.testing.assert_frame_equal(one, two)
    assert one.groupby("replicate").value.sum().nunique() == 3  # replicates differ
