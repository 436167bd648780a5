"""The welfare-economic account, beside the public budget account and never added to it.

The budget account (SØM) asks "what does it do to my budget?"; the welfare-economic account
(Finansministeriet, *Vejledning i samfundsøkonomiske konsekvensvurderinger*, 2023) asks "is it
a good use of society's resources?". Its yearly cost of a scenario, by area and municipality:

    welfare_cost = net_tax_factor x (services + lever costs)
                   + tax_distortion x (budget net cost)
                   + volunteer time value
                   + production foregone
                   - production value

- **Transfers net out**: services are ``public_cost_dkk - transfer_cost_dkk`` (the marginal
  service prices plus the fixed part); a transfer moves money between citizens and the public,
  it uses no resources.
- **Public resource use at market prices**: services and lever costs are factor prices; the net
  tax factor (1.28) brings them to the market prices the guidance values effects at.
- **Tax distortion**: a switch (default 0, as the 2023 guidance prescribes); when set, that share
  of the budget account's net cost (transfers included: they are financed by taxes too).
- **Volunteer time**: the hours initiatives use, at a price per hour (opportunity cost, market
  prices, no factor).
- **Production**: a case-year of a benefit level keeps a share of a work-year out of work
  (``production_foregone_dkk``), so an avoided or ended case-year is a gain. Valued at wage cost
  times the net tax factor, less the share that displaces other workers
  (``displacement_share``) and the leisure the citizen gives up (``leisure_value_share``: the
  gain of more labour supply is its tax wedge, not the full wage, when the move is chosen).
- **Enterprise jobs, counted once**: a job-holder (``marginalised_employed``) stays in the
  cash-benefit level, and the job's effect is an earlier exit from it; the exit's production is
  counted (above), the job-year's own production (``production_value_dkk``) only when
  ``enterprise_production_counted`` is 1 (an upper bound: it counts the year after an exit
  twice).

The level of ``welfare_cost_dkk`` means little alone; its difference between scenarios is the
account (``economy.csv``, account ``welfare``).
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from simulation.constants import AREAS
from simulation.inputs.welfare_economics import WelfarePrices, production_factor

__all__ = [
    "WELFARE_BY_AREA",
    "WELFARE_METRICS",
    "WELFARE_NULL_AREA",
    "ProductionForegone",
    "derive_welfare",
    "welfare_components",
]

# metrics of the welfare-economic account: recorded by area, and with area null
WELFARE_BY_AREA = (
    "production_foregone_dkk",
    "volunteer_time_value_dkk",
    "tax_distortion_dkk",
    "welfare_cost_dkk",
)
WELFARE_NULL_AREA = ("production_value_dkk", "tax_distortion_dkk", "welfare_cost_dkk")
WELFARE_METRICS = frozenset(WELFARE_BY_AREA) | frozenset(WELFARE_NULL_AREA)


class _Collector(Protocol):
    """What :func:`derive_welfare` needs of the result collector."""

    def get(self, metric: str, area: str | None = None) -> np.ndarray: ...

    def register(self, metric: str, area: str | None = None) -> np.ndarray: ...


class ProductionForegone:
    """Production that a year's benefit caseload keeps out of work, by municipality.

    A case-year of level ``l`` forgoes ``work_share[l]`` work-years, each worth
    ``production_per_work_year_dkk`` at wage cost, times the net tax factor (market prices),
    less displacement and the leisure given up (:func:`production_factor`).

    Args:
        levels: need levels by area (``NeedModel.levels``): their names select the work share.
        prices: the welfare-economic account's numbers.
    """

    def __init__(self, levels: dict, prices: WelfarePrices) -> None:
        per_year = prices.production_per_work_year_dkk * production_factor(prices)
        self.per_case: dict[str, np.ndarray] = {
            area: np.array([prices.work_share.get(lv.name, 0.0) * per_year for lv in lvs])
            for area, lvs in levels.items()
        }

    def of(self, area: str, cases: np.ndarray) -> np.ndarray | None:
        """DKK by municipality for a caseload (n_mun, levels) in person-years; ``None``: none."""
        value = self.per_case[area]
        if not value.any():
            return None
        return cases @ value


def welfare_components(
    get, area: str | None, prices: WelfarePrices
) -> dict[str, np.ndarray | float]:
    """The welfare-economic account of one area (or area null), from the recorded metrics.

    Args:
        get: ``get(metric, area)`` returning the (years, municipalities) array of a metric.
        area: welfare area, or ``None`` for what belongs to no area.
        prices: the welfare-economic account's numbers.

    Returns:
        ``volunteer_time_value_dkk``, ``production_value_dkk``, ``tax_distortion_dkk`` and
        ``welfare_cost_dkk`` arrays (the first only for areas, the second only for area null).
    """
    f = prices.net_tax_factor
    services = get("public_cost_dkk", area) - get("transfer_cost_dkk", area)
    out: dict[str, np.ndarray | float] = {}
    cost = f * (services + get("lever_cost_dkk", area))
    out["tax_distortion_dkk"] = prices.tax_distortion * get("net_cost_dkk", area)
    cost = cost + out["tax_distortion_dkk"] + get("production_foregone_dkk", area)
    if area is None:  # area null: volunteer_hours there are the hours available, not used
        out["production_value_dkk"] = (
            get("marginalised_employed", None)
            * prices.enterprise_job_value_dkk
            * production_factor(prices)
            * prices.enterprise_production_counted
        )
        cost = cost - out["production_value_dkk"]
    else:
        out["volunteer_time_value_dkk"] = get("volunteer_hours", area) * prices.volunteer_hour_dkk
        cost = cost + out["volunteer_time_value_dkk"]
    out["welfare_cost_dkk"] = cost
    return out


def derive_welfare(results: _Collector, prices: WelfarePrices) -> None:
    """Write the welfare-economic metrics of every year into ``results`` (idempotent).

    Called when the table is built, after the last year: every component is then recorded.
    ``production_foregone_dkk`` is recorded by the provision step (it needs the caseload by
    level); the rest is computed here from the budget metrics, ``volunteer_hours`` and
    ``marginalised_employed``.
    """
    for area in (*AREAS, None):
        for metric, value in welfare_components(results.get, area, prices).items():
            results.register(metric, area)[:] = value
