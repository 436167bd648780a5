"""Public provision and its cost: every need case is met by the public unit with its services.

A case-year costs the services its need level uses at their marginal prices, by payer
(municipality, region, state), in 2026 prices (:mod:`simulation.inputs.prices`); each area
also has a fixed part that no single case moves. Prices grow in real terms by
``unit_cost_growth`` a year (default 0). A year's caseload is counted in person-years: the
average of the caseload on 1 January and on the next 1 January (a citizen who dies or leaves
counts half). Costs are booked by area, municipality and payer; the region's part of health and
psychiatry is also booked to the regional units.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from simulation.constants import AREAS, BASE_YEAR
from simulation.economy.welfare import ProductionForegone
from simulation.inputs.prices import (
    PAYERS,
    area_targets,
    fixed_specs,
    level_prices,
    lever_payer_shares,
)
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
    """The cost of need cases at the margin, by payer, and each area's fixed part.

    A case-year costs the services its level uses at their marginal prices
    (:func:`~simulation.inputs.prices.level_prices`), so an avoided or ended case saves exactly
    those. Each area also has a fixed part: its reported 2026 spending less its expected 2026
    caseloads at those prices (:meth:`fixed_share`). The fixed part does not move with the cases:
    it follows the demand that the population's sex and age imply (capacity planned for
    demography), by municipality. Everything grows in real terms by ``unit_cost_growth`` a year.

    Args:
        needs: the need model (its levels' prevalence and expected 2026 caseloads).
        unit_cost_growth: real growth of prices per year.
    """

    def __init__(self, needs: NeedModel, unit_cost_growth: float = 0.0) -> None:
        self.needs = needs
        self.growth = unit_cost_growth
        prices = level_prices()
        targets = area_targets()
        specs = fixed_specs()
        self.variable: dict[str, np.ndarray] = {}  # (levels, payers) DKK per case-year
        self.transfer: dict[str, np.ndarray] = {}  # (levels,) DKK per case-year
        self.fixed: dict[str, float] = {}  # the national fixed part in 2026, DKK
        self.fixed_payer: dict[str, np.ndarray] = {}  # its shares by payer
        self._demand0: dict[str, float] = {}
        self._weights: dict[tuple[str, float], np.ndarray] = {}
        for a in AREAS:
            levels = needs.levels[a]
            self.variable[a] = np.array([prices[(a, lv.level)].by_payer for lv in levels])
            self.transfer[a] = np.array([prices[(a, lv.level)].transfer for lv in levels])
            per_case = self.variable[a].sum(axis=1)
            demand = float(
                sum(c * lv.expected_caseload for c, lv in zip(per_case, levels, strict=True))
            )
            self._demand0[a] = demand
            self.fixed[a] = targets[a] - demand
            self.fixed_payer[a] = specs[a]["payer"]

    def fixed_share(self, area: str) -> float:
        """The fixed part's share of the area's 2026 spending (1 - its marginal share)."""
        return self.fixed[area] / area_targets()[area]

    def factor(self, year: int) -> float:
        """Real unit-cost growth factor of ``year`` relative to 2026."""
        return (1.0 + self.growth) ** (year - BASE_YEAR)

    def cost(self, area: str, cases: np.ndarray, year: int) -> tuple[np.ndarray, np.ndarray]:
        """Cost of a caseload at the margin.

        Args:
            area: welfare area.
            cases: person-year caseload by municipality and level (n_mun, levels).
            year: calendar year.

        Returns:
            ``(by_payer, transfer)``: DKK by municipality and payer (n_mun, payers), and the
            transfers among them by municipality.
        """
        f = self.factor(year)
        return cases @ self.variable[area] * f, cases @ self.transfer[area] * f

    def demand_weights(self, area: str, shift: float) -> np.ndarray:
        """Expected DKK at the margin per citizen by sex and age, flat (2 * N_AGES,) (kept)."""
        key = (area, round(float(shift), 6))
        w = self._weights.get(key)
        if w is None:
            prev = self.needs.prevalence(area, shift)  # (levels, 2, N_AGES)
            per_case = self.variable[area].sum(axis=1)
            w = self._weights[key] = np.tensordot(per_case, prev, axes=1).reshape(-1)
        return w

    def fixed_part(
        self,
        area: str,
        cells: tuple[np.ndarray, np.ndarray],
        weight: float,
        shift: float,
        year: int,
        cases: np.ndarray | None = None,
        adaptation: float = 0.0,
    ) -> np.ndarray:
        """The area's fixed part by municipality in ``year`` (DKK, all payers).

        Args:
            area: welfare area.
            cells: citizens by municipality, sex and age on 1 January and at the year's end.
            weight: residents per simulated citizen.
            shift: the year's healthy-ageing shift.
            year: calendar year.
            cases: the year's person-year caseload by municipality and level (needed when
                ``adaptation`` > 0).
            adaptation: the share of the fixed part that follows the simulated caseload at
                its marginal prices instead of the expected demand (``fixed_cost_adaptation``;
                0 = demography only).

        The national 2026 fixed part, shared out and grown with the municipalities' expected
        demand (person-years, as the calibration counts them) over its 2026 level; with
        ``adaptation`` a, the share a grows with the simulated caseload at its marginal prices
        instead, so capacity follows cases avoided by a strategy too.
        """
        w = self.demand_weights(area, shift)
        start, end = (c.reshape(len(c), -1) @ w for c in cells)
        demand = 0.5 * (start + end) * weight
        if adaptation > 0.0 and cases is not None:
            simulated = cases @ self.variable[area].sum(axis=1)
            demand = (1.0 - adaptation) * demand + adaptation * simulated
        return self.fixed[area] * demand / self._demand0[area] * self.factor(year)


class LeverCosts:
    """Books the cost of the strategy levers as public costs of their own, by payer.

    Every amount is added to ``lever_cost_dkk``, ``net_cost_dkk`` and the payer's
    ``lever_cost_<payer>_dkk`` of its municipality and area (``area=None`` for costs that belong
    to no single area, such as mapping). Unless given, the payers are the area's lever payer
    shares (``lever_payer`` in ``areas.csv``: the employer of the unit's staff, the region for
    health and psychiatry; ``need_level`` would split an area as its need level's marginal cost
    is); costs of no single area are the municipality's unless given. Each amount's item (one of
    ``LEVER_ITEMS`` in :mod:`simulation.year.strategy`: coordinators, training, mapping,
    evaluation, innovation fund, grants beyond the fund, contracts) goes to
    ``lever_cost_<item>_dkk`` of its municipality and area: the items sum to ``lever_cost_dkk``,
    and an item's payers are those of its cell (``lever_items_table`` in
    :mod:`simulation.economy.summary`).

    Args:
        results: the model's result collector.
        n_municipalities: number of municipality rows.
    """

    def __init__(self, results, n_municipalities: int) -> None:
        self.results = results
        self._areas = (*AREAS, None)
        self._year: int | None = None
        none = np.zeros((1, len(PAYERS)))
        none[0, PAYERS.index("municipality")] = 1.0
        self._shares = np.vstack([lever_payer_shares(), none])
        self._buffer = np.zeros((len(PAYERS), len(self._areas), n_municipalities))
        self._items: dict[str, np.ndarray] = {}

    def add_many(
        self,
        year: int,
        municipality: np.ndarray,
        area: np.ndarray | None,
        amount: np.ndarray,
        payer: int | None = None,
        item: str | None = None,
    ) -> None:
        """Book many amounts at once.

        Args:
            year: calendar year.
            municipality: municipality index of each amount.
            area: area index (into ``AREAS``) of each amount, or ``None`` for no single area.
            amount: DKK.
            payer: index into ``PAYERS`` of who pays; ``None``: the area's lever payer shares.
            item: the lever cost item the amounts belong to (``lever_cost_<item>_dkk``).
        """
        if self._year != year:
            self.flush()
            self._year = year
        buffer = self._buffer
        n_rows, n_mun = buffer.shape[1], buffer.shape[2]
        municipality = np.asarray(municipality, dtype=np.int64)
        row = (
            np.full(municipality.shape, len(AREAS), dtype=np.int64)
            if area is None
            else np.broadcast_to(np.asarray(area, dtype=np.int64), municipality.shape)
        )
        amount = np.broadcast_to(np.asarray(amount, dtype=float), municipality.shape)
        for p in range(len(PAYERS)):
            if payer is None:
                weights = amount * self._shares[row, p]
            elif payer == p:
                weights = amount
            else:
                continue
            cell = (p * n_rows + row) * n_mun + municipality
            buffer += np.bincount(cell, weights=weights, minlength=buffer.size).reshape(
                buffer.shape
            )
        if item is not None:
            if item not in self._items:
                self._items[item] = np.zeros((n_rows, n_mun))
            cell = row * n_mun + municipality
            self._items[item] += np.bincount(
                cell, weights=amount, minlength=n_rows * n_mun
            ).reshape(n_rows, n_mun)

    def flush(self) -> None:
        """Write the booked amounts into the results (the model calls this once a year)."""
        if self._year is None:
            return
        total = self._buffer.sum(axis=0)
        for k, area in enumerate(self._areas):
            row = total[k]
            if row.any():
                self.results.add("lever_cost_dkk", self._year, row, area)
                self.results.add("net_cost_dkk", self._year, row, area)
                for p, payer in enumerate(PAYERS):
                    if self._buffer[p, k].any():
                        self.results.add(
                            f"lever_cost_{payer}_dkk", self._year, self._buffer[p, k], area
                        )
        for item, booked in self._items.items():
            for k, area in enumerate(self._areas):
                if booked[k].any():
                    self.results.add(f"lever_cost_{item}_dkk", self._year, booked[k], area)
            booked[:] = 0.0
        self._buffer[:] = 0.0
        self._year = None


class Provision:
    """The provision step: the year's average caseload, costed at the margin, plus fixed parts.

    Costs go to the results by area, municipality and payer (``public_cost_<payer>_dkk``), with
    the transfers (``transfer_cost_dkk``) and the fixed part (``fixed_cost_dkk``) among them (and,
    for the welfare-economic account, the production the benefit caseload forgoes,
    ``production_foregone_dkk``), to
    the municipal units' ledgers, and the region's part of health and psychiatry to the regional
    units.

    Args:
        model: the model (its cost model, results, ledgers and regional units are used).
    """

    def __init__(self, model: WelfareModel) -> None:
        self.model = model
        # production foregone by benefit case-years, for the welfare-economic account
        self.production = ProductionForegone(model.needs.levels, model.results.welfare)

    def run(self, year: int, start_cases: dict, end_cases: dict, start_cells: np.ndarray) -> None:
        """Cost and book the year between the caseloads of 1 January and of its end.

        Args:
            year: calendar year.
            start_cases: caseloads on 1 January.
            end_cases: caseloads at the year's end.
            start_cells: citizens by municipality, sex and age on 1 January (the end's are the
                model's current counts).
        """
        m = self.model
        add = m.results.add
        costs = m.costs
        cells = (start_cells, m.counts.by_cell())
        shift = m.healthy_ageing_shift(year)
        weight = m.citizens.weight
        adaptation = float(m.parameters["fixed_cost_adaptation"])
        regional_cost = {}
        region = PAYERS.index("region")
        for area in AREAS:
            cases = 0.5 * (start_cases[area][0] + end_cases[area][0])
            floor_cases = 0.5 * (start_cases[area][1] + end_cases[area][1])
            by_payer, transfer = costs.cost(area, cases, year)
            fixed = costs.fixed_part(area, cells, weight, shift, year, cases, adaptation)
            by_payer = by_payer + fixed[:, None] * costs.fixed_payer[area][None, :]
            total = by_payer.sum(axis=1)
            floor_cost, _ = costs.cost(area, floor_cases, year)
            case_sum = cases.sum(axis=1)
            add("need_cases", year, case_sum, area)
            add("unmet_need_cases", year, floor_cases.sum(axis=1), area)
            add("unaddressable_cost_dkk", year, floor_cost.sum(axis=1) + fixed, area)
            add("public_cost_dkk", year, total, area)
            add("net_cost_dkk", year, total, area)
            for p, payer in enumerate(PAYERS):
                add(f"public_cost_{payer}_dkk", year, by_payer[:, p], area)
            add("transfer_cost_dkk", year, transfer, area)
            add("fixed_cost_dkk", year, fixed, area)
            foregone = self.production.of(area, cases)
            if foregone is not None:
                add("production_foregone_dkk", year, foregone, area)
            m.ledgers[area].book(year, case_sum, total)
            regional_cost[area] = by_payer[:, region]
        for (region_code, area), unit in m.regional_units.items():
            unit.book(year, float(regional_cost[area][m.region_rows[region_code]].sum()))
