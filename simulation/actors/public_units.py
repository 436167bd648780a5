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

from simulation.actors.unit_levers import INTENSITY_LEVERS, UnitLevers
from simulation.constants import AREAS
from simulation.inputs.prices import PAYERS, lever_payer
from simulation.inputs.registry import levers as lever_registry
from simulation.scenario import areas_covered, sample_variation

__all__ = [
    "AreaLedger",
    "MunicipalUnit",
    "RegionalUnit",
    "regional_areas",
    "resolve_regional_levers",
]


def regional_areas() -> tuple[str, ...]:
    """The areas whose strategist is the region: those whose units the region employs.

    ``lever_payer`` = ``region`` in ``areas.csv`` (health and psychiatry).
    """
    region = PAYERS.index("region")
    return tuple(a for a in AREAS if lever_payer()[a] == region)


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
    """The regional unit of one region in health or psychiatry: provider and strategist.

    It pays the regional share (all of ``health``, the psychiatry part of ``mental_health``) of
    its municipalities' caseload, and it runs the area's strategy for social innovation in the
    region (docs/ODD.md, units): its own lever values (:func:`resolve_regional_levers`), its
    lever costs booked to the region, its initiatives and partners in its municipalities.

    Attributes:
        region: region code.
        area: ``health`` or ``mental_health``.
        cost_dkk: this year's regional cost (DKK).
        history: ``{year: cost_dkk}``.
        levers: the lever values the unit acts on (set by the model).
    """

    def __init__(self, model: Any, region: int, area: str) -> None:
        super().__init__(model)
        self.region = region
        self.area = area
        self.cost_dkk = 0.0
        self.history: dict[int, float] = {}
        self.levers: UnitLevers | None = None

    def book(self, year: int, cost_dkk: float) -> None:
        """Record the year's regional cost."""
        self.cost_dkk = float(cost_dkk)
        self.history[year] = self.cost_dkk


def _region_lever_for(
    source: Any, region: int, area: str, drawn: dict[str, Any], defaults: dict[str, Any]
) -> dict[str, Any]:
    """Effective levers of one regional unit (registry defaults for the rest)."""
    if hasattr(source, "lever_for_region"):
        return {**defaults, **source.lever_for_region(region, area, drawn)}
    return {**defaults, **source, **drawn}


def resolve_regional_levers(
    source: Any,
    regions: np.ndarray,
    simulated: np.ndarray,
    unit_levers: dict[tuple[int, str], UnitLevers],
    rng: np.random.Generator,
) -> dict[tuple[int, str], UnitLevers]:
    """Resolve the levers of each region's unit in the regional areas, and hand them down.

    A regional unit is one strategist: ``adoption`` is drawn once per region, ``coverage``
    chooses among the regional areas (in a random order per region), a patchwork's variation
    is drawn once per (region, area), and the action plan applies as for municipal units. Each
    municipality's row of a regional area in ``unit_levers`` is replaced by its region's
    levers (its municipal resolution is not used).

    Args:
        source: a ``Scenario`` (with ``lever_for_region``) or a plain dict of lever values.
        regions: region code of each municipality (model order).
        simulated: mask of simulated municipalities.
        unit_levers: ``{(municipality index, area): UnitLevers}``; changed in place.
        rng: a generator for the regional draws (drawn for every region in a fixed order).

    Returns:
        ``{(region code, area): UnitLevers}`` for every region.
    """
    areas = regional_areas()
    defaults = {k: p.default for k, p in lever_registry().items()}
    variation = {k: v for k, v in (getattr(source, "variation", None) or {}).items() if v}
    names = sorted(variation)
    codes = sorted({int(r) for r in regions.tolist()})
    adopt = rng.random(len(codes)).tolist()
    area_u = rng.random((len(codes), len(areas)))
    rank = (area_u[:, None, :] < area_u[:, :, None]).sum(axis=2).tolist()
    var_rng = np.random.default_rng(rng.integers(2**63))
    out: dict[tuple[int, str], UnitLevers] = {}
    for r, region in enumerate(codes):
        for j, area in enumerate(areas):
            drawn = {name: sample_variation(variation[name], var_rng) for name in names}
            base = _region_lever_for(source, region, area, drawn, defaults)
            plan = bool(base["action_plan"])
            values = (0.0,) * len(INTENSITY_LEVERS)
            if adopt[r] < float(base["adoption"]) and rank[r][j] < areas_covered(
                base["coverage"], len(areas)
            ):
                values = tuple(float(base[name]) for name in INTENSITY_LEVERS)
            out[(region, area)] = UnitLevers(
                active=any(v > 0 for v in values),
                values=dict(zip(INTENSITY_LEVERS, values, strict=True)),
                public_role=str(base["public_role"]),
                action_plan=plan,
            )
    for i in np.flatnonzero(simulated).tolist():
        for area in areas:
            unit_levers[(i, area)] = out[(int(regions[i]), area)]
    return out
