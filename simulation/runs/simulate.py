"""Running scenarios: one run, replicates with common random numbers, and comparisons.

Replicate ``r`` of every scenario uses the seed ``seed + r``, so scenarios are compared on
common random numbers: the same citizens are born, age, move and die in every scenario, and
differences come from the levers alone. In a probabilistic sensitivity analysis replicate ``r``
is parameter draw ``r``: every scenario also runs with the same set of uncertain numbers
(:mod:`simulation.runs.psa`), passed to the worker with the job. Replicates run in worker
processes when asked; the results do not depend on the number of workers.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

import pandas as pd

from simulation.model import WelfareModel
from simulation.runs.lifeline import init_worker, stop_pool
from simulation.runs.psa import scenario_values
from simulation.scenario import Scenario

__all__ = ["RunResult", "run_once", "run_scenarios", "scenario_parameters"]


@dataclass
class RunResult:
    """The output of one run.

    Attributes:
        table: the tidy long table (see ``data/metrics.csv``).
        ages: national population by year, sex and 5-year age band.
        seconds: wall time of the run.
    """

    table: pd.DataFrame
    ages: pd.DataFrame
    seconds: float


def scenario_parameters(scenario: Scenario) -> dict[str, Any]:
    """Lever and uncertainty values of a scenario as keyword parameters of the model."""
    return {**scenario.levers, **scenario.uncertainties}


def run_once(
    scenario: Scenario,
    seed: int,
    replicate: int = 0,
    step_callback: Callable[[int], None] | None = None,
    values: Mapping[str, float] | None = None,
) -> RunResult:
    """Run one scenario once.

    Args:
        scenario: the resolved scenario (its settings give scale, end year and municipalities).
        seed: the seed of this run.
        replicate: the replicate number written into the table.
        step_callback: called with the year after each simulated year (progress bars).
        values: uncertain numbers by name (a parameter draw); those the scenario fixes itself
            are left out (:func:`~simulation.runs.psa.scenario_values`).
    """
    start = time.perf_counter()
    parameters = scenario_parameters(scenario)
    if values:
        parameters |= scenario_values(scenario.uncertainties, values)
    model = WelfareModel(
        parameters,
        scale=float(scenario.settings["scale"]),
        seed=int(seed),
        municipalities=scenario.municipalities,
        end_year=int(scenario.settings["end_year"]),
        scenario=scenario.name,
        replicate=replicate,
        lever_source=scenario,
    )
    while model.running:
        model.step()
        if step_callback is not None:
            step_callback(model.year - 1)
    return RunResult(model.table(), model.ages(), time.perf_counter() - start)


def _run_job(job: tuple[Scenario, int, int, Mapping[str, float] | None]) -> RunResult:
    scenario, seed, replicate, values = job
    return run_once(scenario, seed, replicate, values=values)


def run_jobs(
    jobs: Sequence[tuple[Scenario, int, int, Mapping[str, float] | None]],
    workers: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> list[RunResult]:
    """Run ``(scenario, seed, replicate, values)`` jobs, in this process or a pool of workers.

    Workers are started with the ``fork`` method where available (``import mesa`` switches the
    default to ``spawn``, which would make every worker re-import the package) and exit when this
    process is gone; Ctrl-C, SIGTERM or a failed run leaves no worker running.

    Returns:
        One result per job, in the order of ``jobs`` whatever the number of workers.
    """
    results: list[RunResult] = []
    if workers <= 1 or len(jobs) == 1:
        for k, job in enumerate(jobs):
            results.append(_run_job(job))
            if progress:
                progress(k + 1, len(jobs))
        return results
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context(method),
        initializer=init_worker,  # workers exit when this process is gone (even kill -9)
        initargs=(os.getpid(),),
    )
    try:
        futures = [pool.submit(_run_job, job) for job in jobs]
        for k, future in enumerate(futures):
            results.append(future.result())
            if progress:
                progress(k + 1, len(jobs))
    except BaseException:  # Ctrl-C, SIGTERM, a failed run: no worker is left running
        stop_pool(pool)
        raise
    pool.shutdown()
    return results


def run_scenarios(
    scenarios: Sequence[Scenario],
    replicates: int,
    seed: int,
    workers: int = 1,
    progress: Callable[[int, int], None] | None = None,
    draws: Sequence[Mapping[str, float]] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, list[dict[str, Any]]]:
    """Run every scenario ``replicates`` times on common random numbers.

    Args:
        scenarios: resolved scenarios (each with its own scale and municipalities).
        replicates: runs per scenario; replicate ``r`` uses ``seed + r`` in every scenario.
        seed: the first seed.
        workers: worker processes (1 runs in this process). Workers are started with the
            ``fork`` method where available: ``import mesa`` switches the default to ``spawn``,
            which would make every worker re-import the package.
        progress: called as ``progress(done, total)`` after each run.
        draws: one set of uncertain numbers per replicate (a PSA; ``len(draws)`` must equal
            ``replicates``): replicate ``r`` of every scenario runs with ``draws[r]``.

    Returns:
        ``(table, ages, runs)``: the concatenated tables and one record per run (scenario,
        replicate, seed, seconds), in a fixed order whatever the number of workers.
    """
    if draws is not None and len(draws) != replicates:
        raise ValueError(f"{len(draws)} parameter draws for {replicates} replicates")
    jobs = [
        (s, seed + r, r, None if draws is None else dict(draws[r]))
        for s in scenarios
        for r in range(replicates)
    ]
    results = run_jobs(jobs, workers, progress)
    table = pd.concat([r.table for r in results], ignore_index=True)
    ages = pd.concat([r.ages for r in results], ignore_index=True)
    runs = [
        {
            "scenario": job[0].name,
            "replicate": job[2],
            "seed": job[1],
            "seconds": round(r.seconds, 3),
        }
        for job, r in zip(jobs, results, strict=True)
    ]
    return table, ages, runs
