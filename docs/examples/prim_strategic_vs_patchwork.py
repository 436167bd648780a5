"""When does the strategic approach cost more than the patchwork one? EMA Workbench + PRIM.

Runs the strategic scenario and, on the same seed and uncertainties, the patchwork scenario for
a Latin hypercube of the uncertainties, then asks PRIM for the region of the uncertainty space
where the strategy's net cost, cumulated 2026-2050, exceeds the patchwork's.

    python docs/examples/prim_strategic_vs_patchwork.py --scenarios 64 --workers 2

Writes ``results/prim-strategic-vs-patchwork/`` (experiments, outcomes, the PRIM box).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd

UNCERTAINTIES = [
    "effect_scale",
    "unit_cost_growth",
    "healthy_ageing",
    "volunteering_trend",
    "mental_illness_trend",
    "substitution",
]


def main() -> None:
    """Run the experiments, then PRIM; print and write the box."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", type=int, default=64)
    parser.add_argument("--scale", type=float, default=0.005)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument(
        "--seed",
        type=int,
        default=1,
        help="seed of the Latin hypercube (EMA samples with NumPy's global generator)",
    )
    parser.add_argument("--out", default="results/prim-strategic-vs-patchwork")
    args = parser.parse_args()

    import ema_workbench as ema
    from ema_workbench.analysis import prim

    from simulation.experiments.ema import build_model

    model = build_model(
        name="strategicvspatchwork",
        base="strategic",
        compare_to="patchwork",
        scale=args.scale,
        uncertainties=UNCERTAINTIES,
    )
    if args.workers > 1:
        evaluator = ema.MultiprocessingEvaluator(model, n_processes=args.workers)
    else:
        evaluator = ema.SequentialEvaluator(model)
    np.random.seed(args.seed)  # EMA Workbench 2.5's LHS sampler draws from np.random
    with evaluator:
        experiments, outcomes = ema.perform_experiments(
            model, scenarios=args.scenarios, evaluator=evaluator
        )
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    frame = experiments[UNCERTAINTIES].copy()
    for name, values in outcomes.items():
        frame[name] = values
    frame.to_csv(out / "experiments.csv", index=False)

    ok = frame["run_ok"] == 1
    x = frame.loc[ok, UNCERTAINTIES].reset_index(drop=True)
    y = (frame.loc[ok, "diff_net_cost_cum"] > 0).to_numpy()
    print(f"{y.sum()} of {len(y)} experiments: strategic costs more than patchwork (cumulated)")
    if 0 < y.sum() < len(y):
        finder = prim.Prim(x, y, threshold=0.8, peel_alpha=0.1)
        box = finder.find_box()
        box.inspect(style="table")
        limits = box.box_lims[-1]
        stats = box.peeling_trajectory.iloc[-1].to_dict()
        limits.to_csv(out / "prim_box.csv")
        (out / "prim_stats.json").write_text(json.dumps(stats, indent=2, default=float))
        print(limits)
        print(pd.Series(stats))


if __name__ == "__main__":
    main()
