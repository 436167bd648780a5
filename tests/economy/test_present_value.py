"""Present values at Finansministeriet's rate, undiscounted sums and payback years."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from simulation.economy.present_value import (
    DEFAULT_DISCOUNT_RATE,
    discount_factors,
    payback_year,
    present_value,
    saving_by_payer,
    undiscounted,
)
from simulation.economy.summary import economy_table
from simulation.inputs.prices import PAYERS
from simulation.inputs.registry import registry


def test_discount_rate_is_a_registered_uncertainty_with_the_default_rate():
    param = registry()["discount_rate"]
    assert param.kind == "uncertainty"
    assert float(param.default) == DEFAULT_DISCOUNT_RATE == 0.035
    assert float(param.low) <= 0.0 and float(param.high) >= 0.015


def test_at_zero_rate_present_value_equals_the_undiscounted_sum():
    flows = pd.Series(np.linspace(-5e9, 7e9, 25), index=range(2026, 2051))
    assert present_value(flows, 0.0) == pytest.approx(undiscounted(flows))


def test_present_value_by_hand():
    flows = {2026: 100.0, 2027: 103.5, 2028: 107.1225}
    assert present_value(flows) == pytest.approx(300.0)
    assert present_value(flows, 0.015) == pytest.approx(100 + 103.5 / 1.015 + 107.1225 / 1.015**2)
    # beyond 35 years Finansministeriet's lower rate applies
    f = discount_factors([2026 + 35, 2026 + 36])
    assert f[1] == pytest.approx(f[0] / 1.025)


def test_payback_year():
    years = range(2026, 2032)
    assert payback_year(pd.Series([-10, -5, 5, 6, 7, 8], index=years)) == 2030  # cum 3 in 2030
    assert payback_year(pd.Series([-10, -5, -1, 2, 2, 1], index=years)) is None  # cum -11
    assert payback_year(pd.Series([5, -10, 3, 4, 1, 1], index=years)) == 2029
    assert payback_year(pd.Series([1, 1, 1, 1, 1, 1], index=years)) == 2026


def test_saving_by_payer_of_a_run(strategic_run, baseline_subset_run):
    table = pd.concat([strategic_run.table(), baseline_subset_run.table()])
    saving = saving_by_payer(table, "strategic")
    assert list(saving.columns) == [*PAYERS, "total"]
    np.testing.assert_allclose(saving[list(PAYERS)].sum(axis=1), saving["total"])
    net = table[table.metric == "net_cost_dkk"].groupby(["scenario", "year"]).value.sum()
    np.testing.assert_allclose(
        saving["total"].to_numpy(),
        (net.loc["baseline"] - net.loc["strategic"]).to_numpy(),
        rtol=1e-9,
        atol=1.0,
    )


def test_economy_table_by_scenario_and_payer(strategic_run, baseline_subset_run):
    table = pd.concat([strategic_run.table(), baseline_subset_run.table()])
    account = economy_table(table)
    assert set(account.payer[account.account == "welfare"]) == {"society"}
    account = account[account.account == "budget"]
    assert set(account.payer) == {*PAYERS, "total"}
    assert set(account.scenario) == {"strategic"}
    np.testing.assert_allclose(
        account.net_saving_undiscounted_dkk, account["net_saving_pv_0.000_dkk"], rtol=1e-12
    )
    by_payer = account.set_index("payer")
    assert by_payer.loc[list(PAYERS), "net_saving_pv_dkk"].sum() == pytest.approx(
        by_payer.loc["total", "net_saving_pv_dkk"]
    )
    one = account.set_index("payer")  # one replicate: its interval is its value
    np.testing.assert_allclose(one.net_saving_pv_p05_dkk, one.net_saving_pv_dkk, rtol=1e-9)
    np.testing.assert_allclose(one.net_saving_pv_p95_dkk, one.net_saving_pv_dkk, rtol=1e-9)
    assert len(economy_table(strategic_run.table())) == 0  # no baseline, no account
    assert len(economy_table(strategic_run.table(), baseline="strategic")) == 0
