"""Present values, undiscounted sums and payback years of money flows.

Finansministeriet's real discount rate is 3.5% a year for years 0-35 (2.5% for 36-70, 1.5%
after; 'Vejledning i samfundsøkonomiske konsekvensvurderinger', 2023), with 2026 as year 0 and
the model's 2026 prices. The model's horizon, 2026-2050, lies inside the first 35 years, so one
rate applies; ``discount_rate`` is a registered uncertainty (``parameters.csv``) with 0% and
1.5% as documented sensitivities. The undiscounted sum is always shown beside the present value.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from simulation.constants import BASE_YEAR
from simulation.inputs.prices import PAYERS

__all__ = [
    "DEFAULT_DISCOUNT_RATE",
    "discount_factors",
    "payback_year",
    "payer_net_costs",
    "present_value",
    "saving_by_payer",
    "undiscounted",
]

DEFAULT_DISCOUNT_RATE = 0.035
_LATER_RATES = ((35, 0.025), (70, 0.015))  # (from year, rate) after the first 35 years


def discount_factors(years, rate: float = DEFAULT_DISCOUNT_RATE) -> np.ndarray:
    """Factors that bring a flow of each calendar year to a 2026 present value.

    ``rate`` applies to years 0-35 after 2026; later years use Finansministeriet's lower
    rates (2.5%, then 1.5%) when ``rate`` is the default, else ``rate`` throughout.
    """
    t = np.asarray(years, dtype=int) - BASE_YEAR
    if np.any(t < 0):
        raise ValueError("years before 2026 cannot be discounted to 2026")
    out = np.empty(len(t))
    for i, n in enumerate(t.tolist()):
        factor, prev, r = 1.0, 0, rate
        for start, later in (*_LATER_RATES,) if rate == DEFAULT_DISCOUNT_RATE else ():
            if n <= start:
                break
            factor /= (1.0 + r) ** (start - prev)
            prev, r = start, later
        out[i] = factor / (1.0 + r) ** (n - prev)
    return out


def present_value(
    flows: pd.Series | Mapping[int, float], rate: float = DEFAULT_DISCOUNT_RATE
) -> float:
    """Present value in 2026 of a flow by calendar year."""
    s = pd.Series(flows, dtype=float)
    return float((s.to_numpy() * discount_factors(s.index, rate)).sum())


def undiscounted(flows: pd.Series | Mapping[int, float]) -> float:
    """The plain sum of a flow over its years."""
    return float(pd.Series(flows, dtype=float).sum())


def payback_year(net_saving: pd.Series | Mapping[int, float]) -> int | None:
    """First year from which the cumulated net saving stays positive; ``None``: not by the end.

    Args:
        net_saving: a scenario's net saving against the baseline by year (baseline net cost
            less the scenario's; positive = the scenario saves).
    """
    s = pd.Series(net_saving, dtype=float).sort_index()
    cum = s.cumsum().to_numpy()
    ok = cum > 0
    if not ok.size or not ok[-1]:
        return None
    bad = np.flatnonzero(~ok)
    first = 0 if not len(bad) else int(bad[-1]) + 1
    return int(s.index[first])


def payer_net_costs(table: pd.DataFrame) -> pd.DataFrame:
    """Net cost by scenario, replicate, year (rows) and payer (columns), from the tidy table.

    The net cost of a payer is ``public_cost_<payer>_dkk + lever_cost_<payer>_dkk``. The table
    is reduced by metric first (a few hundred rows), so this is quick on a job's table.
    """
    metrics = {f"public_cost_{p}_dkk": p for p in PAYERS}
    metrics |= {f"lever_cost_{p}_dkk": p for p in PAYERS}
    sub = table[table.metric.isin(list(metrics))]
    by_metric = sub.groupby(["scenario", "replicate", "year", "metric"], observed=True).value.sum()
    frame = by_metric.reset_index()
    frame["payer"] = [metrics[str(m)] for m in frame.metric.tolist()]
    out = frame.groupby(["scenario", "replicate", "year", "payer"]).value.sum().unstack("payer")
    return out.reindex(columns=list(PAYERS), fill_value=0.0).fillna(0.0)


def saving_by_payer(
    table: pd.DataFrame,
    scenario: str,
    baseline: str = "baseline",
    net: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Net saving against the baseline by year and payer, mean over replicates.

    The saving is the baseline's net cost less the scenario's (positive = the scenario saves).

    Args:
        table: the tidy output table (ignored if ``net`` is given).
        scenario: the scenario.
        baseline: the reference scenario.
        net: :func:`payer_net_costs` of the table, if already computed.

    Returns:
        A frame indexed by year with one column per payer and ``total``.
    """
    if net is None:
        net = payer_net_costs(table)
    mean = net.groupby(level=["scenario", "year"]).mean()
    out = mean.loc[baseline] - mean.loc[scenario]
    out["total"] = out.sum(axis=1)
    return out
