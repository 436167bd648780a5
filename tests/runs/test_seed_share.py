"""The seed share of the variance, the base case and the key-figure rows of a PSA."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from simulation.experiments.decision import wilson_interval
from simulation.report import tables
from simulation.runs import psa


def _outcomes(diff: dict[tuple[str, str], np.ndarray]) -> pd.DataFrame:
    rows = []
    for (account, payer), values in diff.items():
        for d, v in enumerate(values):
            for scenario, cost in (("patchwork", 100.0), ("strategic", 100.0 + v)):
                rows.append(
                    {
                        "draw": d,
                        "scenario": scenario,
                        "account": account,
                        "payer": payer,
                        "pv_net_cost": cost,
                        "end_year": 2050,
                    }
                )
    return pd.DataFrame(rows)


@pytest.fixture
def synthetic():
    rng = np.random.default_rng(3)
    draws = {
        ("budget", "total"): rng.normal(2.0, 3.0, 40),
        ("budget", "state"): rng.normal(-1.0, 1.0, 40),
    }
    seeds = {
        ("budget", "total"): rng.normal(1.5, 1.0, 8),
        ("budget", "state"): rng.normal(-0.5, 0.8, 8),
    }
    return _outcomes(draws), _outcomes(seeds), draws, seeds


def test_seed_variance_share_is_seed_variance_over_psa_variance(synthetic):
    outcomes, seed_only, draws, seeds = synthetic
    table = psa.uncertainty_table(outcomes, seed_only, ("strategic", "patchwork"))
    assert list(zip(table.account, table.payer, strict=True))[0] == ("budget", "total")
    for row in table.itertuples():
        d, s = draws[(row.account, row.payer)], seeds[(row.account, row.payer)]
        assert row.seed_variance_share == pytest.approx(s.var(ddof=1) / d.var(ddof=1))
        assert row.base_case_mean == pytest.approx(s.mean())
        assert row.mean == pytest.approx(d.mean())
        k = int((d < 0).sum())
        assert row.share_less == pytest.approx(k / len(d))
        assert (row.share_less_low, row.share_less_high) == pytest.approx(
            wilson_interval(k, len(d))
        )
        assert row.p05_se > 0 and row.p95_se > 0


def test_key_figures_show_the_base_case_beside_the_psa_mean(synthetic):
    outcomes, seed_only, _, seeds = synthetic
    main = psa.main_difference(outcomes, seed_only, ("strategic", "patchwork"))
    rows = tables._main_figures(main)
    base = rows[rows.key == "pv_main_base_patchwork"].iloc[0]
    assert base["mean"] == pytest.approx(seeds[("budget", "total")].mean() / 1e9)
    assert base["n_replicates"] == 8
    mean = rows[rows.key == "pv_main_psa_patchwork"].iloc[0]
    assert mean["mean"] == pytest.approx(main["mean"] / 1e9)
    lines = psa.summary_lines(main)
    assert "base case (central values, mean of 8 seeds)" in lines[1]
    assert "too few for a 90% interval" in lines[1]
    assert "95% interval" in lines[1]


def test_study_groups_pair_each_kind_effect_with_its_hours():
    names = [
        "effects.visiting_friends",
        "effects.visiting_friends_hours_per_participant",
        "effects.jobs",
        "prices.home_help_hour",
    ]
    groups = psa.study_groups(names)
    assert groups["effects:visiting_friends"] == names[:2]
    assert groups["effects:jobs"] == ["effects.jobs"]
    assert all(c.startswith("effects.") for cols in groups.values() for c in cols)
