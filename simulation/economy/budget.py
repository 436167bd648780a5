"""The budget result of an initiative for a cohort, as Socialstyrelsen's SØM computes it.

The budget account (budgetøkonomisk nettoresultat): the initiative's cost plus the change in
public spending and transfers it causes, year by year and by payer. Avoided or ended cases are
priced at the margin (the services their level uses), so an area's fixed part does not move.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulation.inputs.prices import PAYERS
from simulation.year.provision import CostModel

__all__ = ["BudgetResult", "cohort_budget"]


@dataclass(frozen=True)
class BudgetResult:
    """A cohort's budget result by year and payer (DKK, 2026 prices).

    Attributes:
        saving: public spending avoided, (years, payers); positive = saved.
        transfers: the part of ``saving`` that is transfers, by year (all payers).
        lever_cost: the initiative's cost, (years, payers).
    """

    saving: np.ndarray
    transfers: np.ndarray
    lever_cost: np.ndarray

    @property
    def net(self) -> np.ndarray:
        """Net budget result by year and payer: saving less cost (positive = gain)."""
        return self.saving - self.lever_cost

    def total(self) -> float:
        """Net result over all years and payers."""
        return float(self.net.sum())


def cohort_budget(
    costs: CostModel,
    area: str,
    without: np.ndarray,
    with_initiative: np.ndarray,
    lever_cost: np.ndarray,
    lever_payer: str,
    first_year: int,
) -> BudgetResult:
    """The budget result of an initiative for one cohort in one area.

    Args:
        costs: the model's cost model (prices at the margin by payer).
        area: welfare area.
        without: person-years by year and need level without the initiative, (years, levels).
        with_initiative: the same with it.
        lever_cost: the initiative's cost by year (DKK).
        lever_payer: who pays it (one of ``PAYERS``).
        first_year: calendar year of the first row.

    Returns:
        The saving and cost by year and payer.
    """
    without = np.asarray(without, dtype=float)
    with_initiative = np.asarray(with_initiative, dtype=float)
    n_years = len(without)
    saving = np.zeros((n_years, len(PAYERS)))
    transfers = np.zeros(n_years)
    for i in range(n_years):
        year = first_year + i
        base, base_t = costs.cost(area, without[i][None, :], year)
        alt, alt_t = costs.cost(area, with_initiative[i][None, :], year)
        saving[i] = base[0] - alt[0]
        transfers[i] = base_t[0] - alt_t[0]
    cost = np.zeros((n_years, len(PAYERS)))
    cost[:, PAYERS.index(lever_payer)] = np.asarray(lever_cost, dtype=float)
    return BudgetResult(saving=saving, transfers=transfers, lever_cost=cost)
