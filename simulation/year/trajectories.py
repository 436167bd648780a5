"""Demographic trajectories kept per process, for runs that share a seed.

Demography reads only the citizens' municipality, sex and age, which nothing else changes, and
draws only from its own random stream. So the year-by-year changes it makes depend only on the
starting citizens (the seed, the scale and the simulated municipalities) and on the demographic
parameters, not on the levers or the other uncertainties. The runs of a sweep that share a seed
(common random numbers) therefore share one trajectory: the first run draws it and keeps it
here, and the next ones apply its changes instead of drawing them again, with exactly the same
result. The needs step's uniforms are kept with it: the needs stream draws one per citizen and
area and year, however the levers change the citizens' needs, so they too depend only on the
seed and the numbers of citizens.

Only complete trajectories of small populations are kept, the last few of them, within a
memory budget (a trajectory too large for it is kept without the needs step's uniforms).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from simulation.year.demography import YearChange

__all__ = ["Trajectory", "kept", "keep"]

# also the limits of the starting citizens a process keeps (``WelfareModel._starting_citizens``)
KEEP_RUNS = 8  # trajectories kept per process at most
KEEP_BYTES = 128 * 2**20  # and their memory: about 42 MB each at scale 0.01 (36 MB of uniforms)
KEEP_UP_TO = 250_000  # citizens (scale 0.04); larger populations are not recorded

_KEPT: dict[tuple, Trajectory] = {}


@dataclass
class Trajectory:
    """The demographic changes of a run, year by year from the base year.

    Attributes:
        changes: each year's change (:class:`~simulation.year.demography.YearChange`).
        stock_counts: each year's citizens by municipality, sex and single age after the change
            (as ``WelfareModel._stock_counts``), so that a replay need not count them again.
        needs_draws: each year's uniforms of the needs step, ``(newcomers, residents)`` (the
            first ``None`` in a year without newcomers); empty if not kept.
    """

    changes: list[YearChange] = field(default_factory=list)
    stock_counts: list[np.ndarray] = field(default_factory=list)
    needs_draws: list[tuple[np.ndarray | None, np.ndarray]] = field(default_factory=list)

    def arrays(self) -> list[np.ndarray]:
        """Every array the trajectory holds."""
        out = [*self.stock_counts]
        for change in self.changes:
            out += [change.leaving, change.movers, change.destinations, *change.new.values()]
            out += vars(change.flows).values()
        for new, old in self.needs_draws:
            out += [old] if new is None else [new, old]
        return out

    def nbytes(self) -> int:
        """Memory held by the trajectory's arrays."""
        return sum(a.nbytes for a in self.arrays())


def kept(key: tuple) -> Trajectory | None:
    """The complete trajectory kept for ``key``, or ``None``."""
    return _KEPT.get(key)


def keep(key: tuple, trajectory: Trajectory) -> None:
    """Keep a complete ``trajectory`` for ``key``, forgetting the oldest beyond the limits."""
    if trajectory.nbytes() > KEEP_BYTES:
        trajectory.needs_draws = []
    for array in trajectory.arrays():  # shared by the runs that replay it: read only
        array.flags.writeable = False
    _KEPT[key] = trajectory
    while len(_KEPT) > KEEP_RUNS or sum(t.nbytes() for t in _KEPT.values()) > KEEP_BYTES:
        _KEPT.pop(next(iter(_KEPT)))
