"""Social-economy enterprises and ordinary firms, stored column-wise.

About 1,600 enterprises at their real-world numbers grow with their contracts, close and are
replaced every year; their yearly life is a few array operations over these columns. Rows never
move (a closed enterprise keeps its row, so the initiatives it led still name it); a replacement
gets a new row.
"""

from __future__ import annotations

import numpy as np

__all__ = ["EnterpriseTable", "ENTERPRISE_KINDS"]

ENTERPRISE_KINDS = ("social_enterprise", "firm")


class EnterpriseTable:
    """Columns ``kind`` (index into :data:`ENTERPRISE_KINDS`), ``municipality``, ``jobs``, ``open``.

    Args:
        kind: kind index of each initial enterprise.
        municipality: municipality index of each.
        jobs: jobs for marginalised citizens each can offer.
    """

    def __init__(self, kind: np.ndarray, municipality: np.ndarray, jobs: np.ndarray) -> None:
        self.kind = np.asarray(kind, dtype=np.int64)
        self.municipality = np.asarray(municipality, dtype=np.int64)
        self.jobs = np.asarray(jobs, dtype=float)
        self.open = np.ones(len(self.kind), dtype=bool)

    def __len__(self) -> int:
        return len(self.kind)

    def kind_name(self, row: int) -> str:
        """The kind of one enterprise by name."""
        return ENTERPRISE_KINDS[int(self.kind[row])]

    def append(self, kind: np.ndarray, municipality: np.ndarray, jobs: np.ndarray) -> None:
        """Found new (open) enterprises."""
        self.kind = np.concatenate([self.kind, kind])
        self.municipality = np.concatenate([self.municipality, municipality])
        self.jobs = np.concatenate([self.jobs, jobs])
        self.open = np.concatenate([self.open, np.ones(len(kind), dtype=bool)])

    def live(
        self,
        contracts: np.ndarray,
        closure: float,
        growth: float,
        new_jobs: np.ndarray,
        rng: np.random.Generator,
    ) -> np.ndarray:
        """One year: those with contracts grow, some close and a new one of the same kind opens.

        Args:
            contracts: running initiatives led by each enterprise (by row).
            closure: yearly closure probability without contracts (halved with contracts).
            growth: yearly relative growth of jobs with contracts.
            new_jobs: jobs of a newly founded enterprise, by kind.
            rng: the civil-society random stream (one uniform per open enterprise).

        Returns:
            The rows of the enterprises that closed this year.
        """
        rows = np.flatnonzero(self.open)
        u = rng.random(len(rows))
        busy = contracts[rows] > 0
        self.jobs[rows[busy]] *= 1.0 + growth
        closes = u < np.where(busy, closure / 2.0, closure)
        closed = rows[closes]
        self.open[closed] = False
        # a new enterprise of the same kind is founded (stable numbers; assumption)
        kind = self.kind[closed]
        self.append(kind, self.municipality[closed], new_jobs[kind])
        return closed
