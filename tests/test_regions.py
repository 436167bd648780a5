"""The regions as strategists of health and psychiatry (docs/ODD.md, units).

A region's own strategy (levers set for one region only, the others at the baseline) must
change that region's health and psychiatry, with its lever costs booked to the region, and leave
the municipal areas, the municipalities' payer and the other regions as in the baseline (common
random numbers: the same seed).
"""

from __future__ import annotations

import numpy as np
import pytest

from simulation.actors import MunicipalUnit, RegionalUnit
from simulation.actors.public_units import regional_areas
from simulation.constants import AREAS
from simulation.inputs.places import region_of, resolve_region
from simulation.inputs.prices import area_staff
from simulation.model import WelfareModel
from simulation.runs.simulate import scenario_parameters
from simulation.scenario import ScenarioError, load_scenario

# two municipalities of Nordjylland (Aalborg, Hjørring) and two of other regions
# (Aarhus, Odense)
SUBSET = (851, 860, 751, 461)
NORDJYLLAND = resolve_region("Nordjylland")
STRATEGY = """
coverage = 1.0
action_plan = true
actor_mix = 1.0
innovation_support = 20.0
facilitation = 0.3
competence = 0.5
quality_assurance = 0.5
scaling = 0.3
challenge_based = 0.7
potential_mapping = 0.5
"""
REGIONAL = f"""
name = "nordjylland"
extends = "baseline.toml"
[levers]
adoption = 1.0
[region."Nordjylland".areas.health]
{STRATEGY}
[region."Nordjylland".areas.mental_health]
{STRATEGY}
"""


def _run(scenario, end_year=2032):
    return WelfareModel(
        scenario_parameters(scenario),
        scale=0.01,
        seed=3,
        municipalities=SUBSET,
        end_year=end_year,
        scenario=scenario.name,
        lever_source=scenario,
    ).run()


def _scenario(tmp_path, text, name="s.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load_scenario(path)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("regions")
    regional = _run(_scenario(folder, REGIONAL))
    baseline = _run(load_scenario("baseline"))
    return regional, baseline


@pytest.fixture(scope="module")
def runs_to_2040(tmp_path_factory):
    """As ``runs``, to 2040: since partners must be known and matched (docs/ODD.md 7.5) the
    region starts fewer initiatives, and at scale 0.01 its first changed cost comes after 2032."""
    folder = tmp_path_factory.mktemp("regions_2040")
    regional = _run(_scenario(folder, REGIONAL), end_year=2040)
    baseline = _run(load_scenario("baseline"), end_year=2040)
    return regional, baseline


def _by(table, metric):
    """A metric's sum by (region, area), areas missing as "none"."""
    sel = table[table.metric == metric]
    return sel.groupby([sel.region, sel.area.astype(object).fillna("none")]).value.sum()


def test_regional_areas_are_health_and_psychiatry():
    assert regional_areas() == ("health", "mental_health")


def test_the_regional_unit_holds_the_regions_levers(runs):
    regional, _ = runs
    units = regional.regional_units
    for (region, area), unit in units.items():
        assert isinstance(unit, RegionalUnit)
        assert unit.levers.active == (region == NORDJYLLAND)
        if region == NORDJYLLAND:
            assert unit.levers["facilitation"] == pytest.approx(0.3)
            assert unit.levers["innovation_support"] == pytest.approx(20.0)
        # every municipality of the region acts on its region's levers in the area
        for i in regional.region_rows[region].tolist():
            assert regional.unit_levers[(i, area)] is unit.levers
    # the municipalities' own areas stay as in the baseline
    for unit in regional.agents_by_type[MunicipalUnit]:
        if unit.area not in regional_areas():
            assert not unit.levers.active


def test_a_regional_strategy_changes_only_its_regions_health_and_psychiatry(runs_to_2040):
    regional, baseline = runs_to_2040
    t, b = regional.table(), baseline.table()
    started = _by(t, "initiatives_started")
    started = started[started > 0]
    assert set(started.index) == {(NORDJYLLAND, "health"), (NORDJYLLAND, "mental_health")}
    # regional costs: the lever costs and the region's provision in that region's areas
    cost, base = _by(t, "public_cost_region_dkk"), _by(b, "public_cost_region_dkk")
    diff = cost - base.reindex(cost.index)
    changed = diff.index[~np.isclose(diff, 0.0, rtol=0, atol=1e-6)]
    assert {a for r, a in changed} <= set(regional_areas())
    inside = diff[[(NORDJYLLAND, a) for a in regional_areas()]].abs().sum()
    assert inside > 0
    # Outside the region only citizens who were reached in Nordjylland and moved away can
    # carry a change (the same moves happen in both runs: common random numbers); that
    # spill-over is a small part of the region's own change.
    outside = diff[[i for i in diff.index if i[0] != NORDJYLLAND]].abs().sum()
    assert outside <= 0.1 * inside
    # the municipalities' own areas are the baseline's, in every region
    for metric in ("public_cost_municipality_dkk", "public_cost_dkk"):
        here, there = _by(t, metric), _by(b, metric)
        for (region, area), value in here.items():
            if area not in regional_areas():
                assert value == pytest.approx(there[(region, area)], rel=1e-12), (metric, area)


def test_the_regions_lever_costs_are_booked_to_the_region(runs):
    regional, _ = runs
    t = regional.table()
    total = _by(t, "lever_cost_dkk")
    region = _by(t, "lever_cost_region_dkk")
    for payer in ("municipality", "state"):
        assert _by(t, f"lever_cost_{payer}_dkk").sum() == 0.0
    # every krone of the lever costs is the region's, and only Nordjylland's
    assert region.sum() == pytest.approx(total.sum(), rel=1e-12)
    assert region.sum() > 0
    paying = region[region > 0]
    assert {r for r, _ in paying.index} == {NORDJYLLAND}
    # coordinators and funds by area, the mapping of the region's resources without one
    assert {a for _, a in paying.index} == {"health", "mental_health", "none"}


def test_a_municipality_override_does_not_reach_the_regional_unit(tmp_path):
    text = (
        'name = "aalborg"\nextends = "baseline.toml"\n[levers]\nadoption = 1.0\n'
        '[municipality."Aalborg"]\ncoverage = 1.0\nfacilitation = 0.3\ninnovation_support = 20.0\n'
    )
    model = WelfareModel(
        scale=0.002,
        seed=1,
        municipalities=(851,),
        end_year=2027,
        lever_source=_scenario(tmp_path, text),
    )
    i = int(np.flatnonzero(model.codes == 851)[0])
    for area in ("elderly_care", "employment", "integration", "rehabilitation"):
        assert model.unit_levers[(i, area)].active
    for area in regional_areas():
        assert not model.unit_levers[(i, area)].active
        assert not model.regional_units[(region_of(851), area)].levers.active


def test_a_municipality_cannot_set_a_regional_area(tmp_path):
    text = 'name = "x"\n[municipality."Aalborg".areas.health]\nfacilitation = 1.0\n'
    with pytest.raises(ScenarioError, match="run by the region"):
        _scenario(tmp_path, text)


def test_the_patchwork_draws_once_per_region(tmp_path):
    model = WelfareModel(
        scale=0.002,
        seed=5,
        municipalities=None,
        end_year=2027,
        lever_source=load_scenario("patchwork"),
    )
    for (region, area), unit in model.regional_units.items():
        rows = model.region_rows[region].tolist()
        assert len(rows) > 1
        assert all(model.unit_levers[(i, area)] is unit.levers for i in rows)
    # the regions do not all draw the same values
    draws = {tuple(u.levers.values.values()) for u in model.regional_units.values()}
    assert len(draws) > 1


def test_a_regions_fund_is_pooled_over_its_municipalities(runs_to_2040):
    """Grants beyond the fund only where the region's whole fund is spent (hand check)."""
    regional, _ = runs_to_2040
    s = regional.strategy
    regional_rows = s.unit_region >= 0
    # one strategist per (region, area), one per municipal unit
    assert len(np.unique(s.unit_strategist[regional_rows])) == len(
        set(
            zip(
                s.unit_region[regional_rows].tolist(),
                s.unit_area[regional_rows].tolist(),
                strict=True,
            )
        )
    )
    pop = regional.population_by_municipality[s.unit_municipality]
    fund = s.unit_lever["innovation_support"] * pop
    items = s.lever_items[max(s.lever_items)]
    grants = s._grants
    pooled = 0.0
    for k in np.unique(s.unit_strategist).tolist():
        mine = s.unit_strategist == k
        pooled += max(grants[mine].sum() - fund[mine].sum(), 0.0)
    assert items["grants_beyond_fund"] == pytest.approx(pooled, rel=1e-9, abs=1e-6)
    # pooling never tops up more than municipality-by-municipality funds would (a region's
    # unspent share covers another municipality's grants)
    row_by_row = np.maximum(grants - fund, 0.0).sum()
    assert 0 < pooled <= row_by_row * (1 + 1e-12)


def test_regional_coordinators_are_sized_by_the_staff_who_meet_the_target_groups(runs):
    """A regional unit's coordinators and trained staff are sized by the area's staff in
    area_staff.csv: for health the outpatient and chronic-care staff, not the whole hospital, so
    a health unit has fewer coordinators per inhabitant than an elderly-care unit (docs/ODD.md
    7.5, docs/economics.md "Lever costs")."""
    regional, _ = runs
    s = regional.strategy
    staff = area_staff()
    assert staff["health"] < staff["elderly_care"] / 4
    weight = {a: staff[a] / sum(staff.values()) * len(AREAS) for a in AREAS}
    pop = regional.population_by_municipality[s.unit_municipality]
    expected = s.unit_lever["facilitation"] * pop / 10_000 * [weight[AREAS[a]] for a in s.unit_area]
    assert s.coordinators() == pytest.approx(expected)
    health = s.unit_area == AREAS.index("health")
    assert health.any()
    per_inhabitant = s.coordinators()[health] / pop[health]
    assert per_inhabitant == pytest.approx(0.3 / 10_000 * weight["health"])
    assert weight["health"] < 1.0
