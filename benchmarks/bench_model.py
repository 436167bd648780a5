"""Benchmark the vectorised welfare model against the plain-Mesa reference.

Measures, each in a fresh subprocess (so that peak memory, ``ru_maxrss``, belongs to one
measurement only):

* the vectorised :class:`simulation.model.WelfareModel` for 2026 to 2025 + ``--years`` at each of
  ``--scales``, for the baseline (all levers off) and the strategic scenario
  (``scenarios/strategic.toml``): set-up, seconds per simulated year, the time spent in each
  mechanism of the year (demography, needs, costs, civil society, strategy, data collection),
  building the output table, and peak memory;
* the plain-Mesa reference (``benchmarks/plain_mesa.py``, one ``mesa.Agent`` per citizen) at
  each of ``--mesa-scales``, for as many years as ``--mesa-budget`` citizen-years allow;
* the ratio of seconds per citizen-year, plain-Mesa over vectorised, against the whole
  vectorised year and against its demography and needs mechanisms alone (the rules both share);
* runs per second at ``--throughput-scale`` with 1 and 2 worker processes (back-to-back runs).

Usage (from the repository root)::

    PYTHONPATH=. python benchmarks/bench_model.py                        # everything, ~6-8 min
    PYTHONPATH=. python benchmarks/bench_model.py --scales 0.001 0.01 --scenarios baseline \
        --mesa-scales 0.001 --throughput-workers --out /tmp/quick
    PYTHONPATH=. python benchmarks/bench_model.py --scales 1.0 --scenarios baseline \
        --mesa-scales --throughput-workers --merge       # redo one measurement only

Results go to ``<out>.json`` and ``<out>.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PHASES = (
    ("demography", "demography", "change"),
    ("needs", "needs_step", "run"),
    ("costs", "provision", "run"),
    ("civil_society", "civil_society", "step"),
    ("strategy", "strategy", "step"),
)
FIRST_YEAR = 2026


# --- measurements (run inside a worker subprocess) ------------------------------------------
def _rss_mb() -> float:
    """Current resident set size in MB (Linux)."""
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _peak_mb() -> float:
    """Peak resident set size of this process in MB (``ru_maxrss`` is in KB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _timed(fn: Callable[..., Any], bucket: dict[str, float], name: str) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            bucket[name] = bucket.get(name, 0.0) + time.perf_counter() - start

    return wrapper


def measure_vectorised(scale: float, years: int, scenario: str, seed: int = 1) -> dict[str, Any]:
    """Run the vectorised model once and time it (call in a fresh process)."""
    t0 = time.perf_counter()
    import numpy as np

    from simulation.constants import AREAS
    from simulation.model import WelfareModel

    import_seconds = time.perf_counter() - t0
    t0 = time.perf_counter()
    if scenario == "baseline":
        model = WelfareModel(scale=scale, seed=seed, end_year=FIRST_YEAR - 1 + years)
    else:
        from simulation.runs.simulate import scenario_parameters
        from simulation.scenario import load_scenario

        sc = load_scenario(str(ROOT / "scenarios" / f"{scenario}.toml"))
        model = WelfareModel(
            scenario_parameters(sc),
            scale=scale,
            seed=seed,
            end_year=FIRST_YEAR - 1 + years,
            scenario=scenario,
            lever_source=sc,
        )
    init_seconds = time.perf_counter() - t0

    phases: dict[str, float] = {}
    for name, owner, method in PHASES:
        obj = model if owner is None else getattr(model, owner, None)
        if obj is not None and callable(getattr(obj, method, None)):
            setattr(obj, method, _timed(getattr(obj, method), phases, name))

    step_seconds: list[float] = []
    citizens: list[int] = []
    first_year: dict[str, Any] = {}
    cpu_start = time.process_time()
    while model.running:
        citizens.append(len(model.citizens))
        start = time.perf_counter()
        model.step()
        step_seconds.append(time.perf_counter() - start)
        if not first_year:
            c = model.citizens
            res = model.results
            first_year = {
                "deaths": float(res.get("deaths")[0].sum() / c.weight),
                "births": float(res.get("births")[0].sum() / c.weight),
                "citizens_start": citizens[0],
                "need_prevalence_end": dict(
                    zip(AREAS, ((c.need > 0).sum(axis=0) / len(c)).tolist(), strict=True)
                ),
            }
    run_cpu = time.process_time() - cpu_start  # includes the first-year check (negligible)
    start = time.perf_counter()
    table = model.table()
    table_seconds = time.perf_counter() - start
    run_seconds = float(np.sum(step_seconds))
    return {
        "kind": "vectorised",
        "scenario": scenario,
        "scale": scale,
        "years": len(step_seconds),
        "seed": seed,
        "citizens_start": citizens[0],
        "citizens_end": len(model.citizens),
        "citizen_years": int(np.sum(citizens)),
        "import_seconds": import_seconds,
        "init_seconds": init_seconds,
        "run_seconds": run_seconds,
        "step_seconds": step_seconds,
        "seconds_per_year": run_seconds / len(step_seconds),
        "phase_seconds": {k: v for k, v in phases.items()},
        "table_seconds": table_seconds,
        "table_rows": len(table),
        "total_seconds": init_seconds + run_seconds,
        "seconds_per_citizen_year": run_seconds / float(np.sum(citizens)),
        "run_cpu_seconds": run_cpu,
        "cpu_seconds_per_citizen_year": run_cpu / float(np.sum(citizens)),
        "first_year": first_year,
        "peak_rss_mb": _peak_mb(),
    }


def measure_throughput(scale: float, runs: int, seed: int = 1) -> dict[str, Any]:
    """Back-to-back baseline runs in one process (imports and data caches paid once)."""
    t0 = time.perf_counter()
    from simulation.model import WelfareModel

    WelfareModel(scale=scale, seed=seed, end_year=FIRST_YEAR + 1).run()  # warm the caches
    warm = time.perf_counter() - t0
    run_s, table_s = [], []
    start = time.perf_counter()
    for k in range(runs):
        t = time.perf_counter()
        model = WelfareModel(scale=scale, seed=seed + k).run()
        run_s.append(time.perf_counter() - t)
        t = time.perf_counter()
        model.table()
        table_s.append(time.perf_counter() - t)
    return {
        "kind": "throughput",
        "scale": scale,
        "runs": runs,
        "warm_up_seconds": warm,
        "seconds": time.perf_counter() - start,
        "run_seconds": run_s,
        "table_seconds": table_s,
        "peak_rss_mb": _peak_mb(),
    }


def throughput(scale: float, runs: int, workers: int, timeout: float) -> dict[str, Any]:
    """Runs per second with ``workers`` processes, each doing ``runs`` runs back to back."""
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    load = os.getloadavg()[0]
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", "throughput", str(scale)]
    procs = [
        subprocess.Popen(
            [*cmd, str(runs), "--seed", str(1 + 1000 * w)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=ROOT,
        )
        for w in range(workers)
    ]
    results = []
    for p in procs:
        out, err = p.communicate(timeout=timeout)
        if p.returncode != 0:
            return {"error": err.strip().splitlines()[-1:], "workers": workers}
        results.append(json.loads(out.strip().splitlines()[-1]))
    busy = max(r["seconds"] for r in results)
    run_s = [x for r in results for x in r["run_seconds"]]
    table_s = [x for r in results for x in r["table_seconds"]]
    return {
        "scale": scale,
        "workers": workers,
        "runs": runs * workers,
        "seconds": busy,
        "runs_per_second": runs * workers / busy,
        "mean_run_seconds": sum(run_s) / len(run_s),
        "mean_table_seconds": sum(table_s) / len(table_s),
        "warm_up_seconds": max(r["warm_up_seconds"] for r in results),
        "load_average_before": load,
    }


def measure_plain(scale: float, years: int, seed: int = 1) -> dict[str, Any]:
    """Run the plain-Mesa reference once and time it (call in a fresh process)."""
    import numpy as np

    from benchmarks.plain_mesa import PlainMesaModel
    from simulation.constants import AREAS, BASE_YEAR
    from simulation.model import WelfareModel

    source = WelfareModel(scale=scale, seed=seed, end_year=BASE_YEAR + 1)
    rss_before = _rss_mb()
    t0 = time.perf_counter()
    model = PlainMesaModel(scale=scale, seed=seed, source=source)
    init_seconds = time.perf_counter() - t0
    n0 = len(model.agents)
    rss_agents = _rss_mb() - rss_before
    step_seconds: list[float] = []
    first_year: dict[str, Any] = {}
    cpu_seconds = 0.0
    for _ in range(years):
        start = time.perf_counter()
        cpu = time.process_time()
        model.step()
        cpu_seconds += time.process_time() - cpu
        step_seconds.append(time.perf_counter() - start)
        if not first_year:
            h = model.history[0]
            counts = model.need_counts()
            first_year = {
                "deaths": h["deaths"],
                "births": h["births"],
                "emigrants": h["emigrants"],
                "movers": h["movers"],
                "citizens_start": h["citizens_start"],
                "need_prevalence_end": dict(
                    zip(AREAS, (np.array(counts) / len(model.agents)).tolist(), strict=True)
                ),
            }
    citizen_years = sum(h["citizens_start"] for h in model.history)
    run_seconds = float(sum(step_seconds))
    return {
        "kind": "plain_mesa",
        "scale": scale,
        "years": years,
        "seed": seed,
        "citizens_start": n0,
        "citizens_end": len(model.agents),
        "citizen_years": citizen_years,
        "init_seconds": init_seconds,
        "init_seconds_per_citizen": init_seconds / n0,
        "rss_mb_per_1000_agents": 1000 * rss_agents / n0,
        "run_seconds": run_seconds,
        "step_seconds": step_seconds,
        "seconds_per_year": run_seconds / years,
        "seconds_per_citizen_year": run_seconds / citizen_years,
        "run_cpu_seconds": cpu_seconds,
        "cpu_seconds_per_citizen_year": cpu_seconds / citizen_years,
        "first_year": first_year,
        "history": model.history,
        "peak_rss_mb": _peak_mb(),
    }


# --- orchestration ---------------------------------------------------------------------------
def _spawn(args: list[str], timeout: float) -> dict[str, Any]:
    """Run one measurement in a fresh interpreter and return its JSON result."""
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    load = os.getloadavg()[0]
    start = time.perf_counter()
    try:
        proc = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--worker", *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
            cwd=ROOT,
        )
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s", "args": args}
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        return {"error": proc.stderr.strip().splitlines()[-1:], "args": args}
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["process_wall_seconds"] = wall
    result["load_average_before"] = load
    return result


def _best(results: list[dict[str, Any]]) -> dict[str, Any]:
    """The fastest of repeated measurements (the least disturbed by other load)."""
    ok = [r for r in results if "error" not in r]
    if not ok:
        return results[0]
    best = min(ok, key=lambda r: r["run_seconds"])
    best["repeats"] = len(results)
    best["run_seconds_all"] = [r["run_seconds"] for r in ok]
    return best


def _merge(
    old: list[dict[str, Any]], new: list[dict[str, Any]], keys: tuple[str, ...]
) -> list[dict[str, Any]]:
    """Old measurements with those repeated in ``new`` replaced (``--merge``)."""

    def key(r: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(r.get(k) for k in keys)

    fresh = {key(r): r for r in new if "error" not in r}
    merged = [fresh.pop(key(r), r) for r in old]
    return merged + list(fresh.values())


def machine() -> dict[str, Any]:
    """The machine the numbers were measured on."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
    except (OSError, StopIteration):
        mem_kb = 0
    import mesa
    import numpy

    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": round(mem_kb / 2**20, 1),
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "mesa": mesa.__version__,
        "platform": platform.platform(),
    }


def summarise(vectorised: list[dict[str, Any]], plain: list[dict[str, Any]]) -> dict[str, Any]:
    """Seconds per citizen-year of both and their ratios.

    Each vectorised baseline run is compared with the plain-Mesa run at the same scale, or, where
    there is none (scale 1.0), with the plain-Mesa run at the largest scale measured.
    """
    ok_v = [r for r in vectorised if "error" not in r and r["scenario"] == "baseline"]
    ok_p = {r["scale"]: r for r in plain if "error" not in r}
    if not ok_v or not ok_p:
        return {}
    largest = ok_p[max(ok_p)]
    rows = []
    for r in sorted(ok_v, key=lambda r: r["scale"]):
        ref = ok_p.get(r["scale"], largest)
        plain_cy = ref["seconds_per_citizen_year"]
        dn = r["phase_seconds"].get("demography", 0.0) + r["phase_seconds"].get("needs", 0.0)
        dn_cy = dn / r["citizen_years"]
        rows.append(
            {
                "scale": r["scale"],
                "plain_mesa_scale": ref["scale"],
                "plain_mesa_s_per_citizen_year": plain_cy,
                "vectorised_s_per_citizen_year": r["seconds_per_citizen_year"],
                "vectorised_demography_needs_s_per_citizen_year": dn_cy,
                "ratio_whole_year": plain_cy / r["seconds_per_citizen_year"],
                "ratio_demography_needs": plain_cy / dn_cy if dn_cy else None,
                "plain_mesa_cpu_s_per_citizen_year": ref["cpu_seconds_per_citizen_year"],
                "vectorised_cpu_s_per_citizen_year": r["cpu_seconds_per_citizen_year"],
                "ratio_whole_year_cpu": ref["cpu_seconds_per_citizen_year"]
                / r["cpu_seconds_per_citizen_year"],
            }
        )
    big = max(ok_v, key=lambda r: r["scale"])
    full_cy = big["citizen_years"] / big["scale"] * (25 / big["years"])
    plain_cy = largest["seconds_per_citizen_year"]
    return {
        "plain_mesa_reference": {
            "scale": largest["scale"],
            "years": largest["years"],
            "s_per_citizen_year": plain_cy,
        },
        "plain_mesa_full_run_estimate": {
            "citizen_years": full_cy,
            "seconds": plain_cy * full_cy + largest["init_seconds_per_citizen"] * full_cy / 25,
            "memory_gb_agents_only": largest["rss_mb_per_1000_agents"] * full_cy / 25 / 1000 / 1024,
        },
        "ratios": rows,
    }


def _fmt(x: float | None, digits: int = 2) -> str:
    if x is None:
        return "-"
    if x != 0 and abs(x) < 10 ** (-digits):
        return f"{x:.2e}"
    return f"{x:,.{digits}f}"


def markdown(report: dict[str, Any]) -> str:
    """The results as markdown tables."""
    m = report["machine"]
    lines = [
        f"# Benchmark results ({report['date']})",
        "",
        f"Machine: {m['nproc']} cores, {m['cpu']}, {m['memory_gb']} GB; Python {m['python']}, "
        f"NumPy {m['numpy']}, Mesa {m['mesa']}. Command: `{report['command']}`",
        "",
        "## Vectorised model (`WelfareModel`), one run per row, fresh process each",
        "",
        "| scenario | scale | citizens 2026 | years | set-up s | s / year | run s | "
        "set-up + run s | run CPU s | table s | peak RSS MB | µs / citizen-year | runs | load |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in report["vectorised"]:
        if "error" in r:
            lines.append(f"| {r['args']} | error: {r['error']} |")
            continue
        lines.append(
            f"| {r['scenario']} | {r['scale']} | {r['citizens_start']:,} | {r['years']} | "
            f"{_fmt(r['init_seconds'])} | {_fmt(r['seconds_per_year'], 3)} | "
            f"{_fmt(r['run_seconds'])} | {_fmt(r['total_seconds'])} | "
            f"{_fmt(r['run_cpu_seconds'])} | {_fmt(r['table_seconds'])} | "
            f"{r['peak_rss_mb']:,.0f} | {_fmt(r['seconds_per_citizen_year'] * 1e6, 3)} | "
            f"{r.get('repeats', 1)} | {r['load_average_before']:.1f} |"
        )
    lines += [
        "",
        "'runs': measurements made, the fastest shown; 'load': 1-minute load average before it "
        "(other work on the machine).",
        "",
        "Time per mechanism of the year (seconds over the whole run; 'other' is the rest of "
        "`step`: the start-of-year caseloads, population counts and followed citizens):",
        "",
        "| scenario | scale | demography | needs | costs | civil society | strategy | collect "
        "| other |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in report["vectorised"]:
        if "error" in r:
            continue
        ph = r["phase_seconds"]
        other = r["run_seconds"] - sum(ph.values())
        cells = [
            _fmt(ph.get(k)) for k in ("demography", "needs", "costs", "civil_society", "strategy")
        ]
        lines.append(
            f"| {r['scenario']} | {r['scale']} | "
            + " | ".join(cells)
            + f" | {_fmt(ph.get('collect'))} | {_fmt(other)} |"
        )
    lines += [
        "",
        "## Plain-Mesa reference (`benchmarks/plain_mesa.py`, one `mesa.Agent` per citizen)",
        "",
        "| scale | citizens 2026 | years | set-up s | s / year | run s | run CPU s | peak RSS MB | "
        "MB / 1000 agents | µs / citizen-year | runs | load |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in report["plain_mesa"]:
        if "error" in r:
            lines.append(f"| {r['args']} | error: {r['error']} |")
            continue
        lines.append(
            f"| {r['scale']} | {r['citizens_start']:,} | {r['years']} | "
            f"{_fmt(r['init_seconds'])} | "
            f"{_fmt(r['seconds_per_year'], 3)} | {_fmt(r['run_seconds'])} | "
            f"{_fmt(r['run_cpu_seconds'])} | "
            f"{r['peak_rss_mb']:,.0f} | {_fmt(r['rss_mb_per_1000_agents'])} | "
            f"{_fmt(r['seconds_per_citizen_year'] * 1e6, 3)} | {r.get('repeats', 1)} | "
            f"{r['load_average_before']:.1f} |"
        )
    s = report.get("summary") or {}
    if s:
        ref = s["plain_mesa_reference"]
        est = s["plain_mesa_full_run_estimate"]
        lines += [
            "",
            "## Ratio (plain-Mesa seconds per citizen-year / vectorised seconds per citizen-year)",
            "",
            "Each vectorised baseline run against the plain-Mesa run at the same scale (at scale "
            f"1.0 against the largest plain-Mesa run, scale {ref['scale']}, {ref['years']} years, "
            f"{_fmt(ref['s_per_citizen_year'] * 1e6, 3)} µs per citizen-year). Extrapolated to the "
            f"full run (scale 1.0, 2026-2050, {est['citizen_years'] / 1e6:,.0f} M citizen-years): "
            f"about {est['seconds'] / 60:,.0f} min and {_fmt(est['memory_gb_agents_only'], 1)} GB "
            "for the agents alone.",
            "",
            "Wall time, and CPU time (less disturbed by other work on a shared machine):",
            "",
            "| scale | plain-Mesa µs / citizen-year (its scale) | vectorised µs / citizen-year "
            "(whole year) | ratio | vectorised µs / citizen-year (demography + needs only) "
            "| ratio | ratio of CPU time (whole year) |",
            "|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for row in s["ratios"]:
            lines.append(
                f"| {row['scale']} | {_fmt(row['plain_mesa_s_per_citizen_year'] * 1e6, 3)} "
                f"({row['plain_mesa_scale']}) | "
                f"{_fmt(row['vectorised_s_per_citizen_year'] * 1e6, 3)} | "
                f"{_fmt(row['ratio_whole_year'], 1)} | "
                f"{_fmt(row['vectorised_demography_needs_s_per_citizen_year'] * 1e6, 3)} | "
                f"{_fmt(row['ratio_demography_needs'], 1)} | "
                f"{_fmt(row['ratio_whole_year_cpu'], 1)} |"
            )
    tp = [r for r in report.get("throughput") or [] if "error" not in r]
    if tp:
        lines += [
            "",
            "## Runs per second (baseline, back-to-back runs per worker process)",
            "",
            "Each worker process imports once, warms the data caches with one short run, then "
            "builds, runs (2026-2050) and tabulates its runs one after the other; this is the "
            "ceiling a sweep runner can reach before its own overhead.",
            "",
            "| scale | workers | runs | s | runs / s | s / run (build + run) | s / table | load |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for r in tp:
            lines.append(
                f"| {r['scale']} | {r['workers']} | {r['runs']} | {_fmt(r['seconds'])} | "
                f"{_fmt(r['runs_per_second'])} | {_fmt(r['mean_run_seconds'], 3)} | "
                f"{_fmt(r['mean_table_seconds'], 3)} | {r['load_average_before']:.1f} |"
            )
    checks = report.get("first_year_check") or []
    if checks:
        lines += [
            "",
            "## Same rules? First simulated year at the same scale and seed",
            "",
            "Per 1,000 citizens of 1 January 2026 (deaths and births in 2026), and the share with "
            "any need on 1 January 2027. The vectorised model also aligns to the projection "
            "(immigration and extra emigration), which the reference does not.",
            "",
            "| quantity | " + " | ".join(c["label"] for c in checks) + " |",
            "|---|" + "---:|" * len(checks),
        ]
        keys = ["deaths", "births"] + list(checks[0]["need_prevalence_end"])
        for key in keys:
            cells = []
            for c in checks:
                if key in ("deaths", "births"):
                    cells.append(_fmt(1000 * c[key] / c["citizens_start"], 2))
                else:
                    cells.append(_fmt(c["need_prevalence_end"][key], 4))
            label = f"{key} per 1,000" if key in ("deaths", "births") else f"need share: {key}"
            lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scales", type=float, nargs="*", default=[0.001, 0.003, 0.01, 0.1, 1.0])
    parser.add_argument("--scenarios", nargs="*", default=["baseline", "strategic"])
    parser.add_argument("--years", type=int, default=25, help="simulated years from 2026")
    parser.add_argument("--mesa-scales", type=float, nargs="*", default=[0.001, 0.003, 0.01, 0.1])
    parser.add_argument(
        "--mesa-budget",
        type=float,
        default=5e5,
        help="most citizen-years per plain-Mesa run (fewer years at larger scales)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="runs per measurement below --repeat-below (best kept)",
    )
    parser.add_argument("--repeat-below", type=float, default=0.5, help="scale limit of --repeat")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--throughput-scale", type=float, default=0.01)
    parser.add_argument("--throughput-runs", type=int, default=8, help="runs per worker")
    parser.add_argument(
        "--throughput-workers", type=int, nargs="*", default=[1, 2], help="worker counts"
    )
    parser.add_argument("--timeout", type=float, default=590.0, help="seconds per measurement")
    parser.add_argument("--out", default="benchmarks/results/bench")
    parser.add_argument(
        "--merge",
        action="store_true",
        help="replace only the measurements made now in an existing <out>.json",
    )
    parser.add_argument("--worker", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker:
        kind, scale, years = args.worker[0], float(args.worker[1]), int(args.worker[2])
        if kind == "vectorised":
            result = measure_vectorised(scale, years, args.worker[3], args.seed)
        elif kind == "throughput":
            result = measure_throughput(scale, years, args.seed)
        else:
            result = measure_plain(scale, years, args.seed)
        print(json.dumps(result))
        return 0

    def repeats(scale: float) -> int:
        return args.repeat if scale < args.repeat_below else 1

    vectorised: list[dict[str, Any]] = []
    for scenario in args.scenarios:
        for scale in args.scales:
            print(f"vectorised {scenario} scale {scale} ...", end=" ", flush=True)
            job = ["vectorised", str(scale), str(args.years), scenario]
            r = _best([_spawn(job, args.timeout) for _ in range(repeats(scale))])
            vectorised.append(r)
            print(r.get("error") or f"{r['total_seconds']:.2f} s, {r['peak_rss_mb']:.0f} MB")
    plain: list[dict[str, Any]] = []
    for scale in args.mesa_scales:
        n = 6.0e6 * scale
        years = int(max(1, min(args.years, args.mesa_budget // n)))
        print(f"plain Mesa scale {scale}, {years} years ...", end=" ", flush=True)
        job = ["plain", str(scale), str(years)]
        r = _best([_spawn(job, args.timeout) for _ in range(repeats(scale))])
        plain.append(r)
        print(r.get("error") or f"{r['run_seconds']:.2f} s, {r['peak_rss_mb']:.0f} MB")

    runs_per_second = []
    for workers in args.throughput_workers:
        print(f"throughput scale {args.throughput_scale}, {workers} workers ...", end=" ")
        r = throughput(args.throughput_scale, args.throughput_runs, workers, args.timeout)
        runs_per_second.append(r)
        print(r.get("error") or f"{r['runs_per_second']:.2f} runs/s", flush=True)

    command = "PYTHONPATH=. python benchmarks/bench_model.py " + " ".join(sys.argv[1:])
    out = Path(args.out)
    if args.merge and out.with_name(out.name + ".json").exists():
        old = json.loads(out.with_name(out.name + ".json").read_text())
        vectorised = _merge(old["vectorised"], vectorised, ("scenario", "scale"))
        plain = _merge(old["plain_mesa"], plain, ("scale",))
        runs_per_second = _merge(old.get("throughput", []), runs_per_second, ("scale", "workers"))
        command = f"{old['command']}; then {command}"

    checks = []
    for r in plain:
        if "error" in r:
            continue
        match = [
            v
            for v in vectorised
            if "error" not in v and v["scenario"] == "baseline" and v["scale"] == r["scale"]
        ]
        checks.append({"label": f"plain Mesa {r['scale']}", **r["first_year"]})
        if match:
            checks.append({"label": f"vectorised {r['scale']}", **match[0]["first_year"]})

    report = {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "command": command,
        "machine": machine(),
        "vectorised": vectorised,
        "plain_mesa": plain,
        "summary": summarise(vectorised, plain),
        "first_year_check": checks,
        "throughput": runs_per_second,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    for suffix, text in ((".json", json.dumps(report, indent=1)), (".md", markdown(report))):
        tmp = out.with_name(out.name + suffix + ".tmp")
        tmp.write_text(text)
        tmp.replace(out.with_name(out.name + suffix))
    print(markdown(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
