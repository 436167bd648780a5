"""How many runs a sweep file asks for, counted before its design is built.

A design is built in memory (one row per parameter set, then one planned run per replicate), so a
sweep asking for 10^12 samples would exhaust memory long before its first run. The count is
exact for every sampler (for an integer grid range it is an upper bound):

- grid: the product of the parameters' numbers of values;
- lhs: ``samples``;
- sobol: ``samples * (2D + 2)`` with second-order indices, ``samples * (D + 2)`` without;
- morris: ``samples * (D + 1)``;

times ``replicates``. A sweep over :data:`DEFAULT_MAX_RUNS` runs is refused with the count and how
to allow it (``--max-runs`` on the command line, or the environment variable
:data:`MAX_RUNS_VARIABLE`).
"""

from __future__ import annotations

import math
import os

from simulation.experiments.sweep_errors import SweepError, SweepFileError
from simulation.experiments.sweepfile import SweepFile

__all__ = [
    "DEFAULT_MAX_RUNS",
    "HARD_MAX_RUNS",
    "MAX_RUNS_VARIABLE",
    "count_sets",
    "count_runs",
    "max_runs",
    "check_design_size",
]

#: The largest number of runs a sweep may plan unless allowed explicitly.
DEFAULT_MAX_RUNS = 1_000_000
#: Environment variable that raises (or lowers) the limit.
MAX_RUNS_VARIABLE = "WELFARE_MAX_RUNS"
#: No limit may exceed this: the design and plan of more runs would not fit in memory.
HARD_MAX_RUNS = 100_000_000


def count_sets(sweep: SweepFile) -> int:
    """Return the number of parameter sets the sweep's design will hold (without building it)."""
    d = len(sweep.parameters)
    if sweep.sampler == "grid":
        sizes = []
        for spec in sweep.parameters.values():
            if spec.values is not None:
                sizes.append(len(spec.values))
            else:
                sizes.append(int(spec.levels or 0))
        return math.prod(sizes)
    n = int(sweep.samples or 0)
    if sweep.sampler == "lhs":
        return n
    if sweep.sampler == "sobol":
        return n * (2 * d + 2) if sweep.second_order else n * (d + 2)
    if sweep.sampler == "morris":
        return n * (d + 1)
    raise ValueError(f"unknown sampler {sweep.sampler!r}")


def count_runs(sweep: SweepFile) -> int:
    """Return the number of runs the sweep plans: parameter sets times replicates."""
    return count_sets(sweep) * sweep.replicates


def max_runs(limit: int | None = None) -> int:
    """Return the limit in force: ``limit`` if given, else the environment variable, else default.

    Raises:
        SweepError: If the limit or the environment variable is not a whole number from 1 to
            :data:`HARD_MAX_RUNS`.
    """
    if limit is not None:
        if not 1 <= int(limit) <= HARD_MAX_RUNS:
            raise SweepError(
                f"--max-runs {limit}: allowed: a whole number from 1 to {HARD_MAX_RUNS:,}"
                " (a larger design would not fit in memory)"
            )
        return int(limit)
    text = os.environ.get(MAX_RUNS_VARIABLE)
    if text is None or not text.strip():
        return DEFAULT_MAX_RUNS
    try:
        value = int(text.strip().replace("_", ""))
    except ValueError:
        value = 0
    if not 1 <= value <= HARD_MAX_RUNS:
        raise SweepError(
            f"environment variable {MAX_RUNS_VARIABLE}={text[:40]!r}: allowed: a whole number"
            f" from 1 to {HARD_MAX_RUNS:,}"
        )
    return value


def check_design_size(sweep: SweepFile, limit: int | None = None) -> int:
    """Refuse a sweep that plans more runs than the limit, before its design is built.

    Args:
        sweep: The validated sweep file.
        limit: The largest number of runs allowed (default: :func:`max_runs`).

    Returns:
        The number of planned runs.

    Raises:
        SweepFileError: With the count and how to allow it.
    """
    allowed = max_runs(limit)
    sets = count_sets(sweep)
    runs = sets * sweep.replicates
    if runs > allowed:
        key = "parameters" if sweep.sampler == "grid" else "samples"
        raise SweepFileError(
            sweep.path,
            f"the {sweep.sampler} design has {sets:,} parameter sets x {sweep.replicates}"
            f" replicate(s) = {runs:,} runs, more than the limit of {allowed:,}",
            key=key,
            allowed=f"fewer samples or values, or allow more with --max-runs {runs}"
            f" (or the environment variable {MAX_RUNS_VARIABLE}={runs})",
        )
    return runs
