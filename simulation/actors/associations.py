"""Associations and online communities: their columns and their Mesa agents.

Associations (thousands, one or two welfare areas each) live in the columns of
:class:`AssociationTable` (a :class:`~simulation.actors.columns.ColumnStore`) kept by the civil
society, and an :class:`Association` agent is a view of its row, made on demand. Online
communities (a few) are ordinary Mesa agents. The initiatives an actor leads are kept by the
strategy (:meth:`~simulation.year.strategy.Strategy.led_by`).
"""

from __future__ import annotations

from typing import Any

import mesa
import numpy as np

from simulation.actors.columns import ColumnStore, RowAgent, column
from simulation.actors.leaders import Leader
from simulation.constants import AREAS

__all__ = ["Association", "AssociationTable", "OnlineCommunity"]


class Association(Leader, RowAgent):
    """A local association (forening) or NGO active in welfare areas: a view of its row.

    It organises the social-area volunteers of its municipality (who are citizens with
    ``vol_org`` set to its row) and can lead initiatives that run on volunteer hours.

    Attributes:
        municipality: municipality index in the model's arrays.
        areas: welfare areas it works in.
        volunteers: simulated citizens it organises.
        row: its row in the association table.
    """

    kind = "association"
    municipality = column("municipality", doc="Municipality index in the model's arrays.")

    @property
    def areas(self) -> tuple[str, ...]:
        """Welfare areas it works in."""
        works = self._get("areas")
        return tuple(a for a, on in zip(AREAS, works, strict=True) if on)

    @property
    def volunteers(self) -> int:
        """Simulated citizens it organises (each stands for ``1 / scale`` residents)."""
        return int((self.model.citizens.vol_org == self.row).sum())


class AssociationTable(ColumnStore):
    """Columns ``municipality`` (index) and ``areas`` (one flag per welfare area, in ``AREAS``).

    Rows never move: a social volunteer's ``vol_org`` is the row of its association.

    Args:
        municipality: municipality index of each association.
        areas: boolean array (associations x areas): the welfare areas each works in.
    """

    COLUMNS = {
        "municipality": (np.int64, -1),
        "areas": (np.bool_, np.zeros(len(AREAS), dtype=bool)),
    }
    GROWS_IN_PLACE = True
    NOUN = "association"
    view_class = Association

    def __init__(self, municipality: np.ndarray, areas: np.ndarray) -> None:
        super().__init__({"municipality": municipality, "areas": areas})


class OnlineCommunity(Leader, mesa.Agent):
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
