"""The register of initiatives, stored column-wise like the citizens.

Strategy starts about a thousand initiatives a year at their real-world numbers (whatever the
scale of the citizen sample), evaluates, scales and stops them. Their state is kept in NumPy
columns, one row per initiative ever started, so that a year's lifecycle, proposals and reach are
a handful of array operations. The Mesa agent of an initiative
(:class:`~simulation.actors.initiative_agent.Initiative`) is a view of its row, made when someone
looks at it (the app, a test, an analysis).
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = [
    "InitiativeTable",
    "STAGES",
    "STOP_REASONS",
    "FUNDING",
    "PILOT",
    "RUNNING",
    "SCALED",
    "multiplier",
]

STAGES = ("proposed", "pilot", "running", "scaled", "stopped")
PILOT, RUNNING, SCALED, STOPPED = 1, 2, 3, 4
STOP_REASONS = (
    "",
    "partnership failed",
    "evaluation showed no benefit",
    "ended",
    "lead closed",
)
FUNDING = ("grant", "contract")


def multiplier(true_effect: Any, effect_scale: float) -> Any:
    """Multiplier on the target probability of a reached citizen (never below 0)."""
    return np.maximum(0.0, 1.0 + true_effect * effect_scale)


# name -> dtype, fill value of a new row's column
_COLUMNS: dict[str, tuple[Any, Any]] = {
    "municipality": (np.int64, -1),
    "area": (np.int64, 0),
    "kind": (np.int64, 0),
    "lead_type": (np.int64, 0),  # index into initiative_kinds.ACTOR_ORDER
    "lead": (np.int64, -1),  # row of the lead in its actor table (-1: the volunteer centre)
    "stage": (np.int8, PILOT),
    "true_effect": (np.float64, 0.0),
    "expected_effect": (np.float64, 0.0),
    "measured_effect": (np.float64, np.nan),  # NaN: never evaluated
    "quality": (np.float64, 0.5),
    "capacity": (np.float64, 0.0),
    "jobs": (np.float64, 0.0),
    "reached": (np.float64, 0.0),
    "funded": (np.int8, 0),  # index into FUNDING
    "started": (np.int64, 0),
    "stopped_year": (np.int64, -1),
    "stop_reason": (np.int8, 0),  # index into STOP_REASONS
}


class InitiativeTable:
    """Columns of every initiative ever started (rows never move; a row is an initiative's id).

    Every column of :data:`_COLUMNS` is an attribute holding the used rows (a view of a larger
    buffer that grows by doubling).
    """

    def __init__(self, capacity: int = 1024) -> None:
        self.n = 0
        self._buffers = {
            name: np.full(capacity, fill, dtype=dtype) for name, (dtype, fill) in _COLUMNS.items()
        }

    def __len__(self) -> int:
        return self.n

    def __getattr__(self, name: str) -> np.ndarray:
        buffers = self.__dict__.get("_buffers")
        if buffers is None or name not in buffers:
            raise AttributeError(name)
        return buffers[name][: self.n]

    def append(self, **columns: np.ndarray) -> np.ndarray:
        """Add rows; columns not given get their fill value. Returns the new rows' ids."""
        k = len(next(iter(columns.values())))
        unknown = set(columns) - set(_COLUMNS)
        if unknown:
            raise KeyError(f"unknown initiative columns: {sorted(unknown)}")
        need = self.n + k
        size = len(self._buffers["stage"])
        if need > size:
            new_size = max(need, 2 * size)
            for name, (dtype, fill) in _COLUMNS.items():
                grown = np.full(new_size, fill, dtype=dtype)
                grown[: self.n] = self._buffers[name][: self.n]
                self._buffers[name] = grown
        rows = np.arange(self.n, need)
        for name, values in columns.items():
            self._buffers[name][self.n : need] = values
        self.n = need
        return rows

    def active(self) -> np.ndarray:
        """Mask of the initiatives in pilot, running or scaled stage."""
        stage = self.stage
        return (stage >= PILOT) & (stage <= SCALED)

    def looks(self, rows: np.ndarray) -> np.ndarray:
        """The effect a unit sees: the measured one if evaluated, else the one it expected."""
        seen = self.measured_effect[rows]
        return np.where(np.isnan(seen), self.expected_effect[rows], seen)

    def stop(self, rows: np.ndarray, year: int, reason: str) -> None:
        """Stop initiatives (their jobs are released)."""
        self.stage[rows] = STOPPED
        self.stopped_year[rows] = year
        self.stop_reason[rows] = STOP_REASONS.index(reason)
        self.jobs[rows] = 0.0
