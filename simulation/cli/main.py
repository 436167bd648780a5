#!/usr/bin/env python3
"""Command line of the Danish welfare simulation: run, compare, sweep, validate, list, app.

    python run.py                      compare baseline, patchwork and strategic (the main job)
    python run.py run SCENARIO         run one scenario and write its report
    python run.py compare A B C        compare scenarios on common random numbers
    python run.py validate FILE...     check scenario or sweep files without running them
    python run.py list WHAT            levers, uncertainties, scenarios, municipalities, metrics
    python run.py sweep FILE           run a sweep (grid, Latin hypercube, Sobol, Morris)
    python run.py sensitivity DIR      Sobol or Morris indices of a finished sweep
    python run.py tornado              one-way runs of the assumptions that move the result most
    python run.py app                  the classroom app in the browser

This file only reads the command line and calls into the ``simulation`` package.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path
from typing import Any

MAIN_JOB = ("baseline", "patchwork", "strategic")
DEFAULT_DRAWS = 7  # the main job's parameter draws (simulation.runs.psa.DEFAULT_DRAWS)


class UserError(Exception):
    """A mistake in what the user asked for: one message, exit status 1, no traceback."""


# --------------------------------------------------------------------------- helpers
def _scenario_path(text: str) -> Path:
    from simulation.input_checks import scenario_argument

    return scenario_argument(text)


def _load(texts: list[str], args: argparse.Namespace):
    from simulation.input_checks import file_kind
    from simulation.inputs.places import PlaceError
    from simulation.scenario import ScenarioError, load_scenario

    scenarios = []
    for text in texts:
        path = _scenario_path(text)
        if file_kind(path) == "sweep":
            raise UserError(
                f"{path}: is a sweep file (it has 'sampler' or [parameters]), not a scenario;"
                f" run it with: python run.py sweep {text}"
            )
        scenario = load_scenario(path)
        overrides = {}
        if args.scale is not None:
            overrides["scale"] = args.scale
        if getattr(args, "end_year", None) is not None:
            overrides["end_year"] = args.end_year
        if getattr(args, "seed", None) is not None:  # checked by the registry, as in a file
            overrides["seed"] = args.seed
        if getattr(args, "replicates", None) is not None:
            overrides["replicates"] = args.replicates
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


def _parses(path: Path) -> bool:
    """Whether ``path`` is a small readable TOML file (its kind can then be told by its keys)."""
    import tomllib

    from simulation.safe_paths import UnsafePath, check_regular_file

    try:
        check_regular_file(path, 1_000_000, "TOML file")
        tomllib.loads(path.read_bytes().decode("utf-8"))
    except (UnsafePath, OSError, ValueError, RecursionError):
        return False
    return True


def _command_line_message(message: str) -> str:
    """Say which command-line option was wrong (the scenario API speaks of overrides)."""
    options = {
        "scale": "--scale",
        "end_year": "--end-year",
        "seed": "--seed",
        "replicates": "--replicates",
        "municipalities": "--municipality",
        "regions": "--region",
    }
    for key, option in options.items():
        message = message.replace(f"(override): {key}:", f"(command line) {option}:")
        message = re.sub(
            rf"\(command line\) {key}\[\d+\]:|\(override\): {key}\[\d+\]:",
            f"(command line) {option}:",
            message,
        )
    return message.replace("(override): ", "(command line) ")


def _workers(args: argparse.Namespace) -> int:
    from simulation.input_checks import check_workers

    if check_workers(args.workers) is not None:
        return args.workers
    return max(1, min(os.cpu_count() or 1, 2))


# --------------------------------------------------------------------------- commands
def _draws(args: argparse.Namespace, main_job: bool) -> int:
    """The number of parameter draws asked for (the main job draws by default)."""
    draws = getattr(args, "draws", None)
    if getattr(args, "no_psa", False):
        if draws:
            raise UserError("--no-psa and --draws N > 0 contradict each other; give one")
        return 0
    if draws is None:
        return DEFAULT_DRAWS if main_job else 0
    if not 0 <= draws <= 10_000:
        raise UserError(f"--draws must be a whole number from 0 to 10000, got {draws}")
    return draws


def cmd_run(args: argparse.Namespace, texts: list[str], main_job: bool = False) -> int:
    """Run or compare scenarios and write the results folder."""
    from simulation.input_checks import empty_places, empty_places_warning
    from simulation.runs.jobs import run_job
    from simulation.runs.progress import RunProgress
    from simulation.safe_paths import check_out_folder

    if args.out is not None:
        check_out_folder(args.out)  # before loading and simulating
    else:
        from simulation.runs.jobs import RESULTS_DIR

        check_out_folder(RESULTS_DIR, "results folder", reuse=True)
    draws = _draws(args, main_job)
    workers = _workers(args)
    scenarios = _load(texts, args)
    replicates = max(s.replicates for s in scenarios)
    seed = scenarios[0].seed
    seeds = {s.name: s.seed for s in scenarios}
    if len(set(seeds.values())) > 1:  # only from the files: --seed sets every scenario's
        given = ", ".join(f"{name} {value}" for name, value in seeds.items())
        print(
            f"note: the scenarios set different seeds ({given}); all are run on common random"
            f" numbers from seed {seed} (the first one's); choose it with --seed",
            file=sys.stderr,
        )
    # Every scenario records the seed and replicates used, so its resolved file reruns the job.
    scenarios = [s.with_settings(seed=seed, replicates=replicates) for s in scenarios]
    if not args.quiet:
        names = ", ".join(s.name for s in scenarios)
        scales = sorted({s.scale for s in scenarios})
        psa = (
            f"{draws} parameter draw(s) with seeds {seed}..{seed + draws - 1} and, beside them, "
            if draws
            else ""
        )
        print(
            f"Simulating {names}: {psa}{replicates} replicate(s)"
            f"{' at central values' if draws else ''}, "
            f"seeds {seed}..{seed + replicates - 1}, "
            f"scale {', '.join(str(x) for x in scales)}, 2026-{scenarios[0].end_year}",
            file=sys.stderr,
        )
    result = run_job(
        scenarios,
        replicates=replicates,
        seed=seed,
        out=Path(args.out) if args.out else None,
        workers=workers,
        lang=args.lang,
        progress=RunProgress("simulating", args.quiet, getattr(args, "progress", False)),
        draws=draws,
    )
    warning = empty_places_warning(empty_places(result.table), min(s.scale for s in scenarios))
    if warning:
        print(f"warning: {warning}", file=sys.stderr)
    if not args.quiet:
        print()
        print(result.key_figures.to_string(index=False))
        print()
        if result.psa is not None:
            print("\n".join(result.psa.lines()))
            print()
    print(f"Results: {result.folder}  (report: {result.folder / 'report.html'})")
    return 0


def cmd_tornado(args: argparse.Namespace) -> int:
    """Screen the uncertainties, run the top ones one at a time, write tornado.csv and figure."""
    import datetime as dt

    from simulation.report.figures import save_figure
    from simulation.report.uncertainty import tornado_figure
    from simulation.runs.folders import atomic_folder, command_line, default_folder, write_json
    from simulation.runs.jobs import RESULTS_DIR
    from simulation.runs.progress import RunProgress
    from simulation.runs.tornado import run_tornado
    from simulation.safe_paths import check_out_folder

    if not 1 <= args.top <= 200:
        raise UserError(f"--top must be a whole number from 1 to 200, got {args.top}")
    if not 1 <= args.seeds <= 100:
        raise UserError(f"--seeds must be a whole number from 1 to 100, got {args.seeds}")
    if not 3 <= args.draws <= 10_000:
        raise UserError(f"--draws must be a whole number from 3 to 10000, got {args.draws}")
    source = Path(args.source) if args.source else None
    if source is not None and not source.is_dir():
        raise UserError(f"--from {source}: no such results folder")
    into = source if (source is not None and args.out is None) else None
    if args.out is not None:
        check_out_folder(args.out)
    elif into is None:
        check_out_folder(RESULTS_DIR, "results folder", reuse=True)
    for name in ("replicates", "municipality", "region"):
        setattr(args, name, None)
    scenarios = _load(args.scenarios or ["patchwork", "strategic"], args)
    seed = scenarios[0].seed
    scenarios = [s.with_settings(seed=seed) for s in scenarios]
    patch = next((s for s in scenarios if s.name == "patchwork"), scenarios[0])
    rate = float(patch.uncertainties.get("discount_rate", 0.035))
    seeds = [seed + k for k in range(args.seeds)]
    started = dt.datetime.now(dt.UTC)
    try:
        result = run_tornado(
            scenarios,
            top=args.top,
            seeds=seeds,
            rate=rate,
            source=source,
            draws=args.draws,
            seed=seed,
            workers=_workers(args),
            progress=RunProgress("tornado", args.quiet, False),
        )
    except ValueError as exc:
        raise UserError(str(exc)) from None
    info = {
        "screened_from": result.source,
        "top": args.top,
        "seeds": seeds,
        "scale": patch.settings["scale"],
        "end_year": patch.end_year,
        "discount_rate": rate,
        "command": command_line(),
        "started": started.isoformat(timespec="seconds"),
        "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }

    def write(folder: Path) -> None:
        result.tornado.to_csv(folder / "tornado.csv", index=False)
        result.plan.to_csv(folder / "tornado_runs.csv", index=False)
        result.screening.to_csv(folder / "screening.csv", index=False)
        (folder / "figures").mkdir(exist_ok=True)
        figure = tornado_figure(result.tornado, args.lang, n=args.top)
        save_figure(figure, folder / "figures", "tornado")

    if into is not None:
        write(into)
        _add_tornado_to_report(into, info)
        folder = into
    elif args.out is not None:
        folder = Path(args.out)
        with atomic_folder(folder) as tmp:
            write(tmp)
            write_json(tmp / "manifest.json", {"status": "complete", "tornado": info})
    else:
        folder = default_folder(RESULTS_DIR, "tornado")
        with atomic_folder(folder, owned=True) as tmp:
            write(tmp)
            write_json(tmp / "manifest.json", {"status": "complete", "tornado": info})
    if not args.quiet:
        show = result.tornado.head(args.top)
        cols = ["parameter", "low", "high", "outcome_low", "outcome_high", "swing"]
        table = show[cols].copy()
        for c in ("outcome_low", "outcome_high", "swing"):
            table[c] = (table[c] / 1e9).round(2)
        print(f"Strategic minus patchwork, present value (bn DKK); screened from {result.source}")
        print(table.to_string(index=False))
    print(f"Tornado: {folder / 'tornado.csv'}")
    return 0


def _add_tornado_to_report(folder: Path, info: dict[str, Any]) -> None:
    """Put the tornado figure into a PSA folder's report.html and its manifest."""
    import base64
    import html as html_lib
    import json

    from simulation.report.uncertainty import text

    manifest = folder / "manifest.json"
    if manifest.is_file():
        data = json.loads(manifest.read_text(encoding="utf-8"))
        data["tornado"] = info
        manifest.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    report = folder / "report.html"
    if not report.is_file():
        return
    page = report.read_text(encoding="utf-8")
    slot = re.search(r'<p class="note" id="tornado-slot">.*?</p>', page, flags=re.S)
    if slot is None:
        return
    lang = "da" if '<html lang="da">' in page else "en"
    svg = (folder / "figures" / "tornado.svg").read_bytes()
    caption = html_lib.escape(text("cap_tornado", lang))
    figure = (
        '<figure id="fig-tornado">\n'
        f'<img src="data:image/svg+xml;base64,{base64.b64encode(svg).decode("ascii")}"'
        f' alt="{caption}">\n<figcaption>{caption}</figcaption>\n</figure>'
    )
    tmp = report.with_name("report.html.tmp")
    tmp.write_text(page[: slot.start()] + figure + page[slot.end() :], encoding="utf-8")
    tmp.replace(report)


def cmd_validate(args: argparse.Namespace) -> int:
    """Check scenario and sweep files (told apart by their keys); exit 1 if any is invalid."""
    from simulation.experiments.validate import validate_sweep
    from simulation.input_checks import file_kind
    from simulation.scenario import validate_files

    errors: list[str] = []
    for f in args.files:
        path = _scenario_path(f)
        if file_kind(path) == "sweep":
            errors.extend(validate_sweep(path))
        else:
            errors.extend(str(e) for e in validate_files([path]))
    for message in errors:
        print(f"error: {message}", file=sys.stderr)
    if errors:
        return 1
    for f in args.files:
        print(f"ok: {f}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    """Print a listing (levers, uncertainties, scenarios, ...)."""
    from simulation.cli import catalogue

    print(catalogue.listing(args.what, lang=args.lang))
    return 0


def cmd_sweep(args: argparse.Namespace) -> int:
    """Run a sweep file."""
    from simulation.cli.sweep_commands import run_sweep_command
    from simulation.input_checks import check_max_runs, check_scheduler, file_kind
    from simulation.safe_paths import check_out_folder

    scheduler = check_scheduler(args.scheduler) if args.scheduler is not None else None
    if args.dask_local is not None and not 1 <= args.dask_local <= 1024:
        raise UserError(f"--dask-local {args.dask_local}: allowed: a whole number from 1 to 1024")
    if args.dask_local is not None and scheduler is not None:
        raise UserError(
            "--dask-local and --scheduler: give one of them (a local cluster, or an existing"
            " scheduler), not both"
        )
    if args.out is not None:  # a file, a device or an unwritable place: refused before work
        check_out_folder(args.out, reuse=True)
    path = _scenario_path(args.file)
    if file_kind(path) == "scenario" and _parses(path):
        raise UserError(
            f"{path}: is a scenario file (it has neither 'sampler' nor [parameters]), not a"
            f" sweep file; run it with: python run.py run {args.file}"
        )
    return run_sweep_command(
        path,
        workers=_workers(args),
        scheduler=scheduler,
        dask_local=args.dask_local,
        out=Path(args.out) if args.out else None,
        resume=not args.no_resume,
        quiet=args.quiet,
        analyse_after=not args.no_analysis,
        max_runs=check_max_runs(args.max_runs),
        progress=args.progress,
    )


def cmd_sensitivity(args: argparse.Namespace) -> int:
    """Compute sensitivity indices of a finished sweep."""
    from simulation.cli.sweep_commands import sensitivity_command

    return sensitivity_command(Path(args.folder), quiet=args.quiet)


def cmd_app(args: argparse.Namespace) -> int:
    """Serve the classroom app."""
    from simulation.app import AppUnavailable, serve
    from simulation.input_checks import check_host, check_port, free_port, is_loopback

    host = check_host(args.host)
    port = check_port(args.port)
    try:
        free = free_port(host)  # an address of another machine cannot be listened on
        port = free if port == 0 else port
    except OSError as exc:
        raise UserError(
            f"--host {host}: cannot listen on this address ({exc.strerror or exc}); allowed:"
            " 127.0.0.1, 0.0.0.0 or an address of this machine"
        ) from None
    if not is_loopback(host):
        print(
            f"warning: --host {host}: the app is open to every machine that can reach this one"
            " on the network, with no password; use it only on a network you trust",
            file=sys.stderr,
        )
    try:
        serve(port=port, host=host)
    except AppUnavailable as exc:
        raise UserError(str(exc)) from None
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    """Write JSON Schemas of scenario and sweep files."""
    from simulation.documents.json_schema import write_schemas
    from simulation.safe_paths import check_out_folder

    out = check_out_folder(args.out, reuse=True)  # a file, or a file on the way: one line
    for path in write_schemas(out):
        print(f"wrote {path}")
    return 0


# --------------------------------------------------------------------------- parser
class _HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Help that shows every default and keeps the examples' line breaks."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        default = action.default
        if "(default" in text or default in (None, False, argparse.SUPPRESS):
            return text
        return f"{text} (default: %(default)s)"


def _add_psa_options(p: argparse.ArgumentParser, default: str) -> None:
    p.add_argument(
        "--draws",
        type=int,
        metavar="N",
        help="parameter draws of the probabilistic sensitivity analysis, 0-10000; each draws"
        f" every uncertain number and runs every scenario with it (default: {default})",
    )
    p.add_argument(
        "--no-psa",
        dest="no_psa",
        action="store_true",
        help="no parameter draws: the seed-only comparison at central values (as --draws 0)",
    )


def _add_run_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--scale",
        type=float,
        help="fraction of residents simulated, 0.0001-1 (default: the scenario's, 0.01)",
    )
    p.add_argument(
        "--seed",
        type=int,
        help="first seed, 0 or more; replicate r uses seed + r (default: the scenario's, 1)",
    )
    p.add_argument(
        "--replicates", type=int, help="replicates per scenario, 1-1000 (default: the scenario's)"
    )
    p.add_argument(
        "--end-year",
        type=int,
        dest="end_year",
        help="last simulated year, 2027-2050 (default: the scenario's, 2050)",
    )
    p.add_argument(
        "--municipality",
        action="append",
        metavar="NAME",
        help="simulate this municipality (name or code; Koebenhavn = København); repeatable"
        " (default: the scenario's places, all 98)",
    )
    p.add_argument(
        "--region",
        action="append",
        metavar="NAME",
        help="simulate this region; repeatable (default: the scenario's places)",
    )
    p.add_argument(
        "--out",
        metavar="DIR",
        help="results folder, new or empty (default: results/<date>-<time>-<scenarios>)",
    )
    p.add_argument("--workers", type=int, help="worker processes (default: up to 2)")
    _add_psa_options(p, "0: seeds only")
    p.add_argument("--lang", choices=("en", "da"), default="en", help="language of the report")
    p.add_argument(
        "-q", "--quiet", action="store_true", help="print only the results folder (no progress)"
    )
    p.add_argument(
        "--progress",
        action="store_true",
        help="show the progress bar even when standard error is not a terminal",
    )


_EXAMPLES = {
    "run": "example:\n  python run.py run strategic --municipality Aabenraa --replicates 3",
    "compare": "example:\n  python run.py compare baseline patchwork strategic --lang da",
    "validate": "example:\n  python run.py validate my-scenario.toml"
    " scenarios/sweeps/teaching-grid.toml",
    "list": "example:\n  python run.py list levers",
    "sweep": "example:\n  python run.py sweep scenarios/sweeps/teaching-grid.toml --workers 2\n"
    "  python run.py sweep FILE --scheduler tcp://127.0.0.1:8786   (see docs/cluster.md)",
    "sensitivity": "example:\n  python run.py sensitivity results/sweeps/lever-screening",
    "app": "example:\n  python run.py app --port 0     (any free port; the address is printed)",
    "schema": "example:\n  python run.py schema --out schemas",
    "tornado": "examples:\n"
    "  python run.py tornado --from results/DATE-baseline-patchwork-strategic\n"
    "  python run.py tornado --top 5 --scale 0.005\n\n"
    "Time: each of the top k assumptions runs at its low and its high end (2k + 1 run pairs of"
    " strategic and patchwork per seed) after the screening; at the defaults (top 10, 1 seed,"
    " a 12-draw screening at scale 0.01 unless --from) 66 runs: about a minute on 2 cores"
    " (53 s measured on a shared machine).",
}


def _command(sub: Any, name: str, help_text: str) -> argparse.ArgumentParser:
    return sub.add_parser(
        name,
        help=help_text,
        description=help_text[:1].upper() + help_text[1:] + ".",
        epilog=_EXAMPLES[name],
        formatter_class=_HelpFormatter,
    )


def build_parser(prog: str = "run.py") -> argparse.ArgumentParser:
    """The argument parser with every command (``prog``: the name shown in usage lines)."""
    from simulation.cli.version import DISTRIBUTION, version

    parser = argparse.ArgumentParser(
        prog=prog,
        description="Welfare demand in Denmark to 2050: patchwork against strategic social "
        "innovation. Without a command: compare baseline, patchwork and strategic.",
        epilog="examples:\n  python run.py                       the main job\n"
        "  python run.py run strategic --municipality Aabenraa\n"
        "  python run.py COMMAND --help        options of one command\n\n"
        "exit status: 0 done, 1 a mistake in the input (one line says which), "
        "2 a mistake in the command line's form (unknown option, missing argument), "
        "130 interrupted (Ctrl-C or kill)",
        formatter_class=_HelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"{DISTRIBUTION} {version()}")
    _add_psa_options(parser, f"{DEFAULT_DRAWS} for the main job")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    p = _command(sub, "run", "run one scenario and write its report")
    p.add_argument("scenario", help="scenario file or shipped name (e.g. strategic)")
    _add_run_options(p)
    p = _command(sub, "compare", "compare scenarios on common random numbers")
    p.add_argument("scenarios", nargs="+", help="scenario files or shipped names")
    _add_run_options(p)
    p = _command(sub, "tornado", "one-way runs of the assumptions that move the result most")
    p.add_argument(
        "scenarios",
        nargs="*",
        help="scenario files or names: patchwork and strategic (default: the shipped ones)",
    )
    p.add_argument(
        "--from",
        dest="source",
        metavar="DIR",
        help="screen from this PSA results folder's draws; the tornado is then added to it"
        " (tornado.csv, figures/tornado.*, report.html) unless --out is given",
    )
    p.add_argument(
        "--top", type=int, default=10, help="assumptions run one at a time, 1-200 (default 10)"
    )
    p.add_argument(
        "--draws",
        type=int,
        default=12,
        help="draws of the quick screening PSA without --from, 3-10000 (default 12)",
    )
    p.add_argument(
        "--seeds", type=int, default=1, help="seeds per one-way run pair, 1-100 (default 1)"
    )
    p.add_argument("--scale", type=float, help="fraction of residents simulated (default 0.01)")
    p.add_argument("--end-year", type=int, dest="end_year", help="last year (default 2050)")
    p.add_argument("--seed", type=int, help="first seed (default: the scenario's, 1)")
    p.add_argument("--out", metavar="DIR", help="a new folder for the tornado")
    p.add_argument("--workers", type=int, help="worker processes (default: up to 2)")
    p.add_argument("--lang", choices=("en", "da"), default="en", help="language of the figure")
    p.add_argument("-q", "--quiet", action="store_true", help="print only where it went")
    p = _command(sub, "validate", "check scenario or sweep files without running them")
    p.add_argument(
        "files", nargs="+", help="scenario or sweep files (told apart by their keys) or names"
    )
    p = _command(sub, "list", "list levers, uncertainties, scenarios, municipalities, metrics")
    from simulation.cli.catalogue import WHAT

    p.add_argument("what", choices=WHAT, help="what to list")
    p.add_argument("--lang", choices=("en", "da"), default="en", help="language of descriptions")
    p = _command(sub, "sweep", "run a sweep file (grid, lhs, sobol, morris)")
    p.add_argument("file", help="sweep file (TOML with sampler and [parameters])")
    p.add_argument("--workers", type=int, help="local worker processes (default: up to 2)")
    p.add_argument("--scheduler", help="address of an existing Dask scheduler, tcp://HOST:PORT")
    p.add_argument(
        "--dask-local",
        type=int,
        dest="dask_local",
        metavar="N",
        help="start a local Dask cluster with N workers",
    )
    p.add_argument("--out", metavar="DIR", help="sweep folder (default: results/sweeps/<name>)")
    again = p.add_mutually_exclusive_group()
    again.add_argument("--resume", action="store_true", help="continue a sweep (the default)")
    again.add_argument(
        "--no-resume",
        action="store_true",
        dest="no_resume",
        help="start afresh (refused if the folder holds runs)",
    )
    p.add_argument(
        "--no-analysis",
        action="store_true",
        dest="no_analysis",
        help="skip the sensitivity analysis at the end",
    )
    p.add_argument(
        "--max-runs",
        type=int,
        dest="max_runs",
        metavar="N",
        help="allow a sweep of up to N runs (default: 1,000,000, or WELFARE_MAX_RUNS)",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="print only the summary line")
    p.add_argument(
        "--progress",
        action="store_true",
        help="show the progress bar even when standard error is not a terminal",
    )
    p = _command(sub, "sensitivity", "Sobol or Morris indices of a finished sweep")
    p.add_argument("folder", help="the sweep's folder (with manifest.json)")
    p.add_argument("-q", "--quiet", action="store_true", help="write the tables, print nothing")
    p = _command(sub, "app", "serve the classroom app (on 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=8765, help="TCP port, 1-65535; 0 picks a free one")
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on; 0.0.0.0 opens the app to the network (a warning is printed)",
    )
    p = _command(sub, "schema", "write JSON Schemas of scenario and sweep files for editors")
    p.add_argument(
        "--out", metavar="DIR", default="schemas", help="folder to write the schemas into"
    )
    return parser


def _keep_freed_memory() -> None:
    """Let large freed blocks be reused instead of returned to the kernel (glibc only).

    The report filters and groups tables of millions of rows; with glibc's defaults every large
    temporary array is a fresh ``mmap`` whose pages the kernel zeroes and faults in, and is
    unmapped again when freed: about a quarter of the main job's CPU time was system time. With
    higher thresholds freed memory stays in the process and is reused (forked workers inherit
    the setting). Results are unchanged; where ``mallopt`` is missing nothing happens.
    """
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        libc = ctypes.CDLL("libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return
    m_trim_threshold, m_mmap_threshold = -1, -3  # glibc's malloc.h
    mallopt(m_mmap_threshold, 1 << 30)
    mallopt(m_trim_threshold, (1 << 31) - 1)


def main(argv: list[str] | None = None, prog: str = "run.py") -> int:
    """Run the command line; returns the exit status."""
    _keep_freed_memory()
    parser = build_parser(prog)
    args = parser.parse_args(argv)
    from simulation.errors import user_errors
    from simulation.runs.lifeline import terminate_as_interrupt

    terminate_as_interrupt()  # kill (SIGTERM) stops workers and cleans up, as Ctrl-C does
    from simulation.input_checks import plain_warnings

    plain_warnings()  # warnings as one line each, like errors

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
            args.lang, args.quiet, args.progress = "en", False, False
            return cmd_run(args, list(MAIN_JOB), main_job=True)
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
            "schema": cmd_schema,
            "tornado": cmd_tornado,
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
    status = main()
    if status == 130:  # interrupted: workers are stopped; do not wait at exit for pool threads
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)
    sys.exit(status)
