"""The probabilistic sensitivity analysis: draws shared by the scenarios, reproducible anywhere."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

import simulation.inputs.uncertainties as unc
import simulation.year.threads as threads
from simulation.cli.main import DEFAULT_DRAWS, main
from simulation.runs import psa
from simulation.runs.jobs import run_job
from simulation.runs.simulate import run_once, run_scenarios
from simulation.scenario import load_scenario

TINY = {"scale": 0.002, "end_year": 2028}


def tiny(name: str):
    s = load_scenario(f"scenarios/{name}.toml").with_settings(**TINY)
    return dataclasses.replace(s, municipalities=(101, 147))


@pytest.fixture(scope="module")
def scenarios():
    return [tiny(n) for n in ("baseline", "patchwork", "strategic")]


@pytest.fixture
def collapsed_ranges(monkeypatch):
    """Every range collapsed to its central value."""
    table = {
        name: dataclasses.replace(u, low=u.central, high=u.central)
        for name, u in unc.uncertain().items()
    }
    monkeypatch.setattr(unc, "uncertain", lambda: table)


def test_collapsed_ranges_give_exactly_the_seed_only_comparison(scenarios, collapsed_ranges):
    values = psa.draw_values(3, 2)
    assert values[0] == unc.collapsed()
    drawn, ages_drawn, _ = run_scenarios(scenarios, 2, 3, draws=values)
    plain, ages_plain, _ = run_scenarios(scenarios, 2, 3)
    pd.testing.assert_frame_equal(drawn, plain)
    pd.testing.assert_frame_equal(ages_drawn, ages_plain)


def test_a_collapsed_psa_job_writes_the_seed_only_outcomes(scenarios, collapsed_ranges, tmp_path):
    result = run_job(scenarios, replicates=2, seed=1, out=tmp_path / "r", report=False, draws=2)
    folder = result.folder
    drawn = pd.read_csv(folder / "psa.csv")
    seed_only = pd.read_csv(folder / "seed_only.csv")  # keyed by draw, as psa.csv
    assert "replicate" not in seed_only.columns
    pd.testing.assert_frame_equal(drawn, seed_only[drawn.columns])
    draws = pd.read_csv(folder / "draws.csv")
    assert list(draws.columns[:2]) == ["draw", "seed"] and len(draws) == 2
    assert set(draws.columns[2:]) == set(unc.uncertain())
    main = pd.read_csv(folder / "uncertainty.csv").iloc[0]
    assert main["first"] == "strategic" and main["draws"] == 2 and main["replicates"] == 2
    # with collapsed ranges the draws are the base case: the PSA mean equals it
    assert main["mean"] == pytest.approx(main["base_case_mean"], rel=1e-12)


def test_draws_change_the_runs_and_are_the_same_in_worker_processes(scenarios):
    values = psa.draw_values(5, 2)
    one, _, _ = run_scenarios(scenarios, 2, 5, draws=values)
    two, _, _ = run_scenarios(scenarios, 2, 5, workers=2, draws=values)
    pd.testing.assert_frame_equal(one, two)
    plain, _, _ = run_scenarios(scenarios, 2, 5)
    cost = "public_cost_municipality_dkk"
    assert not np.array_equal(
        one[one.metric == cost].value.to_numpy(), plain[plain.metric == cost].value.to_numpy()
    )


def test_the_thread_path_runs_with_the_draw(scenarios, monkeypatch):
    values = psa.draw_values(2, 1)[0]
    plain = run_once(scenarios[2], 2, values=values).table
    monkeypatch.setattr(threads, "THREADS_FROM", 0)  # every population is run in threads
    threaded = run_once(scenarios[2], 2, values=values).table
    pd.testing.assert_frame_equal(plain, threaded)


def test_the_three_shipped_scenarios_run_every_draw_alike():
    values = psa.draw_values(1, 1)[0]
    shipped = [load_scenario(f"scenarios/{n}.toml") for n in ("baseline", "patchwork", "strategic")]
    used = [psa.scenario_values(s.uncertainties, values) for s in shipped]
    assert used[0] == used[1] == used[2] == values


def test_a_scenario_keeps_the_uncertainties_it_fixes():
    values = psa.draw_values(1, 1)[0]
    s = tiny("baseline").with_uncertainties(fertility=1.5, **{"prices.prison_day": 1500.0})
    used = psa.scenario_values(s.uncertainties, values)
    assert "demography.fertility" not in used and "prices.prison_day" not in used
    assert "prices.home_help_hour" in used


def test_outcome_table_savings_are_paired_by_draw(scenarios):
    table, _, _ = run_scenarios(scenarios[:2], 2, 1, draws=psa.draw_values(1, 2))
    both = psa.outcome_table(table, baseline="baseline", rate=0.035)
    assert set(both.account) == {"budget", "welfare"}
    assert set(both[both.account == "welfare"].payer) == {"society"}
    welfare = both[both.account == "welfare"].set_index(["draw", "scenario"])
    assert (welfare.loc[(slice(None), "baseline"), "pv_net_saving"] == 0).all()
    out = both[both.account == "budget"]
    assert set(out.payer) == {"municipality", "region", "state", "total"}
    wide = out.pivot_table(index=["draw", "payer"], columns="scenario", values="pv_net_cost")
    saving = out[out.scenario == "patchwork"].set_index(["draw", "payer"]).pv_net_saving
    expected = wide["baseline"] - wide["patchwork"]
    np.testing.assert_allclose(saving.sort_index(), expected.sort_index(), rtol=1e-9)
    assert (out[out.scenario == "baseline"].pv_net_saving == 0).all()
    parts = out[out.payer != "total"].groupby(["draw", "scenario"]).pv_net_cost.sum()
    total = out[out.payer == "total"].set_index(["draw", "scenario"]).pv_net_cost
    np.testing.assert_allclose(parts.sort_index(), total.sort_index(), rtol=1e-9)


def test_main_difference_and_its_monte_carlo_error():
    rows = []
    for d, diff in enumerate([1.0, 3.0, -2.0, 6.0]):
        rows.append({"draw": d, "scenario": "strategic", "payer": "total", "pv_net_cost": diff})
        rows.append({"draw": d, "scenario": "patchwork", "payer": "total", "pv_net_cost": 0.0})
    frame = pd.DataFrame(rows).assign(end_year=2050, account="budget")
    m = psa.main_difference(frame, None, ("strategic", "patchwork"))
    assert m["mean"] == 2.0 and m["share_less"] == 0.25
    assert m["mc_se"] == pytest.approx(np.std([1, 3, -2, 6], ddof=1) / 2)
    assert any("Monte Carlo standard error" in line for line in psa.summary_lines(m))


def test_the_default_number_of_draws_is_declared_once():
    assert DEFAULT_DRAWS == psa.DEFAULT_DRAWS


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--draws", "-1"], "--draws must be a whole number from 0 to 10000"),
        (["--no-psa", "--draws", "3"], "contradict"),
    ],
)
def test_bad_draws_are_one_line(args, message, capsys):
    assert main(["compare", "baseline", *args]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and "Traceback" not in err
