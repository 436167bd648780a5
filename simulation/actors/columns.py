"""One column-store base for the vectorised actors, with row views for Mesa agents.

Citizens (millions), initiatives (about a thousand new a year), enterprises and associations
(thousands) are too many, or change too often, to be one Mesa ``Agent`` object each. Each is
stored column-wise, as Mesa's mesa-frames project does: one NumPy array per attribute and one row
per actor, so a year's mechanism is a handful of array operations. :class:`ColumnStore` holds
what these stores share: named columns with a dtype and a fill value for new rows, appending
rows, keeping the rows of a mask, selecting, copying, and one Mesa agent per row on demand
(:class:`RowAgent`), whose attributes read and write its row (see :func:`column`).

A store either grows in place (``GROWS_IN_PLACE``: rows never move; the columns are views of
buffers that double when full, so a year's appends cost little) or is renewed (every column is
copied once into a new array of the exact length when rows are kept or appended, as the
citizens are each year). Views follow their rows when rows are removed.
"""

from __future__ import annotations

import copy as _copy
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

import mesa
import numpy as np

__all__ = ["ColumnStore", "RowAgent", "column"]


class ColumnStore:
    """Named NumPy columns of equal length, one row per actor.

    Subclasses declare their columns in :attr:`COLUMNS` (name -> ``(dtype, fill)``); more can be
    given to the constructor or added with :meth:`add_column`. Every column is readable as an
    attribute (``store.age``) and in :attr:`columns`.

    Attributes:
        columns: the used rows of every column by name (exact-length arrays, or views of the
            buffers of a store that grows in place).

    Args:
        columns: initial values by column name, all of the same length; declared columns not
            given are filled with their fill value.
        capacity: rows to reserve (stores that grow in place only).
    """

    COLUMNS: ClassVar[dict[str, tuple[Any, Any]]] = {}
    GROWS_IN_PLACE: ClassVar[bool] = False
    NOUN: ClassVar[str] = "store"
    view_class: ClassVar[type[RowAgent] | None] = None

    def __init__(self, columns: Mapping[str, Any] | None = None, capacity: int = 0) -> None:
        given = dict(columns or {})
        lengths = {len(np.asarray(v)) for v in given.values()}
        if len(lengths) > 1:
            raise ValueError(f"all {self.NOUN} columns must have the same length")
        n = lengths.pop() if lengths else 0
        self.columns: dict[str, np.ndarray] = {}
        self._defaults: dict[str, np.ndarray] = {}
        self._views: dict[int, RowAgent] = {}
        for name, (dtype, fill) in self.COLUMNS.items():
            default = np.asarray(fill, dtype=dtype)
            self._defaults[name] = default
            if name in given:
                self.columns[name] = np.asarray(given.pop(name), dtype=dtype)
            else:
                self.columns[name] = np.broadcast_to(default, (n,) + default.shape).copy()
        for name, values in given.items():
            self.columns[name] = np.asarray(values)
        self._n = n
        self._buffers: dict[str, np.ndarray] | None = None
        if self.GROWS_IN_PLACE:
            self._buffers = dict(self.columns)
            if capacity > n:
                self._grow(capacity)

    # --- columns -------------------------------------------------------------------------
    def __len__(self) -> int:
        return self._n

    def __getattr__(self, name: str) -> np.ndarray:
        columns = self.__dict__.get("columns")
        if columns is not None and name in columns:
            return columns[name]
        raise AttributeError(name)

    def add_column(self, name: str, dtype: Any, default: Any = 0) -> np.ndarray:
        """Add a column filled with ``default`` (also used for rows added later).

        Args:
            name: column name.
            dtype: NumPy dtype.
            default: value for existing and new rows; a 1-D sequence makes a 2-D column.

        Returns:
            The new column.
        """
        default_arr = np.asarray(default, dtype=dtype)
        self._defaults[name] = default_arr
        if self._buffers is None:
            shape = (self._n,) + default_arr.shape
            self.columns[name] = np.broadcast_to(default_arr, shape).copy()
        else:
            shape = (self._capacity(),) + default_arr.shape
            self._buffers[name] = np.broadcast_to(default_arr, shape).copy()
            self.columns[name] = self._buffers[name][: self._n]
        return self.columns[name]

    def default(self, name: str) -> Any:
        """The value a new row gets in column ``name`` when none is given (0 if not declared)."""
        return self._defaults.get(name, 0)

    def copy(self) -> ColumnStore:
        """A copy with columns of its own (and no views)."""
        other = _copy.copy(self)
        other.columns = {k: v.copy() for k, v in self.columns.items()}
        other._defaults = dict(self._defaults)
        other._views = {}
        if self._buffers is not None:
            other._buffers = dict(other.columns)
        return other

    # --- adding and removing ---------------------------------------------------------------
    def append(self, **values: Any) -> np.ndarray:
        """Append rows; columns not given get their fill value.

        Args:
            **values: arrays for some columns, all of the same length.

        Returns:
            The row indices of the new rows.
        """
        unknown = set(values) - set(self.columns)
        if unknown:
            raise KeyError(f"unknown {self.NOUN} columns: {sorted(unknown)}")
        if self._buffers is None:
            return self.renew(np.ones(self._n, dtype=bool), **values)
        k = len(next(iter(values.values()))) if values else 0
        start, need = self._n, self._n + k
        if need > self._capacity():
            self._grow(max(need, 2 * self._capacity()))
        for name, buf in self._buffers.items():
            buf[start:need] = values[name] if name in values else self.default(name)
            self.columns[name] = buf[:need]
        self._n = need
        return np.arange(start, need)

    def keep(self, mask: np.ndarray) -> None:
        """Keep only the rows where ``mask`` is true (the others are removed; views follow)."""
        self.renew(np.asarray(mask, dtype=bool))

    def renew(self, mask: np.ndarray, **values: Any) -> np.ndarray:
        """Keep the rows where ``mask`` is true, then append new rows: one copy per column.

        Removing and adding rows both go through here, so that each column is copied once,
        straight into its new array of the exact length. Every column is replaced by a new
        array (also when nothing changes), so a cache keyed on the column objects sees the
        change. Views of kept rows follow them to their new rows; views of removed rows are
        detached (their ``row`` becomes -1).

        Args:
            mask: boolean array over the current rows; true for the rows that stay.
            **values: arrays for some columns of the new rows, all of the same length; the
                other columns get their fill values.

        Returns:
            The row indices of the new rows.
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
                out[m:] = values[name] if name in values else self.default(name)
            self.columns[name] = out
        if self._buffers is not None:
            self._buffers = dict(self.columns)
        if self._views:
            self._move_views(rows)
        self._n = m + k
        return np.arange(m, m + k)

    # --- queries ---------------------------------------------------------------------------
    def select(self, mask: np.ndarray | Callable[[Any], np.ndarray]) -> np.ndarray:
        """Return the row indices that match.

        Args:
            mask: a boolean array or a function of this store returning one, for example
                ``lambda c: (c.age >= 80) & (c.municipality == 0)``.
        """
        m = mask(self) if callable(mask) else mask
        return np.flatnonzero(m)

    def row(self, row: int) -> dict[str, Any]:
        """One row's values as plain Python values by column name (2-D columns as lists)."""
        out: dict[str, Any] = {}
        for name, col in self.columns.items():
            v = col[row]
            out[name] = v.tolist() if isinstance(v, np.ndarray) else v.item()
        return out

    # --- Mesa agents as views of rows --------------------------------------------------------
    def view(self, model: Any, row: int) -> RowAgent:
        """The Mesa agent of one row, an instance of :attr:`view_class` (made on first use)."""
        row = int(row)
        agent = self._views.get(row)
        if agent is None:
            if self.view_class is None:
                raise TypeError(f"{type(self).__name__} has no view class")
            agent = self.view_class(model, self, row)
        return agent

    def _move_views(self, rows: np.ndarray) -> None:
        """Point the views at the new rows of their rows after ``rows`` were kept."""
        old = np.fromiter(self._views, dtype=np.int64, count=len(self._views))
        pos = np.searchsorted(rows, old)
        kept = pos < len(rows)
        kept[kept] = rows[pos[kept]] == old[kept]
        views, self._views = self._views, {}
        for row, new, stays in zip(old.tolist(), pos.tolist(), kept.tolist(), strict=True):
            agent = views[row]
            agent.row = new if stays else -1
            if stays:
                self._views[new] = agent

    # --- growing in place ------------------------------------------------------------------
    def _capacity(self) -> int:
        assert self._buffers is not None
        return len(next(iter(self._buffers.values()))) if self._buffers else 0

    def _grow(self, size: int) -> None:
        """Move the columns into buffers of ``size`` rows (unused rows hold the fill value)."""
        assert self._buffers is not None
        for name, buf in self._buffers.items():
            fill = self.default(name)
            grown = np.empty((size,) + buf.shape[1:], dtype=buf.dtype)
            grown[: self._n] = buf[: self._n]
            grown[self._n :] = fill
            self._buffers[name] = grown
            self.columns[name] = grown[: self._n]


class RowAgent(mesa.Agent):
    """A Mesa agent that is a view of one row of a :class:`ColumnStore`.

    Its attributes are properties made with :func:`column`, which read (and, where allowed,
    write) its row. Make views with :meth:`ColumnStore.view`, which keeps one per row; the
    store moves ``row`` when rows before it are removed and sets it to -1 when its own row is.

    Attributes:
        row: its row in the store (-1 once removed).

    Args:
        model: the Mesa model.
        store: the column store.
        row: the row it shows.
    """

    def __init__(self, model: Any, store: ColumnStore, row: int) -> None:
        super().__init__(model)
        self._store = store
        self.row = int(row)
        store._views.setdefault(self.row, self)

    @property
    def store(self) -> ColumnStore:
        """The column store it is a view of."""
        return self._store

    def _get(self, name: str) -> Any:
        """Its value in column ``name``, as a plain Python value (a list for 2-D columns)."""
        value = self._store.columns[name][self._at()]
        return value.tolist() if isinstance(value, np.ndarray) else value.item()

    def _set(self, name: str, value: Any) -> None:
        """Write its value in column ``name``."""
        self._store.columns[name][self._at()] = value

    def _at(self) -> int:
        if self.row < 0:
            raise LookupError(f"this {self._store.NOUN} row was removed")
        return self.row


def column(
    name: str,
    convert: Callable[[Any], Any] | None = None,
    *,
    writable: bool = False,
    doc: str | None = None,
) -> property:
    """A :class:`RowAgent` property that reads (and optionally writes) its row of a column.

    Args:
        name: the column.
        convert: applied to the plain value read (for example an index to a name).
        writable: whether assigning to the attribute writes the row.
        doc: the property's docstring.
    """

    def get(agent: RowAgent) -> Any:
        value = agent._get(name)
        return value if convert is None else convert(value)

    def set_(agent: RowAgent, value: Any) -> None:
        agent._set(name, value)

    return property(get, set_ if writable else None, doc=doc or f"Its ``{name}`` column.")


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
