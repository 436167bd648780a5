"""The economic account of a finished job: per scenario and payer, against the baseline.

One row per scenario (other than the baseline) and payer (``municipality``, ``region``,
``state``, ``total``): the net saving against the baseline (baseline net cost less the
scenario's, positive = the scenario saves) undiscounted over the years, as present values in
2026 at the default 3.5% and at the documented sensitivities (1.5%, 0%), in the last year, and
the payback year (first year from which the cumulated net saving stays positive; empty: not by
the last year). Means over replicates, with the 5th and 95th percentile over replicates of the
present value at 3.5%; written as ``economy.csv`` in a results folder.
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

__all__ = ["SENSITIVITY_RATES", "economy_table"]

SENSITIVITY_RATES = (0.015, 0.0)


def _interval(
    net: pd.DataFrame, scenario: str, baseline: str, payer: str, rate: float
) -> dict[str, float]:
    """5th and 95th percentile over replicates of the present value at ``rate``.

    Replicate ``r`` of every scenario shares its seed (common random numbers), so the saving is
    taken replicate by replicate.
    """
    base, alt = net.loc[baseline], net.loc[scenario]
    values = []
    for r in sorted(set(base.index.get_level_values("replicate"))):
        if r not in alt.index.get_level_values("replicate"):
            continue
        diff = base.loc[r] - alt.loc[r]
        flow = diff.sum(axis=1) if payer == "total" else diff[payer]
        values.append(present_value(flow, rate))
    q05, q95 = np.percentile(values, [5, 95]) if values else (np.nan, np.nan)
    return {"net_saving_pv_p05_dkk": float(q05), "net_saving_pv_p95_dkk": float(q95)}


def economy_table(
    table: pd.DataFrame, baseline: str = "baseline", rate: float = DEFAULT_DISCOUNT_RATE
) -> pd.DataFrame:
    """The account of every scenario against ``baseline`` by payer (see the module).

    Args:
        table: the tidy table of the runs.
        baseline: the scenario the others are compared with.
        rate: the discount rate of ``net_saving_pv_dkk`` and its interval (the run's
            ``discount_rate``; Finansministeriet's 3.5% by default); the sensitivities at
            1.5% and 0% are always given beside it.
    """
    rows = []
    net = payer_net_costs(table)
    scenarios = set(net.index.get_level_values("scenario"))
    if baseline not in scenarios:
        return pd.DataFrame(rows)
    for scenario in sorted(scenarios - {baseline}):
        saving = saving_by_payer(table, scenario, baseline, net=net)
        for payer in saving.columns:
            flow = saving[payer]
            payback = payback_year(flow)
            rows.append(
                {
                    "scenario": scenario,
                    "payer": payer,
                    "start": int(flow.index.min()),
                    "end": int(flow.index.max()),
                    "net_saving_undiscounted_dkk": undiscounted(flow),
                    "discount_rate": rate,
                    "net_saving_pv_dkk": present_value(flow, rate),
                    **{
                        f"net_saving_pv_{rate:.3f}_dkk": present_value(flow, rate)
                        for rate in SENSITIVITY_RATES
                    },
                    **_interval(net, scenario, baseline, payer, rate),
                    "net_saving_last_year_dkk": float(flow.iloc[-1]),
                    "payback_year": payback if payback is not None else pd.NA,
                }
            )
    out = pd.DataFrame(rows)
    if not rows:
        return out
    out["payback_year"] = out["payback_year"].astype("Int64")
    return out
