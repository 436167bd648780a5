"""The citizens: a vectorised agent set, one NumPy column per attribute and one row per person.

About six million Danes cannot be one Mesa ``Agent`` object each (about 0.7 KB and a microsecond
per step apiece), so citizens are stored column-wise, as Mesa's own mesa-frames project does, and
every yearly mechanism is a vectorised operation over whole columns (the shared base is
:class:`~simulation.actors.columns.ColumnStore`). :class:`CitizenSet` is still a first-class
agent set of the model: it can select, count, aggregate and group citizens, and
show one citizen's attributes and life course (``citizen(pid)``, ``follow(pid)``).

Each simulated citizen stands for ``weight = 1 / scale`` residents.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from simulation.actors.columns import ColumnStore, RowAgent, column
from simulation.constants import AREAS

__all__ = ["Citizen", "CitizenSet", "BASE_COLUMNS"]

BASE_COLUMNS: dict[str, Any] = {
    "pid": np.int64,  # stable person id
    "municipality": np.int16,  # index into geography.municipalities() (sorted by code)
    "age": np.int16,  # completed years on 1 January of the current year
    "sex": np.int8,  # 0 male, 1 female
    "born": np.int16,  # year of birth
    "arrived": np.int16,  # year of immigration from abroad (-1: born or resident in 2026)
}


class Citizen(RowAgent):
    """One citizen as a Mesa agent: a view of their row (made on demand, for a look at one person).

    The view follows its citizen when others die or emigrate; once the citizen has left, their
    ``row`` is -1 and reading an attribute raises ``LookupError``.

    Attributes:
        pid: stable person id.
        municipality: municipality index.
        age: completed years on 1 January of the current year.
        sex: 0 male, 1 female.
        born: year of birth.
        arrived: year of immigration from abroad (-1: born or resident in 2026).
        need: need level by welfare area (when the citizens have needs).
    """

    pid = column("pid")
    municipality = column("municipality")
    age = column("age")
    sex = column("sex")
    born = column("born")
    arrived = column("arrived")

    @property
    def need(self) -> dict[str, int]:
        """Need level by welfare area."""
        return dict(zip(AREAS, self._get("need"), strict=True))


class CitizenSet(ColumnStore):
    """Column-wise agent set of citizens (a :class:`~simulation.actors.columns.ColumnStore`).

    Attributes:
        model: the Mesa model the citizens belong to.
        weight: real residents represented by one simulated citizen.
        columns: the attribute arrays by name, all of the same length.
    """

    COLUMNS = {name: (dtype, 0) for name, dtype in BASE_COLUMNS.items()}
    NOUN = "citizen"
    view_class = Citizen

    def __init__(self, model: Any, columns: dict[str, np.ndarray], weight: float) -> None:
        """Create the set from equal-length columns.

        Args:
            model: the owning model.
            columns: at least the columns of ``BASE_COLUMNS``.
            weight: residents per simulated citizen.
        """
        missing = set(BASE_COLUMNS) - set(columns)
        if missing:
            raise KeyError(f"citizen columns missing: {sorted(missing)}")
        super().__init__(columns)
        self.model = model
        self.weight = float(weight)
        n = len(self)
        self._next_pid = int(self.columns["pid"].max()) + 1 if n else 0
        self._followed: dict[int, list[dict[str, Any]]] = {}

    def copy(self, model: Any) -> CitizenSet:  # type: ignore[override]
        """A copy with columns of its own, belonging to ``model`` (followed citizens not copied)."""
        other = super().copy()
        assert isinstance(other, CitizenSet)
        other.model = model
        other._next_pid = int(other.columns["pid"].max()) + 1 if len(other) else 0
        other._followed = {}
        return other

    # --- adding and removing ---------------------------------------------------------------
    def renew(self, mask: np.ndarray, **values: np.ndarray) -> np.ndarray:
        """Keep the rows where ``mask`` is true, then append new citizens: one copy per column.

        Removing and adding citizens (:meth:`keep`, :meth:`append`) both go through here, so
        that each column is copied once a year, straight into its new array (see
        :meth:`ColumnStore.renew`).

        Args:
            mask: boolean array over the current rows; true for the citizens who stay.
            **values: arrays for some columns of the new citizens, all of the same length;
                ``pid`` is assigned and the other columns get their defaults.

        Returns:
            The row indices of the new citizens.
        """
        k = len(next(iter(values.values()))) if values else 0
        if k:
            values["pid"] = np.arange(self._next_pid, self._next_pid + k, dtype=np.int64)
        rows = super().renew(mask, **values)
        self._next_pid += k
        return rows

    # --- agent-set queries ----------------------------------------------------------------
    def count(self, mask: np.ndarray | Callable[[CitizenSet], np.ndarray] | None = None) -> float:
        """Count residents (weights applied) that match ``mask`` (all when ``None``)."""
        n = len(self) if mask is None else len(self.select(mask))
        return n * self.weight

    def agg(self, column: str, func: Callable[[np.ndarray], Any] = np.mean, mask=None) -> Any:
        """Aggregate one column over all citizens or those matching ``mask``.

        Args:
            column: column name.
            func: aggregation, e.g. ``np.mean``.
            mask: optional selection as in :meth:`select`.
        """
        values = self.columns[column]
        if mask is not None:
            values = values[self.select(mask)]
        return func(values)

    def groupby_count(self, column: str, minlength: int = 0) -> np.ndarray:
        """Residents (weights applied) per value of an integer column, via ``np.bincount``."""
        return np.bincount(self.columns[column], minlength=minlength) * self.weight

    def index_of(self, pid: int) -> int | None:
        """Return the row of person ``pid``, or ``None`` if they are no longer resident."""
        rows = np.flatnonzero(self.columns["pid"] == pid)
        return int(rows[0]) if len(rows) else None

    def agent(self, pid: int) -> Citizen | None:
        """The Mesa agent of person ``pid`` (a view of their row), or ``None`` if not resident."""
        row = self.index_of(pid)
        if row is None:
            return None
        agent = self.view(self.model, row)
        assert isinstance(agent, Citizen)
        return agent

    def citizen(self, pid: int) -> dict[str, Any] | None:
        """Return one citizen's attributes as a dict, or ``None`` if not (or no longer) resident."""
        row = self.index_of(pid)
        return None if row is None else self.row(row)

    # --- following single citizens --------------------------------------------------------
    def follow(self, pid: int) -> list[dict[str, Any]]:
        """Start (or continue) recording one citizen's life course; returns the record so far.

        The model calls :meth:`record_followed` once a year; each record holds the year and the
        citizen's attributes (or ``status`` ``"died"``/``"emigrated"``).
        """
        if pid not in self._followed:
            self._followed[pid] = []
            self.record_followed(self.model.year, only=pid)
        return self._followed[pid]

    def record_followed(self, year: int, only: int | None = None) -> None:
        """Append this year's state of every followed citizen (called by the model)."""
        for pid, life in self._followed.items():
            if only is not None and pid != only:
                continue
            state = self.citizen(pid)
            if state is None:
                if life and "status" in life[-1]:
                    continue
                life.append({"year": year, "status": "gone"})
            else:
                life.append({"year": year, **state})
