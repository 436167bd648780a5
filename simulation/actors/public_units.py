"""Public units: one per municipality and welfare area, one per region for health and psychiatry.

Each provides the public services of its area and pays their cost; under a strategy
(a later mechanism) it also frames challenges and works with non-public actors.

The municipal units of an area book into one shared :class:`AreaLedger` (years x
municipalities), filled by one array assignment a year; a unit's ``cases``, ``cost_dkk`` and
``history`` read its column of the ledger.
"""

from __future__ import annotations

from typing import Any

import mesa
import numpy as np

__all__ = ["AreaLedger", "MunicipalUnit", "RegionalUnit"]


class AreaLedger:
    """What the municipal units of one area booked: caseload and cost by year and municipality.

    Args:
        first_year: the first simulated year.
        n_years: number of simulated years.
        n_municipalities: number of municipality rows.
    """

    def __init__(self, first_year: int, n_years: int, n_municipalities: int) -> None:
        self.first_year = first_year
        self.cases = np.zeros((n_years, n_municipalities))
        self.cost_dkk = np.zeros((n_years, n_municipalities))
        self.last: int | None = None

    def book(self, year: int, cases: np.ndarray, cost_dkk: np.ndarray) -> None:
        """Provide the year's services in every municipality: record caseloads and costs paid."""
        i = year - self.first_year
        self.cases[i] = cases
        self.cost_dkk[i] = cost_dkk
        self.last = year

    def years(self) -> range:
        """The years booked so far."""
        return range(self.first_year, self.first_year if self.last is None else self.last + 1)


class MunicipalUnit(mesa.Agent):
    """The public unit of one municipality in one welfare area.

    Attributes:
        code: the municipality's 3-digit code.
        index: the municipality's row in the model's arrays.
        region: the region code.
        area: the welfare area.
        ledger: the area's ledger this unit books into.
    """

    def __init__(
        self, model: Any, code: int, index: int, region: int, area: str, ledger: AreaLedger
    ) -> None:
        super().__init__(model)
        self.code = code
        self.index = index
        self.region = region
        self.area = area
        self.ledger = ledger

    def _last(self, table: np.ndarray) -> float:
        last = self.ledger.last
        return 0.0 if last is None else float(table[last - self.ledger.first_year, self.index])

    @property
    def cases(self) -> float:
        """The last booked year's person-year caseload (residents)."""
        return self._last(self.ledger.cases)

    @property
    def cost_dkk(self) -> float:
        """The last booked year's cost of public provision (DKK)."""
        return self._last(self.ledger.cost_dkk)

    @property
    def history(self) -> dict[int, float]:
        """``{year: cost_dkk}`` of the booked years."""
        first = self.ledger.first_year
        return {y: float(self.ledger.cost_dkk[y - first, self.index]) for y in self.ledger.years()}


class RegionalUnit(mesa.Agent):
    """The regional unit of one region in health or psychiatry.

    It pays the regional share (all of ``health``, the psychiatry part of ``mental_health``) of
    its municipalities' caseload.

    Attributes:
        region: region code.
        area: ``health`` or ``mental_health``.
        cost_dkk: this year's regional cost (DKK).
        history: ``{year: cost_dkk}``.
    """

    def __init__(self, model: Any, region: int, area: str) -> None:
        super().__init__(model)
        self.region = region
        self.area = area
        self.cost_dkk = 0.0
        self.history: dict[int, float] = {}

    def book(self, year: int, cost_dkk: float) -> None:
        """Record the year's regional cost."""
        self.cost_dkk = float(cost_dkk)
        self.history[year] = self.cost_dkk
