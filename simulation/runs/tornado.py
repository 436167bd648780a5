"""The tornado job: screen the uncertainties, then run the top ones one at a time.

1. **Screening.** From the draws of a PSA results folder (``draws.csv``, ``psa.csv``) or from a
   quick PSA run here, the uncertain numbers are ranked by how much they move the
   strategic-minus-patchwork present value of total net public cost
   (:func:`simulation.experiments.decision.screening_ranking`: standardised regression
   coefficients, or Spearman's rank correlation when the draws are fewer than the numbers).
2. **One-way runs.** The top ``k`` are each set to the low and the high end of their range, every
   other uncertain number at its central value
   (:func:`simulation.experiments.decision.plan_one_way`); each plan row runs strategic and
   patchwork with the same seed(s) (common random numbers).
3. **Table.** :func:`simulation.experiments.decision.tornado_table` of the mean
   strategic-minus-patchwork present value per row: ``tornado.csv``.

Only the ranges' ends are run, so the chart shows direction and reach of each assumption alone,
not interactions and not how likely the ends are (the PSA says that).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from simulation.experiments.decision import plan_one_way, screening_ranking, tornado_table
from simulation.inputs.uncertainties import collapsed, uncertain
from simulation.runs.psa import draw_values, draws_table, outcome_table
from simulation.runs.simulate import run_jobs, run_scenarios
from simulation.scenario import Scenario

__all__ = ["PAIR", "TornadoResult", "difference_per_draw", "one_way", "screen", "screen_folder"]

PAIR = ("strategic", "patchwork")


class TornadoResult:
    """What the tornado job produced.

    Attributes:
        screening: :func:`screening_ranking`'s table (every uncertain number that varied).
        plan: the one-way plan with ``outcome`` (strategic minus patchwork, DKK) per run.
        tornado: :func:`tornado_table` (``tornado.csv``).
        source: where the screening draws came from.
    """

    def __init__(
        self, screening: pd.DataFrame, plan: pd.DataFrame, tornado: pd.DataFrame, source: str
    ):
        self.screening = screening
        self.plan = plan
        self.tornado = tornado
        self.source = source


def difference_per_draw(outcomes: pd.DataFrame) -> pd.Series:
    """Strategic minus patchwork, present value of total net public cost, per draw.

    Raises:
        ValueError: If the outcomes lack strategic or patchwork.
    """
    total = outcomes[(outcomes.account == "budget") & (outcomes.payer == "total")]
    wide = total.pivot(index="draw", columns="scenario", values="pv_net_cost")
    missing = [s for s in PAIR if s not in wide.columns]
    if missing:
        raise ValueError(f"the PSA holds no {' and no '.join(missing)} scenario to compare")
    return (wide[PAIR[0]] - wide[PAIR[1]]).rename("difference")


def screen_folder(folder: Path) -> tuple[pd.DataFrame, pd.Series]:
    """The draws and the strategic-minus-patchwork difference of a PSA results folder.

    Raises:
        ValueError: If the folder holds no PSA (``draws.csv`` and ``psa.csv``).
    """
    folder = Path(folder)
    if not (folder / "draws.csv").is_file() or not (folder / "psa.csv").is_file():
        raise ValueError(
            f"{folder}: no draws.csv and psa.csv here; give the results folder of a PSA job"
            " (python run.py, or compare with --draws N)"
        )
    draws = pd.read_csv(folder / "draws.csv").set_index("draw").drop(columns="seed")
    diff = difference_per_draw(pd.read_csv(folder / "psa.csv"))
    return draws.loc[diff.index], diff


def screen(
    scenarios: Sequence[Scenario],
    draws: int,
    seed: int,
    rate: float,
    workers: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[pd.DataFrame, pd.Series]:
    """A quick PSA of strategic and patchwork: ``draws`` draws, the first seeded ``seed``."""
    table, _, _ = run_scenarios(
        scenarios, draws, seed, workers=workers, progress=progress, draws=draw_values(seed, draws)
    )
    params = draws_table(seed, draws).set_index("draw").drop(columns="seed")
    diff = difference_per_draw(outcome_table(table, baseline=PAIR[1], rate=rate))
    return params.loc[diff.index], diff


def one_way(
    scenarios: Sequence[Scenario],
    names: Sequence[str],
    seeds: Sequence[int],
    rate: float,
    workers: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """Run the one-way plan of ``names``: every run with every seed, strategic and patchwork.

    Returns:
        :func:`plan_one_way`'s table with ``outcome``: the mean over ``seeds`` of strategic
        minus patchwork, present value of total net public cost (DKK).
    """
    table = uncertain()
    plan = plan_one_way({n: (table[n].central, table[n].low, table[n].high) for n in names})
    central = collapsed()
    jobs = [
        (scenario, s, 0, {**central, **{n: float(row[n]) for n in names}})
        for row in plan.to_dict("records")
        for s in seeds
        for scenario in scenarios
    ]
    results = _run_all(jobs, workers, progress)
    per_pair = len(scenarios)
    outcomes = []
    for i in range(len(plan)):
        diffs = []
        for k in range(len(seeds)):
            start = (i * len(seeds) + k) * per_pair
            runs = pd.concat(results[start : start + per_pair], ignore_index=True)
            diffs.append(
                float(difference_per_draw(outcome_table(runs, baseline=PAIR[1], rate=rate)).iloc[0])
            )
        outcomes.append(float(np.mean(diffs)))
    return plan.assign(outcome=outcomes)


def _run_all(
    jobs: list[tuple[Scenario, int, int, Mapping[str, float]]],
    workers: int,
    progress: Callable[[int, int], None] | None,
) -> list[pd.DataFrame]:
    """Every run's table, in the order of ``jobs``, in one pool of workers (forked once)."""
    return [r.table for r in run_jobs(jobs, workers, progress)]


def run_tornado(
    scenarios: Sequence[Scenario],
    *,
    top: int,
    seeds: Sequence[int],
    rate: float,
    source: Path | None = None,
    draws: int = 12,
    seed: int = 1,
    workers: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> TornadoResult:
    """Screen (from ``source``'s PSA, else a quick one of ``draws`` draws), then run one-way.

    Args:
        scenarios: strategic and patchwork (resolved).
        top: how many uncertain numbers get one-way runs.
        seeds: the seeds of each one-way run pair (their mean is the outcome).
        rate: discount rate of the present values.
        source: a PSA results folder to screen from, or ``None``.
        draws: draws of the quick PSA (without ``source``).
        seed: first seed of the quick PSA.
        workers: worker processes.
        progress: called as ``progress(done, total)``.

    Raises:
        ValueError: If strategic or patchwork is missing, or ``top`` is below 1.
    """
    names = {s.name for s in scenarios}
    if not set(PAIR) <= names:
        raise ValueError(
            f"the tornado compares strategic with patchwork; give both (got {sorted(names)})"
        )
    if top < 1:
        raise ValueError(f"--top must be 1 or more, got {top}")
    pair = [s for s in scenarios if s.name in PAIR]
    if source is not None:
        params, diff = screen_folder(source)
        origin = f"{source} ({len(diff)} draws)"
    else:
        params, diff = screen(pair, draws, seed, rate, workers, progress)
        origin = f"a quick PSA of {draws} draws from seed {seed}"
    ranking = screening_ranking(params, diff)
    chosen = list(ranking["parameter"].head(top))
    plan = one_way(pair, chosen, seeds, rate, workers, progress)
    result = tornado_table(plan.drop(columns="outcome"), plan.set_index("run")["outcome"])
    return TornadoResult(ranking, plan, result, origin)
