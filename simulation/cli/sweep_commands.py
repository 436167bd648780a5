"""The sweep and sensitivity commands behind ``python run.py sweep`` and ``sensitivity``.

They connect the generic sweep engine to the model: every run calls
:func:`simulation.experiments.welfare.run_welfare_recorded` on the sweep file's base scenario
(``strategic`` when the file names none).
"""

from __future__ import annotations

import sys
from pathlib import Path

from simulation.experiments import store
from simulation.experiments.design_size import check_design_size
from simulation.experiments.runner import run_sweep_file
from simulation.experiments.sensitivity import analyse
from simulation.experiments.sensitivity_checks import (
    ANALYSABLE,
    check_sweep_folder,
    index_warnings,
    sampler_note,
)
from simulation.experiments.sweep_errors import SensitivityError, SweepError
from simulation.experiments.sweepfile import load_sweep
from simulation.experiments.welfare import run_welfare_recorded
from simulation.safe_paths import UnsafePath, check_out_folder

__all__ = [
    "run_sweep_command",
    "sensitivity_command",
    "resolved_base",
    "check_sweep_target",
    "DEFAULT_BASE",
]

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
    max_runs: int | None = None,
    progress: bool = False,
) -> int:
    """Run a sweep file on the model, then (Sobol or Morris) its sensitivity analysis.

    The base scenario is loaded and checked here, and travels to the workers resolved (as the
    TOML text of every value), not as a path: workers on other machines or in other folders
    run exactly the scenario this process read.

    Args:
        path: The sweep file.
        workers: Local worker processes.
        scheduler: Address of a Dask scheduler (``tcp://HOST:PORT``), or ``None``.
        dask_local: Start a local Dask cluster with this many workers.
        out: The sweep folder (default ``results/sweeps/<name>``).
        resume: Continue a sweep in ``out``.
        quiet: Print only the summary line.
        analyse_after: Run the sensitivity analysis at the end.
        max_runs: The most runs the sweep may plan (default: the limit in force).
        progress: Show the progress bar even when standard error is not a terminal.

    Returns:
        0 when the sweep completed, 1 when every run failed, 130 when it was interrupted.
    """
    sweep = load_sweep(path)
    check_sweep_target(out, sweep.name)  # before the base is loaded and anything is written
    base = resolved_base(sweep.base)
    check_design_size(sweep, max_runs)
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
        progress=False if quiet else ("always" if progress else True),
        max_runs=max_runs,
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
    if result.done and result.failed == result.done:
        print(
            f"error: every one of the {result.done} runs failed; the errors are in"
            f" {result.out / 'runs'} (column 'error')" + _first_error(result),
            file=sys.stderr,
        )
        return 1
    if analyse_after and sweep.sampler in ANALYSABLE:
        return sensitivity_command(result.out, quiet=quiet)
    if analyse_after:
        analyse(result.out, figures=False)
    return 0


def check_sweep_target(out: Path | None, name: str) -> Path:
    """Check the sweep folder before any work: new, empty, or a folder of this same sweep.

    A folder that holds anything but a sweep's files (a manifest naming the same sweep) is
    refused, so that a sweep never writes over a user's files; so is one that cannot be
    created or written.

    Args:
        out: The folder given with ``--out``, or ``None`` for ``results/sweeps/<name>``.
        name: The sweep's name.

    Raises:
        UnsafePath: If the folder cannot be used (naming ``--out`` or the default folder).
        SweepError: If it holds files of something else, or of another sweep.
    """
    option = "--out" if out is not None else "sweep folder"
    target = Path(out) if out is not None else Path("results") / "sweeps" / name
    check_out_folder(target, option, reuse=True)
    try:
        entries = {p.name for p in target.iterdir()} if target.is_dir() else set()
    except OSError as exc:
        raise UnsafePath(f"{option} {target}: cannot use this folder: {exc.strerror}") from None
    started = {".lock", store.DESIGN, store.DESIGN_MATRIX, store.PLAN}
    if not {e for e in entries - started if not e.startswith(".tmp-")}:
        return target  # empty, or a sweep that stopped before its manifest (no scheduler)
    manifest = store.read_manifest(target) if store.MANIFEST in entries else None
    if manifest is None:
        raise SweepError(
            f"{option} {target}: exists, holds files and is not a sweep folder (no"
            " manifest.json); choose a new or empty folder"
        )
    if manifest.get("name") != name:
        raise SweepError(
            f"{option} {target}: holds another sweep ({str(manifest.get('name'))[:60]!r}, not"
            f" {name!r}); choose a new or empty folder"
        )
    return target


def resolved_base(base: Path | None) -> str:
    """Load and check the sweep's base scenario and return it resolved, as TOML text.

    Raises:
        ScenarioError: If the base scenario is not valid (named in the message).
    """
    from simulation.scenario import SCENARIO_DIR, load_scenario

    path = base if base is not None else SCENARIO_DIR / f"{DEFAULT_BASE}.toml"
    return load_scenario(path).resolved_toml()


def _first_error(result: object) -> str:
    try:
        table = result.table()  # type: ignore[attr-defined]
        errors = [e for e in table.get("error", []) if isinstance(e, str) and e.strip()]
    except Exception:  # noqa: BLE001 - only a hint in a message
        return ""
    if not errors:
        return ""
    last = errors[0].strip().splitlines()[-1]
    return f"; the first one ends: {last[:200]}"


def sensitivity_command(folder: Path, *, quiet: bool = False) -> int:
    """Compute and write the sensitivity indices of a finished sweep folder."""
    folder = check_sweep_folder(Path(folder))
    sampler = (store.read_manifest(folder) or {}).get("design", {}).get("sampler")
    note = sampler_note(sampler)
    if note is not None:  # asked for indices, and there are none to give: say so, exit 1
        analyse(folder, figures=False)
        raise SensitivityError(f"{folder}: {note}")
    tables = analyse(folder)
    for name in ANALYSABLE:
        if name in tables and not quiet:
            table = tables[name]
            print(f"{name} indices written to {folder / f'sensitivity_{name}.csv'}")
            print(table.head(20).to_string(index=False))
    samples = (store.read_manifest(folder) or {}).get("design", {}).get("samples")
    for warning in index_warnings(tables, samples):
        print(f"warning: {warning}", file=sys.stderr)
    return 0
