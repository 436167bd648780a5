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

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from simulation.year.demography import Flows, YearChange

__all__ = ["Trajectory", "TrajectoryPlayer", "kept", "keep"]

# also the limits of the starting citizens a process keeps
# (:mod:`simulation.actors.starting_citizens`)
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
            (as :class:`~simulation.year.collection.PopulationCounts`), so that a replay need not
            count them again.
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


class TrajectoryPlayer:
    """One run's use of the kept trajectories: replay the kept one, or record a new one.

    A run whose key has a kept trajectory applies its changes and takes its stock counts and
    uniforms instead of drawing and counting them; the first run with a key records them (if
    its population is small enough), and :meth:`finish` keeps them once the run is complete.

    Args:
        key: what the trajectory depends on (seed, scale, municipalities, demographic
            parameters, end year).
        n_citizens: the number of starting citizens.
        draws_bytes: memory the needs step's uniforms of the whole run would take.
    """

    def __init__(self, key: tuple, n_citizens: int, draws_bytes: int) -> None:
        self.key = key
        self.replay = kept(key)
        small = n_citizens <= KEEP_UP_TO
        self.recording = Trajectory() if self.replay is None and small else None
        self.record_draws = draws_bytes <= KEEP_BYTES

    def demography(
        self,
        index: int,
        citizens,
        draw: Callable[[], YearChange],
        counts,
    ) -> Flows:
        """Apply year ``index``'s demographic change to ``citizens``: replayed or drawn.

        Args:
            index: years since the base year.
            citizens: the citizen set the change is applied to.
            draw: draws the year's change (called only when nothing is replayed).
            counts: the run's :class:`~simulation.year.collection.PopulationCounts`, given
                the replayed counts or asked for the new ones.
        """
        if self.replay is not None:
            change = self.replay.changes[index]
            change.apply(citizens)
            counts.set(self.replay.stock_counts[index])
            return change.flows
        change = draw()
        change.apply(citizens)
        if self.recording is not None:
            self.recording.changes.append(change)
            self.recording.stock_counts.append(counts.by_cell())
        return change.flows

    def needs_draws(
        self, index: int, draw: Callable[[], tuple[np.ndarray | None, np.ndarray]]
    ) -> tuple[np.ndarray | None, np.ndarray]:
        """The needs step's uniforms of year ``index``: replayed, or drawn (and recorded)."""
        if self.replay is not None and self.replay.needs_draws:
            return self.replay.needs_draws[index]
        draws = draw()
        if self.recording is not None and self.record_draws:
            self.recording.needs_draws.append(draws)
        return draws

    def finish(self) -> None:
        """Keep the recorded trajectory (call once the run has reached its end year)."""
        if self.recording is not None:
            keep(self.key, self.recording)
            self.recording = None
