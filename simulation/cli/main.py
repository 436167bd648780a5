#!/usr/bin/env python3
"""Command line of the Danish welfare simulation: run, compare, sweep, validate, list, app.

    python run.py                      compare baseline, patchwork and strategic (the main job)
    python run.py run SCENARIO         run one scenario and write its report
    python run.py compare A B C        compare scenarios on common random numbers
    python run.py validate FILE...     check scenario or sweep files without running them
    python run.py list WHAT            levers, uncertainties, scenarios, municipalities, metrics
    python run.py sweep FILE           run a sweep (grid, Latin hypercube, Sobol, Morris)
    python run.py sensitivity DIR      Sobol or Morris indices of a finished sweep
    python run.py app                  the classroom app in the browser

This file only reads the command line and calls into the ``simulation`` package.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

MAIN_JOB = ("baseline", "patchwork", "strategic")


class UserError(Exception):
    """A mistake in what the user asked for: one message, exit status 1, no traceback."""


# --------------------------------------------------------------------------- helpers
def _scenario_path(text: str) -> Path:
    from simulation.shipped import find_scenario

    path = Path(text)
    if not path.exists():
        return find_scenario(text) or path
    return path


def _load(texts: list[str], args: argparse.Namespace):
    from simulation.inputs.places import PlaceError
    from simulation.scenario import ScenarioError, load_scenario

    scenarios = []
    for text in texts:
        scenario = load_scenario(_scenario_path(text))
        overrides = {}
        if args.scale is not None:
            overrides["scale"] = args.scale
        if getattr(args, "end_year", None) is not None:
            overrides["end_year"] = args.end_year
        try:
            if overrides:
                scenario = scenario.with_settings(**overrides)
            if args.municipality or args.region:
                scenario = scenario.with_places(
                    municipalities=args.municipality or (), regions=args.region or ()
                )
        except (ScenarioError, PlaceError) as exc:
            raise UserError(_command_line_message(str(exc))) from None
        scenarios.append(scenario)
    names = [s.name for s in scenarios]
    if len(set(names)) != len(names):
        raise UserError(f"scenario names must differ within a comparison; got {names}")
    return scenarios


def _command_line_message(message: str) -> str:
    """Say which command-line option was wrong (the scenario API speaks of overrides)."""
    options = {
        "scale": "--scale",
        "end_year": "--end-year",
        "municipalities": "--municipality",
        "regions": "--region",
    }
    for key, option in options.items():
        message = message.replace(f"(override): {key}:", f"(command line) {option}:")
    return message.replace("(override): ", "(command line) ")


class Progress:
    """A progress bar on standard error: runs done, and the time left."""

    def __init__(self, label: str, quiet: bool) -> None:
        self.label = label
        self.quiet = quiet
        self.tty = sys.stderr.isatty()
        self.start = time.perf_counter()

    def __call__(self, done: int, total: int) -> None:
        """Show that ``done`` of ``total`` runs are finished."""
        if self.quiet:
            return
        elapsed = time.perf_counter() - self.start
        left = elapsed / done * (total - done) if done else 0.0
        width = 30
        filled = int(width * done / total)
        bar = "#" * filled + "-" * (width - filled)
        line = f"{self.label} [{bar}] {done}/{total} runs, {elapsed:.0f} s, about {left:.0f} s left"
        if self.tty:
            print("\r" + line, end="\n" if done == total else "", file=sys.stderr, flush=True)
        elif done == total or done % max(total // 4, 1) == 0:
            print(line, file=sys.stderr, flush=True)


def _workers(args: argparse.Namespace) -> int:
    if args.workers is not None:
        if args.workers < 1:
            raise UserError(f"--workers: must be 1 or more, got {args.workers}")
        return args.workers
    return max(1, min(os.cpu_count() or 1, 2))


# --------------------------------------------------------------------------- commands
def cmd_run(args: argparse.Namespace, texts: list[str]) -> int:
    """Run or compare scenarios and write the results folder."""
    from simulation.runs.jobs import run_job

    scenarios = _load(texts, args)
    replicates = (
        args.replicates if args.replicates is not None else max(s.replicates for s in scenarios)
    )
    seed = args.seed if args.seed is not None else scenarios[0].seed
    if replicates < 1:
        raise UserError(f"--replicates: must be 1 or more, got {replicates}")
    if not args.quiet:
        names = ", ".join(s.name for s in scenarios)
        scales = sorted({s.scale for s in scenarios})
        print(
            f"Simulating {names}: {replicates} replicate(s), "
            f"seeds {seed}..{seed + replicates - 1}, "
            f"scale {', '.join(str(x) for x in scales)}, 2026-{scenarios[0].end_year}",
            file=sys.stderr,
        )
    result = run_job(
        scenarios,
        replicates=replicates,
        seed=seed,
        out=Path(args.out) if args.out else None,
        workers=_workers(args),
        lang=args.lang,
        progress=Progress("simulating", args.quiet),
    )
    if not args.quiet:
        print()
        print(result.key_figures.to_string(index=False))
        print()
    print(f"Results: {result.folder}  (report: {result.folder / 'report.html'})")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    """Check scenario and sweep files; exit status 1 if any is invalid."""
    from simulation.scenario import validate_files

    scenario_files = [f for f in args.files if not _is_sweep(f)]
    sweep_files = [f for f in args.files if _is_sweep(f)]
    errors = [str(e) for e in validate_files([_scenario_path(f) for f in scenario_files])]
    for f in sweep_files:
        try:
            from simulation.experiments.sweepfile import load_sweep

            load_sweep(_scenario_path(f))
        except ValueError as exc:
            errors.append(str(exc))
    for message in errors:
        print(f"error: {message}", file=sys.stderr)
    if errors:
        return 1
    for f in args.files:
        print(f"ok: {f}")
    return 0


def _is_sweep(text: str) -> bool:
    path = Path(text)
    if "sweeps" in path.parts:
        return True
    try:
        head = path.read_text(encoding="utf-8", errors="replace")[:4000]
    except OSError:
        return False
    return "\nsampler" in "\n" + head or "[parameters]" in head


def cmd_list(args: argparse.Namespace) -> int:
    """Print a listing (levers, uncertainties, scenarios, ...)."""
    from simulation.cli import catalogue

    print(catalogue.listing(args.what, lang=args.lang))
    return 0


def cmd_sweep(args: argparse.Namespace) -> int:
    """Run a sweep file."""
    from simulation.cli.sweep_commands import run_sweep_command

    return run_sweep_command(
        _scenario_path(args.file),
        workers=_workers(args),
        scheduler=args.scheduler,
        dask_local=args.dask_local,
        out=Path(args.out) if args.out else None,
        resume=not args.no_resume,
        quiet=args.quiet,
        analyse_after=not args.no_analysis,
    )


def cmd_sensitivity(args: argparse.Namespace) -> int:
    """Compute sensitivity indices of a finished sweep."""
    from simulation.cli.sweep_commands import sensitivity_command

    return sensitivity_command(Path(args.folder), quiet=args.quiet)


def cmd_app(args: argparse.Namespace) -> int:
    """Serve the classroom app."""
    from simulation.app import AppUnavailable, serve

    try:
        serve(port=args.port, host=args.host)
    except AppUnavailable as exc:
        raise UserError(str(exc)) from None
    return 0


# --------------------------------------------------------------------------- parser
def _add_run_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--scale", type=float, help="fraction of residents simulated, 0 < S <= 1")
    p.add_argument("--seed", type=int, help="first seed (replicate r uses seed + r)")
    p.add_argument("--replicates", type=int, help="replicates per scenario")
    p.add_argument("--end-year", type=int, dest="end_year", help="last simulated year (to 2050)")
    p.add_argument(
        "--municipality",
        action="append",
        metavar="NAME",
        help="simulate this municipality (name or code; Koebenhavn = København); repeatable",
    )
    p.add_argument(
        "--region", action="append", metavar="NAME", help="simulate this region; repeatable"
    )
    p.add_argument("--out", help="results folder (default results/<time>-<scenarios>)")
    p.add_argument("--workers", type=int, help="worker processes (default: up to 2)")
    p.add_argument("--lang", choices=("en", "da"), default="en", help="language of the report")
    p.add_argument("--quiet", action="store_true", help="print only the results folder")


def build_parser(prog: str = "run.py") -> argparse.ArgumentParser:
    """The argument parser with every command (``prog``: the name shown in usage lines)."""
    from simulation.cli.version import DISTRIBUTION, version

    parser = argparse.ArgumentParser(
        prog=prog,
        description="Welfare demand in Denmark to 2050: patchwork against strategic social "
        "innovation. Without a command: compare baseline, patchwork and strategic.",
    )
    parser.add_argument("--version", action="version", version=f"{DISTRIBUTION} {version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    p = sub.add_parser("run", help="run one scenario and write its report")
    p.add_argument("scenario", help="scenario file or name (e.g. strategic)")
    _add_run_options(p)
    p = sub.add_parser("compare", help="compare scenarios on common random numbers")
    p.add_argument("scenarios", nargs="+", help="scenario files or names")
    _add_run_options(p)
    p = sub.add_parser("validate", help="check scenario or sweep files without running them")
    p.add_argument("files", nargs="+")
    p = sub.add_parser(
        "list", help="list levers, uncertainties, scenarios, municipalities, metrics"
    )
    from simulation.cli.catalogue import WHAT

    p.add_argument("what", choices=WHAT)
    p.add_argument("--lang", choices=("en", "da"), default="en")
    p = sub.add_parser("sweep", help="run a sweep file (grid, lhs, sobol, morris)")
    p.add_argument("file")
    p.add_argument("--workers", type=int, help="local worker processes (default: up to 2)")
    p.add_argument("--scheduler", help="address of an existing Dask scheduler, tcp://HOST:PORT")
    p.add_argument(
        "--dask-local",
        type=int,
        dest="dask_local",
        metavar="N",
        help="start a local Dask cluster with N workers",
    )
    p.add_argument("--out", help="sweep folder (default results/sweep-<name>)")
    p.add_argument("--resume", action="store_true", help="continue a sweep (the default)")
    p.add_argument("--no-resume", action="store_true", dest="no_resume", help="start afresh")
    p.add_argument(
        "--no-analysis",
        action="store_true",
        dest="no_analysis",
        help="skip the sensitivity analysis at the end",
    )
    p.add_argument("--quiet", action="store_true")
    p = sub.add_parser("sensitivity", help="Sobol or Morris indices of a finished sweep")
    p.add_argument("folder")
    p.add_argument("--quiet", action="store_true")
    p = sub.add_parser("app", help="serve the classroom app on 127.0.0.1")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--host", default="127.0.0.1")
    return parser


def main(argv: list[str] | None = None, prog: str = "run.py") -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser(prog)
    args = parser.parse_args(argv)
    from simulation.errors import user_errors

    try:
        if args.command is None:
            for name in (
                "scale",
                "seed",
                "replicates",
                "end_year",
                "municipality",
                "region",
                "out",
                "workers",
            ):
                setattr(args, name, None)
            args.lang, args.quiet = "en", False
            return cmd_run(args, list(MAIN_JOB))
        if args.command == "run":
            return cmd_run(args, [args.scenario])
        if args.command == "compare":
            return cmd_run(args, args.scenarios)
        return {
            "validate": cmd_validate,
            "list": cmd_list,
            "sweep": cmd_sweep,
            "sensitivity": cmd_sensitivity,
            "app": cmd_app,
        }[args.command](args)
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except user_errors() as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ninterrupted: no results folder was written", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
