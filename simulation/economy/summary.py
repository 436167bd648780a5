"""The economic account of a finished job: per scenario, account and payer, against the baseline.

One row per scenario (other than the baseline), account and payer. Account ``budget`` (the public
budget account, as SØM computes it) has payers ``municipality``, ``region``, ``state`` and
``total``; account ``welfare`` (the welfare-economic account, :mod:`simulation.economy.welfare`)
has the one payer ``society``. The two are never added together. Each row: the net saving
against the baseline (baseline net cost less the scenario's, positive = the scenario saves)
undiscounted over the years, as present values in 2026 at the default 3.5% and at the documented
sensitivities (1.5%, 0%), in the last year, and the payback year (first year from which the
cumulated net saving stays positive; empty: not by the last year); means over replicates, with
the 5th and 95th percentile over replicates of the present value at 3.5%. ``cost_pv_dkk`` is the
present value of the scenario's extra lever cost against the baseline (same account and payer;
in the welfare account at factor prices times the net tax factor), and ``net_saving_pv_per_dkk``
the net saving's present value per DKK of it (empty when it is 0). Trivial flows are flagged:
``trivial_flow`` when the cumulated net saving never reaches :data:`TRIVIAL_DKK_PER_INHABITANT`
per inhabitant in absolute value (its payback year is then left empty: a flow that small "pays
back" by noise), ``trivial_cost`` when the cost's present value is below it (its ratio is then
left empty). Written as ``economy.csv``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulation.economy.present_value import (
    DEFAULT_DISCOUNT_RATE,
    payback_year,
    payer_net_costs,
    present_value,
    saving_by_payer,
    undiscounted,
)
from simulation.inputs.prices import PAYERS
from simulation.inputs.welfare_economics import welfare_prices
from simulation.year.strategy import LEVER_ITEMS

__all__ = [
    "ACCOUNTS",
    "LEVER_ITEM_METRICS",
    "SENSITIVITY_RATES",
    "TRIVIAL_DKK_PER_INHABITANT",
    "economy_table",
    "lever_costs",
    "lever_items_table",
    "trivial_threshold",
    "welfare_net_costs",
]

ACCOUNTS = ("budget", "welfare")

SENSITIVITY_RATES = (0.015, 0.0)

#: Below this many DKK per inhabitant (cumulated over the horizon, in absolute value), a net
#: saving or a cost is trivial: about 120 m DKK for Denmark's 5.9 m inhabitants over 25 years,
#: under 1 DKK per inhabitant a year. That is of the order of the spread between replicates of
#: the state's account at scale 0.01 (5th-95th percentile about 0.1 bn DKK), so a payback year or
#: a ratio computed on a smaller flow says nothing (a convention of this project, not a figure
#: of any guidance; scaled by the simulated population, so it holds for one municipality too).
TRIVIAL_DKK_PER_INHABITANT = 20.0


def trivial_threshold(table: pd.DataFrame, scenario: str) -> float:
    """:data:`TRIVIAL_DKK_PER_INHABITANT` times the scenario's mean national population (DKK).

    0 when the table holds no population (nothing is then flagged).
    """
    pop = table[(table.scenario == scenario) & (table.metric == "population")]
    if pop.empty:
        return 0.0
    people = pop.groupby(["replicate", "year"]).value.sum().mean()
    return TRIVIAL_DKK_PER_INHABITANT * float(people)


# the lever cost items (LEVER_ITEMS of simulation.year.strategy), recorded by the lever-cost
# ledger as lever_cost_<item>_dkk; they sum to lever_cost_dkk
LEVER_ITEM_METRICS = {f"lever_cost_{item}_dkk": item for item in LEVER_ITEMS}


def lever_items_table(table: pd.DataFrame, rate: float = DEFAULT_DISCOUNT_RATE) -> pd.DataFrame:
    """Lever cost by scenario, item and payer: undiscounted and present value, replicate means.

    An item's payers are those of the cell it was booked in (scenario, replicate, year,
    municipality and area): the cell's ``lever_cost_<payer>_dkk`` shares. Every item of a cell
    is booked with the same payers (the area's lever payer; costs of no single area, the mapping,
    to the municipality or, for a regional unit, the region), so the split is exact. Payer
    ``total`` is the item's sum. Written as ``lever_items.csv``.
    """
    cols = ["scenario", "item", "payer", "start", "end", "cost_undiscounted_dkk", "cost_pv_dkk"]
    sub = table[table.metric.isin(list(LEVER_ITEM_METRICS))]
    if sub.empty:
        return pd.DataFrame(columns=cols)
    keys = ["scenario", "replicate", "year", "municipality", "area"]
    by_payer = {f"lever_cost_{p}_dkk": p for p in PAYERS}
    pay = table[table.metric.isin(list(by_payer))]
    pay = pay.assign(area=pay.area.astype(object).fillna("none"), payer=pay.metric.map(by_payer))
    shares = pay.pivot_table(index=keys, columns="payer", values="value", aggfunc="sum")
    shares = shares.reindex(columns=list(PAYERS), fill_value=0.0).fillna(0.0)
    shares = shares.div(shares.sum(axis=1).where(lambda x: x != 0), axis=0).fillna(0.0)
    items = sub.assign(area=sub.area.astype(object).fillna("none"))
    items = items.groupby([*keys, "metric"]).value.sum().reset_index()
    shares.columns = [f"share_{p}" for p in PAYERS]
    frame = items.join(shares, on=keys).fillna({f"share_{p}": 0.0 for p in PAYERS})
    for p in PAYERS:
        frame[p] = frame[f"share_{p}"] * frame["value"]
    frame["total"] = frame["value"]
    frame["item"] = frame.metric.map(LEVER_ITEM_METRICS)
    payers = [*PAYERS, "total"]
    yearly = frame.groupby(["scenario", "replicate", "item", "year"])[payers].sum()
    rows = []
    for (scenario, item), part in yearly.groupby(level=["scenario", "item"]):
        n_runs = table.loc[table.scenario == scenario, "replicate"].nunique()
        mean = part.groupby(level="year").sum() / n_runs
        for payer in payers:
            flow = mean[payer]
            rows.append(
                {
                    "scenario": scenario,
                    "item": item,
                    "payer": payer,
                    "start": int(flow.index.min()),
                    "end": int(flow.index.max()),
                    "cost_undiscounted_dkk": undiscounted(flow),
                    "cost_pv_dkk": present_value(flow, rate),
                }
            )
    return pd.DataFrame(rows, columns=cols)


def _by_scenario_year(table: pd.DataFrame, metrics: dict[str, str]) -> pd.DataFrame:
    """Sum of metrics by scenario, replicate, year (rows) and column (``metrics``' values)."""
    sub = table[table.metric.isin(list(metrics))]
    by_metric = sub.groupby(["scenario", "replicate", "year", "metric"], observed=True).value.sum()
    frame = by_metric.reset_index()
    frame["column"] = [metrics[str(m)] for m in frame.metric.tolist()]
    out = frame.groupby(["scenario", "replicate", "year", "column"]).value.sum().unstack("column")
    out.columns.name = None
    return out.reindex(columns=list(dict.fromkeys(metrics.values())), fill_value=0.0).fillna(0.0)


def welfare_net_costs(table: pd.DataFrame) -> pd.DataFrame:
    """Society's net resource cost (``welfare_cost_dkk``, all areas and area null).

    Returns:
        A frame indexed by scenario, replicate and year with the one column ``society``.
    """
    return _by_scenario_year(table, {"welfare_cost_dkk": "society"})


def lever_costs(table: pd.DataFrame, net_tax_factor: float) -> dict[str, pd.DataFrame]:
    """Lever costs by scenario, replicate and year, per account.

    Returns:
        ``budget``: by payer and ``total``; ``welfare``: ``society``, the total at factor
        prices times ``net_tax_factor``.
    """
    budget = _by_scenario_year(table, {f"lever_cost_{p}_dkk": p for p in PAYERS})
    budget["total"] = budget.sum(axis=1)
    return {
        "budget": budget,
        "welfare": budget[["total"]].rename(columns={"total": "society"}) * net_tax_factor,
    }


def _extra(frame: pd.DataFrame, scenario: str, baseline: str) -> pd.DataFrame:
    """The scenario's mean over replicates less the baseline's, by year (one column each)."""
    mean = frame.groupby(level=["scenario", "year"]).mean()
    return mean.loc[scenario] - mean.loc[baseline]


def _interval(
    net: pd.DataFrame, scenario: str, baseline: str, payer: str, rate: float
) -> dict[str, float]:
    """5th and 95th percentile over replicates of the present value at ``rate``.

    Replicate ``r`` of every scenario shares its seed (common random numbers), so the saving is
    taken replicate by replicate. ``payer`` is a column of ``net``, or ``total`` (their sum).
    """
    base, alt = net.loc[baseline], net.loc[scenario]
    values = []
    for r in sorted(set(base.index.get_level_values("replicate"))):
        if r not in alt.index.get_level_values("replicate"):
            continue
        diff = base.loc[r] - alt.loc[r]
        flow = diff.sum(axis=1) if payer not in diff.columns else diff[payer]
        values.append(present_value(flow, rate))
    q05, q95 = np.percentile(values, [5, 95]) if values else (np.nan, np.nan)
    return {"net_saving_pv_p05_dkk": float(q05), "net_saving_pv_p95_dkk": float(q95)}


def _row(
    scenario: str,
    account: str,
    payer: str,
    flow: pd.Series,
    cost: pd.Series,
    net: pd.DataFrame,
    baseline: str,
    rate: float,
    trivial: float = 0.0,
) -> dict:
    """One row of the account (see the module); ``trivial``: the threshold in DKK."""
    trivial_flow = bool(flow.cumsum().abs().max() < trivial)
    payback = None if trivial_flow else payback_year(flow)
    saving_pv = present_value(flow, rate)
    cost_pv = present_value(cost, rate)
    trivial_cost = bool(abs(cost_pv) < trivial)
    return {
        "scenario": scenario,
        "account": account,
        "payer": payer,
        "start": int(flow.index.min()),
        "end": int(flow.index.max()),
        "net_saving_undiscounted_dkk": undiscounted(flow),
        "discount_rate": rate,
        "net_saving_pv_dkk": saving_pv,
        **{f"net_saving_pv_{r:.3f}_dkk": present_value(flow, r) for r in SENSITIVITY_RATES},
        **_interval(net, scenario, baseline, payer, rate),
        "net_saving_last_year_dkk": float(flow.iloc[-1]),
        "payback_year": payback if payback is not None else pd.NA,
        "cost_pv_dkk": cost_pv,
        "net_saving_pv_per_dkk": (
            saving_pv / cost_pv if cost_pv != 0 and not trivial_cost else np.nan
        ),
        "trivial_flow": trivial_flow,
        "trivial_cost": trivial_cost,
    }


def economy_table(
    table: pd.DataFrame, baseline: str = "baseline", rate: float = DEFAULT_DISCOUNT_RATE
) -> pd.DataFrame:
    """The account of every scenario against ``baseline`` by account and payer (see the module).

    Args:
        table: the tidy table of the runs.
        baseline: the scenario the others are compared with.
        rate: the discount rate of ``net_saving_pv_dkk``, ``cost_pv_dkk`` and the interval (the
            run's ``discount_rate``; Finansministeriet's 3.5% by default); the sensitivities at
            1.5% and 0% are always given beside it.
    """
    rows = []
    net = payer_net_costs(table)
    scenarios = set(net.index.get_level_values("scenario"))
    if baseline not in scenarios:
        return pd.DataFrame(rows)
    welfare = welfare_net_costs(table) if (table.metric == "welfare_cost_dkk").any() else None
    levers = {
        k: v.reindex(net.index, fill_value=0.0)  # a table without lever rows: no lever cost
        for k, v in lever_costs(table, welfare_prices().net_tax_factor).items()
    }
    trivial = trivial_threshold(table, baseline)
    for scenario in sorted(scenarios - {baseline}):
        saving = saving_by_payer(table, scenario, baseline, net=net)
        extra = _extra(levers["budget"], scenario, baseline)
        for payer in saving.columns:
            rows.append(
                _row(
                    scenario,
                    "budget",
                    payer,
                    saving[payer],
                    extra[payer],
                    net,
                    baseline,
                    rate,
                    trivial,
                )
            )
        if welfare is None:
            continue
        mean = welfare.groupby(level=["scenario", "year"]).mean()
        flow = mean.loc[baseline, "society"] - mean.loc[scenario, "society"]
        cost = _extra(levers["welfare"], scenario, baseline)["society"]
        rows.append(
            _row(scenario, "welfare", "society", flow, cost, welfare, baseline, rate, trivial)
        )
    out = pd.DataFrame(rows)
    if not rows:
        return out
    out["payback_year"] = out["payback_year"].astype("Int64")
    return out
