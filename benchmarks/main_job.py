"""Time the default main job, ``python run.py``, as a user runs it: wall clock and CPU.

Each repeat starts ``python run.py`` (baseline, patchwork and strategic at the defaults) in a
fresh subprocess whose working folder is a new temporary folder, so the results folder it writes
(``results/<date>-<time>-...``) lands there and is deleted afterwards. Wall time is
``time.perf_counter``; CPU time is the children's user plus system time from ``os.times``
(all processes of the job, worker processes included, once they have been waited for); the load
average before and after each repeat is kept, because the machine may be shared.

Usage (from the repository root)::

    PYTHONPATH=. python benchmarks/main_job.py --repeats 3 --out benchmarks/results/main_job

Results go to ``<out>.json`` and ``<out>.md``. Nothing here is a test; nothing in ``simulation/``
imports from here.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def time_once(python: str) -> dict[str, float]:
    """Run ``python run.py`` once in a temporary working folder and time it.

    Args:
        python: The interpreter to run the job with.

    Returns:
        Wall seconds, CPU seconds (user, system, total) of the child processes, and the 1-minute
        load average before and after.

    Raises:
        RuntimeError: If the job exits with a non-zero status.
    """
    work = Path(tempfile.mkdtemp(prefix="main-job-"))
    try:
        load_before = os.getloadavg()[0]
        before = os.times()
        start = time.perf_counter()
        done = subprocess.run(
            [python, str(ROOT / "run.py")],
            cwd=work,
            capture_output=True,
            text=True,
            check=False,
        )
        wall = time.perf_counter() - start
        after = os.times()
        load_after = os.getloadavg()[0]
        if done.returncode != 0:
            raise RuntimeError(f"run.py exited with {done.returncode}: {done.stderr[-2000:]}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    user = after.children_user - before.children_user
    system = after.children_system - before.children_system
    return {
        "wall_s": wall,
        "cpu_user_s": user,
        "cpu_system_s": system,
        "cpu_s": user + system,
        "load_before": load_before,
        "load_after": load_after,
    }


def summarise(repeats: list[dict[str, float]]) -> dict[str, float]:
    """Median and minimum of wall and CPU time over the repeats.

    Args:
        repeats: The measurements of :func:`time_once`.

    Returns:
        ``wall_median_s``, ``wall_min_s``, ``cpu_median_s``, ``cpu_min_s``.
    """
    wall = [r["wall_s"] for r in repeats]
    cpu = [r["cpu_s"] for r in repeats]
    return {
        "wall_median_s": statistics.median(wall),
        "wall_min_s": min(wall),
        "cpu_median_s": statistics.median(cpu),
        "cpu_min_s": min(cpu),
    }


def markdown(result: dict) -> str:
    """The results as a Markdown page.

    Args:
        result: The dictionary written to the JSON file.

    Returns:
        The page.
    """
    lines = [
        "# Main job timing (`python run.py`)",
        "",
        f"Measured {result['when']} on {result['machine']} ({result['cpus']} CPUs), "
        f"Python {result['python']}, {len(result['repeats'])} repeats, each in a fresh process.",
        "",
        "| repeat | wall s | CPU s (user + system) | load before | load after |",
        "|---|---|---|---|---|",
    ]
    for i, r in enumerate(result["repeats"], 1):
        lines.append(
            f"| {i} | {r['wall_s']:.1f} | {r['cpu_s']:.1f} ({r['cpu_user_s']:.1f} + "
            f"{r['cpu_system_s']:.1f}) | {r['load_before']:.2f} | {r['load_after']:.2f} |"
        )
    s = result["summary"]
    lines += [
        "",
        f"Median wall {s['wall_median_s']:.1f} s (min {s['wall_min_s']:.1f} s); median CPU "
        f"{s['cpu_median_s']:.1f} s (min {s['cpu_min_s']:.1f} s).",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command line: time the main job and write ``<out>.json`` and ``<out>.md``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="how many runs (default 3)")
    parser.add_argument("--python", default=sys.executable, help="interpreter for run.py")
    parser.add_argument(
        "--out", default=str(ROOT / "benchmarks" / "results" / "main_job"), help="output stem"
    )
    args = parser.parse_args(argv)
    repeats = []
    for i in range(args.repeats):
        repeats.append(time_once(args.python))
        sys.stdout.write(f"repeat {i + 1}: {json.dumps(repeats[-1])}\n")
    result = {
        "when": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": platform.platform(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "repeats": repeats,
        "summary": summarise(repeats),
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.with_suffix(".json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    out.with_suffix(".md").write_text(markdown(result), encoding="utf-8")
    sys.stdout.write(markdown(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
