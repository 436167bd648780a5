"""Profile the yearly step of the vectorised model: functions (cProfile) and lines (a line timer).

cProfile shows where the time goes by function, but most of the model's time is spent inside
NumPy operations written inline (comparisons, fancy indexing, ``bincount``), which cProfile
books to the calling function. The line timer therefore also times every line of the hot
functions (``sys.settrace`` on their code objects only; a line of a vectorised function over
millions of citizens takes milliseconds, so the tracing overhead of about a microsecond per line
event does not change the picture).

Usage (from the repository root)::

    PYTHONPATH=. python benchmarks/profile_step.py --scale 1.0 --warmup 1 --steps 2 \
        --out benchmarks/results/profile_scale1

Writes ``<out>.txt`` (cProfile, top functions) and ``<out>_lines.md`` (the slowest lines).
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import linecache
import pstats
import sys
import time
from collections import defaultdict
from pathlib import Path
from types import CodeType, FrameType
from typing import Any


class LineTimer:
    """Wall time per source line of every function defined under ``folder`` (``sys.settrace``)."""

    def __init__(self, folder: Path) -> None:
        self.folder = str(folder.resolve())
        self._traced: dict[CodeType, bool] = {}
        self.seconds: dict[tuple[str, int], float] = defaultdict(float)
        self.hits: dict[tuple[str, int], int] = defaultdict(int)
        self._last: dict[int, tuple[tuple[str, int], float]] = {}

    def _local(self, frame: FrameType, event: str, arg: Any) -> Any:
        now = time.perf_counter()
        fid = id(frame)
        if fid in self._last:
            key, t = self._last[fid]
            self.seconds[key] += now - t
            self.hits[key] += 1
        if event == "line":
            self._last[fid] = ((frame.f_code.co_filename, frame.f_lineno), time.perf_counter())
        elif event == "return":
            self._last.pop(fid, None)
        return self._local

    def _global(self, frame: FrameType, event: str, arg: Any) -> Any:
        if event != "call":
            return None
        code = frame.f_code
        traced = self._traced.get(code)
        if traced is None:
            traced = self._traced[code] = code.co_filename.startswith(self.folder)
        return self._local if traced else None

    def __enter__(self) -> LineTimer:
        sys.settrace(self._global)
        return self

    def __exit__(self, *exc: object) -> None:
        sys.settrace(None)

    def report(self, steps: int, top: int = 40, root: Path | None = None) -> str:
        """The slowest lines as a markdown table (seconds per step)."""
        rows = sorted(self.seconds.items(), key=lambda kv: -kv[1])[:top]
        out = ["| s / step | hits / step | where | line |", "|---:|---:|---|---|"]
        for (filename, lineno), sec in rows:
            src = linecache.getline(filename, lineno).strip().replace("|", "\\|")
            name = filename
            if root is not None:
                with contextlib.suppress(ValueError):
                    name = str(Path(filename).resolve().relative_to(root))
            hits = self.hits[(filename, lineno)] / steps
            out.append(f"| {sec / steps:.3f} | {hits:g} | {name}:{lineno} | `{src[:90]}` |")
        return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--scenario", default="baseline")
    parser.add_argument("--warmup", type=int, default=1, help="years stepped before profiling")
    parser.add_argument("--steps", type=int, default=2, help="years profiled")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--out", default="benchmarks/results/profile")
    parser.add_argument("--no-lines", action="store_true", help="skip the line timer")
    args = parser.parse_args(argv)
    root = Path(__file__).resolve().parents[1]

    from simulation.model import WelfareModel

    t0 = time.perf_counter()
    if args.scenario == "baseline":
        model = WelfareModel(scale=args.scale, seed=1)
    else:
        from simulation.runs.simulate import scenario_parameters
        from simulation.scenario import load_scenario

        sc = load_scenario(str(root / "scenarios" / f"{args.scenario}.toml"))
        model = WelfareModel(scenario_parameters(sc), scale=args.scale, seed=1, lever_source=sc)
    init = time.perf_counter() - t0
    for _ in range(args.warmup):
        model.step()

    profiler = cProfile.Profile()
    t0 = time.perf_counter()
    profiler.enable()
    for _ in range(args.steps):
        model.step()
    profiler.disable()
    profiled = (time.perf_counter() - t0) / args.steps

    buf = io.StringIO()
    stats = pstats.Stats(profiler, stream=buf)
    stats.sort_stats("tottime").print_stats(args.top)
    stats.sort_stats("cumulative").print_stats(args.top)
    head = (
        f"scale {args.scale}, scenario {args.scenario}, {len(model.citizens):,} citizens; "
        f"set-up {init:.2f} s; {args.steps} profiled steps after {args.warmup} warm-up; "
        f"{profiled:.2f} s per step under cProfile\n"
        "Divide the times below by the number of profiled steps for seconds per step.\n\n"
    )

    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.with_name(out.name + ".txt").write_text(head + buf.getvalue())
    print(head + buf.getvalue()[:6000])

    if not args.no_lines:
        timer = LineTimer(root / "simulation")
        t0 = time.perf_counter()
        with timer:
            for _ in range(args.steps):
                model.step()
        traced = (time.perf_counter() - t0) / args.steps
        text = (
            f"# Slowest lines, scale {args.scale}, {args.scenario}\n\n"
            f"{len(model.citizens):,} citizens; {args.steps} steps, {traced:.2f} s per step "
            "under the line timer. A line's time includes the functions it calls.\n\n"
            + timer.report(args.steps, top=args.top, root=root)
            + "\n"
        )
        out.with_name(out.name + "_lines.md").write_text(text)
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
