r"""Run a sweep file with any model function from the command line (tests, benchmarks, clusters).

The project's own command line is ``python run.py sweep FILE``; this module is the engine's
minimal entry point, independent of the model::

    python -m simulation.cli.sweep_runner SWEEP.toml --out DIR \
        --function simulation.experiments.testfunctions:ishigami \
        --registry simulation.experiments.testfunctions:ishigami_registry --workers 2

Exit status: 0 when the sweep is complete, 1 for a bad sweep file or folder, 130 when interrupted.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import Any

from simulation.experiments.sweep_errors import SensitivityError, SweepError, SweepFileError

__all__ = ["main", "import_object"]


def import_object(spec: str) -> Any:
    """Import ``"package.module:attribute"`` and return the attribute.

    Raises:
        ValueError: If ``spec`` has no colon or the attribute does not exist.
    """
    module_name, sep, attribute = spec.partition(":")
    if not sep or not module_name or not attribute:
        raise ValueError(f"{spec!r}: expected 'package.module:function'")
    module = importlib.import_module(module_name)
    try:
        return getattr(module, attribute)
    except AttributeError:
        raise ValueError(f"{spec!r}: module {module_name!r} has no {attribute!r}") from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m simulation.cli.sweep_runner",
        description="Run a sweep file (and optionally analyse it).",
    )
    parser.add_argument("sweep", help="sweep file (TOML)")
    parser.add_argument("--out", help="sweep folder (default: results/sweeps/<name>)")
    parser.add_argument(
        "--function", required=True, help="model function as package.module:function"
    )
    parser.add_argument("--registry", help="parameter registry function as package.module:function")
    parser.add_argument("--workers", type=int, default=1, help="local worker processes (default 1)")
    parser.add_argument(
        "--scheduler", help="address of an existing Dask scheduler, tcp://HOST:PORT"
    )
    parser.add_argument("--dask-local", type=int, help="start a Dask LocalCluster with N workers")
    parser.add_argument("--batch-size", type=int, help="runs per batch (default: adaptive)")
    parser.add_argument("--retry-failed", action="store_true", help="run failed runs again")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument(
        "--analyse", action="store_true", help="run the sensitivity analysis at the end"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = _parser().parse_args(argv)
    from simulation.experiments.runner import run_sweep_file

    try:
        fn = import_object(args.function)
        registry = import_object(args.registry) if args.registry else None
        result = run_sweep_file(
            fn,
            args.sweep,
            args.out,
            registry=registry,
            workers=args.workers,
            scheduler=args.scheduler,
            dask_local=args.dask_local,
            batch_size=args.batch_size,
            retry_failed=args.retry_failed,
            progress=not args.no_progress,
        )
    except (SweepFileError, SweepError, ValueError, ImportError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(
        f"{result.status}: {result.done} of {result.planned} runs done, {result.failed} failed, "
        f"{result.ran} run now in {result.seconds:.1f} s -> {result.out}"
    )
    if result.status != "complete":
        return 130
    if args.analyse:
        from simulation.experiments.sensitivity import analyse

        try:
            tables = analyse(result.out)
        except SensitivityError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        print("analysis: " + ", ".join(sorted(tables)) + f" written to {result.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
