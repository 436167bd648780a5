"""Non-public actors as Mesa agents: associations, online communities and enterprises.

Online communities (a few) are ordinary agents. Associations (thousands) and enterprises (which
open, grow and close every year) live in columns of the civil society
(:class:`~simulation.actors.enterprises.EnterpriseTable` for enterprises), and their agents
are views of their rows, made on demand. The initiatives an actor leads are kept by the
strategy (:meth:`~simulation.year.strategy.Strategy.led_by`).
"""

from __future__ import annotations

from typing import Any

import mesa

from simulation.constants import AREAS

__all__ = ["Association", "OnlineCommunity", "Enterprise"]


class _Leader(mesa.Agent):
    """An actor that can lead initiatives (``kind`` names its actor type, ``row`` its row)."""

    kind = ""
    row = -1

    @property
    def initiatives(self) -> list[Any]:
        """The initiatives it leads or has led (agents)."""
        return self.model.strategy.led_by(self.kind, self.row)

    @property
    def contracts(self) -> int:
        """Running initiatives it leads."""
        return sum(1 for i in self.initiatives if i.is_active)


class Association(_Leader):
    """A local association (forening) or NGO active in welfare areas: a view of its row.

    It organises the social-area volunteers of its municipality (who are citizens with
    ``vol_org`` set to its row) and can lead initiatives that run on volunteer hours.

    Attributes:
        municipality: municipality index in the model's arrays.
        areas: welfare areas it works in.
        volunteers: simulated citizens it organises.
        row: its row in the civil society's association arrays.
    """

    kind = "association"

    def __init__(self, model: Any, civil_society: Any, row: int) -> None:
        super().__init__(model)
        self._cs = civil_society
        self.row = int(row)

    municipality = property(lambda self: int(self._cs.association_municipality[self.row]))

    @property
    def areas(self) -> tuple[str, ...]:
        """Welfare areas it works in."""
        works = self._cs.association_areas[self.row]
        return tuple(a for a, on in zip(AREAS, works, strict=True) if on)

    @property
    def volunteers(self) -> int:
        """Simulated citizens it organises (each stands for ``1 / scale`` residents)."""
        return int((self.model.citizens.vol_org == self.row).sum())


class OnlineCommunity(_Leader):
    """A national online community: members anywhere give a few hours at a screen.

    Attributes:
        members: active members (persons).
        hours: volunteer hours a year.
        areas: welfare areas it works in.
        row: its place in the civil society's list of online communities.
    """

    kind = "online"
    municipality = -1

    def __init__(
        self, model: Any, members: float, hours: float, areas: tuple[str, ...], row: int
    ) -> None:
        super().__init__(model)
        self.members = members
        self.hours = hours
        self.areas = areas
        self.row = row


class Enterprise(_Leader):
    """A social-economy enterprise or an ordinary firm that can employ marginalised citizens.

    A view of one row of the enterprise table.

    Attributes:
        kind: ``"social_enterprise"`` or ``"firm"``.
        municipality: municipality index.
        jobs: jobs it can offer marginalised citizens (capacity).
        open: ``False`` once closed.
        row: its row in the enterprise table.
    """

    def __init__(self, model: Any, table: Any, row: int) -> None:
        super().__init__(model)
        self._table = table
        self.row = int(row)

    kind = property(lambda self: self._table.kind_name(self.row))
    municipality = property(lambda self: int(self._table.municipality[self.row]))
    jobs = property(lambda self: float(self._table.jobs[self.row]))
    open = property(lambda self: bool(self._table.open[self.row]))

    def jobs_free(self) -> float:
        """Jobs not yet committed to its running initiatives."""
        return float(self.model.strategy.jobs_free()[self.row])
