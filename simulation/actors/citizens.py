"""The citizens: a vectorised agent set, one NumPy column per attribute and one row per person.

About six million Danes cannot be one Mesa ``Agent`` object each (about 0.7 KB and a microsecond
per step apiece), so citizens are stored column-wise, as Mesa's own mesa-frames project does, and
every yearly mechanism is a vectorised operation over whole columns. :class:`CitizenSet` is still
a first-class agent set of the model: it can select, count, aggregate and group citizens, and
show one citizen's attributes and life course (``citizen(pid)``, ``follow(pid)``).

Each simulated citizen stands for ``weight = 1 / scale`` residents.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["CitizenSet", "BASE_COLUMNS"]

BASE_COLUMNS: dict[str, Any] = {
    "pid": np.int64,  # stable person id
    "municipality": np.int16,  # index into geography.municipalities() (sorted by code)
    "age": np.int16,  # completed years on 1 January of the current year
    "sex": np.int8,  # 0 male, 1 female
    "born": np.int16,  # year of birth
    "arrived": np.int16,  # year of immigration from abroad (-1: born or resident in 2026)
}


class CitizenSet:
    """Column-wise agent set of citizens.

    Attributes:
        model: the Mesa model the citizens belong to.
        weight: real residents represented by one simulated citizen.
        columns: the attribute arrays by name, all of the same length.
    """

    def __init__(self, model: Any, columns: dict[str, np.ndarray], weight: float) -> None:
        """Create the set from equal-length columns.

        Args:
            model: the owning model.
            columns: at least the columns of ``BASE_COLUMNS``.
            weight: residents per simulated citizen.
        """
        self.model = model
        self.weight = float(weight)
        self.columns: dict[str, np.ndarray] = {}
        self._defaults: dict[str, Any] = {}
        n = len(columns["pid"])
        for name, dtype in BASE_COLUMNS.items():
            self.columns[name] = np.asarray(columns[name], dtype=dtype)
        for name, values in columns.items():
            if name not in self.columns:
                self.columns[name] = np.asarray(values)
        if any(len(v) != n for v in self.columns.values()):
            raise ValueError("all citizen columns must have the same length")
        self._next_pid = int(self.columns["pid"].max()) + 1 if n else 0
        self._followed: dict[int, list[dict[str, Any]]] = {}

    # --- columns -------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.columns["pid"])

    def __getattr__(self, name: str) -> np.ndarray:
        columns = self.__dict__.get("columns", {})
        if name in columns:
            return columns[name]
        raise AttributeError(name)

    def add_column(self, name: str, dtype: Any, default: Any = 0) -> np.ndarray:
        """Add a column filled with ``default`` (also used for citizens added later).

        Args:
            name: column name.
            dtype: NumPy dtype.
            default: value for existing and new rows; a 1-D sequence makes a 2-D column.
        """
        default_arr = np.asarray(default, dtype=dtype)
        shape = (len(self),) + default_arr.shape
        self.columns[name] = np.broadcast_to(default_arr, shape).copy()
        self._defaults[name] = default_arr
        return self.columns[name]

    def copy(self, model: Any) -> CitizenSet:
        """A copy with columns of its own, belonging to ``model`` (followed citizens not copied)."""
        other = CitizenSet(model, {k: v.copy() for k, v in self.columns.items()}, self.weight)
        other._defaults = dict(self._defaults)
        return other

    # --- adding and removing ---------------------------------------------------------------
    def append(self, **values: np.ndarray) -> np.ndarray:
        """Append new citizens; columns not given get their defaults.

        Args:
            **values: arrays for some columns, all of the same length; ``pid`` is assigned.

        Returns:
            The row indices of the new citizens.
        """
        return self.renew(np.ones(len(self), dtype=bool), **values)

    def keep(self, mask: np.ndarray) -> None:
        """Keep only the rows where ``mask`` is true (removes the dead and the emigrated)."""
        self.renew(np.asarray(mask, dtype=bool))

    def renew(self, mask: np.ndarray, **values: np.ndarray) -> np.ndarray:
        """Keep the rows where ``mask`` is true, then append new citizens: one copy per column.

        Removing and adding citizens both go through here, so that each column is copied once
        a year, straight into its new array. Every column is replaced by a new array (also when
        nothing changes), so a cache keyed on the column objects sees the change.

        Args:
            mask: boolean array over the current rows; true for the citizens who stay.
            **values: arrays for some columns of the new citizens, all of the same length;
                ``pid`` is assigned and the other columns get their defaults.

        Returns:
            The row indices of the new citizens.
        """
        rows = np.flatnonzero(mask)  # one pass; each 1-D column is then a plain ``take``
        m = len(rows)
        k = len(next(iter(values.values()))) if values else 0
        for name, col in self.columns.items():
            out = np.empty((m + k,) + col.shape[1:], dtype=col.dtype)
            if col.ndim == 1:
                # rows are in range: "clip" only skips the buffering that "raise" needs
                np.take(col, rows, out=out[:m], mode="clip")
            else:
                _row_view(out)[:m] = _row_view(col)[mask]
            if k:
                if name == "pid":
                    out[m:] = np.arange(self._next_pid, self._next_pid + k, dtype=np.int64)
                elif name in values:
                    out[m:] = values[name]
                else:
                    out[m:] = self._defaults.get(name, 0)
            self.columns[name] = out
        self._next_pid += k
        return np.arange(m, m + k)

    # --- agent-set queries ----------------------------------------------------------------
    def select(self, mask: np.ndarray | Callable[[CitizenSet], np.ndarray]) -> np.ndarray:
        """Return the row indices of the citizens that match.

        Args:
            mask: a boolean array or a function of this set returning one, for example
                ``lambda c: (c.age >= 80) & (c.municipality == 0)``.
        """
        m = mask(self) if callable(mask) else mask
        return np.flatnonzero(m)

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

    def citizen(self, pid: int) -> dict[str, Any] | None:
        """Return one citizen's attributes as a dict, or ``None`` if not (or no longer) resident."""
        row = self.index_of(pid)
        if row is None:
            return None
        out: dict[str, Any] = {}
        for name, col in self.columns.items():
            v = col[row]
            out[name] = v.tolist() if isinstance(v, np.ndarray) else v.item()
        return out

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


def _row_view(a: np.ndarray) -> np.ndarray:
    """A 1-D view of ``a`` with one opaque item per row (a copy if ``a`` is not contiguous).

    Selecting rows of a 2-D column through it copies each row in one piece, several times
    faster than NumPy's row-wise ``take`` on small rows.
    """
    if a.ndim == 1:
        return a
    width = int(np.prod(a.shape[1:]))
    a = np.ascontiguousarray(a).reshape(len(a), width)
    return a.view(np.dtype((np.void, a.itemsize * width))).ravel()
