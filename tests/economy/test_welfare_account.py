"""The welfare-economic account beside the budget account: its identities, never added together."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from simulation.constants import AREAS
from simulation.economy.present_value import present_value
from simulation.economy.summary import ACCOUNTS, economy_table
from simulation.economy.welfare import WELFARE_METRICS, derive_welfare
from simulation.inputs import welfare_economics
from simulation.inputs.data import read_table
from simulation.inputs.prices import PAYERS
from simulation.inputs.welfare_economics import production_factor, welfare_prices
from simulation.year.collection import ResultCollector


def _data(name: str) -> float:
    """A value of ``welfare_economics.csv``, read by hand."""
    t = read_table("welfare_economics.csv").set_index("name")
    return float(t.loc[name, "value"])


def test_prices_are_the_data_and_the_guidance():
    p = welfare_prices()
    assert p.net_tax_factor == _data("net_tax_factor") == 1.28
    assert p.tax_distortion == _data("tax_distortion") == 0.0  # the 2023 guidance: no loss
    assert p.volunteer_hour_dkk == _data("volunteer_hour_dkk")
    assert p.work_share["cash_benefit"] == _data("work_share_cash_benefit")
    levels = set(read_table("need_levels.csv").name)
    assert set(p.work_share) <= levels  # every work share names a need level


def test_every_uncertain_number_matches_its_data_and_range():
    rows = read_table("uncertain_economics.csv")
    assert rows.name.is_unique and all(rows.name.str.startswith("economics."))
    for row in rows.to_dict("records"):
        data = read_table(row["file"])
        column, value = row["key"].split("=")
        held = float(data.loc[data[column] == value, row["column"]].squeeze())
        assert held == float(row["central"]), row["name"]
        assert float(row["low"]) <= held <= float(row["high"]), row["name"]
        assert row["shape"] in ("uniform", "triangular", "normal", "lognormal")


@pytest.mark.parametrize(
    ("name", "value"),
    [("net_tax_factor", 0.9), ("volunteer_hour_dkk", -1.0), ("work_share_cash_benefit", 1.5)],
)
def test_bad_numbers_are_refused(monkeypatch, name, value):
    table = read_table("welfare_economics.csv")
    table.loc[table.name == name, "value"] = value
    monkeypatch.setattr(welfare_economics, "read_table", lambda _: table.copy())
    with pytest.raises(ValueError, match=name.split("_")[0]):
        welfare_economics.welfare_prices()


def _collector(rng: np.random.Generator) -> ResultCollector:
    """A collector with random components of both accounts (3 years, 4 municipalities).

    Whole numbers of DKK, so that adding and taking away a transfer is exact.
    """
    years, codes = np.arange(2026, 2029), np.arange(4)
    r = ResultCollector(years, codes, np.zeros(4, dtype=int), np.ones(4, dtype=bool))
    shape = (len(years), len(codes))

    def draw(low, high, size):
        return rng.integers(low, high, size).astype(float)

    for area in AREAS:
        transfer = draw(0, 1e6, shape)
        public = transfer + draw(0, 1e6, shape)
        lever = draw(0, 1e5, shape)
        r.register("public_cost_dkk", area)[:] = public
        r.register("transfer_cost_dkk", area)[:] = transfer
        r.register("lever_cost_dkk", area)[:] = lever
        r.register("net_cost_dkk", area)[:] = public + lever
        r.register("volunteer_hours", area)[:] = draw(0, 1e3, shape)
        r.register("production_foregone_dkk", area)[:] = draw(0, 1e6, shape)
    r.register("lever_cost_dkk", None)[:] = draw(0, 1e5, shape)
    r.register("net_cost_dkk", None)[:] = r.get("lever_cost_dkk", None)
    r.register("volunteer_hours", None)[:] = draw(0, 1e4, shape)  # available, not used
    r.register("marginalised_employed", None)[:] = draw(0, 10, shape)
    return r


def _change_transfers(r: ResultCollector, area: str, delta: np.ndarray) -> None:
    """A transfer-only change: more benefit paid, no service used."""
    for metric in ("transfer_cost_dkk", "public_cost_dkk", "public_cost_municipality_dkk"):
        r.register(metric, area)[:] += delta
    r.register("net_cost_dkk", area)[:] += delta


def test_transfers_change_the_budget_account_but_not_the_welfare_account():
    prices = welfare_prices()
    a, b = _collector(np.random.default_rng(3)), _collector(np.random.default_rng(3))
    delta = np.full((3, 4), 250_000.0)
    _change_transfers(b, "employment", delta)
    derive_welfare(a, prices)
    derive_welfare(b, prices)
    budget = b.get("net_cost_dkk", "employment") - a.get("net_cost_dkk", "employment")
    np.testing.assert_array_equal(budget, delta)
    for area in (*AREAS, None):
        np.testing.assert_array_equal(
            a.get("welfare_cost_dkk", area), b.get("welfare_cost_dkk", area)
        )
    # with the tax distortion switched on, financing the transfer costs that share of it
    distorted = dataclasses.replace(prices, tax_distortion=0.1)
    derive_welfare(a, distorted)
    derive_welfare(b, distorted)
    change = b.get("welfare_cost_dkk", "employment") - a.get("welfare_cost_dkk", "employment")
    np.testing.assert_allclose(change, 0.1 * delta)


def test_derived_welfare_metrics_are_idempotent():
    r = _collector(np.random.default_rng(5))
    derive_welfare(r, welfare_prices())
    first = {k: r.get(*k).copy() for k in r.keys() if k[0] in WELFARE_METRICS}  # noqa: SIM118
    derive_welfare(r, welfare_prices())
    for key, value in first.items():
        np.testing.assert_array_equal(r.get(*key), value)


@pytest.fixture(scope="module")
def both_tables(strategic_run, baseline_subset_run):
    return pd.concat([strategic_run.table(), baseline_subset_run.table()], ignore_index=True)


def _wide(table: pd.DataFrame) -> pd.DataFrame:
    keys = ["scenario", "year", "municipality", "area"]
    t = table.assign(area=table.area.fillna("none"))
    return t.pivot_table(index=keys, columns="metric", values="value", aggfunc="sum").fillna(0)


def test_welfare_cost_recomputed_from_its_components(both_tables):
    """welfare = 1.28 x (services + lever cost) + distortion + volunteer time + production
    foregone - production value; services = public cost - transfers (transfers net out)."""
    w = _wide(both_tables)
    factor, hour = _data("net_tax_factor"), _data("volunteer_hour_dkk")
    job = _data("enterprise_job_value_dkk") * _data("enterprise_production_counted")
    gained = factor * (1 - _data("displacement_share")) * (1 - _data("leisure_value_share"))
    in_area = w.index.get_level_values("area") != "none"
    volunteer = np.where(in_area, w["volunteer_hours"] * hour, 0.0)  # area null: hours offered
    np.testing.assert_allclose(w["volunteer_time_value_dkk"], volunteer, rtol=1e-12)
    production = np.where(in_area, 0.0, w["marginalised_employed"] * job * gained)
    np.testing.assert_allclose(w["production_value_dkk"], production, rtol=1e-12)
    services = w["public_cost_dkk"] - w["transfer_cost_dkk"]
    expected = (
        factor * (services + w["lever_cost_dkk"])
        + _data("tax_distortion") * w["net_cost_dkk"]
        + volunteer
        + w["production_foregone_dkk"]
        - production
    )
    np.testing.assert_allclose(w["welfare_cost_dkk"], expected, rtol=1e-9, atol=1e-3)
    assert (w["volunteer_time_value_dkk"] > 0).any() and (w["marginalised_employed"] > 0).any()
    # by default a job-holder's production is counted once, through the exit from benefit
    assert _data("enterprise_production_counted") == 0
    assert (w["production_value_dkk"] == 0).all()


def test_production_foregone_by_hand(both_tables):
    """Integration has one level: its person-years x work share x wage cost x 1.28; employment's
    cash benefit is part of its caseload (disability pension forgoes nothing by default)."""
    w = _wide(both_tables).groupby("area").sum()
    gained = (1 - _data("displacement_share")) * (1 - _data("leisure_value_share"))
    per_case = _data("production_per_work_year_dkk") * _data("net_tax_factor") * gained
    integration = w.loc["integration"]
    assert integration["production_foregone_dkk"] == pytest.approx(
        integration["need_cases"] * _data("work_share_integration_programme") * per_case
    )
    employment = w.loc["employment"]
    most = employment["need_cases"] * _data("work_share_cash_benefit") * per_case
    assert 0 < employment["production_foregone_dkk"] < most
    for area in ("elderly_care", "health", "mental_health", "rehabilitation"):
        assert w.loc[area, "production_foregone_dkk"] == 0.0


def test_budget_metrics_do_not_depend_on_the_welfare_account(both_tables):
    """Every budget metric of the table is built without a welfare metric (none is read)."""
    budget = both_tables[~both_tables.metric.isin(WELFARE_METRICS)]
    assert set(budget.metric) >= {"public_cost_dkk", "transfer_cost_dkk", "net_cost_dkk"}
    assert set(both_tables.metric) - set(budget.metric) == set(WELFARE_METRICS)


def test_economy_table_has_both_accounts_never_added(both_tables):
    account = economy_table(both_tables)
    budget = account[account.account == "budget"].set_index("payer")
    welfare = account[account.account == "welfare"].set_index("payer")
    assert set(account.account) == set(ACCOUNTS) == {"budget", "welfare"}
    assert set(budget.index) == {*PAYERS, "total"} and list(welfare.index) == ["society"]
    # the budget total is the sum of its payers, with no welfare row in it
    for column in ("net_saving_undiscounted_dkk", "net_saving_pv_dkk", "cost_pv_dkk"):
        assert budget.loc[list(PAYERS), column].sum() == pytest.approx(budget.loc["total", column])
    # the welfare row, recomputed from the table's welfare_cost_dkk
    t = both_tables[both_tables.metric == "welfare_cost_dkk"]
    by_year = t.groupby(["scenario", "year"]).value.sum()
    flow = by_year.loc["baseline"] - by_year.loc["strategic"]
    assert welfare.loc["society", "net_saving_undiscounted_dkk"] == pytest.approx(flow.sum())
    assert welfare.loc["society", "net_saving_pv_dkk"] == pytest.approx(present_value(flow))
    # the extra lever cost: budget at factor prices, welfare times the net tax factor
    lever = both_tables[both_tables.metric == "lever_cost_dkk"]
    lever = lever.groupby(["scenario", "year"]).value.sum()
    extra = (
        lever.loc["strategic"]
        - lever.reindex(lever.loc["strategic"].index, level=1).loc["baseline"]
    )
    assert budget.loc["total", "cost_pv_dkk"] == pytest.approx(present_value(extra))
    assert welfare.loc["society", "cost_pv_dkk"] == pytest.approx(
        _data("net_tax_factor") * present_value(extra)
    )
    for frame in (budget, welfare):
        np.testing.assert_allclose(
            frame.net_saving_pv_per_dkk, frame.net_saving_pv_dkk / frame.cost_pv_dkk
        )


def test_at_zero_rate_present_values_are_the_undiscounted_sums(both_tables):
    account = economy_table(both_tables, rate=0.0)
    np.testing.assert_allclose(
        account.net_saving_pv_dkk, account.net_saving_undiscounted_dkk, rtol=1e-12
    )
    np.testing.assert_allclose(
        account["net_saving_pv_0.000_dkk"], account.net_saving_undiscounted_dkk, rtol=1e-12
    )
    lever = both_tables[both_tables.metric == "lever_cost_dkk"].groupby("scenario").value.sum()
    total = account[(account.account == "budget") & (account.payer == "total")]
    assert float(total.cost_pv_dkk.iloc[0]) == pytest.approx(lever["strategic"] - lever["baseline"])


def test_no_cost_no_ratio():
    """A scenario with no extra lever cost has no saving per DKK (empty, not infinite)."""
    rows = []
    for scenario in ("baseline", "same"):
        for year in (2026, 2027):
            for metric in ("public_cost_municipality_dkk", "welfare_cost_dkk"):
                rows.append((scenario, 0, year, metric, 100.0 if scenario == "same" else 90.0))
    table = pd.DataFrame(rows, columns=["scenario", "replicate", "year", "metric", "value"])
    account = economy_table(table)
    assert account.cost_pv_dkk.eq(0).all() and account.net_saving_pv_per_dkk.isna().all()
    assert set(zip(account.account, account.payer, strict=True)) == {
        *(("budget", p) for p in (*PAYERS, "total")),
        ("welfare", "society"),
    }


def _case_price(area: str, kind: str) -> float:
    """DKK per case-year of an area's one level, of one kind (service or transfer), by hand."""
    use = read_table("service_use.csv")
    use = use[use.area == area]
    prices = read_table("service_prices.csv")
    prices = prices[prices.kind == kind]
    marginal = prices.price_dkk_2026.astype(float) * prices.marginal_share.astype(float)
    per_unit = marginal.groupby(prices.service).sum()
    return float(
        sum(q * per_unit.get(s, 0.0) for s, q in zip(use.service, use.quantity, strict=True))
    )


def test_services_plus_transfers_are_the_budget_total_by_hand(both_tables):
    """In a one-level area, transfers are the person-years at the transfer prices, services the
    person-years at the service prices plus the fixed part; together the budget's public cost."""
    w = _wide(both_tables)
    for area in ("integration", "rehabilitation"):
        a = w[w.index.get_level_values("area") == area]
        cases = a["need_cases"]
        transfers = cases * _case_price(area, "transfer")
        services = cases * _case_price(area, "service") + a["fixed_cost_dkk"]
        np.testing.assert_allclose(a["transfer_cost_dkk"], transfers, rtol=1e-9, atol=1e-3)
        np.testing.assert_allclose(
            a["public_cost_dkk"] - a["transfer_cost_dkk"], services, rtol=1e-9, atol=1e-3
        )
        payers = a[[f"public_cost_{p}_dkk" for p in PAYERS]].sum(axis=1)
        np.testing.assert_allclose(services + transfers, payers, rtol=1e-9, atol=1e-3)
    assert _case_price("integration", "transfer") == 130_000  # the data's benefit and refund


def test_production_gained_is_net_of_displacement_and_leisure():
    """A DKK of production gained is worth 1.28 x (1 - displacement) x (1 - leisure); with the
    switch on, enterprise job-years count at that value; with both shares 0, at 1.28."""
    p = welfare_prices()
    assert 0 < p.displacement_share < 1 and 0 < p.leisure_value_share < 1
    assert production_factor(p) == pytest.approx(
        1.28 * (1 - p.displacement_share) * (1 - p.leisure_value_share)
    )
    plain = dataclasses.replace(p, displacement_share=0.0, leisure_value_share=0.0)
    assert production_factor(plain) == 1.28
    r = _collector(np.random.default_rng(7))
    counted = dataclasses.replace(p, enterprise_production_counted=1.0)
    derive_welfare(r, counted)
    employed = r.get("marginalised_employed", None)
    assert employed.any()
    np.testing.assert_allclose(
        r.get("production_value_dkk", None),
        employed * p.enterprise_job_value_dkk * production_factor(p),
    )
    derive_welfare(r, p)
    assert not r.get("production_value_dkk", None).any()
