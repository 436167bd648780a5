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

    from simulation.model import WelfareModel
    from simulation.needs import AREAS, need_model
    from simulation.projection import age_groups
    from simulation.rates import MAX_AGE, N_AGES

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
    groups = age_groups()
    n_groups = len(groups.names)
    n_mun = 98
    n_cells = n_mun * n_groups
    cell = mun.astype(np.int64) * n_groups + groups.of_age[age]
    survive = rng.random(n) > 0.02
    # alignment: about 1.5% of residents arrive and 0.5% leave on top of the modelled flows
    add_k = rng.poisson(0.015 * n / n_cells * 2, n_cells) * (rng.random(n_cells) < 0.5)
    remove_k = rng.poisson(0.005 * n / n_cells * 2, n_cells) * (add_k == 0)
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

    # 2. immigrants take the age and sex of a random resident of their cell
    def donors_sort() -> None:
        idx = np.flatnonzero(survive)
        cell_s = cell[idx]
        order = idx[np.argsort(cell_s.astype(np.int16), kind="stable")]
        have = np.bincount(cell_s, minlength=n_cells)
        start = np.concatenate([[0], np.cumsum(have)[:-1]])
        cells = np.repeat(np.arange(n_cells), add_k)
        pick = (rng.random(len(cells)) * np.maximum(have[cells], 1)).astype(np.int64)
        donor = order[np.minimum(start[cells] + pick, len(order) - 1)]
        return age[donor], sex[donor]

    def donors_histogram() -> None:
        # residents by (cell, sex, age): one bincount, no sort; then inverse-CDF draws
        key = cell[survive] * (2 * N_AGES) + sex_age[survive]
        hist = np.bincount(key, minlength=n_cells * 2 * N_AGES).reshape(n_cells, -1)
        cum = np.cumsum(hist, axis=1)
        cells = np.repeat(np.arange(n_cells), add_k)
        target = rng.random(len(cells)) * cum[cells, -1]
        flat = (cum + (np.arange(n_cells) * (cum[:, -1].max() + 1))[:, None]).ravel()
        off = cells * (cum[:, -1].max() + 1)
        pos = np.searchsorted(flat, off + target, side="right") - cells * 2 * N_AGES
        return pos % N_AGES, pos // N_AGES

    case(
        f"immigrant donors ({add_k.sum():,} immigrants)",
        {
            "stable int16 argsort of survivors by cell (_immigrants)": donors_sort,
            "bincount of (cell, sex, age) + inverse-CDF draw per immigrant": donors_histogram,
        },
    )

    # 3. extra emigration: remove_k random survivors per cell
    def leavers_sort() -> None:
        sub = np.flatnonzero(survive & (remove_k[cell] > 0))
        key = (cell[sub] << 32) | rng.integers(0, 2**32, size=len(sub), dtype=np.int64)
        order = sub[np.argsort(key)]
        sorted_cell = cell[order]
        first = np.searchsorted(sorted_cell, sorted_cell, side="left")
        rank = np.arange(len(order)) - first
        return order[rank < remove_k[sorted_cell]]

    def leavers_thinning() -> None:
        # keep each survivor of a cell as a candidate with a probability a little above
        # remove_k / have, then sort only the candidates (exact: a random subset of a random
        # superset is a random subset; cells with too few candidates fall back to all rows)
        have = np.bincount(cell[survive], minlength=n_cells)
        p = np.minimum(1.0, (1.2 * remove_k + 10) / np.maximum(have, 1)) * (remove_k > 0)
        cand = np.flatnonzero(survive & (rng.random(n, dtype=np.float32) < p[cell]))
        key = (cell[cand] << 32) | rng.integers(0, 2**32, size=len(cand), dtype=np.int64)
        order = cand[np.argsort(key)]
        sorted_cell = cell[order]
        first = np.searchsorted(sorted_cell, sorted_cell, side="left")
        rank = np.arange(len(order)) - first
        return order[rank < remove_k[sorted_cell]]

    case(
        f"extra emigration ({remove_k.sum():,} leavers)",
        {
            "argsort of (cell << 32 | random), cells' survivors (_choose_leavers)": leavers_sort,
            "random thinning to ~1.2 x remove_k candidates, then the same sort": leavers_thinning,
        },
    )

    # 4. caseloads: bincount over every row, or over the rows in need only
    state = c.need[:, 0].copy()
    addr = c.addressable[:, 0].copy()
    needs = need_model()

    def caseload_all() -> None:
        for j, area in enumerate(AREAS):
            width = needs.n_levels(area) + 1
            st, ad = c.need[:, j], c.addressable[:, j]
            key = (mun.astype(np.int32) * 2 + ad) * width + st
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
        "caseloads, 6 areas (costs.caseloads)",
        {
            "key over all rows, bincount": caseload_all,
            "only rows with a need (flatnonzero(state) first)": caseload_in_need,
        },
    )

    # 5. set-up: initial need levels from the prevalence
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

    # 6. civil society: final counts by municipality
    vol = c.volunteer.copy() if "volunteer" in c.columns else rng.integers(0, 3, n).astype(np.int8)

    def stats_now() -> None:
        social = vol == 2
        np.bincount(mun[vol > 0], minlength=n_mun)
        np.bincount(mun[social], minlength=n_mun)
        np.bincount(mun[social], minlength=n_mun)

    def stats_once() -> None:
        t = np.bincount(mun.astype(np.intp) * 3 + vol, minlength=n_mun * 3).reshape(n_mun, 3)
        _ = t[:, 1] + t[:, 2], t[:, 2]

    case(
        "civil society: volunteers by municipality",
        {
            "three masked bincounts (CivilSociety.step)": stats_now,
            "one bincount of municipality * 3 + volunteer": stats_once,
        },
    )

    # 7. uniforms
    case(
        "uniforms drawn per year",
        {
            "demography (5, n) + civil society (4, n) float32": lambda: (
                model.rng.random((5, n), dtype=np.float32),
                model.rng.random((4, n), dtype=np.float32),
            ),
            "(3, n) + (3, n) float32; movers / mothers / newcomers drawn apart": lambda: (
                model.rng.random((3, n), dtype=np.float32),
                model.rng.random((3, n), dtype=np.float32),
            ),
        },
    )

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
