"""Public units: one per municipality and welfare area, one per region for health and psychiatry.

Each provides the public services of its area and pays their cost; under a strategy
(a later mechanism) it also frames challenges and works with non-public actors.
"""

from __future__ import annotations

from typing import Any

import mesa

__all__ = ["MunicipalUnit", "RegionalUnit"]


class MunicipalUnit(mesa.Agent):
    """The public unit of one municipality in one welfare area.

    Attributes:
        code: the municipality's 3-digit code.
        index: the municipality's row in the model's arrays.
        region: the region code.
        area: the welfare area.
        cases: this year's person-year caseload (residents).
        cost_dkk: this year's cost of public provision (DKK).
        history: ``{year: cost_dkk}``.
    """

    def __init__(self, model: Any, code: int, index: int, region: int, area: str) -> None:
        super().__init__(model)
        self.code = code
        self.index = index
        self.region = region
        self.area = area
        self.cases = 0.0
        self.cost_dkk = 0.0
        self.history: dict[int, float] = {}

    def book(self, year: int, cases: float, cost_dkk: float) -> None:
        """Provide the year's services: record the caseload met and the cost paid."""
        self.cases = float(cases)
        self.cost_dkk = float(cost_dkk)
        self.history[year] = self.cost_dkk


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
