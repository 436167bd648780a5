"""The strategy mechanisms: no free lunch, constraints that must always hold, the baseline."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from simulation.constants import AREAS
from simulation.inputs.registry import defaults
from simulation.runs.simulate import scenario_parameters
from tests.conftest import SUBSET, run_model


def _sum(table, metric, area="any"):
    rows = table[table.metric == metric]
    if area is None:
        rows = rows[rows.area.isna()]
    elif area != "any":
        rows = rows[rows.area == area]
    return rows.value.sum()


def test_baseline_has_no_initiatives_and_no_lever_cost(national_table):
    for metric in (
        "initiatives_started",
        "initiatives_running",
        "lever_cost_dkk",
        "marginalised_employed",
    ):
        assert _sum(national_table, metric) == 0, metric
    assert _sum(national_table, "volunteers") > 0  # citizens still volunteer


def test_strategic_with_every_lever_off_is_exactly_the_baseline(
    strategic_scenario, baseline_subset_run
):
    off = strategic_scenario.with_levers(**defaults("lever"))
    model = run_model(
        scenario_parameters(off),
        municipalities=SUBSET,
        end_year=2040,
        scenario="baseline",
        lever_source=off,
    )
    pd.testing.assert_frame_equal(model.table(), baseline_subset_run.table())


def test_strategic_creates_initiatives_and_costs(strategic_run):
    table = strategic_run.table()
    assert _sum(table, "initiatives_started") > 100
    assert _sum(table, "lever_cost_dkk") > 0
    assert _sum(table, "marginalised_employed") > 0
    for area in AREAS:
        assert _sum(table, "initiatives_started", area) > 0, area


def test_volunteer_hours_used_never_exceed_hours_available(strategic_run):
    table = strategic_run.table()
    rows = table[table.metric == "volunteer_hours"]
    available = rows[rows.area.isna()].pivot_table(
        index="year", columns="municipality", values="value"
    )
    used = rows[rows.area.notna()].pivot_table(
        index="year", columns="municipality", values="value", aggfunc="sum"
    )
    assert used.to_numpy().sum() > 0
    assert (used <= available + 1e-6).all().all()


def test_jobs_never_exceed_enterprise_capacity(strategic_run):
    strategy = strategic_run.strategy
    assert strategy.employed.sum() > 0
    for ini in strategy.initiatives:
        if ini.resource == "jobs":
            assert ini.reached <= ini.jobs + 1e-9
    enterprises = strategic_run.civil_society.enterprise_agents()
    assert any(e.open for e in enterprises) and any(not e.open for e in enterprises)
    for e in enterprises:
        jobs = [i for i in e.initiatives if i.is_active and i.resource == "jobs"]
        committed = sum(i.jobs for i in jobs)
        filled = sum(i.reached for i in jobs)
        assert filled <= committed + 1e-9 <= e.jobs + 1e-6
        if not e.open:
            assert not jobs, "a closed enterprise leads no active initiative"
    table = strategic_run.table()
    employed = table[(table.metric == "marginalised_employed") & (table.year == 2040)].value.sum()
    assert employed <= strategic_run.civil_society.jobs_capacity()


def test_no_free_lunch_when_initiatives_have_no_effect(strategic_scenario, baseline_subset_run):
    """With effect sizes scaled to zero, strategic costs more than the baseline by exactly its
    lever costs: the public cost of provision is unchanged."""
    null = strategic_scenario.with_uncertainties(effect_scale=0.0)
    model = run_model(
        scenario_parameters(null),
        municipalities=SUBSET,
        end_year=2040,
        scenario="strategic",
        lever_source=null,
    )
    table, base = model.table(), baseline_subset_run.table()
    lever = _sum(table, "lever_cost_dkk")
    assert lever > 0
    assert _sum(table, "public_cost_dkk") == pytest.approx(_sum(base, "public_cost_dkk"), rel=1e-12)
    assert _sum(table, "net_cost_dkk") - _sum(base, "net_cost_dkk") == pytest.approx(
        lever, rel=1e-9
    )


def test_no_area_falls_below_what_no_initiative_can_address(
    strategic_scenario, baseline_subset_run
):
    """Even with twice the evidence-based effects, every area's cost stays at or above the cost
    of the needs no initiative can address, and that part is the same as in the baseline."""
    strong = strategic_scenario.with_uncertainties(effect_scale=2.0)
    model = run_model(
        scenario_parameters(strong),
        municipalities=SUBSET,
        end_year=2040,
        scenario="strategic",
        lever_source=strong,
    )
    table, base = model.table(), baseline_subset_run.table()
    keys = ["year", "municipality", "area"]
    cost = table[table.metric == "public_cost_dkk"].set_index(keys).value
    floor = table[table.metric == "unaddressable_cost_dkk"].set_index(keys).value
    assert (cost >= floor - 1e-6).all()
    base_floor = base[base.metric == "unaddressable_cost_dkk"].set_index(keys).value
    # employment's floor also holds the integration leavers who pass to cash benefit, and
    # initiatives in integration change how many leave (integration_exits.csv)
    direct = floor.index.get_level_values("area") != "employment"
    np.testing.assert_allclose(floor[direct].sort_index(), base_floor[direct].sort_index())
    assert _sum(table, "public_cost_dkk") < _sum(base, "public_cost_dkk")


def test_initiatives_follow_their_lifecycle(strategic_run):
    created = strategic_run.strategy.created
    stages = {i.stage for i in created}
    assert {"running", "stopped"} <= stages
    assert any(i.stage == "scaled" for i in created)
    reasons = {i.stop_reason for i in created if i.stage == "stopped"}
    assert "partnership failed" in reasons and "evaluation showed no benefit" in reasons
    effects = np.array([i.kind_spec.benefit(i.true_effect) for i in created])
    assert (effects < 0).any(), "some initiatives must be harmful: no miracle cure"
