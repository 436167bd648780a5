"""Micro-benchmarks of the column operations that dominate the full-scale step, and alternatives.

Each case times the operation as ``simulation/`` writes it (at the time of writing; the code is
being optimised, so re-read it) against a cheaper equivalent that gives the same result or the
same distribution, on the real population at ``--scale`` (default 1.0: about 6 million rows)
after ``--years`` simulated years. The results back the suggestions in ``benchmarks/README.md``;
nothing here changes the model.

Usage (from the repository root)::

    PYTHONPATH=. python benchmarks/micro_ops.py --out benchmarks/results/micro_ops.md
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np


def best_of(fn: Callable[[], Any], repeat: int = 3) -> float:
    """Fastest wall time of ``repeat`` calls, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--years", type=int, default=2, help="years stepped before timing")
    parser.add_argument("--out", default="benchmarks/results/micro_ops.md")
    args = parser.parse_args(argv)

    from simulation.constants import AREAS, MAX_AGE, N_AGES
    from simulation.model import WelfareModel
    from simulation.year.needs import need_model

    model = WelfareModel(scale=args.scale, seed=1, end_year=2030)
    for _ in range(args.years):  # the row order of a running model, not the initial one
        model.step()
    c = model.citizens
    n = len(c)
    rng = np.random.default_rng(7)
    mun = c.municipality.copy()
    age = np.minimum(c.age, MAX_AGE)
    sex = c.sex.copy()
    sex_age = sex.astype(np.intp) * N_AGES + age
    n_mun = 98
    survive = rng.random(n) > 0.02
    rows: list[tuple[str, str, float]] = []

    def case(title: str, variants: dict[str, Callable[[], Any]]) -> None:
        for name, fn in variants.items():
            sec = best_of(fn)
            rows.append((title, name, sec))
            print(f"{title[:40]:40s} {name[:70]:70s} {sec * 1000:8.1f} ms", flush=True)

    # 1. removing the dead and emigrated: compress every column
    cols = {k: v.copy() for k, v in c.columns.items()}
    bytes_per_row = sum(v.itemsize * (v.size // max(len(v), 1)) for v in cols.values())

    def keep_mask() -> None:
        for v in cols.values():
            v[survive]

    def keep_take() -> None:
        sel = np.flatnonzero(survive)
        for v in cols.values():
            v.take(sel, axis=0)

    case(
        f"keep(): {len(cols)} columns, {bytes_per_row} B/row",
        {
            "col[mask] per column (CitizenSet.keep)": keep_mask,
            "sel = flatnonzero(mask) once, col.take(sel, axis=0)": keep_take,
        },
    )

    # 2. caseloads: bincount over every row, or over the rows in need only
    state = c.need[:, 0].copy()
    addr = c.addressable[:, 0].copy()
    needs = need_model()

    def caseload_all() -> None:
        for j, area in enumerate(AREAS):
            width = needs.n_levels(area) + 1
            st, ad = c.need[:, j], c.addressable[:, j]
            key = (mun * np.int16(2) + ad) * np.int16(width) + st
            np.bincount(key, minlength=n_mun * 2 * width)

    def caseload_in_need() -> None:
        for j, area in enumerate(AREAS):
            width = needs.n_levels(area) + 1
            st, ad = c.need[:, j], c.addressable[:, j]
            idx = np.flatnonzero(st)
            key = (mun[idx].astype(np.intp) * 2 + ad[idx]) * width + st[idx]
            np.bincount(key, minlength=n_mun * 2 * width)

    del state, addr
    case(
        "caseloads, 6 areas",
        {
            "int16 key over all rows, bincount (costs.caseloads)": caseload_all,
            "only rows with a need (flatnonzero(state) first)": caseload_in_need,
        },
    )

    # 3. set-up: initial need levels from the prevalence
    u = rng.random(n)

    def draw_now() -> None:
        for area in AREAS:
            needs.draw_initial(area, sex, age, u)

    tables = {}
    for area in AREAS:
        prev = needs.prevalence(area)
        tables[area] = np.cumsum(prev, axis=0).reshape(prev.shape[0], -1)

    def draw_flat() -> None:
        for area in AREAS:
            cum = tables[area]
            k = np.zeros(n, np.int8)
            for i in range(cum.shape[0]):
                k += u >= cum[i].take(sex_age)
            np.where(k < cum.shape[0], k + 1, 0).astype(np.int8)

    case(
        "set-up: initial needs, 6 areas",
        {
            "NeedModel.draw_initial (prevalence gathered to (L, n), cumsum)": draw_now,
            "cumulative table per (sex, age), take + compare per level": draw_flat,
        },
    )

    # 4. strategy: eligible citizens in random order within each municipality (reach)
    eligible = np.flatnonzero(rng.random(n) < 0.5)
    mun_e = mun[eligible].astype(np.int64)

    case(
        f"reach: random order by municipality ({len(eligible):,} eligible)",
        {
            "np.lexsort((rng.random(k), municipality)) (reach.assign_doses)": lambda: np.lexsort(
                (rng.random(len(eligible)), mun_e)
            ),
            "np.argsort(municipality << 32 | random uint32), one int64 key": lambda: np.argsort(
                (mun_e << 32) | rng.integers(0, 2**32, len(eligible), dtype=np.int64)
            ),
        },
    )

    # 5. uniforms
    from concurrent.futures import ThreadPoolExecutor

    streams = model.rng.spawn(len(AREAS))
    pool = ThreadPoolExecutor(max_workers=2)

    def needs_uniforms_threads() -> None:
        list(pool.map(lambda g: g.random(n, dtype=np.float32), streams))

    case(
        "uniforms drawn per year",
        {
            "demography rng.random((5, n), float32)": lambda: model.rng.random(
                (5, n), dtype=np.float32
            ),
            "demography (3, n) + movers' and women 15-49's draws apart": lambda: (
                model.rng.random((3, n), dtype=np.float32),
                model.rng.random(n // 25, dtype=np.float32),
                model.rng.random(n // 5, dtype=np.float32),
            ),
            "needs: 6 x rng.random(n, float32) in the main thread (_needs_step)": lambda: [
                model.rng.random(n, dtype=np.float32) for _ in AREAS
            ],
            "needs: one spawned stream per area, drawn inside the 2 worker threads": (
                needs_uniforms_threads
            ),
        },
    )
    pool.shutdown()

    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    lines = [
        f"# Micro-benchmarks of column operations ({n:,} rows, scale {args.scale})",
        "",
        f"Best of 3, milliseconds per call, load average {os.getloadavg()[0]:.1f}. "
        "Produced by `PYTHONPATH=. python benchmarks/micro_ops.py`. The first variant of each "
        "operation is the model's code (re-implemented here), the second a suggested equivalent.",
        "",
        "| operation | variant | ms |",
        "|---|---|---:|",
    ]
    lines += [f"| {t} | {v.replace('|', chr(92) + '|')} | {s * 1000:,.1f} |" for t, v, s in rows]
    out.write_text("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
