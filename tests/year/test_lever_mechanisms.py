"""Each lever's own mechanism moves its intermediate outcome (docs/ODD.md, strategy).

Common random numbers: every comparison runs the strategic scenario with the same seed and one
lever changed, on a few municipalities at a small scale for a few years (initiatives are real
numbers whatever the scale, so the strategy's intermediate outcomes are not thinned).
"""

from __future__ import annotations

import numpy as np
import pytest

from simulation.actors.initiatives import PILOT, SCALED, STOP_REASONS
from simulation.constants import AREAS
from simulation.inputs.initiative_kinds import ACTOR_ORDER
from simulation.inputs.mechanism_numbers import actor_parameters, strategy_parameters
from simulation.model import WelfareModel
from simulation.runs.simulate import scenario_parameters

PLACES = (101, 147, 461, 751, 851)  # København, Frederiksberg, Odense, Aarhus, Aalborg
END = 2031


def _model(scenario, parameters=None, end_year=END, **levers) -> WelfareModel:
    s = scenario.with_levers(**levers) if levers else scenario
    return WelfareModel(
        {**scenario_parameters(s), **(parameters or {})},
        scale=0.002,
        seed=3,
        municipalities=PLACES,
        end_year=end_year,
        scenario="mechanism-test",
        lever_source=s,
    )


def _run(scenario, parameters=None, **levers) -> WelfareModel:
    return _model(scenario, parameters, **levers).run()


def _total(model: WelfareModel, metric: str) -> float:
    t = model.table()
    return float(t[t.metric == metric].value.sum())


def _history(model: WelfareModel, field: str) -> int:
    return sum(getattr(h, field) for h in model.strategy.history)


def test_mapping_more_known_actors_give_more_matched_partnerships(strategic_scenario):
    low = _run(strategic_scenario, potential_mapping=0.0)
    high = _run(strategic_scenario, potential_mapping=1.0)
    assert _total(high, "partnerships_matched") > 1.3 * _total(low, "partnerships_matched")
    assert _history(high, "partner_unknown") == 0  # a full mapping knows every local actor
    assert _history(low, "partner_unknown") > 0
    assert _total(high, "initiatives_started") > _total(low, "initiatives_started")


def test_a_small_matching_capacity_binds(strategic_scenario):
    """Many proposals, no coordinators and the low end of the staff's capacity: the cap binds.

    Each strategist (a municipal unit, or a region's unit over its municipalities) matches
    exactly its pooled capacity (rounded up) where proposals wait, and never more; and the cap
    binds in elderly care too, not only in the areas with few staff (proposals and capacity are
    sized to the area alike).
    """
    small = {"effects.matching_per_10000": 0.1, "effects.matches_per_coordinator": 3.0}
    model = _model(
        strategic_scenario, small, end_year=2028, facilitation=0.0, innovation_support=200.0
    )
    s = model.strategy
    strategist = s.unit_strategist
    n = int(strategist.max()) + 1
    binding = 0
    while model.running:
        model.step()
        m = s.matching
        cap = np.ceil(np.bincount(strategist, weights=m["capacity"], minlength=n))
        matched = np.bincount(strategist, weights=m["matched"], minlength=n)
        assert (matched <= cap).all()
        waiting = np.bincount(strategist, weights=m["over_capacity"], minlength=n) > 0
        assert (matched[waiting] == cap[waiting]).all()
        binding += int(waiting.sum())
    assert binding > 0
    over = model.table()
    over = over[over.metric == "partnerships_over_capacity"]
    by_area = over.groupby(over.area.astype(object)).value.sum()
    assert by_area.get("elderly_care", 0) > 0
    # proposals per unit of matching capacity are the same in every area (same levers)
    pop = model.population_by_municipality[s.unit_municipality]
    ratio = s.unit_rate * pop / s.matching_capacity()
    assert ratio == pytest.approx(np.full(len(ratio), ratio[0]))
    assert _total(model, "partnerships_over_capacity") > 0
    # with the central capacity and coordinators fewer proposals wait
    roomy = _run(strategic_scenario, innovation_support=200.0)
    assert _total(roomy, "partnerships_matched") > _total(model, "partnerships_matched")


def test_coordinators_lower_the_transaction_cost_and_raise_pilot_success(strategic_scenario):
    sp = strategy_parameters()
    none = _run(strategic_scenario, facilitation=0.0)
    many = _run(strategic_scenario, facilitation=1.0)
    per = {
        name: _total(m, "transaction_cost_dkk") / _total(m, "initiatives_started")
        for name, m in (("none", none), ("many", many))
    }
    # hand-computed: the full cost without coordinators, 1 / (1 + reduction) of it at one
    assert per["none"] == pytest.approx(sp["transaction_cost_dkk"])
    assert per["many"] == pytest.approx(
        sp["transaction_cost_dkk"] / (1 + sp["transaction_cost_reduction"])
    )

    def success(m):
        ok, failed = _total(m, "pilots_succeeded"), _total(m, "pilots_failed")
        return ok / (ok + failed)

    assert success(many) > success(none) + 0.05
    # without coordinators: the base rate times the leads' fit for the pilot stage (actors.csv)
    fit = strategy_fit_pilot()
    assert sp["pilot_success_base"] * min(fit) - 0.05 < success(none)
    assert success(none) < sp["pilot_success_base"] * max(fit) + 0.05


def test_training_narrows_the_gap_between_pilot_and_operation(strategic_scenario):
    sp = strategy_parameters()
    keep, gain = sp["scale_up_retention"], sp["competence_fidelity_gain"]

    def mean_gap(m):
        t = m.strategy.table
        in_operation = t.active() & (t.stage != PILOT)
        return _total_last(m, "implementation_gap") / in_operation.sum()

    untrained = _run(strategic_scenario, competence=0.0)
    trained = _run(strategic_scenario, competence=1.0)
    assert mean_gap(untrained) == pytest.approx(1 - keep)
    assert mean_gap(trained) == pytest.approx((1 - keep) * (1 - gain))
    # an initiative in operation acts with its pilot effect times its fidelity
    agents = [i for i in trained.strategy.initiatives if i.stage != "pilot"]
    assert agents
    for agent in agents[:20]:
        pilot_effect = agent.true_effect / keep
        assert agent.acting_effect == pytest.approx(pilot_effect * agent.fidelity)
        assert agent.fidelity == pytest.approx(keep + (1 - keep) * gain)


def _total_last(model: WelfareModel, metric: str) -> float:
    t = model.table()
    rows = t[(t.metric == metric) & (t.year == t.year.max())]
    return float(rows.value.sum())


def test_training_scales_more_of_what_works(strategic_scenario):
    untrained = _run(strategic_scenario, competence=0.0)
    trained = _run(strategic_scenario, competence=1.0)
    assert _history(trained, "scaled") > _history(untrained, "scaled")


def test_an_action_plan_keeps_the_funding_longer(strategic_scenario):
    without = _run(strategic_scenario, action_plan=False)
    with_plan = _run(strategic_scenario, action_plan=True)
    unfunded = STOP_REASONS.index("funding ended")

    def unfunded_share(m):
        t = m.strategy.table
        return (t.stop_reason == unfunded).sum() / len(t)

    assert _total(without, "initiatives_stopped_unfunded") > 0
    assert unfunded_share(with_plan) < 0.6 * unfunded_share(without)

    def mean_life(m):  # years from start to stop, or to the end for those still active
        # of the first year's initiatives: the plan also shares the mapping, so more start in
        # later years, whose lives the end of the run cuts short
        t = m.strategy.table
        first = t.started == t.started.min()
        end = np.where(t.stopped_year >= 0, t.stopped_year, END + 1)
        return float(np.mean((end - t.started)[first]))

    assert mean_life(with_plan) > mean_life(without)
    # the plan no longer scales the levers down: the same settings act either way
    a = next(lv for lv in without.unit_levers.values() if lv.active)
    b = next(lv for lv in with_plan.unit_levers.values() if lv.active)
    assert a.values == b.values and not a.action_plan and b.action_plan


def _failed_pilots(model: WelfareModel) -> np.ndarray:
    """Pilots that failed as partnerships, by lead type (ACTOR_ORDER)."""
    t = model.strategy.table
    failed = t.stop_reason == STOP_REASONS.index("partnership failed")
    return np.bincount(t.lead_type[failed], minlength=len(ACTOR_ORDER))


def test_which_actors_at_which_stage_is_data(strategic_scenario):
    """The lead's fit for the pilot stage (actors.csv) changes only its own pilots' success.

    Through the second year the runs share every draw (the pilots of the first year end in the
    second year's lifecycle, before its proposals), so only firm-led pilots differ.
    """
    firm = ACTOR_ORDER.index("firm")
    poor = _run_to(strategic_scenario, 2027, {"effects.fit_pilot_firm": 0.6})
    good = _run_to(strategic_scenario, 2027, {"effects.fit_pilot_firm": 1.1})
    a, b = _failed_pilots(poor), _failed_pilots(good)
    assert a[firm] > b[firm]
    others = np.arange(len(ACTOR_ORDER)) != firm
    assert (a[others] == b[others]).all()


def test_a_leads_fit_for_scaling_and_running_acts(strategic_scenario):
    slow = {"effects.fit_scaling_firm": 1.0, "effects.fit_running_volunteer": 1.0}
    fast = {"effects.fit_scaling_firm": 2.0, "effects.fit_running_volunteer": 2.0}
    low, high = _run(strategic_scenario, slow), _run(strategic_scenario, fast)
    firm, volunteer = ACTOR_ORDER.index("firm"), ACTOR_ORDER.index("volunteer")

    def share(m, actor, stage=None, reason=None):
        t = m.strategy.table
        mine = t.lead_type == actor
        hit = t.stage == stage if stage is not None else t.stop_reason == reason
        return (mine & hit).sum() / mine.sum()

    assert share(high, firm, stage=SCALED) > share(low, firm, stage=SCALED)
    ended = STOP_REASONS.index("ended")
    assert share(high, volunteer, reason=ended) > share(low, volunteer, reason=ended)


def strategy_fit_pilot() -> list[float]:
    """The leads' fit for the pilot stage (actors.csv), by actor type."""
    ap = actor_parameters()
    return [ap[f"fit_pilot_{a}"] for a in ACTOR_ORDER]


def _run_to(scenario, end_year: int, parameters: dict) -> WelfareModel:
    return _model(scenario, parameters, end_year=end_year).run()


def test_an_action_plan_shares_the_mapping_across_areas(strategic_scenario):
    """With a plan, a unit whose own area is unmapped matches from its municipality's mapping."""
    for plan, expected_unknown in ((True, 0), (False, None)):
        model = _model(strategic_scenario, end_year=2027, action_plan=plan)
        s = model.strategy
        # one municipal and one regional area of each municipality fully mapped, the others not
        mapped = (s.unit_area == AREAS.index("elderly_care")) | (
            s.unit_area == AREAS.index("health")
        )
        s.unit_lever["potential_mapping"][:] = np.where(mapped, 1.0, 0.0)
        model.run()
        unknown = sum(h.partner_unknown for h in s.history)
        if expected_unknown is None:
            assert unknown > 0
        else:
            assert unknown == expected_unknown
        assert (s.shared_mapping() == (1.0 if plan else mapped)).all()


def test_coordinators_keep_volunteers(strategic_scenario):
    """Coordinators lower the social volunteers' drop-out (docs/ODD.md 7.4, 7.5): with common
    random numbers more volunteers stay."""
    none = _run(strategic_scenario, facilitation=0.0)
    many = _run(strategic_scenario, facilitation=1.0)
    assert _total_last(many, "volunteers") > _total_last(none, "volunteers")
    assert many.strategy.by_municipality("facilitation").max() == pytest.approx(1.0)


def _spread(model: WelfareModel) -> float:
    """The spread of the started initiatives' true effects, in units of their kind's sd."""
    s = model.strategy
    t = s.table
    rows = np.arange(len(t))
    kind = t.kind[rows]
    z = (t.true_effect[rows] - s.pool_mean[kind]) / s.kind.effect_sd[kind]
    return float(np.std(z))


def test_open_calls_widen_the_spread_and_cost_staff_time(strategic_scenario):
    """Open calls (``challenge_based``) widen the spread of true effects; the fund only sets the
    rate of proposals (docs/ODD.md 7.5). Open calls book staff time per proposal they draw."""
    sp = strategy_parameters()
    closed = _run(strategic_scenario, challenge_based=0.0)
    open_ = _run(strategic_scenario, challenge_based=1.0)
    assert _spread(open_) > 1.5 * _spread(closed)

    def item(m, name):
        return sum(i[name] for i in m.strategy.lever_items.values())

    assert item(closed, "open_calls") == 0
    calls = item(open_, "open_calls") / sp["open_call_cost_dkk"]
    assert calls >= _history(open_, "selected")  # every started proposal came from a call
    assert calls == pytest.approx(round(calls))
    # a larger fund: more proposals, the same spread
    small = _run(strategic_scenario, innovation_support=20.0)
    large = _run(strategic_scenario, innovation_support=200.0)
    assert _history(large, "proposals") > 1.5 * _history(small, "proposals")
    assert _spread(large) == pytest.approx(_spread(small), rel=0.15)
