"""Checking a sweep file without running it: the file, its base scenario and its size.

``python run.py validate`` uses :func:`validate_sweep`; a sweep is valid only if its base
scenario is valid too and its design is small enough to build.
"""

from __future__ import annotations

from pathlib import Path

from simulation.experiments.design_size import check_design_size
from simulation.experiments.sweep_errors import SweepFileError
from simulation.experiments.sweepfile import load_sweep

__all__ = ["validate_sweep"]


def validate_sweep(path: str | Path, max_runs: int | None = None) -> list[str]:
    """Check a sweep file, its base scenario and the number of runs it plans.

    Args:
        path: The sweep file.
        max_runs: The largest number of runs allowed (default: the limit in force).

    Returns:
        One message per problem (empty when the sweep is valid).
    """
    from simulation.scenario import ScenarioError, load_scenario

    try:
        sweep = load_sweep(path)
    except SweepFileError as exc:
        return [str(exc)]
    errors: list[str] = []
    if sweep.base is not None:
        try:
            load_scenario(sweep.base)
        except ScenarioError as exc:
            errors.append(f"{sweep.path}: base: the base scenario is not valid: {exc}")
    try:
        check_design_size(sweep, max_runs)
    except (SweepFileError, ValueError) as exc:
        errors.append(str(exc))
    return errors
