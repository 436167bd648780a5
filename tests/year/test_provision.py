"""Case counts and public costs on hand-made caseloads."""

from __future__ import annotations

import numpy as np
import pytest

from simulation.constants import AREAS
from simulation.inputs.prices import PAYERS, level_prices
from simulation.year.needs import need_model
from simulation.year.provision import (
    CostModel,
    LeverCosts,
    caseloads,
    count_cases,
    count_in_need,
)


def test_count_cases_equals_a_plain_count():
    rng = np.random.default_rng(1)
    n, n_areas, top, n_mun = 2_000, 3, 2, 5
    area = rng.integers(0, n_areas, n)
    mun = rng.integers(0, n_mun, n).astype(np.int16)
    addressable = rng.integers(0, 2, n)
    level = rng.integers(0, top + 1, n)
    counts = count_cases(area, mun, addressable, level, n_areas, top, n_mun)
    plain = np.zeros((n_areas, n_mun, 2, top + 1), dtype=int)
    for a, m, d, lv in zip(area, mun, addressable, level, strict=True):
        plain[a, m, d, lv] += 1
    np.testing.assert_array_equal(counts, plain)


def test_count_in_need_counts_only_pairs_with_a_need():
    need = np.array([[0, 1, 2], [1, 0, 0], [2, 2, 0], [0, 0, 0]], dtype=np.int8)
    addressable = np.array([[1, 1, 0], [0, 0, 0], [1, 0, 1], [1, 1, 1]], dtype=np.int8)
    mun = np.array([0, 1, 1, 0], dtype=np.int16)
    counts = count_in_need(mun, need, addressable, top=2, n_mun=2)
    assert counts.shape == (3, 2, 2, 3)
    assert counts[..., 0].sum() == 0  # level 0 is never counted
    assert counts.sum() == (need != 0).sum()
    assert counts[0, 1, 0, 1] == 1  # citizen 1: area 0, municipality 1, not addressable
    assert counts[0, 1, 1, 2] == 1  # citizen 2: area 0, level 2, addressable
    assert counts[1, 1, 0, 2] == 1  # citizen 2: area 1, level 2, not addressable
    assert counts[2, 0, 0, 2] == 1  # citizen 0: area 2, level 2, not addressable


def test_caseloads_weigh_and_split_the_unaddressable():
    counts = np.zeros((2, 3, 2, 3))
    counts[0, 1, 0, 1] = 4  # area 0, municipality 1, level 1: 4 unaddressable
    counts[0, 1, 1, 1] = 6  # and 6 addressable
    counts[1, 2, 1, 2] = 5  # area 1 has two levels
    counts[0, 0, 1, 2] = 7  # above area 0's one level: not a case of it
    out = caseloads(counts, [1, 2], weight=10.0)
    (all0, un0), (all1, un1) = out
    assert all0.shape == (3, 1) and all1.shape == (3, 2)
    assert all0[1, 0] == 100 and un0[1, 0] == 40
    assert all0.sum() == 100
    assert all1[2, 1] == 50 and un1.sum() == 0


def test_cost_is_cases_times_marginal_prices_by_payer_with_real_growth():
    needs = need_model()
    prices = level_prices()
    model = CostModel(needs, unit_cost_growth=0.02)
    assert model.factor(2026) == 1.0
    assert model.factor(2036) == pytest.approx(1.02**10)
    for area in AREAS:
        levels = needs.levels[area]
        cases = np.zeros((4, len(levels)))
        cases[2, -1] = 3.0
        by_payer, transfer = model.cost(area, cases, 2030)
        price = prices[(area, levels[-1].level)]
        assert by_payer.shape == (4, len(PAYERS))
        np.testing.assert_allclose(by_payer[2], 3.0 * np.asarray(price.by_payer) * 1.02**4)
        assert transfer[2] == pytest.approx(3.0 * price.transfer * 1.02**4)
        assert by_payer[[0, 1, 3]].sum() == 0 and transfer[[0, 1, 3]].sum() == 0


def test_health_costs_are_booked_mostly_to_the_region_and_care_to_the_municipality():
    model = CostModel(need_model())
    region, municipality = PAYERS.index("region"), PAYERS.index("municipality")
    by_payer, _ = model.cost("health", np.ones((1, 1)), 2026)
    assert by_payer[0, region] > 0.5 * by_payer[0].sum()
    by_payer, _ = model.cost("elderly_care", np.ones((1, 2)), 2026)
    assert by_payer[0, region] == 0 and by_payer[0, municipality] > 0


class Recorder:
    def __init__(self):
        self.rows = []

    def add(self, metric, year, row, area):
        self.rows.append((metric, year, row.copy(), area))


def test_lever_costs_are_summed_by_area_and_municipality_and_flushed_once():
    results = Recorder()
    costs = LeverCosts(results, n_municipalities=3)
    costs.add_many(2027, np.array([0, 0, 2]), np.array([1, 1, 1]), np.array([5.0, 6.0, 1.0]))
    costs.add_many(2027, np.array([1]), None, np.array([2.0]))
    assert results.rows == []
    costs.add_many(2028, np.array([2]), np.array([0]), 4.0)  # a new year flushes the last
    booked = {(m, y, a): r for m, y, r, a in results.rows}
    np.testing.assert_array_equal(booked[("lever_cost_dkk", 2027, AREAS[1])], [11.0, 0, 1.0])
    np.testing.assert_array_equal(booked[("net_cost_dkk", 2027, None)], [0, 2.0, 0])
    # each amount also goes to its payer's lever cost: health is the region's, no area the
    # municipality's
    np.testing.assert_array_equal(booked[("lever_cost_region_dkk", 2027, AREAS[1])], [11.0, 0, 1.0])
    np.testing.assert_array_equal(booked[("lever_cost_municipality_dkk", 2027, None)], [0, 2.0, 0])
    assert len(results.rows) == 6
    costs.flush()
    booked = {(m, y, a): r for m, y, r, a in results.rows}
    np.testing.assert_array_equal(booked[("lever_cost_dkk", 2028, AREAS[0])], [0, 0, 4.0])
    costs.flush()  # nothing left
    assert len(results.rows) == 9
