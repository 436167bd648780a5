"""Calibration data with sources, and the function that reads it.

Every CSV file in this folder starts with ``#`` comment lines that name its source, year and
confidence; rows that hold numbers carry ``source`` and ``confidence`` columns, or are marked
``assumption`` with their reasoning. :func:`read_table` skips the comment lines.

**Overrides.** A run may replace single numbers of these tables (an uncertain parameter set by
name, :mod:`simulation.inputs.uncertainties`). The replacements are a :class:`DataOverrides`,
made active for the code that runs inside :func:`using_overrides` (a context variable, so two
runs in two threads of one process each see their own). :func:`read_table` applies the active
replacements; the loaders that turn tables into model inputs cache with :func:`data_cache`,
which keys their cache by the active replacements, so a run never sees another run's numbers.
Without replacements, both do exactly what they did before (same objects, same speed).
"""

from __future__ import annotations

import contextvars
import functools
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd

__all__ = [
    "DATA_DIR",
    "DERIVED_COLUMNS",
    "DataOverrides",
    "active_overrides",
    "data_cache",
    "read_table",
    "select_row",
    "source_lines",
    "using_overrides",
]

DATA_DIR = Path(__file__).resolve().parent

# Columns computed from others in a file: overriding ``column`` scales ``derived_from`` by the
# same factor, so the file's identity (price = original x factor) still holds.
DERIVED_COLUMNS: dict[tuple[str, str], str] = {
    ("service_prices.csv", "price_dkk_2026"): "original_dkk",
}

# Loaders keep their results for this many override sets besides the default (the jobs run the
# scenarios of one parameter draw one after another, so a few are enough).
_KEEP = 4

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class DataOverrides:
    """Replacements of single numbers in the data tables.

    Attributes:
        entries: ``(file, key, column, value)`` tuples; ``key`` is a tuple of
            ``(column, text)`` pairs that select exactly one row of ``file``.
    """

    entries: tuple[tuple[str, tuple[tuple[str, str], ...], str, float], ...]

    def files(self) -> frozenset[str]:
        """The files with replacements."""
        return frozenset(e[0] for e in self.entries)


_ACTIVE: contextvars.ContextVar[DataOverrides | None] = contextvars.ContextVar(
    "welfare_data_overrides", default=None
)


def active_overrides() -> DataOverrides | None:
    """The replacements active here (``None``: the data files as they are)."""
    return _ACTIVE.get()


@contextmanager
def using_overrides(overrides: DataOverrides | None) -> Iterator[None]:
    """Make ``overrides`` active for the code inside the ``with`` block (this thread only)."""
    token = _ACTIVE.set(overrides or None)
    try:
        yield
    finally:
        _ACTIVE.reset(token)


def data_cache(fn: F) -> F:
    """Cache a loader like :func:`functools.cache`, keyed also by the active overrides.

    Without overrides the plain cache is used (as fast as before); with overrides the result is
    kept for the last few override sets.
    """
    plain = functools.cache(fn)
    kept: OrderedDict[tuple, Any] = OrderedDict()

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        overrides = _ACTIVE.get()
        if overrides is None:
            return plain(*args, **kwargs)
        key = (overrides, args, tuple(sorted(kwargs.items())))
        if key in kept:
            kept.move_to_end(key)
            return kept[key]
        value = fn(*args, **kwargs)
        kept[key] = value
        while len(kept) > _KEEP:
            kept.popitem(last=False)
        return value

    def cache_clear() -> None:
        plain.cache_clear()
        kept.clear()

    wrapper.cache_clear = cache_clear  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]


@cache
def _read(name: str) -> pd.DataFrame:
    path = DATA_DIR / name
    return pd.read_csv(path, comment=None, skiprows=len(source_lines(name)), keep_default_na=False)


def select_row(table: pd.DataFrame, key: tuple[tuple[str, str], ...]) -> pd.Series:
    """Boolean mask of the rows of ``table`` whose columns equal the key's texts."""
    mask = pd.Series(True, index=table.index)
    for column, text in key:
        mask &= table[column].astype(str).str.strip() == text
    return mask


def _replaced(name: str, table: pd.DataFrame, overrides: DataOverrides) -> pd.DataFrame:
    for file, key, column, value in overrides.entries:
        if file != name:
            continue
        mask = select_row(table, key)
        derived = DERIVED_COLUMNS.get((name, column))
        if derived is not None:
            old = pd.to_numeric(table.loc[mask, column]).astype(float)
            ratio = value / old.where(old != 0, 1.0)
            table[derived] = table[derived].astype(float)
            table.loc[mask, derived] = table.loc[mask, derived].astype(float) * ratio
        if not pd.api.types.is_numeric_dtype(table[column]):  # text (blank cells: no number)
            table.loc[mask, column] = repr(float(value))
        else:
            table[column] = table[column].astype(float)
            table.loc[mask, column] = float(value)
    return table


def read_table(name: str) -> pd.DataFrame:
    """Read one data file of this folder, without its leading comment lines.

    Numbers replaced by the active :class:`DataOverrides` (if any) carry their new values.

    Args:
        name: File name inside ``simulation/inputs/data`` (for example ``"needs.csv"``).

    Returns:
        A fresh copy of the table (callers may modify it).
    """
    overrides = _ACTIVE.get()
    if overrides is None or name not in overrides.files():
        return _read(name).copy()
    return _replaced(name, _read(name).copy(), overrides)


@cache
def source_lines(name: str) -> tuple[str, ...]:
    """Return the leading ``#`` comment lines of a data file (its provenance).

    Args:
        name: File name inside ``simulation/inputs/data``.
    """
    lines = []
    with open(DATA_DIR / name, encoding="utf-8") as handle:
        for line in handle:
            if not line.startswith("#"):
                break
            lines.append(line.rstrip("\n"))
    return tuple(lines)
