"""Lever costs as a municipality would budget them: each item once, the fund pays its grants."""

from __future__ import annotations

import numpy as np
import pytest

from simulation.constants import AREAS
from simulation.inputs.mechanism_numbers import strategy_parameters
from simulation.year.strategy import LEVER_ITEMS


def _national(table, metric):
    return table[table.metric == metric].groupby("year").value.sum()


def test_lever_cost_items_sum_to_the_total(strategic_run):
    total = _national(strategic_run.table(), "lever_cost_dkk")
    items = strategic_run.strategy.lever_items
    for year, value in total.items():
        booked = sum(items[year][name] for name in LEVER_ITEMS)
        assert booked == pytest.approx(value, rel=1e-9), year
    assert total.sum() > 0


def test_the_fund_pays_its_grants(strategic_run):
    """Grants are inside the fund (topped up only beyond it); no grant charge on top."""
    assert "grant_overhead_dkk" not in strategy_parameters()
    for year, it in strategic_run.strategy.lever_items.items():
        assert it["grants_paid"] == pytest.approx(it["grants_running"] + it["grants_setup"])
        assert it["grants_paid"] <= it["innovation_fund"] + it["grants_beyond_fund"] + 1e-6, year
    assert any(it["grants_paid"] > 0 for it in strategic_run.strategy.lever_items.values())


def test_set_up_is_paid_once_per_new_initiative(strategic_run):
    sp = strategy_parameters()
    started = _national(strategic_run.table(), "initiatives_started")
    for year, count in started.items():
        it = strategic_run.strategy.lever_items[year]
        setup = it["grants_setup"] + it["contracts_setup"] / sp["enabler_cost_factor"]
        assert setup == pytest.approx(count * sp["setup_cost_dkk"])  # initiatives are real


def test_coordinators_and_training_are_sized_to_the_area(strategic_run):
    s = strategic_run.strategy
    size = dict(zip(s.unit_area.tolist(), s._unit_size.tolist(), strict=True))
    weights = np.array([size[j] for j in sorted(size)])
    if len(weights) == len(AREAS):
        assert weights.mean() == pytest.approx(1.0)
    rehab, elderly = AREAS.index("rehabilitation"), AREAS.index("elderly_care")
    assert size[rehab] < 0.2 < 1.0 < size[elderly]


def test_item_metrics_sum_to_the_lever_cost_in_every_cell(strategic_run):
    """lever_cost_<item>_dkk by year, municipality and area sum to lever_cost_dkk there, and
    match the strategy's own national item counts."""
    from simulation.economy.summary import LEVER_ITEM_METRICS

    assert set(LEVER_ITEM_METRICS.values()) == set(LEVER_ITEMS)
    t = strategic_run.table()
    keys = ["year", "municipality", "area"]
    t = t.assign(area=t.area.astype(object).fillna("none"))
    items = t[t.metric.isin(list(LEVER_ITEM_METRICS))].groupby(keys).value.sum()
    total = t[t.metric == "lever_cost_dkk"].groupby(keys).value.sum()
    total = total[total != 0]
    assert total.sum() > 0
    np.testing.assert_allclose(items.reindex(total.index, fill_value=0.0), total, rtol=1e-9)
    for metric, item in LEVER_ITEM_METRICS.items():
        by_year = _national(t, metric)
        for year, value in by_year.items():
            assert value == pytest.approx(strategic_run.strategy.lever_items[year][item], rel=1e-9)


def test_lever_items_table_sums_to_the_lever_cost_by_payer(strategic_run, baseline_subset_run):
    """lever_items.csv: per scenario the items of each payer sum to that payer's lever cost,
    and the payers of an item sum to its total."""
    import pandas as pd

    from simulation.economy.summary import lever_items_table
    from simulation.inputs.prices import PAYERS

    table = pd.concat([strategic_run.table(), baseline_subset_run.table()], ignore_index=True)
    items = lever_items_table(table, rate=0.0)
    assert set(items.scenario) == {"strategic"}  # the baseline books no lever cost
    s = table[table.scenario == "strategic"]
    n = s.replicate.nunique()
    for payer in PAYERS:
        booked = s[s.metric == f"lever_cost_{payer}_dkk"].value.sum() / n
        got = items[items.payer == payer].cost_undiscounted_dkk.sum()
        assert got == pytest.approx(booked, rel=1e-9), payer
    wide = items.pivot_table(index="item", columns="payer", values="cost_pv_dkk")
    np.testing.assert_allclose(wide[list(PAYERS)].sum(axis=1), wide["total"], rtol=1e-9)
    assert (wide["total"] > 0).any()
