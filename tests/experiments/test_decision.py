"""Tests of the decision analytics: probabilities, EVPPI, tornado, screening, municipalities.

EVPPI is checked against a linear-Gaussian two-option decision whose EVPPI is known in closed
form: with ``NB_1 - NB_0 = a + b X + c Y``, ``X, Y ~ N(0, 1)`` independent,
``EVPPI(X) = E[max(0, a + b X)] - max(0, a) = s phi(a/s) + a Phi(a/s) - max(0, a)`` with
``s = |b|`` (and ``s = sqrt(b^2 + c^2)`` for both, which is also the EVPI).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from simulation.experiments import decision

A, B, C = 0.5, 1.0, 2.0


def exact_evppi(a: float, s: float) -> float:
    """E[max(0, a + s Z)] - max(0, a) for Z ~ N(0, 1)."""
    return s * norm.pdf(a / s) + a * norm.cdf(a / s) - max(0.0, a)


def mc_sd_of_evppi(a: float, s: float, n: int, rng: np.random.Generator) -> float:
    """Monte Carlo standard deviation of the EVPPI estimate's outer mean over n draws.

    The estimate is the mean of the regret ``max(0, D) - D [a > 0]`` with ``D = a + s Z``
    (the gain of choosing per draw against the option best on average).
    """
    d = a + s * rng.standard_normal(200_000)
    return float((np.maximum(0.0, d) - d * (a > 0)).std() / math.sqrt(n))


def linear_gaussian(n: int, seed: int, a: float = A, b: float = B, c: float = C):
    rng = np.random.default_rng(seed)
    x, y = rng.standard_normal(n), rng.standard_normal(n)
    params = pd.DataFrame({"effects.x": x, "prices.y": y})
    nb = pd.DataFrame({"baseline": np.zeros(n), "strategic": a + b * x + c * y})
    return params, nb


# ---------------------------------------------------------------------------------------------
# EVPPI and EVPI


@pytest.mark.parametrize(("column", "s"), [("effects.x", B), ("prices.y", C)])
def test_evppi_matches_the_linear_gaussian_answer(column, s):
    n = 3000
    params, nb = linear_gaussian(n, seed=11)
    est = decision.evppi(params[[column]], nb, rng=np.random.default_rng(2))
    truth = exact_evppi(A, s)
    # tolerance: MC error of the mean over draws (from the closed form's distribution) plus
    # the regression's own standard error
    outer = mc_sd_of_evppi(A, s, n, np.random.default_rng(3))
    tol = 4 * math.hypot(outer, est.se_regression)
    assert abs(est.evppi - truth) < tol
    assert est.se_outer == pytest.approx(outer, rel=0.2)
    assert tol < 0.5 * truth  # the check is informative, not vacuous
    assert est.evppi >= 0


def test_evppi_of_both_equals_evpi_and_the_closed_form():
    n = 3000
    params, nb = linear_gaussian(n, seed=5)
    truth = exact_evppi(A, math.hypot(B, C))
    both = decision.evppi(params, nb)
    total = decision.evpi(nb)
    tol = 4 * mc_sd_of_evppi(A, math.hypot(B, C), n, np.random.default_rng(4))
    assert abs(both.evppi - truth) < tol
    assert abs(total - truth) < tol
    # no noise left: the smoother reproduces the linear net benefit
    assert both.evppi == pytest.approx(total, rel=1e-6)
    assert min(both.r2) > 0.999


def test_evppi_is_between_zero_and_evpi_and_irrelevant_parameters_are_worth_nothing():
    n = 1500
    params, nb = linear_gaussian(n, seed=7)
    rng = np.random.default_rng(8)
    params["noise.z"] = rng.standard_normal(n)  # does not enter the net benefit
    total = decision.evpi(nb)
    for cols in (["effects.x"], ["prices.y"], ["noise.z"], ["effects.x", "noise.z"]):
        value = decision.evppi(params[cols], nb).evppi
        assert 0.0 <= value <= total + 1e-12
    irrelevant = decision.evppi(params[["noise.z"]], nb).evppi
    assert irrelevant < 0.05 * exact_evppi(A, B)


def test_evppi_does_not_depend_on_option_order_or_a_shared_shift():
    n = 800
    params, nb = linear_gaussian(n, seed=9)
    rng = np.random.default_rng(10)
    nb["patchwork"] = 0.3 * params["effects.x"] + rng.normal(0, 1, n)
    shift = rng.normal(0, 5, n)  # e.g. the baseline's own cost, the same in every option
    x = params[["effects.x"]]
    values = [
        decision.evppi(x, nb).evppi,
        decision.evppi(x, nb[["patchwork", "strategic", "baseline"]]).evppi,
        decision.evppi(x, nb.add(shift, axis=0)).evppi,
        decision.evppi(x, nb.add(1e6)).evppi,
    ]
    assert values[0] > 0.05
    assert max(values) - min(values) < 1e-8
    assert decision.evpi(nb.add(shift, axis=0)) == pytest.approx(decision.evpi(nb))


def test_evppi_standard_error_is_calibrated_over_repeated_psas():
    n, reps = 400, 16
    estimates, errors = [], []
    for seed in range(reps):
        params, nb = linear_gaussian(n, seed=100 + seed)
        est = decision.evppi(params[["effects.x"]], nb, rng=np.random.default_rng(seed))
        estimates.append(est.evppi)
        errors.append(est.se)
    truth = exact_evppi(A, B)
    spread = float(np.std(estimates, ddof=1))
    assert 0.6 < float(np.mean(errors)) / spread < 1.6
    # unbiased within the error of the mean of the repetitions
    assert abs(np.mean(estimates) - truth) < 3 * spread / math.sqrt(reps)


def test_evppi_recovers_a_nonlinear_effect():
    # NB difference = X^2 - 1: the mean is 0 and knowing X is worth E[max(0, X^2 - 1)] =
    # 2 (phi(1) + (1 - Phi(1))) - 2 (1 - Phi(1)) = 2 phi(1)
    n = 3000
    rng = np.random.default_rng(12)
    x = rng.standard_normal(n)
    nb = np.column_stack([np.zeros(n), x**2 - 1 + rng.normal(0, 0.5, n)])
    est = decision.evppi(x, nb, rng=np.random.default_rng(13))
    truth = 2 * norm.pdf(1.0)
    assert abs(est.evppi - truth) < 4 * est.se < 0.5 * truth
    assert decision.evppi(x, nb, interactions=False).evppi > 0.8 * truth


def test_evppi_table_groups_and_single_parameters():
    n = 1000
    params, nb = linear_gaussian(n, seed=14)
    params["effects.flat"] = 1.0  # does not vary: left out
    table = decision.evppi_table(params, nb, single=True)
    groups = table[table["kind"] == "group"].set_index("name")
    assert list(groups.index) == ["prices", "effects"]  # y (c = 2) is worth more than x
    assert groups.loc["effects", "n_parameters"] == 1
    single = table[table["kind"] == "parameter"].set_index("name")
    assert "effects.flat" not in single.index
    assert single.loc["prices.y", "evppi"] == pytest.approx(groups.loc["prices", "evppi"])
    evpi = table.loc[table["kind"] == "evpi", "evppi"].item()
    assert evpi == pytest.approx(decision.evpi(nb))
    assert (table["evppi"] <= evpi + 1e-12).all() and (table["evppi"] >= 0).all()
    assert table.loc[table["kind"] == "evpi", "share_of_evpi"].item() == pytest.approx(1.0)


def test_evppi_table_null_values_show_the_bias_of_an_irrelevant_group():
    n = 600
    params, nb = linear_gaussian(n, seed=15)
    rng = np.random.default_rng(16)
    params["noise.z"] = rng.standard_normal(n)
    table = decision.evppi_table(params, nb, rng=rng, null_permutations=3).set_index("name")
    # a shuffled group is worth nothing: its estimate is small against the real effects
    assert (table.loc[["effects", "prices", "noise"], "null_evppi"] >= 0).all()
    assert table.loc["effects", "null_evppi"] < 0.25 * table.loc["effects", "evppi"]
    assert table.loc["prices", "null_evppi"] < 0.1 * table.loc["prices", "evppi"]
    # the irrelevant group's estimate is of the size of its null value, not of a real effect
    assert (
        table.loc["noise", "evppi"]
        < table.loc["noise", "null_evppi"] + 4 * table.loc["noise", "se"]
    )
    assert table.loc["noise", "evppi"] < 0.2 * table.loc["effects", "evppi"]


def test_parameter_groups_split_on_the_first_dot():
    groups = decision.parameter_groups(["effects.a", "prices.b", "effects.c.d", "plain"])
    assert groups == {
        "effects": ["effects.a", "effects.c.d"],
        "prices": ["prices.b"],
        "plain": ["plain"],
    }


# ---------------------------------------------------------------------------------------------
# Probabilities


def long_table(costs: dict[str, np.ndarray], **extra) -> pd.DataFrame:
    frames = [
        pd.DataFrame({"draw": np.arange(len(v)), "scenario": k, "pv": v, **extra})
        for k, v in costs.items()
    ]
    return pd.concat(frames, ignore_index=True)


def test_probability_and_its_binomial_error_on_known_draws():
    n = 400
    a = np.zeros(n)
    b = np.where(np.arange(n) < 300, 1.0, -1.0)  # a < b in exactly 300 of 400 draws
    est = decision.probability_less(a, b)
    assert est.probability == 0.75
    assert est.probability_se == pytest.approx(math.sqrt(0.75 * 0.25 / n))
    assert est.mean_difference == pytest.approx(-0.5)
    assert est.mean_difference_se == pytest.approx(np.std(a - b, ddof=1) / math.sqrt(n))


def test_probability_estimate_is_within_its_error_of_the_truth():
    # strategic - patchwork ~ N(-0.5, 1): P(less) = Phi(0.5)
    n = 4000
    rng = np.random.default_rng(21)
    common = rng.normal(100, 20, n)  # shared by all scenarios (common random numbers)
    costs = {
        "baseline": common,
        "patchwork": common + 1.0,
        "strategic": common + 0.5 + rng.standard_normal(n),
    }
    table = pd.concat(
        [long_table(costs, account="budget", payer=p) for p in ("municipality", "total")]
    )
    out = decision.decision_probabilities(table, "pv", by=("account", "payer"))
    assert len(out) == 4
    vs_patch = out[(out.payer == "total") & (out.comparator == "patchwork")].iloc[0]
    assert abs(vs_patch.probability - norm.cdf(0.5)) < 4 * vs_patch.probability_se
    assert abs(vs_patch.mean_difference + 0.5) < 4 * vs_patch.mean_difference_se
    vs_base = out[(out.payer == "total") & (out.comparator == "baseline")].iloc[0]
    assert abs(vs_base.probability - norm.cdf(-0.5)) < 4 * vs_base.probability_se
    assert vs_base.n_draws == n
    # the common part cancels: paired, the mean difference error is about 1 / sqrt(n)
    assert vs_base.mean_difference_se == pytest.approx(1 / math.sqrt(n), rel=0.1)


def test_savings_give_the_same_probabilities_as_costs():
    n = 500
    rng = np.random.default_rng(22)
    base = rng.normal(10, 1, n)
    costs = {
        "baseline": base,
        "patchwork": base - rng.normal(0.2, 1, n),
        "strategic": base - rng.normal(0.4, 1, n),
    }
    by_cost = decision.decision_probabilities(long_table(costs), "pv")
    savings = {k: costs["baseline"] - v for k, v in costs.items() if k != "baseline"}
    by_saving = decision.decision_probabilities(long_table(savings), "pv", lower_is_better=False)
    for col in ("probability", "probability_se", "mean_difference_se", "n_draws"):
        np.testing.assert_allclose(by_cost[col], by_saving[col])
    # costs: strategic - patchwork; savings: strategic - patchwork, the opposite sign
    np.testing.assert_allclose(by_cost["mean_difference"], -by_saving["mean_difference"])


def test_unpaired_draws_are_dropped_and_duplicates_refused():
    table = long_table({"baseline": np.arange(5.0), "strategic": np.arange(5.0) - 1})
    table = table[~((table.scenario == "strategic") & (table.draw == 4))]
    out = decision.decision_probabilities(table, "pv", comparisons=[("strategic", "baseline")])
    assert out.n_draws.item() == 4 and out.probability.item() == 1.0
    wide = decision.wide_by_option(table, "pv")
    assert list(wide.index) == [0, 1, 2, 3]
    with pytest.raises(ValueError, match="more than one row"):
        decision.wide_by_option(pd.concat([table, table]), "pv")


# ---------------------------------------------------------------------------------------------
# Tornado and screening

COEF = {"effects.a": 3.0, "prices.b": -1.0, "noise.c": 0.5, "lifetimes.d": 0.0}
UNCERTAIN = {
    "effects.a": (1.0, 0.5, 2.0),
    "prices.b": (10.0, 8.0, 12.0),
    "noise.c": (0.4, 0.4, 1.0),  # low equals central: one run only
    "lifetimes.d": (5.0, 2.0, 9.0),
}


def linear_outcome(row: pd.Series) -> float:
    return 7.0 + sum(k * row[name] for name, k in COEF.items())


def test_plan_one_way_sets_one_parameter_at_a_time():
    plan = decision.plan_one_way(UNCERTAIN)
    assert len(plan) == 1 + 2 * 4 - 1
    central = plan.iloc[0]
    assert central.level == "central" and central.run == 0
    for _, row in plan.iloc[1:].iterrows():
        for name, (mid, low, high) in UNCERTAIN.items():
            expected = (low if row.level == "low" else high) if name == row.parameter else mid
            assert row[name] == expected
        assert row.set_to == row[row.parameter]
    with pytest.raises(ValueError, match="low <= central <= high"):
        decision.plan_one_way({"x": (1.0, 2.0, 3.0)})


def test_tornado_values_and_order_on_a_linear_function():
    plan = decision.plan_one_way(UNCERTAIN)
    outcome = pd.Series({row.run: linear_outcome(row) for _, row in plan.iterrows()})
    table = decision.tornado_table(plan, outcome)
    # swings: a 3 * 1.5 = 4.5, b 1 * 4 = 4, c 0.5 * 0.6 = 0.3, d 0
    assert list(table.parameter) == ["effects.a", "prices.b", "noise.c", "lifetimes.d"]
    np.testing.assert_allclose(table.swing, [4.5, 4.0, 0.3, 0.0])
    centre = linear_outcome(plan.iloc[0])
    a = table.set_index("parameter").loc["effects.a"]
    assert a.outcome_low == pytest.approx(centre - 1.5) and a.outcome_high == pytest.approx(
        centre + 3.0
    )
    c = table.set_index("parameter").loc["noise.c"]
    assert c.outcome_low == centre and c.low == 0.4  # not planned: the central outcome
    b = table.set_index("parameter").loc["prices.b"]
    assert b.outcome_high < b.central < b.outcome_low  # a negative effect


def test_paired_difference_averages_replicates_per_run():
    rows = []
    for run in (0, 1):
        for rep in (1, 2):
            rows.append({"run": run, "replicate": rep, "scenario": "patchwork", "pv": 10.0 * rep})
            rows.append(
                {
                    "run": run,
                    "replicate": rep,
                    "scenario": "strategic",
                    "pv": 10.0 * rep + run + rep,
                }
            )
    diff = decision.paired_difference(pd.DataFrame(rows), "pv")
    assert diff.to_dict() == {0: 1.5, 1: 2.5}


def test_screening_ranks_by_standardised_coefficient():
    n = 2000
    rng = np.random.default_rng(31)
    params = pd.DataFrame(
        {
            "effects.a": rng.normal(0, 1, n),
            "prices.b": rng.normal(0, 3, n),
            "noise.c": rng.uniform(0, 1, n),
            "demography.const": 2.0,
        }
    )
    y = 1.0 * params["effects.a"] + 1.0 * params["prices.b"] + 0.0 * params["noise.c"]
    y = y + rng.normal(0, 1, n)
    out = decision.screening_ranking(params, y)
    assert list(out.parameter) == ["prices.b", "effects.a", "noise.c"]
    sd_y = math.sqrt(1 + 9 + 1)
    src = out.set_index("parameter").src
    assert src["prices.b"] == pytest.approx(3 / sd_y, abs=0.03)
    assert src["effects.a"] == pytest.approx(1 / sd_y, abs=0.03)
    assert abs(src["noise.c"]) < 0.05
    assert out.attrs["r2"] == pytest.approx(10 / 11, abs=0.02)
    assert out.set_index("parameter").spearman["prices.b"] > 0.8
    # too few draws for the regression: ranked by the rank correlation alone
    few = decision.screening_ranking(params.iloc[:4], y.iloc[:4])
    assert few.src.isna().all() and np.isnan(few.attrs["r2"])
    assert list(few.spearman.abs()) == sorted(few.spearman.abs(), reverse=True)


# ---------------------------------------------------------------------------------------------
# Per municipality


def test_municipal_saving_probability_on_synthetic_draws():
    n = 2000
    rng = np.random.default_rng(41)
    truth = {101: 0.9, 751: 0.5, 851: 0.1}
    rows = []
    for code, p in truth.items():
        saves = rng.uniform(size=n) < p
        base = rng.normal(100, 10, n)
        for draw in range(n):
            rows.append((draw, code, "baseline", base[draw]))
            rows.append((draw, code, "strategic", base[draw] + (-1.0 if saves[draw] else 1.0)))
    table = pd.DataFrame(rows, columns=["draw", "municipality", "scenario", "pv"])
    prob = decision.municipal_saving_probability(table, "pv")
    assert prob.name == "probability"
    assert set(prob.index) == set(truth)
    for code, p in truth.items():
        se = math.sqrt(p * (1 - p) / n)
        assert abs(prob[code] - p) < 4 * se
        assert prob.attrs["se"][code] == pytest.approx(se, rel=0.15)
    assert (prob.attrs["n_draws"] == n).all()
    # savings (higher is better) without a baseline row: saving > 0
    savings = table[table.scenario == "strategic"].copy()
    base = table[table.scenario == "baseline"].set_index(["draw", "municipality"]).pv
    savings["pv"] = (
        base.loc[list(zip(savings.draw, savings.municipality, strict=True))].to_numpy()
        - savings["pv"].to_numpy()
    )
    same = decision.municipal_saving_probability(savings, "pv", lower_is_better=False)
    pd.testing.assert_series_equal(prob, same)


def test_a_large_group_is_worth_at_least_about_its_strongest_member():
    # one parameter of twenty matters: the shared penalty must not shrink it with the others
    n = 600
    rng = np.random.default_rng(17)
    params = pd.DataFrame({f"effects.p{i:02d}": rng.standard_normal(n) for i in range(20)})
    diff = A + B * params["effects.p00"] + C * rng.standard_normal(n)
    nb = pd.DataFrame({"baseline": 0.0, "strategic": diff})
    group = decision.evppi(params, nb, rng=np.random.default_rng(18))
    alone = decision.evppi(params[["effects.p00"]], nb, rng=np.random.default_rng(19))
    truth = exact_evppi(A, B)
    assert abs(alone.evppi - truth) < 4 * alone.se
    assert abs(group.evppi - alone.evppi) < 2 * group.se
    assert group.evppi > 0.8 * alone.evppi
    # and the nineteen that do not matter are not fitted: few effective degrees of freedom
    assert group.edf < 8


# ---------------------------------------------------------------------------------------------
# Conveniences for the PSA's tables


def psa_like(n: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A table shaped like psa.csv and one like draws.csv, with a known structure."""
    rng = np.random.default_rng(seed)
    draws = pd.DataFrame(
        {
            "seed": 1000 + np.arange(n),
            "effects.a": rng.normal(size=n),
            "prices.b": rng.normal(size=n),
        },
        index=pd.Index(np.arange(n), name="draw"),
    )
    rows = []
    for payer, k in (("municipality", 1.0), ("total", 3.0)):
        base = rng.normal(100, 5, n)
        cost = {
            "baseline": base,
            "patchwork": base - 0.5,
            "strategic": base - k * (0.2 + draws["effects.a"].to_numpy()),
        }
        for name, values in cost.items():
            for d in range(n):
                rows.append(
                    {
                        "draw": d,
                        "scenario": name,
                        "account": "budget",
                        "payer": payer,
                        "pv_net_cost": values[d],
                        "pv_net_saving": base[d] - values[d],
                        "net_cost_end": values[d] / 10,
                    }
                )
    return draws, pd.DataFrame(rows)


def test_probabilities_for_several_value_columns():
    _, table = psa_like(300, seed=51)
    out = decision.decision_probabilities(
        table, ("pv_net_cost", "net_cost_end"), by=("account", "payer")
    )
    assert len(out) == 2 * 2 * 2
    pv = out[out.value == "pv_net_cost"].reset_index(drop=True)
    end = out[out.value == "net_cost_end"].reset_index(drop=True)
    np.testing.assert_allclose(pv.probability, end.probability)  # same sign draw by draw
    np.testing.assert_allclose(pv.mean_difference / 10, end.mean_difference)


def test_evppi_by_group_from_costs_and_from_savings_agree():
    draws, table = psa_like(400, seed=52)
    costs = decision.evppi_by_group(draws, table, "pv_net_cost")
    savings = decision.evppi_by_group(
        draws, table[table.scenario != "baseline"], "pv_net_saving", lower_is_better=False
    )
    assert list(costs.columns[:3]) == ["account", "payer", "value"]
    assert "seed" not in set(costs.name)
    np.testing.assert_allclose(costs.evppi, savings.evppi, atol=1e-9)
    # only effects.a matters, and it matters three times as much to the total as to municipalities
    grp = costs[costs.kind == "group"].set_index(["payer", "name"]).evppi
    assert grp["total", "effects"] > 2 * grp["municipality", "effects"] > 0
    assert grp["total", "prices"] < 0.1 * grp["total", "effects"]


def test_municipal_present_values_discount_the_tidy_table():
    rows = []
    for scenario, level in (("baseline", 10.0), ("strategic", 9.0)):
        for rep in (0, 1):
            for year in (2026, 2027):
                for area in ("health", "elderly_care"):
                    rows.append(
                        {
                            "scenario": scenario,
                            "replicate": rep,
                            "year": year,
                            "municipality": 101,
                            "area": area,
                            "metric": "net_cost_dkk",
                            "value": level + rep,
                        }
                    )
    ts = pd.DataFrame(rows)
    pv = decision.municipal_present_values(ts, rate=0.1)
    got = pv.set_index(["draw", "scenario"]).pv
    assert got[0, "baseline"] == pytest.approx(2 * 10 * (1 + 1 / 1.1))
    assert got[1, "strategic"] == pytest.approx(2 * 10 * (1 + 1 / 1.1))
    assert decision.municipal_present_values(ts, rate=0.0).pv.max() == pytest.approx(44.0)
    prob = decision.municipal_saving_probability(pv, "pv")
    assert prob[101] == 1.0


# --------------------------------------------------------------------------------------------
# Wilson intervals and the clear error for a missing by=


def test_wilson_interval_against_a_hand_computation():
    # 1 of 10, z = 1.959964: centre (0.1 + z²/20) / (1 + z²/10), half-width
    # z / (1 + z²/10) * sqrt(0.1 * 0.9 / 10 + z² / 400): 0.0179 to 0.4042
    low, high = decision.wilson_interval(1, 10)
    assert low == pytest.approx(0.01788, abs=5e-5)
    assert high == pytest.approx(0.40415, abs=5e-5)
    z = norm.ppf(0.975)
    centre = (0.1 + z * z / 20) / (1 + z * z / 10)
    half = z / (1 + z * z / 10) * math.sqrt(0.009 + z * z / 400)
    assert (low, high) == pytest.approx((centre - half, centre + half))


def test_wilson_interval_does_not_collapse_at_zero_or_one():
    low, high = decision.wilson_interval(0, 10)
    assert low == 0.0 and high == pytest.approx(0.2775, abs=1e-4)
    assert decision.wilson_interval(10, 10) == pytest.approx((1 - high, 1.0))
    est = decision.probability_less(np.ones(10), np.zeros(10))  # never less
    assert est.probability == 0.0 and est.probability_se == 0.0
    assert est.probability_high == pytest.approx(high) and est.probability_high > 0
    with pytest.raises(ValueError):
        decision.wilson_interval(3, 2)


def test_decision_probabilities_carry_the_wilson_interval():
    draws = np.arange(10)
    table = pd.DataFrame(
        {
            "draw": np.tile(draws, 2),
            "scenario": ["strategic"] * 10 + ["patchwork"] * 10,
            "cost": np.concatenate([np.where(draws == 0, -1.0, 1.0), np.zeros(10)]),
        }
    )
    out = decision.decision_probabilities(table, "cost", comparisons=[("strategic", "patchwork")])
    row = out.iloc[0]
    assert row.probability == pytest.approx(0.1)
    assert (row.probability_low, row.probability_high) == pytest.approx(
        decision.wilson_interval(1, 10)
    )


def test_decision_probabilities_without_by_names_the_missing_columns():
    rows = []
    for d in range(4):
        for scenario in ("strategic", "patchwork"):
            for payer in ("state", "total"):
                rows.append({"draw": d, "scenario": scenario, "payer": payer, "cost": float(d)})
    table = pd.DataFrame(rows)
    with pytest.raises(ValueError, match=r"add \['payer'\] to by="):
        decision.decision_probabilities(table, "cost")
    ok = decision.decision_probabilities(table, "cost", by=["payer"])
    assert set(ok.payer) == {"state", "total"}


def test_municipal_probability_has_wilson_bounds():
    table = pd.DataFrame(
        {
            "municipality": [101] * 20,
            "draw": list(range(10)) * 2,
            "scenario": ["strategic"] * 10 + ["baseline"] * 10,
            "pv": [-1.0] + [1.0] * 9 + [0.0] * 10,
        }
    )
    prob = decision.municipal_saving_probability(table, "pv")
    assert prob[101] == pytest.approx(0.1)
    assert prob.attrs["low"][101] == pytest.approx(decision.wilson_interval(1, 10)[0])
    assert prob.attrs["high"][101] == pytest.approx(decision.wilson_interval(1, 10)[1])


def test_evppi_table_adds_study_rows_without_changing_the_groups():
    rng = np.random.default_rng(7)
    n = 300
    x = pd.DataFrame(
        {
            "effects.a": rng.normal(size=n),
            "effects.a_hours": rng.normal(size=n),
            "prices.p": rng.normal(size=n),
        }
    )
    nb = pd.DataFrame({"one": 0.0, "two": x["effects.a"] + 0.1 * rng.normal(size=n)})
    plain = decision.evppi_table(x, nb)
    with_study = decision.evppi_table(x, nb, studies={"effects:a": ["effects.a"]})
    study = with_study[with_study.kind == "study"]
    assert list(study.name) == ["effects:a"] and study.n_parameters.iloc[0] == 1
    single = decision.evppi(x[["effects.a"]], nb).evppi
    assert study.evppi.iloc[0] == pytest.approx(single)
    groups = with_study[with_study.kind == "group"].reset_index(drop=True)
    pd.testing.assert_frame_equal(groups, plain[plain.kind == "group"].reset_index(drop=True))
