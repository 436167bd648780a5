"""The lever table's document: its command's input checks, its scenarios and its text."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from simulation.documents import lever_table
from simulation.report import labels, levers


def test_scenarios_are_baseline_strategic_and_every_lever_file():
    scenarios = lever_table.lever_scenarios(scale=0.002, replicates=2, seed=5)
    names = [s.name for s in scenarios]
    assert names[:2] == ["baseline", "strategic"]
    files = sorted((lever_table.scenario_dir() / "levers").glob("*.toml"))
    assert len(names) == 2 + len(files) and len(files) > 0
    assert all(levers.lever_of(n) is not None for n in names[2:])
    assert {s.scale for s in scenarios} == {0.002}
    assert {s.settings["seed"] for s in scenarios} == {5}


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--scale", "0"], "--scale must be"),
        (["--scale", "nan"], "--scale must be"),
        (["--replicates", "0"], "--replicates must be"),
        (["--workers", "0"], "--workers must be"),
        (["--seed", "-1"], "--seed must be"),
        (["--out", "/no/such/folder/levers.md"], "does not exist"),
    ],
)
def test_bad_input_is_one_error_line(argv, message, capsys):
    assert lever_table.main(argv) == 1
    err = capsys.readouterr().err
    assert err.startswith("error:") and message in err and err.count("\n") == 1


def _row(lever: str, payer: str, npv: float, lo: float, hi: float) -> dict:
    return {
        "lever": lever,
        "scenario": f"lever-{lever}",
        "account": "budget",
        "payer": payer,
        "npv_dkk": npv,
        "npv_p05_dkk": lo,
        "npv_p95_dkk": hi,
        "cost_pv_dkk": 2e9,
        "cost_pv_p05_dkk": 2e9,
        "cost_pv_p95_dkk": 2e9,
        "npv_per_dkk": npv / 2e9,
        "npv_per_dkk_p05": lo / 2e9,
        "npv_per_dkk_p95": hi / 2e9,
        "within_noise": lo <= 0 <= hi,
        "n_replicates": 4,
        "outcome_metric": "initiatives_scaled",
        "outcome_period": "cum",
        "outcome_change": 10.0,
        "outcome_p05": 8.0,
        "outcome_p95": 12.0,
    }


def test_render_says_which_levers_gain_lose_and_are_noise():
    rows = []
    for lever, (npv, lo, hi) in {
        "scaling": (3e9, 1e9, 5e9),
        "facilitation": (-2e9, -3e9, -1e9),
        "competence": (0.5e9, -1e9, 2e9),
    }.items():
        rows += [_row(lever, p, npv, lo, hi) for p in ("municipality", "region", "state", "total")]
    table = pd.DataFrame(rows)
    table["within_noise"] = table["within_noise"].astype("boolean")
    text = lever_table.render(table, 0.005, 4, 1, 2026, 2050)
    shows = text.split("## What it shows")[1]
    scaling, facilitation = labels.lever_label("scaling"), labels.lever_label("facilitation")
    competence = labels.lever_label("competence")
    assert f"beyond noise: {scaling}." in shows
    assert f"Below 0 beyond noise: {facilitation}." in shows
    assert f"Within noise: {competence}." in shows
    assert "--scale 0.005 --replicates 4 --seed 1" in text
    assert "| 6 Scale and spread | Initiatives scaled or spread 2026-2050 |" in text
    assert "1.50 (0.50 to 2.50)" in text  # NPV per DKK with its interval
    assert not np.isnan(table["npv_per_dkk"]).any()


def test_the_shipped_lever_table_is_not_stale():
    """docs/levers.csv has the table's columns and the outcome each lever acts on today."""
    path = lever_table.DOC_PATH.with_suffix(".csv")
    if not path.is_file():
        pytest.skip("no docs/levers.csv (installed package)")
    shipped = pd.read_csv(path)
    assert list(shipped.columns) == levers._COLUMNS
    outcomes = shipped.drop_duplicates("lever").set_index("lever")
    for lever, (metric, how) in levers.LEVER_OUTCOMES.items():
        assert lever in outcomes.index, lever
        assert (outcomes.loc[lever, "outcome_metric"], outcomes.loc[lever, "outcome_period"]) == (
            metric,
            how,
        ), lever
    assert set(outcomes.index) == set(levers.LEVER_OUTCOMES)
    files = sorted((lever_table.scenario_dir() / "levers").glob("*.toml"))
    assert {levers.lever_of(f"lever-{f.stem}") for f in files} == set(outcomes.index)
