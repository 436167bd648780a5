"""Prices per service unit by payer, the fixed part, marginal pricing and the payer identities."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from simulation.constants import AREAS
from simulation.economy.budget import cohort_budget
from simulation.inputs.data import read_table
from simulation.inputs.prices import PAYERS, area_targets, fixed_specs, level_prices
from simulation.model import WelfareModel
from simulation.year.collection import ResultCollector
from simulation.year.needs import need_model
from simulation.year.provision import CostModel


@pytest.fixture(scope="module")
def costs() -> CostModel:
    return CostModel(need_model())


def _price(service: str, payer: str | None = None) -> float:
    """The marginal price of a service from the data file, by hand."""
    t = read_table("service_prices.csv")
    t = t[t.service == service]
    if payer is not None:
        t = t[t.payer == payer]
    return float((t.price_dkk_2026.astype(float) * t.marginal_share.astype(float)).sum())


def test_price_index_factors_are_index_ratios():
    t = read_table("price_index.csv").set_index("year")
    base = float(t.loc[2026, "index_2015"])
    for _, row in t.iterrows():
        assert float(row.factor_to_2026) == pytest.approx(base / float(row.index_2015), abs=6e-5)


def test_every_need_level_uses_priced_services():
    levels = read_table("need_levels.csv")
    prices = level_prices()
    for row in levels.to_dict("records"):
        price = prices[(row["area"], int(row["level"]))]
        assert price.total > 0 and price.services


def test_spending_targets_are_original_figures_at_2026_prices():
    t = read_table("spending.csv")
    index = read_table("price_index.csv").set_index("year")
    for row in t.to_dict("records"):
        factor = float(index.loc[int(row["price_year"]), "factor_to_2026"])
        assert float(row["factor_to_2026"]) == pytest.approx(factor)
        assert float(row["dkk_2026"]) == pytest.approx(float(row["original_dkk"]) * factor)
    assert set(area_targets()) == set(AREAS)


def test_fixed_part_of_each_area_lies_in_its_documented_range(costs):
    specs = fixed_specs()
    for area in AREAS:
        share = costs.fixed_share(area)
        assert specs[area]["low"] <= share <= specs[area]["high"], (area, share)


def test_avoiding_one_home_help_case_saves_its_hours_times_the_hourly_price(costs):
    hours = read_table("service_use.csv").query("service == 'home_help_hour'").quantity
    by_hand = float(hours.iloc[0]) * _price("home_help_hour")
    cases = np.array([[1000.0, 200.0]])
    one_fewer = cases - np.array([[1.0, 0.0]])
    full, _ = costs.cost("elderly_care", cases, 2026)
    less, _ = costs.cost("elderly_care", one_fewer, 2026)
    saved = full.sum() - less.sum()
    assert saved == pytest.approx(by_hand)
    assert saved == pytest.approx(166.4 * 450.0 * 0.8)  # 3.2 h a week at 450 DKK, share 0.8
    average = area_targets()["elderly_care"] / sum(
        lv.expected_caseload for lv in need_model().levels["elderly_care"]
    )
    assert saved < 0.5 * average  # not the area's spending over its caseload


def test_fixed_part_does_not_move_when_one_case_is_avoided(costs):
    """The fixed part depends on the population only: the same with one case fewer."""
    rng = np.random.default_rng(3)
    cells = rng.integers(0, 50, size=(2, 98, 2, 111)).astype(float)
    first = costs.fixed_part("elderly_care", (cells[0], cells[1]), 100.0, 0.0, 2030)
    # the cases are not an argument; a second call on the same population gives the same part
    again = costs.fixed_part("elderly_care", (cells[0], cells[1]), 100.0, 0.0, 2030)
    assert np.array_equal(first, again)
    assert first.sum() > 0


def test_fixed_part_plus_expected_cases_is_the_2026_target(costs):
    needs = need_model()
    for area in AREAS:
        per_case = costs.variable[area].sum(axis=1)
        cases = sum(
            c * lv.expected_caseload for c, lv in zip(per_case, needs.levels[area], strict=True)
        )
        assert cases + costs.fixed[area] == pytest.approx(area_targets()[area])


def test_hand_computed_som_case(costs):
    """One job initiative for a fixed cohort of 100 cash-benefit recipients over three years.

    Without it the cohort stays on cash benefit; with it 10, 20 and 25 of them have left by
    the three years (person-years). Its cost: 60,000 DKK per participant in year one (the data's
    cost per participant of the jobs kind), paid by the municipality.
    """
    without = np.array([[100.0, 0.0]] * 3)
    with_it = np.array([[90.0, 0.0], [80.0, 0.0], [75.0, 0.0]])
    kinds = read_table("initiative_types.csv").set_index("kind")
    per_participant = float(kinds.loc["jobs", "cost_per_participant_dkk"])
    lever = np.array([100 * per_participant, 0.0, 0.0])
    result = cohort_budget(costs, "employment", without, with_it, lever, "municipality", 2026)
    left = np.array([10.0, 20.0, 25.0])
    municipality = _price("cash_benefit_year", "municipality") + _price(
        "job_centre_activation_year", "municipality"
    )
    state = _price("cash_benefit_year", "state")
    assert municipality == 136_000 + 45_000 and state == 34_000
    expected = np.zeros((3, 3))
    expected[:, 0] = left * municipality - lever
    expected[:, 2] = left * state
    np.testing.assert_allclose(result.net, expected)
    np.testing.assert_allclose(result.transfers, left * 170_000)
    assert result.total() == pytest.approx(55 * 215_000 - 6_000_000)


@pytest.fixture(scope="module")
def small_table(strategic_run):
    return strategic_run.table()


def _wide(table: pd.DataFrame, metrics: list[str]) -> pd.DataFrame:
    keys = ["year", "municipality", "area"]
    sub = table[table.metric.isin(metrics)]
    return sub.pivot_table(index=keys, columns="metric", values="value", aggfunc="sum").fillna(0)


def test_budget_by_payer_sums_to_the_total(small_table):
    public = [f"public_cost_{p}_dkk" for p in PAYERS]
    wide = _wide(small_table, ["public_cost_dkk", *public])
    np.testing.assert_allclose(wide[public].sum(axis=1), wide["public_cost_dkk"], rtol=1e-9)
    lever = [f"lever_cost_{p}_dkk" for p in PAYERS]
    table = small_table.assign(area=small_table.area.fillna("none"))
    wide = _wide(table, ["lever_cost_dkk", *lever])
    np.testing.assert_allclose(wide[lever].sum(axis=1), wide["lever_cost_dkk"], rtol=1e-9)
    assert wide["lever_cost_dkk"].sum() > 0


def test_services_plus_transfers_and_fixed_part_within_total(small_table):
    wide = _wide(small_table, ["public_cost_dkk", "transfer_cost_dkk", "fixed_cost_dkk"])
    services = wide["public_cost_dkk"] - wide["transfer_cost_dkk"]
    assert (services >= -1e-6).all()
    assert (wide["fixed_cost_dkk"] <= wide["public_cost_dkk"] + 1e-6).all()
    by_area = wide.groupby("area")["transfer_cost_dkk"].sum()
    assert by_area["employment"] > 0 and by_area["elderly_care"] == 0


def test_lever_costs_of_health_and_psychiatry_are_regional(small_table):
    t = small_table
    region = t[(t.metric == "lever_cost_region_dkk")].groupby("area").value.sum()
    total = t[(t.metric == "lever_cost_dkk")].groupby("area").value.sum()
    for area in ("health", "mental_health"):
        assert region[area] == pytest.approx(total[area])
    assert region.get("elderly_care", 0.0) == 0.0


def test_need_level_payer_splits_an_area_as_its_case_costs(monkeypatch):
    """lever_payer = need_level (supported, not shipped): mental health's lever costs split as
    the marginal cost of a mental-illness case-year does, by hand from the price table."""
    from simulation.inputs import prices

    table = read_table("areas.csv")
    table.loc[table.area == "mental_health", "lever_payer"] = "need_level"
    real = prices.read_table
    monkeypatch.setattr(
        prices, "read_table", lambda name: table.copy() if name == "areas.csv" else real(name)
    )
    shares = prices.lever_payer_shares.__wrapped__()
    case = level_prices()[("mental_health", 1)].by_payer
    row = shares[AREAS.index("mental_health")]
    np.testing.assert_allclose(row, case / case.sum())
    assert 0.3 < row[PAYERS.index("municipality")] < 0.6
    np.testing.assert_array_equal(shares[AREAS.index("health")], [0.0, 1.0, 0.0])


def test_provision_books_one_avoided_home_help_case_at_its_price():
    """Through the provision step: one home-help case-year fewer saves 166.4 h x 450 DKK x 0.8 in
    that municipality, paid by it, and the fixed part does not move."""
    m = WelfareModel(scale=0.002, seed=1, end_year=2027)
    m.step()
    start = m.needs_step.start_of_year()
    cells = m.counts.by_cell()
    year = m.year
    r = m.results

    def booked(cases):
        m.results = ResultCollector(r.years, r.codes, r.regions, r.simulated)
        m.provision.run(year, cases, cases, cells)
        return m.results

    def copy(cases):
        return {a: (c[0].copy(), c[1].copy()) for a, c in cases.items()}

    cases = copy(start.cases)
    fewer = copy(start.cases)
    mun = int(np.argmax(cases["elderly_care"][0][:, 0]))
    fewer["elderly_care"][0][mun, 0] -= 1.0
    a, b = booked(cases), booked(fewer)
    saved = a.get("public_cost_dkk", "elderly_care") - b.get("public_cost_dkk", "elderly_care")
    row = year - int(r.years[0])
    assert saved[row, mun] == pytest.approx(166.4 * 450.0 * 0.8)
    assert saved[row].sum() == pytest.approx(166.4 * 450.0 * 0.8)
    paid = a.get("public_cost_municipality_dkk", "elderly_care") - b.get(
        "public_cost_municipality_dkk", "elderly_care"
    )
    assert paid[row, mun] == pytest.approx(166.4 * 450.0 * 0.8)
    np.testing.assert_array_equal(
        a.get("fixed_cost_dkk", "elderly_care"), b.get("fixed_cost_dkk", "elderly_care")
    )
    m.results = r


def test_coordinators_and_training_are_sized_by_staff_not_spending(strategic_run):
    """The unit weights are the areas' staff shares (area_staff.csv, read by hand) x 6: health
    no longer carries its spending weight, and the weights average 1."""
    from simulation.inputs.prices import area_staff

    rows = read_table("area_staff.csv")
    staff = rows.groupby("area").staff_fte.sum().astype(float)
    assert area_staff() == pytest.approx(staff.to_dict())
    weight = staff / staff.sum() * len(AREAS)
    assert weight.mean() == pytest.approx(1.0)
    spending = pd.Series(area_targets())
    assert weight["health"] < (spending / spending.sum() * len(AREAS))["health"]
    sizes = strategic_run.strategy._unit_size
    units = np.asarray(strategic_run.strategy.unit_area)
    assert len(units) > 0
    for k, area in enumerate(AREAS):
        if (units == k).any():
            assert sizes[units == k] == pytest.approx(weight[area])
