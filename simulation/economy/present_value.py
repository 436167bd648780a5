"""Present values, undiscounted sums and payback years of money flows (DESIGN 3.6).

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


def saving_by_payer(table: pd.DataFrame, scenario: str, baseline: str = "baseline") -> pd.DataFrame:
    """Net saving against the baseline by year and payer, mean over replicates.

    The net cost of a payer is ``public_cost_<payer>_dkk + lever_cost_<payer>_dkk``; the
    saving is the baseline's less the scenario's (positive = the scenario saves).

    Returns:
        A frame indexed by year with one column per payer and ``total``.
    """
    metrics = {f"public_cost_{p}_dkk": p for p in PAYERS} | {
        f"lever_cost_{p}_dkk": p for p in PAYERS
    }
    sub = table[table.metric.isin(list(metrics)) & table.scenario.isin([scenario, baseline])]
    sub = sub.assign(payer=sub.metric.map(metrics))
    per_run = sub.groupby(["scenario", "replicate", "year", "payer"]).value.sum()
    mean = per_run.groupby(["scenario", "year", "payer"]).mean().unstack("payer")
    mean = mean.reindex(columns=list(PAYERS), fill_value=0.0).fillna(0.0)
    out = mean.loc[baseline] - mean.loc[scenario]
    out["total"] = out.sum(axis=1)
    return out
