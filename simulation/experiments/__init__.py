"""Experiments: sweep files, designs, a resumable sweep runner (processes or Dask), sensitivity.

The model's entry point is :func:`run_welfare` (levers and uncertainties as keyword arguments,
scalar outcomes, never raises). The engine is generic over any module-level function
``fn(**params, seed=int, scale=float) -> dict[str, float]``:

>>> from simulation.experiments import load_sweep, build_design, run_sweep, analyse
>>> sweep = load_sweep("scenarios/sweeps/lever-screening.toml")          # doctest: +SKIP
>>> design = build_design(sweep)                                          # doctest: +SKIP
>>> run_sweep(fn, design, sweep.replicates, sweep.seed, sweep.scale,
...           "results/sweeps/lever-screening", workers=2)                # doctest: +SKIP
>>> analyse("results/sweeps/lever-screening")                             # doctest: +SKIP

or in one call, ``run_sweep_file(fn, "scenarios/sweeps/lever-screening.toml", workers=2)``.

Modules: :mod:`.sweepfile` (read and check sweep files), :mod:`.samplers` (designs),
:mod:`.store` (results on disk), :mod:`.backends` (where runs execute), :mod:`.runner` (the
sweep loop), :mod:`.sensitivity` and :mod:`.figures` (analysis), :mod:`.testfunctions`
(Ishigami), :mod:`.runner_cli` (a minimal command line).
"""

from __future__ import annotations

from simulation.experiments.runner import SweepResult, plan_runs, run_sweep, run_sweep_file
from simulation.experiments.samplers import Design, build_design
from simulation.experiments.sensitivity import analyse, morris_indices, sobol_indices
from simulation.experiments.store import collect, completed_keys, read_manifest
from simulation.experiments.sweep_errors import SensitivityError, SweepError, SweepFileError
from simulation.experiments.sweepfile import ParameterSpec, SweepFile, load_sweep
from simulation.experiments.welfare import run_welfare, run_welfare_recorded

__all__ = [
    "Design",
    "ParameterSpec",
    "SensitivityError",
    "SweepError",
    "SweepFile",
    "SweepFileError",
    "SweepResult",
    "analyse",
    "build_design",
    "collect",
    "completed_keys",
    "load_sweep",
    "morris_indices",
    "plan_runs",
    "read_manifest",
    "run_welfare",
    "run_welfare_recorded",
    "run_sweep",
    "run_sweep_file",
    "sobol_indices",
]
