"""Calibration against the data: FRKM126 population, 2050 anchors, base-year costs."""

from __future__ import annotations

import numpy as np
import pytest

from simulation.constants import AREAS
from simulation.inputs.data import read_table
from simulation.model import WelfareModel


def _national(table, metric, year):
    rows = table[(table.metric == metric) & (table.year == year)]
    return rows.value.sum()


@pytest.mark.parametrize("year", [2030, 2040])
@pytest.mark.parametrize(
    ("metric", "column"),
    [("population_65p", "a65p"), ("population_80p", "a80p"), ("population_20_64", "a20_64")],
)
def test_national_age_groups_match_frkm126(national_table, year, metric, column):
    frkm = read_table("frkm126_national.csv").set_index("year")
    expected = float(frkm.loc[year, column])
    simulated = _national(national_table, metric, year)
    assert simulated == pytest.approx(expected, rel=0.01)


def test_every_municipality_total_2040_within_3_percent(national_table):
    frkm = read_table("frkm126_municipal_population.csv")
    expected = frkm[frkm.year == 2040].set_index("kommunekode")["total"].astype(float)
    sim = national_table[(national_table.metric == "population") & (national_table.year == 2040)]
    simulated = sim.set_index("municipality")["value"]
    assert len(simulated) == 98
    ratio = simulated / expected.loc[simulated.index]
    worst = (ratio - 1).abs().sort_values()
    assert worst.iloc[-1] < 0.03, f"largest deviation: {worst.index[-1]} {worst.iloc[-1]:.3%}"


def test_2050_lies_within_older_projection_anchors(national_table):
    p80 = _national(national_table, "population_80p", 2050)
    total = _national(national_table, "population", 2050)
    assert 550_000 <= p80 <= 680_000
    assert 0.08 <= p80 / total <= 0.11  # "about 10% of the population" (DST 2021 projection)


def test_2050_is_not_aligned_but_projected(national_table):
    """After 2040 the population follows the mechanisms: it keeps changing, smoothly."""
    totals = [_national(national_table, "population", y) for y in range(2038, 2051)]
    steps = np.diff(totals)
    assert np.all(np.abs(steps) < 0.01 * totals[0])
    assert totals[-1] != totals[2]


@pytest.fixture(scope="module")
def full_scale_first_year():
    """Every resident (scale 1.0), the base year only."""
    model = WelfareModel(scale=1.0, seed=5, end_year=2027)
    model.step()
    return model.table()


def test_base_year_cost_of_each_area_within_5_percent(full_scale_first_year):
    targets = read_table("areas.csv").set_index("area")["target_dkk"].astype(float)
    table = full_scale_first_year
    cost = (
        table[(table.metric == "public_cost_dkk") & (table.year == 2026)]
        .groupby("area")
        .value.sum()
    )
    for area in AREAS:
        assert cost[area] == pytest.approx(targets[area], rel=0.05), area


def test_base_year_caseloads_match_reported_caseloads(full_scale_first_year):
    """Where the level is set to a reported caseload, the simulated 2026 caseload matches it."""
    levels = read_table("need_levels.csv")
    table = full_scale_first_year
    cases = table[(table.metric == "need_cases") & (table.year == 2026)].groupby("area").value.sum()
    for area in ("employment", "integration", "rehabilitation"):
        reference = levels[levels.area == area]["reference_caseload"].astype(float).sum()
        assert cases[area] == pytest.approx(reference, rel=0.05), area


def test_base_year_population_is_frkm126(full_scale_first_year):
    frkm = read_table("frkm126_national.csv").set_index("year")
    total = _national(full_scale_first_year, "population", 2026)
    assert total == pytest.approx(float(frkm.loc[2026, "total_sum98"]), abs=50)
