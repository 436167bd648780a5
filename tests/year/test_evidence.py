"""Realism checks on the evidence: shrinkage, fading, evaluation noise and what units select.

The evaluation checks drive the strategy's real lifecycle (evaluation, stopping, scaling) on
injected initiatives with known true effects, and compare the shares stopped and scaled with the
shares the evaluation's standard error implies, within a binomial tolerance.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import ndtr
from scipy.stats import norm

from simulation.actors.initiatives import RUNNING, SCALED, STOP_REASONS
from simulation.inputs.data import read_table, using_overrides
from simulation.inputs.initiative_kinds import fade_factor, kind_arrays
from simulation.inputs.mechanism_numbers import strategy_parameters, volunteering_parameters
from simulation.inputs.uncertainties import data_overrides, draw_for
from simulation.model import WelfareModel
from simulation.runs.simulate import scenario_parameters
from simulation.scenario import load_scenario
from simulation.year.evidence import (
    effect_spread,
    evaluation_se,
    mean_at_scale,
    pool_mean,
    pooled_estimate,
    reference_selected_mean,
    shrinkage,
)
from simulation.year.strategy import StrategyStats
from tests.conftest import SUBSET, run_model

Z = 4.0  # binomial tolerance in standard deviations


def within(count: int, n: int, p: float) -> None:
    sd = np.sqrt(n * p * (1.0 - p))
    assert abs(count - n * p) <= Z * sd + 1e-9, (count, n * p, sd)


def test_evaluation_standard_error_matches_simulated_two_arm_trials():
    """2/sqrt(N) x sqrt((1 - p)/p) is the sd of a relative effect measured in a trial of N."""
    sp = strategy_parameters()
    rng = np.random.default_rng(5)
    for reached, p in ((139, 0.06), (60, 0.30), (400, 0.03)):
        n_arm = int(reached * sp["evaluation_participants_per_reached"] / 2)
        treated = rng.binomial(n_arm, p, 20_000) / n_arm
        control = rng.binomial(n_arm, p, 20_000) / n_arm
        relative = (treated - control) / p
        se = evaluation_se(np.array([reached]), np.array([p]), np.array([0.0]), sp)[0]
        assert relative.std() == pytest.approx(se, rel=0.03)
        with_qa = evaluation_se(np.array([reached]), np.array([p]), np.array([1.0]), sp)[0]
        assert with_qa == pytest.approx(se * (1.0 - sp["qa_noise_reduction"]))


def test_fade_factor_is_the_mean_of_the_decaying_gain_over_a_year():
    t = np.linspace(0.0, 1.0, 200_001)
    for h in (0.25, 0.5, 2.0):
        gain = np.exp(-np.log(2.0) * t / h)
        assert fade_factor(np.array([h]))[0] == pytest.approx(np.trapezoid(gain, t), rel=1e-6)
    assert fade_factor(np.array([np.inf]))[0] == 1.0
    assert 0.5 < fade_factor(np.array([0.5]))[0] < 0.6


def test_only_published_estimates_are_shrunk_to_scale():
    sp = strategy_parameters()
    k = kind_arrays()
    factor = sp["publication_shrinkage"] * sp["scale_up_retention"]
    assert shrinkage(sp) == pytest.approx(factor)
    assert 0 < factor < 1
    assert k.published.any() and not k.published.all()
    assert mean_at_scale(k.effect_mean, k.published, sp) == pytest.approx(
        np.where(k.published, k.effect_mean * factor, k.effect_mean)
    )
    assert k.mean_at_scale == pytest.approx(mean_at_scale(k.effect_mean, k.published, sp))


def test_spread_between_initiatives_is_a_share_of_the_mean_at_scale():
    """Heterogeneity, not uncertainty: the sd is heterogeneity_cv x |mean at scale|."""
    sp = strategy_parameters()
    k = kind_arrays()
    assert 0.5 <= sp["heterogeneity_cv"] <= 1.0
    assert k.effect_sd == pytest.approx(sp["heterogeneity_cv"] * np.abs(k.mean_at_scale))
    assert effect_spread(np.array([0.0]), sp)[0] == 0.0


def _reference_draws(k, sp, pool, j, rng, n):
    """Proposals of the reference unit: both streams around the pool mean, its screening."""
    open_call = rng.random(n) < sp["calibration_open_call_share"]
    width = np.where(open_call, 1.0 + sp["challenge_effect_spread"], sp["incumbent_effect_shrink"])
    b = pool[j] + width * k.effect_sd[j] * rng.standard_normal(n)
    noise = (
        sp["selection_noise_sd"]
        * k.effect_sd[j]
        * (1.0 - sp["competence_noise_reduction"] * sp["calibration_competence"])
    )
    expected = k.fade[j] * b + noise * rng.standard_normal(n)
    return b[expected > 0]


def test_the_reference_unit_selects_initiatives_with_the_mean_at_scale():
    """The calibration: proposals around the pool mean, screened as the reference unit screens."""
    sp = strategy_parameters()
    k = kind_arrays()
    target = k.sign * k.mean_at_scale
    pool = pool_mean(target, k.effect_sd, k.fade, sp)
    assert (pool < target).all()  # selection adds, so the pool lies below the mean at scale
    assert (pool > 0).all()  # ... but the average proposal of every kind still helps
    assert reference_selected_mean(pool, k.effect_sd, k.fade, sp) == pytest.approx(target, abs=1e-9)
    rng = np.random.default_rng(3)
    for j in range(len(k)):
        chosen = _reference_draws(k, sp, pool, j, rng, 400_000)
        se = chosen.std() / np.sqrt(len(chosen))
        assert abs(chosen.mean() - target[j]) < Z * se, (k.specs[j].kind, chosen.mean(), target[j])


def test_the_calibration_holds_in_every_psa_draw():
    """Each draw of the uncertain numbers gets its own pool mean, solved for that draw."""
    for index in range(8):
        with using_overrides(data_overrides(draw_for(2026, index))):
            sp = strategy_parameters()
            k = kind_arrays()
            target = k.sign * k.mean_at_scale
            pool = pool_mean(target, k.effect_sd, k.fade, sp)
            got = reference_selected_mean(pool, k.effect_sd, k.fade, sp)
            assert got == pytest.approx(target, abs=1e-9), index
            assert k.effect_sd == pytest.approx(sp["heterogeneity_cv"] * np.abs(k.mean_at_scale))


def test_pooled_evaluations_shrink_the_sampling_error_but_keep_the_design_bias():
    """k yearly evaluations: sampling sd se/sqrt(k); the bias drawn once stays whole."""
    rng = np.random.default_rng(11)
    n, se, bias_sd, signal = 200_000, 0.3, 0.1, 0.05
    bias = bias_sd * rng.standard_normal(n)
    estimate = np.full(n, np.nan)
    for count in range(1, 5):
        error = se * rng.standard_normal(n)
        estimate = pooled_estimate(estimate, np.full(n, count), signal, bias, error)
        assert np.std(estimate - signal - bias) == pytest.approx(se / np.sqrt(count), rel=0.02)
        assert np.std(estimate - signal) == pytest.approx(
            np.sqrt(se**2 / count + bias_sd**2), rel=0.02
        )
        assert np.corrcoef(estimate - signal, bias)[0, 1] > 0.3


# --- the lifecycle with quality assurance 1 -------------------------------------------------

KIND = "visiting_friends"
N_EACH = 3000


def typical_reach() -> float:
    """A typical evaluated initiative of the kind: a running hour-based one at full capacity.

    ``volunteers_per_initiative`` volunteers giving ``hours_per_month x 12`` hours a year, at
    the kind's hours per participant (15 x 186 / 20 = 139 persons; the evaluation then has
    ``evaluation_participants_per_reached`` x 139 = 278 participants).
    """
    sp = strategy_parameters()
    spec = kind_arrays().specs[_kind_index()]
    hours = volunteering_parameters()["hours_per_month"] * 12.0
    return sp["volunteers_per_initiative"] * hours / spec.hours_per_participant


def _kind_index() -> int:
    return [s.kind for s in kind_arrays().specs].index(KIND)


@pytest.fixture(scope="module")
def evaluated_year():
    """Inject N_EACH ineffective and N_EACH effective running initiatives; run one lifecycle."""
    sc = load_scenario("scenarios/strategic.toml")
    model = WelfareModel(
        scenario_parameters(sc),
        scale=0.002,
        seed=1,
        municipalities=(101,),
        end_year=2027,
        scenario="strategic",
        lever_source=sc,
    )
    s = model.strategy
    j = _kind_index()
    area = int(s.kind.area[j])
    unit = int(s.unit_of[0, area])
    assert unit >= 0
    for name in ("quality_assurance", "scaling"):
        s.unit_lever[name][:] = 1.0
    # every initiative that looks successful is scaled: no competence gain, a lead fit of 1
    s.unit_lever["competence"][:] = 0.0
    s.actor_fit["scaling"][:] = 1.0
    s._unit_has_pool = np.ones_like(s._unit_static_pool)
    effective = 2.0 * s.kind.effect_mean[j]  # twice the evidence mean: clearly effective
    true = np.concatenate([np.zeros(N_EACH), np.full(N_EACH, effective)])
    n = len(true)
    rows = s.table.append(
        municipality=np.zeros(n, dtype=np.int64),
        area=np.full(n, area),
        kind=np.full(n, j),
        lead_type=np.full(n, 1),  # volunteers (the municipal volunteer centre)
        lead=np.full(n, -1),
        stage=np.full(n, RUNNING, dtype=np.int8),
        true_effect=true,
        expected_effect=np.full(n, 0.05),
        capacity=np.full(n, typical_reach()),
        reached=np.full(n, typical_reach()),
        started=np.full(n, 2026),
    )
    s._lifecycle(2027, np.random.default_rng(9), StrategyStats(), model.lever_costs)
    return model, rows, effective


def _se(model) -> float:
    """The sd of a first evaluation's error: sampling error and design bias."""
    s = model.strategy
    j = _kind_index()
    se = evaluation_se(
        np.array([typical_reach()]), np.array([s.kind.outcome_base_rate[j]]), np.array([1.0]), s.sp
    )[0]
    return float(np.hypot(se, s.sp["evaluation_bias_sd"]))


def test_quality_assurance_still_scales_ineffective_initiatives(evaluated_year):
    model, rows, _ = evaluated_year
    t, sp = model.strategy.table, model.strategy.sp
    se = _se(model)
    assert 0.1 < se < 0.5  # a realistic evaluation of 278 persons at a 6% incidence
    zero = rows[:N_EACH]
    stopped = int((t.stop_reason[zero] == STOP_REASONS.index("evaluation showed no benefit")).sum())
    scaled = int((t.stage[zero] == SCALED).sum())
    p_stop = float(ndtr(sp["stop_threshold"] / se))
    p_scale = float(1.0 - ndtr(sp["success_threshold"] / se))
    assert scaled > 0 and p_scale > 0.2
    within(stopped, N_EACH, p_stop)
    within(scaled, N_EACH, p_scale)


def test_quality_assurance_stops_some_effective_initiatives(evaluated_year):
    model, rows, effective = evaluated_year
    t, sp = model.strategy.table, model.strategy.sp
    se = _se(model)
    benefit = -effective * model.strategy.kind.fade[_kind_index()]  # acts on incidence
    good = rows[N_EACH:]
    stopped = int((t.stop_reason[good] == STOP_REASONS.index("evaluation showed no benefit")).sum())
    scaled = int((t.stage[good] == SCALED).sum())
    p_stop = float(norm.cdf((sp["stop_threshold"] - benefit) / se))
    p_scale = float(1.0 - norm.cdf((sp["success_threshold"] - benefit) / se))
    assert stopped > 0 and p_stop > 0.2
    within(stopped, N_EACH, p_stop)
    within(scaled, N_EACH, p_scale)


# --- the effects of running initiatives at the reference setting ----------------------------


@pytest.fixture(scope="module")
def reference_run(strategic_scenario):
    """The calibration's reference setting in the model's own code path.

    The strategic scenario (action plan: levers carried out in full, so many initiatives to
    measure) with the selection levers of the reference unit, the typical patchwork unit the pool
    mean is solved for: its open-call share and competence, no quality assurance and no scaling.
    The patchwork scenario itself starts too few initiatives on a test subset to measure a
    reach-weighted mean per kind. Subset, scale 0.01, seed 1, 2026-2040.
    """
    sp = strategy_parameters()
    sc = strategic_scenario.with_levers(
        challenge_based=sp["calibration_open_call_share"],
        competence=sp["calibration_competence"],
        quality_assurance=0.0,
        scaling=0.0,
    )
    return run_model(
        scenario_parameters(sc),
        municipalities=SUBSET,
        end_year=2040,
        scenario="evidence-reference",
        lever_source=sc,
    )


def _running_ratio(model, j: int) -> tuple[float, float]:
    """Reach-weighted true effect over the mean at scale, and its sampling standard error.

    The error treats the running initiatives as a weighted sample of their kind's initiatives
    (``sqrt(sum w^2 (x - mean)^2) / sum w``): a small run has few of them.
    """
    s = model.strategy
    t = s.table
    rows = np.flatnonzero(t.active() & (t.kind == j))
    weight = t.reached[rows]
    assert weight.sum() > 0, s.kind.specs[j].kind
    x = t.true_effect[rows] / s.kind.mean_at_scale[j]
    mean = float(np.average(x, weights=weight))
    se = float(np.sqrt(np.sum(weight**2 * (x - mean) ** 2)) / weight.sum())
    return mean, se


def _shrinkage_range() -> tuple[float, float]:
    """The shrinkage range around its central value: (low / central, high / central)."""
    rows = read_table("uncertain_effects.csv").set_index("name")

    def product(column: str) -> float:
        return float(rows.loc["effects.publication_shrinkage", column]) * float(
            rows.loc["effects.scale_up_retention", column]
        )

    return product("low") / product("central"), product("high") / product("central")


@pytest.mark.parametrize("kind", [spec.kind for spec in kind_arrays().specs])
def test_running_effects_at_the_reference_setting_are_the_mean_at_scale(reference_run, kind):
    """The reach-weighted true effect of running initiatives, against the kind's mean at scale.

    At the reference setting the calibration makes it the mean at scale (ratio 1) up to what the
    calibration leaves out (pilots that fail, initiatives that end, reach). The documented range
    is the shrinkage range around its central value (publication_shrinkage x
    scale_up_retention from their lows to their highs over the central 0.47: 0.32 to 2.1): an
    effect outside it would be a selection artefact larger than the uncertainty the model
    admits about the evidence. Widened by three sampling standard errors.
    """
    j = [s.kind for s in kind_arrays().specs].index(kind)
    ratio, se = _running_ratio(reference_run, j)
    low, high = _shrinkage_range()
    assert low - 3 * se <= ratio <= high + 3 * se, (ratio, se)
    # tighter: within a quarter of the mean at scale (the calibration holds in the model)
    assert abs(ratio - 1.0) <= 0.25 + 3 * se, (ratio, se)


@pytest.mark.parametrize("kind", [spec.kind for spec in kind_arrays().specs])
def test_strategic_selection_stays_within_the_shrinkage_range(strategic_run, kind):
    """The strategic levers select above the mean at scale, but not beyond the shrinkage range.

    Open calls, trained staff, evaluation and scaling are the levers' point; what they add must
    stay within the uncertainty the model admits about the evidence (the issue's check: not 2-4
    times the evidence mean).
    """
    j = [s.kind for s in kind_arrays().specs].index(kind)
    ratio, se = _running_ratio(strategic_run, j)
    low, high = _shrinkage_range()
    assert low - 3 * se <= ratio <= high + 3 * se, (ratio, se)
