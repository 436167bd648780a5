"""Designs of experiments: the parameter sets a sweep runs (grid, Latin hypercube, Sobol, Morris).

A :class:`Design` holds one row per parameter set, numbered by a stable ``set_id`` (the row's
position in the sampler's order, the same every time for the same sweep file). For Sobol and Morris
the order is the one SALib's analysis expects, and the sampler's own matrix (before whole-number
rounding) is kept in :attr:`Design.matrix` for the analysis.

Whole-number (``int``) parameters are sampled on ``[low - 0.5, high + 0.5]`` and rounded to the
nearest whole number within ``[low, high]``, so every whole number is equally likely. Categorical
(``bool`` and ``choice``) parameters can only be varied on a grid.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from simulation.experiments.sweepfile import ParameterSpec, SweepFile

__all__ = [
    "Design",
    "build_design",
    "grid_design",
    "lhs_design",
    "sobol_design",
    "morris_design",
]


@dataclass
class Design:
    """The parameter sets of a sweep.

    Attributes:
        table: One row per parameter set: ``set_id`` and one column per parameter, holding the
            values passed to the model (whole numbers rounded).
        sampler: ``"grid"``, ``"lhs"``, ``"sobol"``, ``"morris"`` or ``"custom"``.
        types: Registry type of each parameter, in column order.
        bounds: The sampled interval of each parameter (range samplers), else empty.
        samples: N as given to the sampler, or ``None``.
        second_order: Whether the Sobol design supports second-order indices.
        num_levels: Levels of the Morris design, or ``None``.
        sample_seed: Seed of the sampler, or ``None``.
        matrix: The sampler's raw matrix (rows in ``set_id`` order), or ``None``.
    """

    table: pd.DataFrame
    sampler: str = "custom"
    types: dict[str, str] = field(default_factory=dict)
    bounds: dict[str, tuple[float, float]] = field(default_factory=dict)
    samples: int | None = None
    second_order: bool = False
    num_levels: int | None = None
    sample_seed: int | None = None
    matrix: np.ndarray | None = None

    @property
    def parameters(self) -> list[str]:
        """Return the varied parameter names, in column order."""
        return [c for c in self.table.columns if c != "set_id"]

    def __len__(self) -> int:
        return len(self.table)

    def problem(self) -> dict[str, Any]:
        """Return the SALib problem definition (names, bounds) of a range design."""
        names = self.parameters
        return {
            "num_vars": len(names),
            "names": names,
            "bounds": [list(self.bounds[n]) for n in names],
        }

    def meta(self) -> dict[str, Any]:
        """Return the design's description for the manifest (JSON-ready)."""
        return {
            "sampler": self.sampler,
            "parameters": self.parameters,
            "types": {n: self.types.get(n, _infer_type(self.table[n])) for n in self.parameters},
            "bounds": {n: list(b) for n, b in self.bounds.items()},
            "samples": self.samples,
            "second_order": self.second_order,
            "num_levels": self.num_levels,
            "sample_seed": self.sample_seed,
            "sets": len(self.table),
        }

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> Design:
        """Wrap a hand-made table of parameter sets (one row each) as a ``custom`` design.

        Args:
            frame: One column per parameter; a ``set_id`` column is added if missing.
        """
        table = frame.reset_index(drop=True).copy()
        if "set_id" not in table.columns:
            table.insert(0, "set_id", np.arange(len(table), dtype=np.int64))
        if table["set_id"].duplicated().any():
            raise ValueError("design: set_id values must be unique")
        return cls(
            table=table, types={c: _infer_type(table[c]) for c in table.columns if c != "set_id"}
        )


def _infer_type(column: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(column):
        return "bool"
    if pd.api.types.is_integer_dtype(column):
        return "int"
    if pd.api.types.is_float_dtype(column):
        return "float"
    return "choice"


def build_design(sweep: SweepFile) -> Design:
    """Build the design a validated sweep file asks for.

    Args:
        sweep: The sweep file.

    Returns:
        The design, with ``set_id`` 0, 1, ... in the sampler's order.
    """
    specs = list(sweep.parameters.values())
    if sweep.sampler == "grid":
        return grid_design(specs)
    assert sweep.samples is not None
    if sweep.sampler == "lhs":
        return lhs_design(specs, sweep.samples, sweep.sample_seed)
    if sweep.sampler == "sobol":
        return sobol_design(specs, sweep.samples, sweep.second_order, sweep.sample_seed)
    if sweep.sampler == "morris":
        return morris_design(specs, sweep.samples, sweep.num_levels or 4, sweep.sample_seed)
    raise ValueError(f"unknown sampler {sweep.sampler!r}")


def grid_design(specs: Sequence[ParameterSpec]) -> Design:
    """Return the full factorial grid of the parameters' values, the last parameter varying fastest.

    Args:
        specs: The parameters, each with ``values`` or ``low``/``high``/``levels``.
    """
    names = [s.name for s in specs]
    rows = list(itertools.product(*(s.grid_values() for s in specs)))
    table = pd.DataFrame(rows, columns=names)
    for spec in specs:
        table[spec.name] = _as_type(table[spec.name], spec.type)
    table.insert(0, "set_id", np.arange(len(table), dtype=np.int64))
    return Design(table=table, sampler="grid", types={s.name: s.type for s in specs})


def lhs_design(specs: Sequence[ParameterSpec], samples: int, seed: int) -> Design:
    """Return a Latin hypercube of ``samples`` rows (scipy.stats.qmc, seeded).

    Args:
        specs: Numeric parameters with ``low`` and ``high``.
        samples: Number of parameter sets.
        seed: Seed of the sampler.
    """
    from scipy.stats import qmc

    bounds = _bounds(specs)
    try:
        engine = qmc.LatinHypercube(d=len(specs), rng=np.random.default_rng(seed))
    except TypeError:  # SciPy < 1.15 names the argument ``seed``
        engine = qmc.LatinHypercube(d=len(specs), seed=np.random.default_rng(seed))
    unit = engine.random(samples)
    lows = np.array([b[0] for b in bounds.values()])
    highs = np.array([b[1] for b in bounds.values()])
    matrix = qmc.scale(unit, lows, highs)
    return _range_design("lhs", specs, bounds, matrix, samples=samples, seed=seed)


def sobol_design(
    specs: Sequence[ParameterSpec], samples: int, second_order: bool, seed: int
) -> Design:
    """Return Saltelli's Sobol' design (SALib): N*(2D+2) rows with, N*(D+2) without second order.

    The ``second_order`` flag is stored in the design (and the manifest) and reused by the
    analysis: SALib gives silently wrong indices when the two differ.

    Args:
        specs: Numeric parameters with ``low`` and ``high``.
        samples: N, a power of two.
        second_order: Whether second-order indices will be estimated.
        seed: Seed of the scrambled Sobol' sequence.
    """
    from SALib.sample import sobol

    bounds = _bounds(specs)
    problem = {
        "num_vars": len(specs),
        "names": list(bounds),
        "bounds": [list(b) for b in bounds.values()],
    }
    matrix = sobol.sample(
        problem, samples, calc_second_order=second_order, scramble=True, seed=seed
    )
    return _range_design(
        "sobol", specs, bounds, matrix, samples=samples, seed=seed, second_order=second_order
    )


def morris_design(
    specs: Sequence[ParameterSpec], samples: int, num_levels: int, seed: int
) -> Design:
    """Return a Morris design (SALib) of ``samples`` trajectories of D+1 points each.

    Args:
        specs: Numeric parameters with ``low`` and ``high``.
        samples: Number of trajectories.
        num_levels: Levels of the Morris grid (even).
        seed: Seed of the sampler.
    """
    from SALib.sample import morris

    bounds = _bounds(specs)
    problem = {
        "num_vars": len(specs),
        "names": list(bounds),
        "bounds": [list(b) for b in bounds.values()],
    }
    matrix = morris.sample(problem, samples, num_levels=num_levels, seed=seed)
    return _range_design(
        "morris", specs, bounds, matrix, samples=samples, seed=seed, num_levels=num_levels
    )


def _bounds(specs: Sequence[ParameterSpec]) -> dict[str, tuple[float, float]]:
    out: dict[str, tuple[float, float]] = {}
    for spec in specs:
        if spec.low is None or spec.high is None or spec.type not in ("float", "int"):
            raise ValueError(
                f"parameter {spec.name!r}: this sampler needs a numeric range (low, high)"
            )
        pad = 0.5 if spec.type == "int" else 0.0
        out[spec.name] = (float(spec.low) - pad, float(spec.high) + pad)
    return out


def _range_design(
    sampler: str,
    specs: Sequence[ParameterSpec],
    bounds: Mapping[str, tuple[float, float]],
    matrix: np.ndarray,
    *,
    samples: int,
    seed: int,
    second_order: bool = False,
    num_levels: int | None = None,
) -> Design:
    matrix = np.asarray(matrix, dtype=float)
    table = pd.DataFrame({"set_id": np.arange(len(matrix), dtype=np.int64)})
    for j, spec in enumerate(specs):
        column = matrix[:, j]
        if spec.type == "int":
            assert spec.low is not None and spec.high is not None
            table[spec.name] = np.clip(np.floor(column + 0.5), spec.low, spec.high).astype(np.int64)
        else:
            table[spec.name] = column.astype(float)
    return Design(
        table=table,
        sampler=sampler,
        types={s.name: s.type for s in specs},
        bounds=dict(bounds),
        samples=samples,
        second_order=second_order,
        num_levels=num_levels,
        sample_seed=seed,
        matrix=matrix,
    )


def _as_type(column: pd.Series, typ: str) -> pd.Series:
    if typ == "int":
        return column.astype(np.int64)
    if typ == "float":
        return column.astype(float)
    if typ == "bool":
        return column.astype(bool)
    return column.astype(object)
