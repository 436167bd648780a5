"""The economic account as the report shows it: present values, payback and cash flow by payer.

The net saving of a scenario against the baseline is the baseline's net cost (public cost plus
lever cost) less the scenario's, by payer (``municipality``, ``region``, ``state``) and their
``total``; positive means the scenario saves. It is taken replicate by replicate (replicate
``r`` shares its seed across scenarios: common random numbers), discounted to a present value in
2026 with :func:`simulation.economy.present_value.present_value`, and summarised as a mean with
the 5th and 95th percentile over replicates (a 90% interval). The payback year is the first year
from which the cumulated mean net saving stays positive (as in ``economy.csv``), ``None`` when
there is none by the last year, and also ``None`` when the flow is trivial: its cumulated mean
never reaches :data:`~simulation.economy.summary.TRIVIAL_DKK_PER_INHABITANT` per inhabitant in
absolute value (``trivial`` in :func:`payback_years`; a flow that small "pays back" by noise).

The tables here are read from the tidy output table, so the report needs nothing else. The
economy table (``economy.csv``) may carry an ``account`` column (``budget`` by payer,
``welfare`` for ``society``) and a ``cost_pv_dkk`` column; :func:`with_accounts` fills them in
for a table without them (every row then belongs to the budget account).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulation.economy.present_value import (
    DEFAULT_DISCOUNT_RATE,
    discount_factors,
    payback_year,
)
from simulation.economy.summary import TRIVIAL_DKK_PER_INHABITANT, trivial_threshold
from simulation.inputs.prices import PAYERS

__all__ = [
    "ACCOUNT_PAYERS",
    "TRIVIAL_DKK_PER_INHABITANT",
    "has_payers",
    "replicate_savings",
    "replicate_present_values",
    "summarise",
    "payback_years",
    "cash_flow",
    "municipal_present_value",
    "lever_cost_savings",
    "with_accounts",
]

#: The payers of the budget account, in the order of the report, with their total last.
ACCOUNT_PAYERS = (*PAYERS, "total")
LOW_Q, HIGH_Q = 0.05, 0.95


def _payer_metrics() -> dict[str, str]:
    metrics = {f"public_cost_{p}_dkk": p for p in PAYERS}
    metrics |= {f"lever_cost_{p}_dkk": p for p in PAYERS}
    return metrics


def has_payers(ts: pd.DataFrame) -> bool:
    """Return whether ``ts`` holds public cost by payer (the economic account needs it)."""
    present = set(pd.unique(ts["metric"]))
    return all(f"public_cost_{p}_dkk" in present for p in PAYERS)


def _net_cost(ts: pd.DataFrame, metrics: dict[str, str], keys: list[str]) -> pd.DataFrame:
    """Sum of ``metrics`` by ``keys`` and payer (payers as columns, zeros where missing)."""
    sub = ts[ts["metric"].isin(list(metrics))]
    frame = sub.groupby([*keys, "metric"], observed=True, dropna=False)["value"].sum()
    frame = frame.reset_index()
    frame["payer"] = frame["metric"].map(metrics)
    out = frame.groupby([*keys, "payer"], dropna=False)["value"].sum().unstack("payer")
    return out.reindex(columns=list(PAYERS), fill_value=0.0).fillna(0.0)


def _paired(
    per: pd.DataFrame, baseline: str, sign: float = 1.0, keys: tuple[str, ...] = ()
) -> pd.DataFrame:
    """Baseline less scenario (times ``sign``), replicate by replicate, long by payer.

    ``per`` is indexed by ``scenario, replicate, *keys, year`` with one column per payer. Only
    replicates both sides have are used; the result has columns ``scenario, replicate, *keys,
    year, payer, value`` with a ``total`` payer added.
    """
    names = list(pd.unique(per.index.get_level_values("scenario")))
    if baseline not in names:
        raise ValueError(f"no baseline scenario {baseline!r} to compare with")
    base = per.xs(baseline, level="scenario")
    parts = []
    for name in names:
        if name == baseline:
            continue
        cur = per.xs(name, level="scenario")
        common = sorted(
            set(cur.index.get_level_values("replicate"))
            & set(base.index.get_level_values("replicate"))
        )
        if not common:
            continue
        cur = cur[cur.index.get_level_values("replicate").isin(common)]
        ref = base[base.index.get_level_values("replicate").isin(common)]
        index = cur.index.union(ref.index)
        diff = ref.reindex(index, fill_value=0.0) - cur.reindex(index, fill_value=0.0)
        diff = sign * diff
        diff["total"] = diff[list(PAYERS)].sum(axis=1)
        long = diff.stack().rename("value").reset_index()
        long = long.rename(columns={long.columns[-2]: "payer"})
        long.insert(0, "scenario", name)
        parts.append(long)
    columns = ["scenario", "replicate", *keys, "year", "payer", "value"]
    if not parts:
        return pd.DataFrame(columns=columns)
    return pd.concat(parts, ignore_index=True)[columns]


def replicate_savings(ts: pd.DataFrame, baseline: str = "baseline") -> pd.DataFrame:
    """Net saving against the baseline by scenario, replicate, year and payer.

    Args:
        ts: The tidy output table (with ``public_cost_<payer>_dkk`` and
            ``lever_cost_<payer>_dkk`` metrics).
        baseline: The scenario compared with.

    Returns:
        Columns ``scenario, replicate, year, payer, value`` (DKK; positive = the scenario
        saves), payers ``municipality, region, state, total``; ``attrs["trivial_dkk"]`` holds
        the threshold of a trivial flow (:func:`payback_years`).

    Raises:
        ValueError: If the baseline is not in ``ts``.
    """
    per = _net_cost(ts, _payer_metrics(), ["scenario", "replicate", "year"])
    out = _paired(per, baseline)
    out.attrs["trivial_dkk"] = trivial_threshold(ts, baseline)
    return out


def lever_cost_savings(ts: pd.DataFrame, baseline: str = "baseline") -> pd.DataFrame:
    """The extra lever cost of each scenario against the baseline, by replicate, year and payer.

    Like :func:`replicate_savings` but of the lever cost alone and with the sign of a cost
    (scenario less baseline; positive = the scenario spends more on its levers).
    """
    metrics = {f"lever_cost_{p}_dkk": p for p in PAYERS}
    per = _net_cost(ts, metrics, ["scenario", "replicate", "year"])
    return _paired(per, baseline, sign=-1.0)


def replicate_present_values(
    flows: pd.DataFrame, rate: float = DEFAULT_DISCOUNT_RATE, keys: tuple[str, ...] = ()
) -> pd.DataFrame:
    """Present value in 2026 of each replicate's flow.

    Args:
        flows: Columns ``scenario, replicate, *keys, year, payer, value`` (as from
            :func:`replicate_savings`).
        rate: Discount rate (Finansministeriet's 3.5% by default).
        keys: Further columns to keep apart (for example ``("municipality",)``).

    Returns:
        Columns ``scenario, replicate, *keys, payer, value``.
    """
    by = ["scenario", "replicate", *keys, "payer"]
    if flows.empty:
        return pd.DataFrame(columns=[*by, "value"])
    years = np.sort(pd.unique(flows["year"]).astype(int))
    factor = dict(zip(years.tolist(), discount_factors(years, rate), strict=True))
    weighted = flows.assign(value=flows["value"] * flows["year"].astype(int).map(factor))
    return weighted.groupby(by, sort=False, dropna=False)["value"].sum().reset_index()


def summarise(values: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Mean, 5th and 95th percentile and count over replicates of ``value``, by ``by``."""
    grouped = values.groupby(by, sort=False, dropna=False)["value"]
    out = pd.DataFrame(
        {
            "mean": grouped.mean(),
            "p05": grouped.quantile(LOW_Q),
            "p95": grouped.quantile(HIGH_Q),
            "n_replicates": grouped.count(),
        }
    )
    return out.reset_index()


def payback_years(savings: pd.DataFrame, trivial_dkk: float | None = None) -> pd.DataFrame:
    """Payback year of each scenario and payer from the mean net saving over replicates.

    Args:
        savings: Output of :func:`replicate_savings`.
        trivial_dkk: threshold of a trivial flow in DKK (default: ``savings.attrs``, else 0).

    Returns:
        Columns ``scenario, payer, payback_year`` (``<NA>``: not by the last year, or a trivial
        flow) and ``trivial`` (the cumulated mean net saving never reaches ``trivial_dkk`` in
        absolute value).
    """
    if trivial_dkk is None:
        trivial_dkk = float(savings.attrs.get("trivial_dkk", 0.0))
    mean = savings.groupby(["scenario", "payer", "year"], sort=False)["value"].mean()
    rows = []
    for (scenario, payer), flow in mean.groupby(level=["scenario", "payer"], sort=False):
        flow = flow.droplevel(["scenario", "payer"]).sort_index()
        trivial = bool(flow.cumsum().abs().max() < trivial_dkk)
        year = None if trivial else payback_year(flow)
        rows.append(
            {"scenario": scenario, "payer": payer, "payback_year": year, "trivial": trivial}
        )
    out = pd.DataFrame(rows, columns=["scenario", "payer", "payback_year", "trivial"])
    out["payback_year"] = out["payback_year"].astype("Int64")
    return out


def cash_flow(savings: pd.DataFrame) -> pd.DataFrame:
    """The cumulated net saving against the baseline per scenario, payer and year.

    Args:
        savings: Output of :func:`replicate_savings`.

    Returns:
        Columns ``scenario, payer, year, saving`` (mean over replicates of the year's net
        saving), ``cumulated`` (its running sum; the same as the mean of the replicates'
        running sums), and ``p05``, ``p95`` (percentiles over replicates of the running sum),
        in DKK.
    """
    columns = ["scenario", "payer", "year", "saving", "cumulated", "p05", "p95"]
    if savings.empty:
        return pd.DataFrame(columns=columns)
    ordered = savings.sort_values(["scenario", "payer", "replicate", "year"])
    cum = ordered.assign(
        value=ordered.groupby(["scenario", "payer", "replicate"], sort=False)["value"].cumsum()
    )
    keys = ["scenario", "payer", "year"]
    out = savings.groupby(keys, sort=False)["value"].mean().rename("saving").reset_index()
    out = out.sort_values(keys, kind="stable")
    out["cumulated"] = out.groupby(["scenario", "payer"], sort=False)["saving"].cumsum()
    grouped = cum.groupby(keys, sort=False)["value"]
    band = pd.DataFrame({"p05": grouped.quantile(LOW_Q), "p95": grouped.quantile(HIGH_Q)})
    out = out.merge(band.reset_index(), on=keys, how="left")
    return out[columns].reset_index(drop=True)


def municipal_present_value(
    ts: pd.DataFrame,
    scenario: str,
    baseline: str = "baseline",
    rate: float = DEFAULT_DISCOUNT_RATE,
) -> pd.DataFrame:
    """Per municipality: present value of its own net saving against the baseline per inhabitant.

    The municipality's own account: its ``public_cost_municipality_dkk`` and
    ``lever_cost_municipality_dkk`` rows, baseline less scenario replicate by replicate,
    discounted to 2026 and averaged over replicates, divided by the municipality's mean
    population over the years in the baseline.

    Args:
        ts: The tidy output table.
        scenario: The scenario.
        baseline: The scenario compared with.
        rate: Discount rate.

    Returns:
        Columns ``municipality`` and ``value`` (DKK per inhabitant; positive = the
        municipality gains).

    Raises:
        ValueError: For an unknown scenario or a missing baseline.
    """
    known = set(pd.unique(ts["scenario"]))
    if scenario not in known:
        raise ValueError(f"unknown scenario {scenario!r}; available: {sorted(known)}")
    if baseline not in known:
        raise ValueError(f"no baseline scenario {baseline!r} to compare with")
    metrics = {m: p for m, p in _payer_metrics().items() if p == "municipality"}
    sub = ts[ts["scenario"].isin([scenario, baseline]) & ts["municipality"].notna()]
    per = _net_cost(sub, metrics, ["scenario", "replicate", "municipality", "year"])
    flows = _paired(per, baseline, keys=("municipality",))
    flows = flows[flows["payer"] == "municipality"]
    pv = replicate_present_values(flows, rate, keys=("municipality",))
    mean = pv.groupby("municipality")["value"].mean()
    pop = sub[(sub["scenario"] == baseline) & (sub["metric"] == "population")]
    people = pop.groupby(["replicate", "year", "municipality"])["value"].sum()
    inhabitants = people.groupby("municipality").mean()
    value = mean / inhabitants.reindex(mean.index).where(lambda s: s > 0)
    return value.rename("value").reset_index()


def with_accounts(
    economy: pd.DataFrame | None,
    ts: pd.DataFrame | None = None,
    baseline: str = "baseline",
    rate: float = DEFAULT_DISCOUNT_RATE,
) -> pd.DataFrame:
    """The economy table with an ``account`` and a ``cost_pv_dkk`` column.

    A table from before the welfare-economic account has neither: every row is then the budget
    account, and the cost's present value (the scenario's extra lever cost against the
    baseline, by payer) is computed from ``ts`` when it is given.

    Args:
        economy: The economy table (``economy.csv``), or ``None``.
        ts: The tidy output table, for the cost's present value.
        baseline: The scenario compared with.
        rate: Discount rate of the cost's present value.

    Returns:
        A copy with ``account`` and ``cost_pv_dkk`` (empty frame for ``None``).
    """
    if economy is None or economy.empty:
        return pd.DataFrame(columns=["scenario", "account", "payer", "net_saving_pv_dkk"])
    out = economy.copy()
    if "account" not in out.columns:
        out.insert(1, "account", "budget")
    if "cost_pv_dkk" not in out.columns:
        out["cost_pv_dkk"] = np.nan
        if ts is not None and has_payers(ts):
            cost = replicate_present_values(lever_cost_savings(ts, baseline), rate)
            mean = cost.groupby(["scenario", "payer"])["value"].mean()
            keys = list(zip(out["scenario"], out["payer"], strict=True))
            out["cost_pv_dkk"] = [float(mean[k]) if k in mean.index else np.nan for k in keys]
    return out
