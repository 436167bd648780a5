"""Each lever moves the intermediate outcome it acts on in its documented direction.

Every comparison changes one lever of the strategic scenario and keeps the seed (common random
numbers: the same citizens, the same demography), on a subset of municipalities.
"""

from __future__ import annotations

import numpy as np
import pytest

from simulation.actors.public_units import regional_areas
from simulation.constants import AREAS
from simulation.runs.simulate import scenario_parameters
from tests.conftest import SUBSET, run_model

END = 2036


@pytest.fixture(scope="module")
def strategic(strategic_scenario):
    return strategic_scenario


def _run(scenario, **levers):
    s = scenario.with_levers(**levers) if levers else scenario
    return run_model(
        scenario_parameters(s),
        scale=0.005,
        municipalities=SUBSET,
        end_year=END,
        scenario="lever-test",
        lever_source=s,
    )


def _metric(model, metric, area="any"):
    t = model.table()
    rows = t[t.metric == metric]
    if area is None:
        rows = rows[rows.area.isna()]
    return rows.value.sum()


def _history(model, field):
    return sum(getattr(h, field) for h in model.strategy.history)


def _benefit(initiatives):
    return np.mean([i.kind_spec.benefit(i.true_effect) for i in initiatives])


def test_potential_mapping_recruits_volunteers(strategic):
    low, high = _run(strategic, potential_mapping=0.0), _run(strategic, potential_mapping=1.0)
    assert _metric(high, "volunteers") > _metric(low, "volunteers")
    assert _metric(high, "volunteer_hours", None) > _metric(low, "volunteer_hours", None)


def test_actor_mix_widens_the_actor_types(strategic):
    low, high = _run(strategic, actor_mix=0.2), _run(strategic, actor_mix=1.0)
    types_low = {i.lead_type for i in low.strategy.created}
    types_high = {i.lead_type for i in high.strategy.created}
    assert types_low <= {"association", "volunteer"}
    assert {"social_enterprise", "online", "firm"} <= types_high
    assert _metric(high, "marginalised_employed") > _metric(low, "marginalised_employed") == 0


def test_innovation_support_raises_proposals(strategic):
    low, high = _run(strategic, innovation_support=0.0), _run(strategic, innovation_support=100.0)
    assert _history(high, "proposals") > 1.5 * _history(low, "proposals")
    assert _metric(high, "initiatives_started") > _metric(low, "initiatives_started")


def test_facilitation_makes_partnerships_succeed_and_volunteers_stay(strategic):
    low, high = _run(strategic, facilitation=0.0), _run(strategic, facilitation=2.0)
    rate_low = _history(low, "pilots_succeeded") / _history(low, "pilots_ended")
    rate_high = _history(high, "pilots_succeeded") / _history(high, "pilots_ended")
    assert rate_high > rate_low + 0.1
    social_low = (low.citizens.volunteer == 2).sum()
    social_high = (high.citizens.volunteer == 2).sum()
    assert social_high > social_low


def _harmful_share(initiatives):
    return np.mean([i.kind_spec.benefit(i.true_effect) < 0 for i in initiatives])


def test_competence_selects_fewer_harmful_initiatives(strategic):
    """Trained staff judge proposals with less noise, so fewer harmful ones get through."""
    low, high = _run(strategic, competence=0.0), _run(strategic, competence=1.0)
    assert _harmful_share(high.strategy.created) < 0.75 * _harmful_share(low.strategy.created)


def test_scaling_scales(strategic):
    low, high = _run(strategic, scaling=0.0), _run(strategic, scaling=1.0)
    assert _metric(low, "initiatives_scaled") == 0
    assert _metric(high, "initiatives_scaled") > 0
    assert _history(high, "spread") > 0


def test_quality_assurance_stops_weak_initiatives(strategic):
    low, high = _run(strategic, quality_assurance=0.0), _run(strategic, quality_assurance=1.0)
    assert _history(low, "stopped_by_evaluation") == 0
    assert _history(high, "stopped_by_evaluation") > 0
    # Since issue 13's review the spread between initiatives is a share of the mean at scale
    # (heterogeneity_cv) and evaluations carry a design bias: a realistic evaluation (standard
    # error 0.25-0.5 on effects of 0.05-0.2) hardly tells initiatives of one kind apart, so in
    # one run the share of harmful initiatives still running need not fall (docs/evidence.md,
    # evaluation). What the lever does do: those it stops are more often harmful than those
    # it lets run.
    stopped = [i for i in high.strategy.created if i.stop_reason == "evaluation showed no benefit"]
    kept = [i for i in high.strategy.created if i.is_active]
    assert len(stopped) > 20
    assert _harmful_share(stopped) > _harmful_share(kept)


def test_challenge_based_widens_proposals_and_their_spread(strategic):
    low, high = _run(strategic, challenge_based=0.0), _run(strategic, challenge_based=1.0)
    assert _history(high, "proposals") > _history(low, "proposals")
    spread_low = np.std([i.true_effect / i.kind_spec.effect_sd for i in low.strategy.created])
    spread_high = np.std([i.true_effect / i.kind_spec.effect_sd for i in high.strategy.created])
    assert spread_high > spread_low


def test_public_role_driver_against_enabler(strategic):
    driver, enabler = _run(strategic, public_role="driver"), _run(strategic, public_role="enabler")
    assert _metric(driver, "initiatives_started") > _metric(enabler, "initiatives_started")
    assert {i.lead_type for i in enabler.strategy.created} <= {"social_enterprise", "firm"}
    assert {i.funded for i in enabler.strategy.created} == {"contract"}
    assert _metric(driver, "lever_cost_dkk") > _metric(enabler, "lever_cost_dkk")


def _active_units(model):
    """Active municipal units by municipality (their own areas), and active regional units."""
    own = [a for a in AREAS if a not in regional_areas()]
    municipal = [
        sum(model.unit_levers[(i, a)].active for a in own)
        for i in np.flatnonzero(model.simulated).tolist()
    ]
    return municipal, sum(u.levers.active for u in model.regional_units.values())


def test_coverage_covers_more_areas(strategic):
    low, high = _run(strategic, coverage=0.5), _run(strategic, coverage=1.0)
    # half of the six areas of a municipality, of which the regional ones are the region's;
    # a region covers one of its two areas
    municipal, regional = _active_units(low)
    assert max(municipal) <= 3 and sum(municipal) > 0
    assert regional == len(low.regional_units) // 2
    municipal, regional = _active_units(high)
    assert municipal == [4] * len(SUBSET) and regional == len(high.regional_units)
    assert _metric(high, "initiatives_started") > _metric(low, "initiatives_started")


def test_action_plan_keeps_initiatives_funded_and_spreads_them(strategic):
    """A plan is no longer a flat 60% of every lever: it keeps funding and shares scaling."""
    without, with_plan = _run(strategic, action_plan=False), _run(strategic, action_plan=True)
    assert _metric(with_plan, "initiatives_stopped_unfunded") < _metric(
        without, "initiatives_stopped_unfunded"
    )
    assert _history(with_plan, "spread") > _history(without, "spread")
    assert _metric(with_plan, "initiatives_started") > _metric(without, "initiatives_started")
    assert _metric(with_plan, "lever_cost_dkk") > _metric(without, "lever_cost_dkk")


def test_adoption_spreads_the_strategy_over_municipalities(strategic):
    low, high = _run(strategic, adoption=0.3), _run(strategic, adoption=1.0)
    mun_low = {i.municipality for i in low.strategy.created}
    mun_high = {i.municipality for i in high.strategy.created}
    assert len(mun_high) == len(SUBSET)
    assert len(mun_low) < len(mun_high)
