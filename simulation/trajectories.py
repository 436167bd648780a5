"""Demographic trajectories kept per process, for runs that share a seed.

Demography reads only the citizens' municipality, sex and age, which nothing else changes, and
draws only from its own random stream. So the year-by-year changes it makes depend only on the
starting citizens (the seed, the scale and the simulated municipalities) and on the demographic
parameters, not on the levers or the other uncertainties. The runs of a sweep that share a seed
(common random numbers) therefore share one trajectory: the first run draws it and keeps it
here, and the next ones apply its changes instead of drawing them again, with exactly the same
result.

Only complete trajectories of small populations are kept, the last few of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from simulation.demography import YearChange

__all__ = ["Trajectory", "kept", "keep"]

KEEP_RUNS = 8  # trajectories kept per process (about 6 MB each at scale 0.01, 12 MB at 0.04)
KEEP_UP_TO = 250_000  # citizens (scale 0.04); larger populations are not recorded

_KEPT: dict[tuple, Trajectory] = {}


@dataclass
class Trajectory:
    """The demographic changes of a run, year by year from the base year.

    Attributes:
        changes: each year's change (:class:`~simulation.demography.YearChange`).
        stock_counts: each year's citizens by municipality, sex and single age after the change
            (as ``WelfareModel._stock_counts``), so that a replay need not count them again.
    """

    changes: list[YearChange] = field(default_factory=list)
    stock_counts: list[np.ndarray] = field(default_factory=list)


def kept(key: tuple) -> Trajectory | None:
    """The complete trajectory kept for ``key``, or ``None``."""
    return _KEPT.get(key)


def keep(key: tuple, trajectory: Trajectory) -> None:
    """Keep a complete ``trajectory`` for ``key``, forgetting the oldest beyond ``KEEP_RUNS``."""
    for change in trajectory.changes:  # shared by the runs that replay it: read only
        f = change.flows
        arrays = (change.leaving, change.movers, change.destinations, *change.new.values())
        for array in (*arrays, f.births, f.deaths, f.moves_in, f.moves_out, f.immigrants):
            array.flags.writeable = False
    for array in trajectory.stock_counts:
        array.flags.writeable = False
    _KEPT[key] = trajectory
    while len(_KEPT) > KEEP_RUNS:
        _KEPT.pop(next(iter(_KEPT)))
