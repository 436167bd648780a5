"""Identities: population and money add up."""

from __future__ import annotations

import numpy as np
import pytest

from simulation.actors import MunicipalUnit, RegionalUnit
from simulation.constants import AREAS


def _pivot(table, metric, area=None):
    rows = table[table.metric == metric]
    rows = rows[rows.area.isna()] if area is None else rows[rows.area == area]
    return rows.pivot_table(index="year", columns="municipality", values="value", aggfunc="sum")


def test_population_changes_by_births_deaths_and_moves(national_table):
    pop = _pivot(national_table, "population")
    births = _pivot(national_table, "births")
    deaths = _pivot(national_table, "deaths")
    moves_in = _pivot(national_table, "moves_in")
    moves_out = _pivot(national_table, "moves_out")
    years = pop.index[:-1]
    change = pop.loc[years + 1].to_numpy() - pop.loc[years].to_numpy()
    flows = (births - deaths + moves_in - moves_out).loc[years].to_numpy()
    np.testing.assert_allclose(change, flows, atol=1e-6)
    assert np.abs(flows).sum() > 0


def test_identity_holds_for_a_subset_of_municipalities(strategic_run):
    table = strategic_run.table()
    pop = _pivot(table, "population")
    flows = (
        _pivot(table, "births")
        - _pivot(table, "deaths")
        + _pivot(table, "moves_in")
        - _pivot(table, "moves_out")
    )
    years = pop.index[:-1]
    np.testing.assert_allclose(
        pop.loc[years + 1].to_numpy() - pop.loc[years].to_numpy(),
        flows.loc[years].to_numpy(),
        atol=1e-6,
    )


def test_table_has_one_row_per_key(national_table):
    keys = ["scenario", "replicate", "seed", "year", "municipality", "area", "metric"]
    assert not national_table.duplicated(keys).any()
    assert set(national_table.year) == set(range(2026, 2051))
    assert set(national_table.region) == {1081, 1082, 1083, 1084, 1085}


def test_units_book_the_costs_in_the_table(national_run, national_table):
    last = national_run.end_year
    cost = national_table[
        (national_table.metric == "public_cost_dkk") & (national_table.year == last)
    ]
    by_area = cost.groupby("area").value.sum()
    for area in AREAS:
        units = [u for u in national_run.agents_by_type[MunicipalUnit] if u.area == area]
        assert len(units) == 98
        assert sum(u.history[last] for u in units) == pytest.approx(by_area[area], rel=1e-12)
    regional = national_run.agents_by_type[RegionalUnit]
    assert len(regional) == 10
    region_cost = national_table[
        (national_table.metric == "public_cost_region_dkk") & (national_table.year == last)
    ]
    by_area_region = region_cost.groupby("area").value.sum()
    health = sum(u.history[last] for u in regional if u.area == "health")
    assert health == pytest.approx(by_area_region["health"], rel=1e-12)
    assert 0.95 * by_area["health"] < health < by_area["health"]  # GPs: municipal co-financing
    psychiatry = sum(u.history[last] for u in regional if u.area == "mental_health")
    assert psychiatry == pytest.approx(by_area_region["mental_health"], rel=1e-12)
    assert 0 < psychiatry < by_area["mental_health"]


def test_net_cost_is_public_plus_lever_cost(strategic_run):
    table = strategic_run.table()
    keys = ["year", "municipality", "area"]
    wide = (
        table[table.metric.isin(["public_cost_dkk", "lever_cost_dkk", "net_cost_dkk"])]
        .pivot_table(index=keys, columns="metric", values="value", aggfunc="sum", dropna=False)
        .fillna(0.0)
    )
    np.testing.assert_allclose(
        wide["net_cost_dkk"],
        wide["public_cost_dkk"] + wide["lever_cost_dkk"],
        rtol=1e-12,
        atol=1e-3,
    )
    assert wide["lever_cost_dkk"].sum() > 0


def test_regional_figures_are_sums_of_municipal_rows(national_table):
    rows = national_table[(national_table.metric == "population") & (national_table.year == 2040)]
    by_region = rows.groupby("region").value.sum()
    assert by_region.sum() == pytest.approx(rows.value.sum())
    assert len(by_region) == 5
