"""Social-economy enterprises and ordinary firms: their columns and their Mesa view.

About 1,600 enterprises at their real-world numbers grow with their contracts, close and are
replaced every year; their yearly life is a few array operations over the columns of
:class:`EnterpriseTable` (a :class:`~simulation.actors.columns.ColumnStore`). Rows never move (a
closed enterprise keeps its row, so the initiatives it led still name it); a replacement gets a
new row. An :class:`Enterprise` agent is a view of one row, made on demand.
"""

from __future__ import annotations

import numpy as np

from simulation.actors.columns import ColumnStore, RowAgent, column
from simulation.actors.leaders import Leader

__all__ = ["Enterprise", "EnterpriseTable", "ENTERPRISE_KINDS"]

ENTERPRISE_KINDS = ("social_enterprise", "firm")


class Enterprise(Leader, RowAgent):
    """A social-economy enterprise or an ordinary firm that can employ marginalised citizens.

    A view of one row of the enterprise table.

    Attributes:
        kind: ``"social_enterprise"`` or ``"firm"``.
        municipality: municipality index.
        jobs: jobs it can offer marginalised citizens (capacity).
        open: ``False`` once closed.
        row: its row in the enterprise table.
    """

    kind = column("kind", ENTERPRISE_KINDS.__getitem__, doc="Its kind by name.")
    municipality = column("municipality", doc="Municipality index.")
    jobs = column("jobs", doc="Jobs it can offer marginalised citizens.")
    open = column("open", doc="``False`` once closed.")

    def jobs_free(self) -> float:
        """Jobs not yet committed to its running initiatives."""
        return float(self.model.strategy.jobs_free()[self.row])


class EnterpriseTable(ColumnStore):
    """Columns ``kind`` (index into :data:`ENTERPRISE_KINDS`), ``municipality``, ``jobs``, ``open``.

    Args:
        kind: kind index of each initial enterprise.
        municipality: municipality index of each.
        jobs: jobs for marginalised citizens each can offer.
    """

    COLUMNS = {
        "kind": (np.int64, 0),
        "municipality": (np.int64, -1),
        "jobs": (np.float64, 0.0),
        "open": (np.bool_, True),  # new enterprises open
    }
    GROWS_IN_PLACE = True
    NOUN = "enterprise"
    view_class = Enterprise

    def __init__(self, kind: np.ndarray, municipality: np.ndarray, jobs: np.ndarray) -> None:
        super().__init__({"kind": kind, "municipality": municipality, "jobs": jobs})

    def kind_name(self, row: int) -> str:
        """The kind of one enterprise by name."""
        return ENTERPRISE_KINDS[int(self.kind[row])]

    def live(
        self,
        contracts: np.ndarray,
        closure: float,
        growth: float,
        new_jobs: np.ndarray,
        rng: np.random.Generator,
        contract_closure_factor: float,
    ) -> np.ndarray:
        """One year: those with contracts grow, some close and a new one of the same kind opens.

        Args:
            contracts: running initiatives led by each enterprise (by row).
            closure: yearly closure probability without contracts.
            growth: yearly relative growth of jobs with contracts.
            new_jobs: jobs of a newly founded enterprise, by kind.
            rng: the civil-society random stream (one uniform per open enterprise).
            contract_closure_factor: closure with contracts relative to without
                (``contract_closure_factor`` in ``data/actors.csv``; the model passes it).

        Returns:
            The rows of the enterprises that closed this year.
        """
        rows = np.flatnonzero(self.open)
        u = rng.random(len(rows))
        busy = contracts[rows] > 0
        self.jobs[rows[busy]] *= 1.0 + growth
        closes = u < np.where(busy, closure * contract_closure_factor, closure)
        closed = rows[closes]
        self.open[closed] = False
        # a new enterprise of the same kind is founded (stable numbers; assumption)
        kind = self.kind[closed]
        self.append(kind=kind, municipality=self.municipality[closed], jobs=new_jobs[kind])
        return closed
