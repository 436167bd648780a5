"""The same scenario, scale and seed give identical results; other seeds differ."""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulation import model as model_module
from simulation.actors import starting_citizens
from simulation.runs.simulate import run_scenarios, scenario_parameters
from simulation.scenario import load_scenario
from simulation.year import trajectories
from tests.conftest import run_model

SMALL = (101, 461, 751)


def forget_kept_runs(monkeypatch) -> None:
    """Start without kept starting citizens and trajectories, so that a run draws them."""
    monkeypatch.setattr(starting_citizens, "_STARTING_CITIZENS", {})
    monkeypatch.setattr(trajectories, "_KEPT", {})


def test_same_seed_gives_identical_tables(monkeypatch):
    forget_kept_runs(monkeypatch)
    a = run_model(scale=0.01, seed=3, municipalities=SMALL, end_year=2035).table()
    forget_kept_runs(monkeypatch)
    b = run_model(scale=0.01, seed=3, municipalities=SMALL, end_year=2035).table()
    pd.testing.assert_frame_equal(a, b)


def test_runs_sharing_a_seed_start_from_the_same_citizens_drawn_once(monkeypatch):
    """The per-process copy of the starting citizens gives what drawing them anew gives."""
    forget_kept_runs(monkeypatch)
    fresh = run_model(scale=0.01, seed=5, municipalities=SMALL, end_year=2030, scenario="s")
    assert len(starting_citizens._STARTING_CITIZENS) == 1
    kept = next(iter(starting_citizens._STARTING_CITIZENS.values()))
    before = {k: v.copy() for k, v in kept.columns.items()}
    copied = run_model(scale=0.01, seed=5, municipalities=SMALL, end_year=2030, scenario="s")
    pd.testing.assert_frame_equal(fresh.table(), copied.table())
    # the runs changed their own citizens, never the kept ones
    assert all(np.array_equal(before[k], v) for k, v in kept.columns.items())
    run_model(scale=0.01, seed=6, municipalities=SMALL, end_year=2027, scenario="s")
    assert len(starting_citizens._STARTING_CITIZENS) == 2  # another seed: other citizens
    first, second = starting_citizens._STARTING_CITIZENS.values()
    assert not np.array_equal(first.age, second.age)


def test_runs_sharing_a_seed_replay_the_demography_drawn_once(monkeypatch, strategic_scenario):
    """A kept trajectory gives, under other levers, exactly what drawing the demography gives."""
    args = dict(scale=0.01, seed=5, municipalities=SMALL, end_year=2032, scenario="s")
    strategic = dict(
        parameters=scenario_parameters(strategic_scenario), lever_source=strategic_scenario
    )
    forget_kept_runs(monkeypatch)
    drawn = run_model(**strategic, **args)
    forget_kept_runs(monkeypatch)
    run_model(**args)  # the baseline draws and keeps the trajectory ...
    assert len(trajectories._KEPT) == 1
    kept = next(iter(trajectories._KEPT.values()))
    assert len(kept.changes) == len(kept.stock_counts) == len(kept.needs_draws) == 2032 - 2026 + 1
    assert not any(a.flags.writeable for a in kept.arrays())  # shared: read only
    replayed = run_model(**strategic, **args)  # ... that the strategic run replays
    assert replayed.trajectory.replay is kept
    table = replayed.table()
    pd.testing.assert_frame_equal(drawn.table(), table)
    assert table[table.metric == "initiatives_started"].value.sum() > 0
    # a trajectory larger than the memory budget is kept without the needs step's uniforms
    forget_kept_runs(monkeypatch)
    monkeypatch.setattr(trajectories, "KEEP_BYTES", kept.nbytes() - 1)
    run_model(**args)
    kept = next(iter(trajectories._KEPT.values()))
    assert kept.needs_draws == [] and len(kept.changes) == 2032 - 2026 + 1
    pd.testing.assert_frame_equal(drawn.table(), run_model(**strategic, **args).table())
    monkeypatch.setattr(trajectories, "KEEP_BYTES", 2**40)
    # other demographic parameters or another end year: another trajectory
    run_model({"fertility": 1.9}, **args)
    run_model(**{**args, "end_year": 2030})
    assert len(trajectories._KEPT) == 3
    # an unfinished run keeps nothing
    model = model_module.WelfareModel(seed=8, scale=0.01, municipalities=SMALL, end_year=2030)
    model.step()
    assert len(trajectories._KEPT) == 3


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
