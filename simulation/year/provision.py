"""Public provision and its cost: every need case is met by the public unit at a unit cost.

Unit costs are in 2026 prices and grow in real terms by ``unit_cost_growth`` a year (default 0).
A year's caseload is counted in person-years: the average of the caseload on 1 January and on
the next 1 January (a citizen who dies or leaves counts half). Costs are booked by area and
municipality; the regional share of health and psychiatry is also booked to the region.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from simulation.constants import AREAS, BASE_YEAR
from simulation.year.needs import NeedModel

if TYPE_CHECKING:
    from simulation.model import WelfareModel

__all__ = ["CostModel", "LeverCosts", "Provision", "caseloads", "count_cases", "count_in_need"]


def count_cases(
    area: np.ndarray,
    municipality: np.ndarray,
    addressable: np.ndarray,
    level: np.ndarray,
    n_areas: int,
    top: int,
    n_mun: int,
) -> np.ndarray:
    """Citizen-area pairs by area, municipality, addressability and level (one bincount).

    Returns:
        Counts of shape (n_areas, n_mun, 2, top + 1); index 0 of the last axis is level 0.
    """
    width = top + 1
    key = area * np.intp(n_mun * 2 * width)  # ((area * n_mun + mun) * 2 + addressable) * width
    key += municipality.astype(np.intp) * (2 * width)
    key += addressable * np.intp(width)
    key += level
    counts = np.bincount(key, minlength=n_areas * n_mun * 2 * width)
    return counts.reshape(n_areas, n_mun, 2, width)


def count_in_need(
    municipality: np.ndarray, need: np.ndarray, addressable: np.ndarray, top: int, n_mun: int
) -> np.ndarray:
    """:func:`count_cases` over the citizens' pairs with a need (``need``: (citizens, areas))."""
    n_areas = need.shape[1]
    keys = np.flatnonzero(need != 0)
    rows = keys // n_areas
    return count_cases(
        keys - rows * n_areas,
        municipality[rows],
        addressable.reshape(-1)[keys],
        need.reshape(-1)[keys],
        n_areas,
        top,
        n_mun,
    )


def caseloads(
    counts: np.ndarray, n_levels: list[int], weight: float
) -> list[tuple[np.ndarray, np.ndarray]]:
    """All cases and the cases no initiative can address, per area, from :func:`count_cases`.

    Returns, per area, two arrays of shape (n_mun, levels), weights applied.
    """
    out = []
    for j, n_lv in enumerate(n_levels):
        cases = counts[j, :, :, 1 : n_lv + 1] * weight
        out.append((cases[:, 0] + cases[:, 1], cases[:, 0]))
    return out


class CostModel:
    """Unit costs per area and level, with real growth.

    Args:
        needs: the need model (holds the calibrated unit costs).
        unit_cost_growth: real growth of unit costs per year.
    """

    def __init__(self, needs: NeedModel, unit_cost_growth: float = 0.0) -> None:
        self.needs = needs
        self.growth = unit_cost_growth
        self.unit_cost = {a: np.array([lv.unit_cost_dkk for lv in needs.levels[a]]) for a in AREAS}
        self.regional_share = {
            a: np.array([lv.regional_share for lv in needs.levels[a]]) for a in AREAS
        }

    def factor(self, year: int) -> float:
        """Real unit-cost growth factor of ``year`` relative to 2026."""
        return (1.0 + self.growth) ** (year - BASE_YEAR)

    def cost(self, area: str, cases: np.ndarray, year: int) -> tuple[np.ndarray, np.ndarray]:
        """Public cost of a caseload.

        Args:
            area: welfare area.
            cases: person-year caseload by municipality and level (n_mun, levels).
            year: calendar year.

        Returns:
            ``(total, regional)`` cost by municipality, in DKK.
        """
        per_level = cases * self.unit_cost[area][None, :] * self.factor(year)
        return per_level.sum(axis=1), (per_level * self.regional_share[area][None, :]).sum(axis=1)


class LeverCosts:
    """Books the cost of the strategy levers as public costs of their own.

    Every amount is added to ``lever_cost_dkk`` and ``net_cost_dkk`` of its municipality and
    area (``area=None`` for costs that belong to no single area, such as mapping).

    Args:
        results: the model's result collector.
        n_municipalities: number of municipality rows.
    """

    def __init__(self, results, n_municipalities: int) -> None:
        self.results = results
        self._areas = (*AREAS, None)
        self._year: int | None = None
        self._buffer = np.zeros((len(self._areas), n_municipalities))

    def add_many(
        self,
        year: int,
        municipality: np.ndarray,
        area: np.ndarray | None,
        amount: np.ndarray,
    ) -> None:
        """Book many amounts at once.

        Args:
            year: calendar year.
            municipality: municipality index of each amount.
            area: area index (into ``AREAS``) of each amount, or ``None`` for no single area.
            amount: DKK.
        """
        if self._year != year:
            self.flush()
            self._year = year
        buffer = self._buffer
        n_mun = buffer.shape[1]
        cell = np.asarray(municipality, dtype=np.int64)
        if area is None:
            cell = cell + len(AREAS) * n_mun
        else:
            cell = cell + np.asarray(area, dtype=np.int64) * n_mun
        weights = np.broadcast_to(np.asarray(amount, dtype=float), cell.shape)
        buffer += np.bincount(cell, weights=weights, minlength=buffer.size).reshape(buffer.shape)

    def flush(self) -> None:
        """Write the booked amounts into the results (the model calls this once a year)."""
        if self._year is None:
            return
        for k, area in enumerate(self._areas):
            row = self._buffer[k]
            if row.any():
                self.results.add("lever_cost_dkk", self._year, row, area)
                self.results.add("net_cost_dkk", self._year, row, area)
        self._buffer[:] = 0.0
        self._year = None


class Provision:
    """The provision step: the year's average caseload, costed and booked.

    Costs go to the results by area and municipality, to the municipal units' ledgers, and the
    regional share of health and psychiatry to the regional units.

    Args:
        model: the model (its cost model, results, ledgers and regional units are used).
    """

    def __init__(self, model: WelfareModel) -> None:
        self.model = model

    def run(self, year: int, start_cases: dict, end_cases: dict) -> None:
        """Cost and book the year between the caseloads of 1 January and of its end."""
        m = self.model
        add = m.results.add
        regional_cost = {}
        for area in AREAS:
            cases = 0.5 * (start_cases[area][0] + end_cases[area][0])
            floor_cases = 0.5 * (start_cases[area][1] + end_cases[area][1])
            total, reg = m.costs.cost(area, cases, year)
            floor_cost, _ = m.costs.cost(area, floor_cases, year)
            case_sum = cases.sum(axis=1)
            add("need_cases", year, case_sum, area)
            add("unmet_need_cases", year, floor_cases.sum(axis=1), area)
            add("unaddressable_cost_dkk", year, floor_cost, area)
            add("public_cost_dkk", year, total, area)
            add("net_cost_dkk", year, total, area)
            m.ledgers[area].book(year, case_sum, total)
            regional_cost[area] = reg
        for (region, area), unit in m.regional_units.items():
            unit.book(year, float(regional_cost[area][m.region_rows[region]].sum()))
