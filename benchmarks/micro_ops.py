"""Micro-benchmarks of the column operations that dominate the full-scale step, and alternatives.

Each case times the operation as the model writes it today and one or more cheaper equivalents,
on the real 1 January 2026 population at ``--scale`` (default 1.0: about 6 million rows). The
results back the suggestions in ``benchmarks/README.md``; nothing here changes the model.

Usage (from the repository root)::

    PYTHONPATH=. python benchmarks/micro_ops.py --out benchmarks/results/micro_ops.md
"""

from __future__ import annotations

import argparse
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
    groups = age_groups()
    n_groups = len(groups.names)
    n_mun = 98
    n_cells = n_mun * n_groups
    cell = mun.astype(np.int64) * n_groups + groups.of_age[age]
    survive = rng.random(n) > 0.02
    rows: list[tuple[str, str, float]] = []

    def case(title: str, variants: dict[str, Callable[[], Any]]) -> None:
        for name, fn in variants.items():
            sec = best_of(fn)
            rows.append((title, name, sec))
            print(f"{title:45s} {name:60s} {sec * 1000:9.1f} ms", flush=True)

    # 1. immigrants: survivors sorted by cell to pick donors
    idx = np.flatnonzero(survive)
    cell_s = cell[idx]
    add_k = rng.poisson(3.0, n_cells) * (rng.random(n_cells) < 0.5)
    needed = add_k[cell] > 0

    def subset_order() -> np.ndarray:
        sub = idx[needed[idx]]
        return sub[np.argsort(cell[sub].astype(np.int32), kind="stable")]

    shuffled = rng.permutation(cell_s)
    case(
        "immigrant donors: order survivors by cell",
        {
            "(reference: argsort int32 stable on shuffled cells)": lambda: np.argsort(
                shuffled.astype(np.int32), kind="stable"
            ),
            "now: argsort(cell.astype(int32), stable) on all survivors": lambda: idx[
                np.argsort(cell_s.astype(np.int32), kind="stable")
            ],
            "argsort(cell.astype(int16), stable) (radix sort)": lambda: idx[
                np.argsort(cell_s.astype(np.int16), kind="stable")
            ],
            "only survivors in cells that receive immigrants (int32 stable)": subset_order,
        },
    )

    # 2. removing the dead and emigrated: compress every column
    cols = {k: v.copy() for k, v in c.columns.items()}
    bytes_per_row = sum(v.itemsize * (v.size // max(len(v), 1)) for v in cols.values())

    def keep_mask() -> None:
        for v in cols.values():
            v[survive]

    def keep_take() -> None:
        sel = np.flatnonzero(survive)
        for v in cols.values():
            np.take(v, sel, axis=0)

    def keep_compress() -> None:
        sel = np.flatnonzero(survive)
        for v in cols.values():
            v.take(sel, axis=0)

    case(
        f"keep(): compress {len(cols)} columns, {bytes_per_row} bytes/row",
        {
            "now: col[mask] per column": keep_mask,
            "idx = flatnonzero(mask) once, np.take per column": keep_take,
            "idx once, ndarray.take per column": keep_compress,
        },
    )

    # 3. uniforms for the need transitions
    needs = need_model()
    n_u = sum(1 + needs.n_levels(a) for a in AREAS)
    case(
        "needs: uniforms per year",
        {
            f"now: rng.random((1 + levels, n), float32) per area ({n_u} x n)": lambda: [
                model.rng.random((1 + needs.n_levels(a), n), dtype=np.float32) for a in AREAS
            ],
            f"one uniform per citizen and area ({len(AREAS)} x n)": lambda: model.rng.random(
                (len(AREAS), n), dtype=np.float32
            ),
        },
    )

    # 4. incidence lookups
    inc, _ = needs.transitions("health")
    flat = inc.reshape(inc.shape[0], -1)
    sa = sex.astype(np.intp) * N_AGES + age
    case(
        "needs: incidence lookup inc[i, sex, age]",
        {
            "now: inc[i, sex, a] (3-D fancy index) per level": lambda: [
                inc[i, sex, age] for i in range(inc.shape[0])
            ],
            "flat.take(sex * N_AGES + age) per level (index once per year)": lambda: [
                flat[i].take(sa) for i in range(inc.shape[0])
            ],
            "float32 table, take": lambda: [
                flat[i].astype(np.float32).take(sa) for i in range(inc.shape[0])
            ],
        },
    )

    # 5. caseloads: one bincount per area, start and end of the year
    state = c.need[:, 0].copy()
    addr = c.addressable[:, 0].copy()
    width = 4
    mun2_64 = mun.astype(np.int64) * 2
    mun2_32 = mun.astype(np.int32) * 2

    def caseload_now() -> None:
        for _ in AREAS:
            key = (mun.astype(np.int64) * 2 + addr) * width + state
            np.bincount(key, minlength=n_mun * 2 * width)

    def caseload_shared32() -> None:
        for _ in AREAS:
            key = (mun2_32 + addr) * width + state
            np.bincount(key, minlength=n_mun * 2 * width)

    def caseload_shared64() -> None:
        for _ in AREAS:
            key = (mun2_64 + addr) * width + state
            np.bincount(key, minlength=n_mun * 2 * width)

    case(
        "caseloads (6 areas, one of the two calls a year)",
        {
            "now: (mun.astype(int64) * 2 + addressable) * width + state": caseload_now,
            "mun * 2 computed once per call (int64)": caseload_shared64,
            "mun * 2 computed once per call (int32 keys)": caseload_shared32,
        },
    )

    # 6. population by municipality and age band (collect_stocks)
    masks = [None, age <= 17, (age >= 20) & (age <= 64), age >= 65, age >= 80]
    band = np.zeros(N_AGES, np.int64)
    band[18:20] = 1
    band[20:65] = 2
    band[65:80] = 3
    band[80:] = 4
    band[:18] = 0

    def stocks_now() -> None:
        for m in [None, age <= 17, (age >= 20) & (age <= 64), age >= 65, age >= 80]:
            np.bincount(mun if m is None else mun[m], minlength=n_mun)

    def stocks_once() -> None:
        t = np.bincount(mun.astype(np.int64) * 5 + band[age], minlength=n_mun * 5).reshape(-1, 5)
        _ = t.sum(axis=1), t[:, 0], t[:, 2], t[:, 3:].sum(axis=1), t[:, 4]

    del masks
    case(
        "collect_stocks: population, 0-17, 20-64, 65+, 80+",
        {
            "now: mask + bincount per metric": stocks_now,
            "one bincount of mun * 5 + band[age]": stocks_once,
        },
    )

    # 7. civil society: municipality of each social volunteer's association
    keys = np.sort(rng.choice(10**6, 6000, replace=False))
    vol_org = np.where(rng.random(n) < 0.1, rng.choice(keys, n), -1).astype(np.int32)

    def lookup_all() -> None:
        pos = np.clip(np.searchsorted(keys, vol_org), 0, len(keys) - 1)
        np.where(keys[pos] == vol_org, pos, -1)

    def lookup_subset() -> None:
        rows = np.flatnonzero(vol_org >= 0)
        pos = np.clip(np.searchsorted(keys, vol_org[rows]), 0, len(keys) - 1)
        np.where(keys[pos] == vol_org[rows], pos, -1)

    case(
        "civil society: association of every citizen",
        {
            "now: searchsorted over all citizens' vol_org": lookup_all,
            "only the rows with an association (about 10%)": lookup_subset,
        },
    )

    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    lines = [
        f"# Micro-benchmarks of column operations ({n:,} rows, scale {args.scale})",
        "",
        "Best of 3, milliseconds per call. Produced by `benchmarks/micro_ops.py`.",
        "",
        "| operation | variant | ms |",
        "|---|---|---:|",
    ]
    lines += [f"| {t} | {v} | {s * 1000:,.1f} |" for t, v, s in rows]
    out.write_text("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
