"""Non-public actors as Mesa agents: associations, online communities and enterprises."""

from __future__ import annotations

from typing import Any

import mesa

__all__ = ["Association", "OnlineCommunity", "Enterprise"]


class Association(mesa.Agent):
    """A local association (forening) or NGO active in welfare areas.

    It organises the social-area volunteers of its municipality (who are citizens with
    ``vol_org`` set to its id) and can lead initiatives that run on volunteer hours.

    Attributes:
        municipality: municipality index in the model's arrays.
        areas: welfare areas it works in.
        initiatives: initiatives it leads.
    """

    kind = "association"

    def __init__(self, model: Any, municipality: int, areas: tuple[str, ...]) -> None:
        super().__init__(model)
        self.municipality = municipality
        self.areas = areas
        self.initiatives: list[Any] = []


class OnlineCommunity(mesa.Agent):
    """A national online community: members anywhere give a few hours at a screen.

    Attributes:
        members: active members (persons).
        hours: volunteer hours a year.
        areas: welfare areas it works in.
        initiatives: initiatives it leads.
    """

    kind = "online"
    municipality = -1

    def __init__(self, model: Any, members: float, hours: float, areas: tuple[str, ...]) -> None:
        super().__init__(model)
        self.members = members
        self.hours = hours
        self.areas = areas
        self.initiatives: list[Any] = []


class Enterprise(mesa.Agent):
    """A social-economy enterprise or an ordinary firm that can employ marginalised citizens.

    Attributes:
        kind: ``"social_enterprise"`` or ``"firm"``.
        municipality: municipality index.
        jobs: jobs it can offer marginalised citizens (capacity).
        open: ``False`` once closed.
        contracts: number of public contracts (initiatives) it holds.
        initiatives: initiatives it leads.
    """

    def __init__(self, model: Any, kind: str, municipality: int, jobs: float) -> None:
        super().__init__(model)
        self.kind = kind
        self.municipality = municipality
        self.jobs = float(jobs)
        self.open = True
        self.initiatives: list[Any] = []

    @property
    def contracts(self) -> int:
        """Running initiatives it leads."""
        return sum(1 for i in self.initiatives if i.is_active)

    def jobs_free(self) -> float:
        """Jobs not yet committed to its running initiatives."""
        return max(self.jobs - sum(i.jobs for i in self.initiatives if i.is_active), 0.0)

    def live(self, closure: float, growth: float, u: float) -> bool:
        """One year of the enterprise's life: grow with contracts, maybe close.

        Args:
            closure: yearly closure probability without contracts (halved with contracts).
            growth: yearly relative growth of jobs with contracts.
            u: a uniform random number.

        Returns:
            Whether it closed this year.
        """
        if not self.open:
            return False
        has_contracts = self.contracts > 0
        if has_contracts:
            self.jobs *= 1.0 + growth
        if u < (closure / 2 if has_contracts else closure):
            self.open = False
            for initiative in self.initiatives:
                if initiative.is_active:
                    initiative.stop(self.model.year, "lead closed")
            return True
        return False
