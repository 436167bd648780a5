"""Uncertain numbers by name: read, check, draw and apply them (``data/uncertain_*.csv``).

Every uncertain number of the model has one row in a file ``uncertain_<group>.csv`` with the
columns ``name,file,key,column,central,low,high,shape,source,confidence,reasoning``:

- ``name`` is unique over all files and starts with its group (``prices.home_help_hour``);
- ``file``, ``key`` (``column=value`` pairs joined by ``&``) and ``column`` select the one
  number it stands for; ``central`` must equal that number. ``file`` may be ``parameters.csv``:
  then the name stands for a registered scenario uncertainty (``key`` is ``name=<parameter>``,
  ``column`` is ``default``) and setting it sets that parameter;
- ``shape`` is ``uniform`` (``low``..``high``), ``triangular`` (``low``..``high``, mode =
  ``central``), ``normal`` or ``lognormal`` (``low`` and ``high`` are the 5th and 95th
  percentiles; a normal is centred on ``central``, a lognormal has its median there).

**Allowed values** (what a scenario or sweep may set, and what a draw may give): ``low`` to
``high`` for uniform and triangular; for normal and lognormal the range that reaches twice as
far from ``central`` as the 5th and 95th percentiles (on the log scale for a lognormal; about
the 0.05th to 99.95th percentile), and never below 0 for a normal whose 5th percentile is not
negative (a count, price or share). Draws outside it are truncated to its ends (clipped: about
1 draw in 1,000).

A run's values reach the model as parameters named like the rows (:func:`split_parameters`
turns them into replaced numbers of the data tables, :class:`DataOverrides`, and into
registered parameters); :class:`WelfareModel` makes them active while it sets up and steps.
"""

from __future__ import annotations

import difflib
import functools
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from simulation.inputs.data import (
    DATA_DIR,
    DataOverrides,
    read_table,
    select_row,
    using_overrides,
)

__all__ = [
    "COLUMNS",
    "GROUPS",
    "PSA_STREAM",
    "SHAPES",
    "Uncertain",
    "UncertaintyFileError",
    "collapsed",
    "data_overrides",
    "draw",
    "draw_for",
    "draws_frame",
    "read_uncertain_file",
    "split_parameters",
    "uncertain",
    "under_overrides",
    "with_overrides",
]

GROUPS = (
    "effects",
    "prices",
    "lever_costs",
    "noise",
    "lifetimes",
    "demography",
    "trends",
    "economics",
    "needs",
)
SHAPES = ("uniform", "triangular", "normal", "lognormal")
COLUMNS = (
    "name",
    "file",
    "key",
    "column",
    "central",
    "low",
    "high",
    "shape",
    "source",
    "confidence",
    "reasoning",
)
PSA_STREAM = 13  # the third word of the seed of a draw's generator: (seed, draw, PSA_STREAM)
Z95 = 1.6448536269514722  # the 95th percentile of the standard normal
_REACH = 2.0  # the allowed range of a normal or lognormal reaches twice as far as its percentiles
_SYMMETRY = 0.05  # a normal's central may be off the middle of low..high by 5% of its width


class UncertaintyFileError(ValueError):
    """A mistake in an ``uncertain_*.csv`` file (the message names file, row and problem)."""


@dataclass(frozen=True)
class Uncertain:
    """One uncertain number.

    Attributes:
        name: dotted name, starting with the group.
        group: one of :data:`GROUPS`.
        file: the data file holding the number (``parameters.csv``: a scenario parameter).
        key: ``(column, text)`` pairs selecting the row.
        column: the column holding the number.
        central: the number in the file.
        low: lower bound (uniform, triangular) or 5th percentile (normal, lognormal).
        high: upper bound or 95th percentile.
        shape: one of :data:`SHAPES`.
        allowed_low: the smallest value a run may use.
        allowed_high: the largest value a run may use.
        source: where the range comes from.
        confidence: ``A``/``B``/``C`` or ``assumption``.
        reasoning: why the range is what it is.
        defined_in: the ``uncertain_*.csv`` file of the row.
    """

    name: str
    group: str
    file: str
    key: tuple[tuple[str, str], ...]
    column: str
    central: float
    low: float
    high: float
    shape: str
    allowed_low: float
    allowed_high: float
    source: str
    confidence: str
    reasoning: str
    defined_in: str

    @property
    def parameter(self) -> str | None:
        """The registered scenario parameter it stands for, or ``None`` (a data number)."""
        return self.key[0][1] if self.file == "parameters.csv" else None

    def draw(self, rng: np.random.Generator) -> float:
        """One value from the distribution (a collapsed range gives ``central`` exactly).

        Every shape uses one draw from ``rng``, so the values of the others in a set do not
        depend on which shapes come before them.
        """
        u = rng.random()
        if self.low == self.high:
            return self.central
        if self.shape == "uniform":
            value = self.low + u * (self.high - self.low)
        elif self.shape == "triangular":
            value = _triangular(u, self.low, self.central, self.high)
        else:
            z = _normal_quantile(u)
            if self.shape == "normal":
                value = self.central + z * (self.high - self.low) / (2 * Z95)
            else:
                sign = 1.0 if self.central > 0 else -1.0
                lo, hi = sorted((abs(self.low), abs(self.high)))
                sigma = math.log(hi / lo) / (2 * Z95)
                value = sign * abs(self.central) * math.exp(z * sigma)
        return float(min(max(value, self.allowed_low), self.allowed_high))


def _triangular(u: float, low: float, mode: float, high: float) -> float:
    """The ``u`` quantile of the triangular distribution."""
    cut = (mode - low) / (high - low)
    if u < cut:
        return low + math.sqrt(u * (high - low) * (mode - low))
    return high - math.sqrt((1.0 - u) * (high - low) * (high - mode))


def _normal_quantile(u: float) -> float:
    """The ``u`` quantile of the standard normal (``u`` in [0, 1); 0 maps to a far tail)."""
    from scipy.special import ndtri

    return float(ndtri(min(max(u, 1e-12), 1.0 - 1e-12)))


def _fail(defined_in: str, row: int, name: str, what: str) -> UncertaintyFileError:
    label = f" ({name})" if name else ""
    return UncertaintyFileError(f"{defined_in}: row {row}{label}: {what}")


def _parse_key(text: str) -> tuple[tuple[str, str], ...] | None:
    pairs = []
    for part in str(text).split("&"):
        column, sep, value = part.partition("=")
        if not sep or not column.strip() or not value.strip():
            return None
        pairs.append((column.strip(), value.strip()))
    return tuple(pairs)


def _number(text: Any) -> float | None:
    try:
        value = float(str(text).strip())
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _allowed(shape: str, central: float, low: float, high: float) -> tuple[float, float]:
    if shape in ("uniform", "triangular") or low == high:
        return low, high
    if shape == "normal":
        lo = central - _REACH * (central - low)
        hi = central + _REACH * (high - central)
        return (max(lo, 0.0) if low >= 0 else lo), hi
    sign = 1.0 if central > 0 else -1.0
    a, b = sorted((abs(low), abs(high)))
    c = abs(central)
    a2, b2 = c * (a / c) ** _REACH, c * (b / c) ** _REACH
    return (a2, b2) if sign > 0 else (-b2, -a2)


def _check_row(row: dict, defined_in: str, number: int) -> Uncertain:
    """Check one row against its file and the rules; return it as an :class:`Uncertain`."""
    name = str(row["name"]).strip()
    group = defined_in.removeprefix("uncertain_").removesuffix(".csv")
    fail = functools.partial(_fail, defined_in, number, name)
    if not name or not name.startswith(group + ".") or name == group + ".":
        raise fail(f"the name must start with {group + '.'!r} (the group of the file)")
    values = {k: _number(row[k]) for k in ("central", "low", "high")}
    for k, v in values.items():
        if v is None:
            raise fail(f"{k} {row[k]!r} is not a number")
    central, low, high = values["central"], values["low"], values["high"]
    shape = str(row["shape"]).strip()
    if shape not in SHAPES:
        raise fail(f"shape {shape!r} is not one of {', '.join(SHAPES)}")
    if not low <= central <= high:  # type: ignore[operator]
        raise fail(f"needs low <= central <= high, got {low}, {central}, {high}")
    if shape == "normal" and low < high:  # type: ignore[operator]
        off = abs((low + high) / 2 - central)  # type: ignore[operator]
        if off > _SYMMETRY * (high - low):  # type: ignore[operator]
            raise fail(
                "a normal's low and high (5th and 95th percentiles) must lie symmetric about"
                " central; use triangular or lognormal for a skewed range"
            )
    if shape == "lognormal" and low < high:  # type: ignore[operator]
        if not (low > 0 or high < 0):  # type: ignore[operator]
            raise fail("a lognormal needs low and high of one sign (neither 0)")
        a, b, c = sorted((abs(low), abs(high))) + [abs(central)]  # type: ignore[arg-type]
        off = abs(math.log(c) - (math.log(a) + math.log(b)) / 2)
        if off > _SYMMETRY * math.log(b / a):
            raise fail(
                "a lognormal's central (its median) must be the geometric middle of low and"
                " high (5th and 95th percentiles)"
            )
    file = str(row["file"]).strip()
    column = str(row["column"]).strip()
    key = _parse_key(row["key"])
    if key is None:
        raise fail(f"key {row['key']!r} must be column=value pairs joined by &")
    if not file.endswith(".csv") or "/" in file or not (DATA_DIR / file).is_file():
        raise fail(f"file {file!r} is not a data file in simulation/inputs/data")
    table = read_table(file)
    for k, _ in key:
        if k not in table.columns:
            raise fail(f"key column {k!r} is not a column of {file}")
    if column not in table.columns:
        raise fail(f"column {column!r} is not a column of {file}")
    rows = table[select_row(table, key)]
    if len(rows) != 1:
        raise fail(f"key {row['key']!r} selects {len(rows)} rows of {file}, not one")
    actual = _number(rows.iloc[0][column])
    if actual is None:
        raise fail(f"{file} {row['key']} {column} is not a number")
    if actual != central:
        raise fail(f"central {central} differs from the number in {file} ({actual})")
    if file == "parameters.csv":
        if column != "default" or key[0][0] != "name" or len(key) != 1:
            raise fail("a parameters.csv row needs key name=<parameter> and column default")
        kind = rows.iloc[0]["kind"]
        if kind != "uncertainty" or rows.iloc[0]["type"] != "float":
            raise fail(f"{key[0][1]!r} is not a registered number uncertainty")
        p_low, p_high = float(rows.iloc[0]["low"]), float(rows.iloc[0]["high"])
    allowed = _allowed(shape, central, low, high)  # type: ignore[arg-type]
    if file == "parameters.csv":  # the registry's range bounds what a run may use
        allowed = (max(allowed[0], p_low), min(allowed[1], p_high))
        if not (allowed[0] <= low and high <= allowed[1]):  # type: ignore[operator]
            raise fail(f"low..high lies outside the registered range {p_low}..{p_high}")
    return Uncertain(
        name=name,
        group=group,
        file=file,
        key=key,
        column=column,
        central=central,  # type: ignore[arg-type]
        low=low,  # type: ignore[arg-type]
        high=high,  # type: ignore[arg-type]
        shape=shape,
        allowed_low=allowed[0],
        allowed_high=allowed[1],
        source=str(row["source"]),
        confidence=str(row["confidence"]),
        reasoning=str(row["reasoning"]),
        defined_in=defined_in,
    )


def read_uncertain_file(defined_in: str) -> list[Uncertain]:
    """Read and check one ``uncertain_<group>.csv`` file.

    Raises:
        UncertaintyFileError: a wrong group, missing columns, or a bad row.
    """
    group = defined_in.removeprefix("uncertain_").removesuffix(".csv")
    if group not in GROUPS:
        raise UncertaintyFileError(
            f"{defined_in}: unknown group {group!r}; groups: {', '.join(GROUPS)}"
        )
    table = read_table(defined_in)
    missing = [c for c in COLUMNS if c not in table.columns]
    if missing:
        raise UncertaintyFileError(f"{defined_in}: missing column(s) {', '.join(missing)}")
    return [_check_row(row, defined_in, i + 1) for i, row in enumerate(table.to_dict("records"))]


@cache
def uncertain() -> dict[str, Uncertain]:
    """Every uncertain number by name, from every ``uncertain_*.csv`` file (groups in order).

    Raises:
        UncertaintyFileError: a bad file or row, or a name used twice.
    """
    files = sorted(p.name for p in DATA_DIR.glob("uncertain_*.csv"))
    order = {g: i for i, g in enumerate(GROUPS)}
    files.sort(key=lambda f: order.get(f.removeprefix("uncertain_").removesuffix(".csv"), -1))
    out: dict[str, Uncertain] = {}
    with using_overrides(None):  # checked against the files as they are, whoever asks first
        rows = [u for defined_in in files for u in read_uncertain_file(defined_in)]
    for u in rows:
        if u.name in out:
            raise UncertaintyFileError(
                f"{u.defined_in}: {u.name!r} is defined twice (also in {out[u.name].defined_in})"
            )
        out[u.name] = u
    targets: dict[tuple, str] = {}
    for u in out.values():
        target = (u.file, u.key, u.column)
        if target in targets:
            raise UncertaintyFileError(
                f"{u.defined_in}: {u.name!r} selects the same number as {targets[target]!r}"
            )
        targets[target] = u.name
    return out


def _unknown(name: str) -> ValueError:
    names = list(uncertain())
    near = difflib.get_close_matches(name, names, n=1)
    hint = f"; did you mean {near[0]!r}?" if near else ""
    return ValueError(
        f"unknown uncertain parameter {name!r}{hint} (see `python run.py list uncertainties`)"
    )


def draw(rng: np.random.Generator, names: Iterable[str] | None = None) -> dict[str, float]:
    """Draw one value of each uncertain number (all, or ``names``), in file order.

    Args:
        rng: the generator (one uniform is taken per name, whatever its shape).
        names: the names to draw; default all.
    """
    table = uncertain()
    chosen = list(table) if names is None else list(names)
    for name in chosen:
        if name not in table:
            raise _unknown(name)
    return {name: table[name].draw(rng) for name in chosen}


def draw_for(seed: int, index: int) -> dict[str, float]:
    """The parameter set of draw ``index`` of a job seeded ``seed`` (same everywhere).

    The generator is seeded from ``(seed, index, PSA_STREAM)`` only, so a draw does not depend on
    the worker, the backend, the scenario or the number of draws.
    """
    return draw(np.random.default_rng([int(seed), int(index), PSA_STREAM]))


def collapsed() -> dict[str, float]:
    """Every uncertain number at its central value."""
    return {name: u.central for name, u in uncertain().items()}


def split_parameters(
    parameters: Mapping[str, Any],
) -> tuple[dict[str, Any], DataOverrides | None, dict[str, float]]:
    """Separate uncertain numbers (dotted names) from the other parameters of a run.

    Values equal to their central value are dropped (the data already hold them), so a run at
    central values is the run without overrides, bit for bit.

    Args:
        parameters: lever, uncertainty and uncertain-number values by name.

    Returns:
        ``(plain, overrides, applied)``: the registered parameters (with those set through an
        uncertain name of ``parameters.csv``), the data replacements (``None``: none), and the
        uncertain numbers that differ from central.

    Raises:
        ValueError: an unknown uncertain name (with the nearest one) or a value outside its
            allowed range.
    """
    plain: dict[str, Any] = {}
    entries = []
    applied: dict[str, float] = {}
    table = None
    for name, value in parameters.items():
        if "." not in name:
            plain[name] = value
            continue
        table = table if table is not None else uncertain()
        if name not in table:
            raise _unknown(name)
        u = table[name]
        number = float(value)
        if not u.allowed_low <= number <= u.allowed_high:
            raise ValueError(
                f"{name} = {number!r} is outside its allowed range"
                f" {u.allowed_low:g} to {u.allowed_high:g}"
            )
        if number == u.central:
            continue
        applied[name] = number
        if u.parameter is not None:
            plain[u.parameter] = number
        else:
            entries.append((u.file, u.key, u.column, number))
    for name in list(applied):  # a parameter set through its uncertain name wins
        u = table[name]  # type: ignore[index]
        if u.parameter is not None:
            plain[u.parameter] = applied[name]
    overrides = DataOverrides(tuple(sorted(entries))) if entries else None
    return plain, overrides, applied


def data_overrides(values: Mapping[str, float]) -> DataOverrides | None:
    """The data replacements of a set of uncertain numbers (e.g. one PSA draw).

    For computations after a run that read data files (an account valued with
    ``uncertain_economics.csv`` numbers): ``with using_overrides(data_overrides(draw)): ...``.
    """
    return split_parameters(values)[1]


def with_overrides(init: Callable[..., None]) -> Callable[..., None]:
    """Decorate a model's ``__init__(self, parameters, ...)`` to accept uncertain names.

    The dotted names are taken out of ``parameters``; the model keeps the replacements as
    ``self.data_overrides`` (and the values applied as ``self.uncertain_values``) and sets up
    with them active.
    """

    @functools.wraps(init)
    def wrapper(self: Any, parameters: Mapping[str, Any] | None = None, *args, **kwargs) -> None:
        plain, overrides, applied = split_parameters(parameters or {})
        self.data_overrides = overrides
        self.uncertain_values = applied
        with using_overrides(overrides):
            init(self, plain, *args, **kwargs)
        if hasattr(self, "parameters"):  # the values the run used, under their names
            self.parameters.update(applied)

    return wrapper


def under_overrides(method: Callable[..., Any]) -> Callable[..., Any]:
    """Decorate a model method to run with the model's ``data_overrides`` active."""

    @functools.wraps(method)
    def wrapper(self: Any, *args, **kwargs) -> Any:
        with using_overrides(getattr(self, "data_overrides", None)):
            return method(self, *args, **kwargs)

    return wrapper


def draws_frame(seed: int, draws: int) -> pd.DataFrame:
    """The parameter sets of draws ``0 .. draws - 1``: ``draw``, ``seed``, one column per name."""
    rows = [{"draw": d, "seed": int(seed) + d, **draw_for(seed, d)} for d in range(draws)]
    return pd.DataFrame(rows, columns=["draw", "seed", *uncertain()])
