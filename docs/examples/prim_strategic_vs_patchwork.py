"""When does the strategic approach pay against the patchwork one? EMA Workbench + PRIM.

Runs the strategic scenario and, on the same seed and uncertainties, the patchwork scenario for
a Latin hypercube of the uncertain numbers (by default every one of the registry's dotted
uncertain numbers, all nine groups: effects, prices, lever costs, noise, lifetimes, needs,
demography, trends, economics; ``--groups`` narrows them), then asks PRIM for the region of the
uncertainty space where the strategy's net cost, cumulated 2026-2050, is below the patchwork's
(the strategy pays), and ranks the numbers by their rank correlation with the difference.

    python docs/examples/prim_strategic_vs_patchwork.py --scenarios 100 --scale 0.004 --workers 2

Each number is sampled uniformly over the range EMA gets from the registry (its ``low`` to
``high``, clipped to the values a run may use), not from its PSA shape.

Writes ``results/prim-strategic-vs-patchwork/`` (experiments, outcomes, ranking, the PRIM box).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd


def uncertain_names(groups: list[str] | None) -> list[str]:
    """The dotted uncertain numbers of the given groups (all groups: ``None``)."""
    from simulation.inputs.uncertainties import uncertain

    names = list(uncertain())
    if groups:
        unknown = sorted(set(groups) - {n.split(".", 1)[0] for n in names})
        if unknown:
            raise SystemExit(f"error: unknown group(s) {unknown}")
        names = [n for n in names if n.split(".", 1)[0] in groups]
    return names


def main() -> None:
    """Run the experiments, then PRIM; print and write the box."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", type=int, default=100)
    parser.add_argument("--scale", type=float, default=0.005)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument(
        "--seed",
        type=int,
        default=1,
        help="seed of the Latin hypercube (EMA samples with NumPy's global generator)",
    )
    parser.add_argument("--out", default="results/prim-strategic-vs-patchwork")
    parser.add_argument(
        "--groups",
        help="comma-separated groups of uncertain numbers to vary (default: all eight)",
    )
    parser.add_argument(
        "--prim-top",
        type=int,
        default=6,
        help="PRIM looks for the box in the numbers of largest rank correlation with the"
        " difference, this many (default 6): with about 190 numbers and 100 experiments a box over"
        " all of them fits the noise",
    )
    parser.add_argument(
        "--experiments",
        help="reuse the experiments.csv of an earlier run (no new runs): PRIM and ranking only",
    )
    args = parser.parse_args()
    uncertainties = uncertain_names(args.groups.split(",") if args.groups else None)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if args.experiments:
        frame = pd.read_csv(args.experiments)
        uncertainties = [n for n in uncertainties if n in frame.columns]
    else:
        frame = run_experiments(args, uncertainties)
        frame.to_csv(out / "experiments.csv", index=False)
    analyse(frame, uncertainties, args.prim_top, out)


def run_experiments(args: argparse.Namespace, uncertainties: list[str]) -> pd.DataFrame:
    """The Latin hypercube of strategic against patchwork, one row per experiment."""
    import ema_workbench as ema

    from simulation.experiments.ema import build_model

    model = build_model(
        name="strategicvspatchwork",
        base="strategic",
        compare_to="patchwork",
        scale=args.scale,
        uncertainties=uncertainties,
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
    frame = experiments[uncertainties].copy()
    for name, values in outcomes.items():
        frame[name] = values
    return frame


def analyse(frame: pd.DataFrame, uncertainties: list[str], top: int, out: Path) -> None:
    """Rank the numbers, then PRIM on the top ones: where does the strategy pay?"""
    from ema_workbench.analysis import prim

    ok = frame["run_ok"] == 1
    x = frame.loc[ok, uncertainties].reset_index(drop=True)
    diff = frame.loc[ok, "diff_net_cost_cum"].reset_index(drop=True)
    y = (diff < 0).to_numpy()
    print(
        f"{len(uncertainties)} uncertain numbers varied; {y.sum()} of {len(y)} experiments:"
        " strategic costs less than patchwork (cumulated 2026-2050)"
    )
    print(f"difference strategic - patchwork, bn DKK: {(diff / 1e9).describe().round(2).to_dict()}")
    rank = pd.DataFrame(
        {
            "parameter": uncertainties,
            "spearman": [x[n].corr(diff, method="spearman") for n in uncertainties],
        }
    )
    rank = rank.reindex(rank.spearman.abs().sort_values(ascending=False).index)
    rank.to_csv(out / "ranking.csv", index=False)
    print(rank.head(10).to_string(index=False))
    chosen = list(rank.parameter.head(top))
    print(f"PRIM on the top {top}: {chosen}")
    if 0 < y.sum() < len(y):
        finder = prim.Prim(x[chosen], y, threshold=0.5, peel_alpha=0.1)
        box = finder.find_box()
        trajectory = box.peeling_trajectory
        trajectory.to_csv(out / "prim_trajectory.csv", index=False)
        # the densest box that still holds at least half of the cases where the strategy pays
        kept = trajectory[trajectory["coverage"] >= 0.5]
        best = int(kept["density"].idxmax())
        limits = box.box_lims[best]
        stats = trajectory.iloc[best].to_dict()
        limits.to_csv(out / "prim_box.csv")
        (out / "prim_stats.json").write_text(json.dumps(stats, indent=2, default=float))
        print(trajectory[["coverage", "density", "mass", "res_dim"]].round(2).to_string())
        print(f"chosen box {best}:")
        print(limits.T.to_string())
        print(pd.Series(stats))


if __name__ == "__main__":
    main()
