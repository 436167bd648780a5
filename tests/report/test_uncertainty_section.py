"""The report's section "Uncertainty" and the probability key figures, on synthetic draws."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from simulation.experiments.decision import decision_probabilities
from simulation.report import tables
from simulation.report.html import _uncertainty_section
from simulation.report.uncertainty import UncertaintyParts


def _outcomes(n: int) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    rows = []
    for d in range(n):
        base = 100 + rng.normal()
        for scenario, shift in (("baseline", 0.0), ("patchwork", 1.0), ("strategic", 0.5)):
            for account, payer in (("budget", "total"), ("welfare", "society")):
                cost = (base + shift + rng.normal()) * 1e9
                rows.append(
                    {
                        "draw": d,
                        "scenario": scenario,
                        "account": account,
                        "payer": payer,
                        "pv_net_cost": cost,
                        "net_cost_end": cost / 20,
                    }
                )
    return pd.DataFrame(rows)


def _parts(n: int) -> UncertaintyParts:
    outcomes = _outcomes(n)
    decision = decision_probabilities(
        outcomes, ("pv_net_cost", "net_cost_end"), ("account", "payer")
    )
    evppi = pd.DataFrame(
        {
            "account": "budget",
            "payer": "total",
            "kind": ["group", "group", "all", "evpi"],
            "name": ["effects", "prices", "all", "evpi"],
            "evppi": [2e8, 1e7, 2e8, 3e8],
            "se": [1e7, 1e7, 1e7, 1e7],
            "above_null": [True, False, True, False],
        }
    )
    municipal = pd.DataFrame(
        {
            "municipality": [101, 147],
            "comparator": "baseline",
            "probability": [0.2, 0.9],
            "probability_se": [0.1, 0.1],
            "n_draws": n,
        }
    )
    main = {
        "first": "strategic",
        "second": "patchwork",
        "mean": -5e8,
        "mc_se": 1e8,
        "p05": -2e9,
        "p95": 1e9,
        "sd_psa": 1e9,
        "sd_seed_only": 1e8,
        "base_case_mean": -4e8,
        "seed_variance_share": 0.01,
        "replicates": 5,
    }
    return UncertaintyParts(n, 5, 121, main, decision, evppi, municipal, min_draws=200)


@pytest.mark.parametrize(("n", "key"), [(10, "Indicative only"), (250, "stand out from")])
def test_the_section_says_how_far_the_evppi_can_be_trusted(n, key, tmp_path):
    notes: list[str] = []
    html = "\n".join(_uncertainty_section(_parts(n), "en", tmp_path, 2026, 2050, notes))
    assert not notes
    assert f"rests on {n} parameter draws" in html and key in html
    assert "1 of the 2 groups" in html
    assert ('id="fig-evppi"' in html) == (n >= 200)  # no chart below the threshold
    assert "Base case" in html and "−0.40 bn DKK" in html.replace("-0", "−0")
    assert 'id="fig-municipal_probability"' in html
    assert "Parameter uncertainty dominates" in html  # sd 1e9 against 1e8 over seeds
    assert ("coarse" in html) == (n < 100)
    assert 'id="tornado-slot"' in html and 'id="fig-tornado"' not in html


def test_the_danish_section(tmp_path):
    html = "\n".join(_uncertainty_section(_parts(10), "da", tmp_path, 2026, 2050, []))
    assert "Usikkerhed" in html and "Kun vejledende" in html and "Nutidsværdi 2026-2050" in html


def test_key_figures_show_the_probabilities_in_both_languages():
    parts = _parts(40)
    ts = pd.DataFrame(
        {
            "scenario": ["baseline", "strategic"],
            "replicate": 0,
            "year": 2026,
            "municipality": 101,
            "area": None,
            "metric": "net_cost_dkk",
            "value": [1e9, 2e9],
        }
    )
    kf = tables.key_figures(ts, "baseline", decision=parts.decision)
    row = kf[kf.key == "p_less_patchwork_budget_total"].iloc[0]
    want = parts.decision[
        (parts.decision.value == "pv_net_cost")
        & (parts.decision.comparator == "patchwork")
        & (parts.decision.payer == "total")
    ].probability.iloc[0]
    assert row["mean"] == pytest.approx(100 * want) and row.n_replicates == 40
    for lang, words in (
        ("en", "costs less than patchwork"),
        ("da", "koster mindre end kludetæppe"),
    ):
        shown = tables.format_key_figures(kf, lang)
        assert shown.iloc[:, 0].str.contains(words).sum() == 2  # budgets total, society
