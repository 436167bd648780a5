"""The sweep and sensitivity commands behind ``python run.py sweep`` and ``sensitivity``.

They connect the generic sweep engine to the model: every run calls
:func:`simulation.experiments.welfare.run_welfare_recorded` on the sweep file's base scenario
(``strategic`` when the file names none).
"""

from __future__ import annotations

import sys
from pathlib import Path

from simulation.experiments.runner import run_sweep_file
from simulation.experiments.sensitivity import analyse
from simulation.experiments.sweepfile import load_sweep
from simulation.experiments.welfare import run_welfare_recorded

__all__ = ["run_sweep_command", "sensitivity_command", "DEFAULT_BASE"]

DEFAULT_BASE = "strategic"


def run_sweep_command(
    path: Path,
    *,
    workers: int = 1,
    scheduler: str | None = None,
    dask_local: int | None = None,
    out: Path | None = None,
    resume: bool = True,
    quiet: bool = False,
    analyse_after: bool = True,
) -> int:
    """Run a sweep file on the model, then (Sobol or Morris) its sensitivity analysis.

    Returns:
        0 when the sweep completed, 130 when it was interrupted.
    """
    sweep = load_sweep(path)
    base = str(sweep.base) if sweep.base is not None else DEFAULT_BASE
    backend = "dask" if (scheduler or dask_local) else "processes"
    result = run_sweep_file(
        run_welfare_recorded,
        path,
        out,
        fixed={"base": base},
        workers=workers,
        backend=backend,
        scheduler=scheduler,
        dask_local=dask_local,
        resume=resume,
        progress=not quiet,
    )
    rate = result.ran / result.seconds if result.seconds > 0 else 0.0
    print(
        f"Sweep {sweep.name}: {result.status}; {result.done} of {result.planned} runs done "
        f"({result.failed} failed), {result.ran} run now in {result.seconds:.1f} s "
        f"({rate:.1f} runs/s). Folder: {result.out}",
        file=sys.stderr if quiet else sys.stdout,
    )
    if result.status != "complete":
        print("Run the same command again to resume.", file=sys.stderr)
        return 130
    if analyse_after and sweep.sampler in ("sobol", "morris"):
        return sensitivity_command(result.out, quiet=quiet)
    if analyse_after:
        analyse(result.out, figures=False)
    return 0


def sensitivity_command(folder: Path, *, quiet: bool = False) -> int:
    """Compute and write the sensitivity indices of a finished sweep folder."""
    folder = Path(folder)
    if not (folder / "manifest.json").exists():
        raise FileNotFoundError(f"{folder}: not a sweep folder (no manifest.json)")
    tables = analyse(folder)
    for name in ("sobol", "morris"):
        if name in tables and not quiet:
            table = tables[name]
            print(f"{name} indices written to {folder / f'sensitivity_{name}.csv'}")
            print(table.head(20).to_string(index=False))
    return 0
