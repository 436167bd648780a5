"""Jobs that produce a results folder.

Run or compare scenarios, then write tables, figures and the report, with a manifest, into a
folder that appears only when complete. With ``draws`` > 0 the job is a probabilistic
sensitivity analysis (:mod:`simulation.runs.psa`): the tables, key figures and report come from
the parameter draws, and the seed-only replicates at central values run beside them
(``draws.csv``, ``psa.csv``, ``seed_only.csv``, ``uncertainty.csv``), with the decision
outputs (``decision.csv``, ``evppi.csv``, ``municipal_probability.csv``) and the report's
section "Uncertainty".
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from simulation.economy.summary import economy_table, lever_items_table
from simulation.report.html import write_report
from simulation.report.tables import format_key_figures, key_figures
from simulation.report.uncertainty import UncertaintyParts
from simulation.report.workbook import write_workbook
from simulation.runs.folders import atomic_folder, command_line, default_folder, write_json
from simulation.runs.provenance import git_commit, versions
from simulation.runs.psa import (
    EVPPI_MIN_DRAWS,
    decision_table,
    draw_values,
    draws_table,
    evppi_results,
    main_difference,
    main_pair,
    municipal_probability,
    outcome_table,
    summary_lines,
    uncertainty_table,
)
from simulation.runs.simulate import run_scenarios
from simulation.safe_paths import check_out_folder, folder_label
from simulation.scenario import Scenario

__all__ = ["JobResult", "PsaRuns", "run_job", "RESULTS_DIR"]

RESULTS_DIR = Path("results")


class JobResult:
    """What a job produced.

    Attributes:
        folder: the results folder.
        table: the tidy table of every run.
        key_figures: the key-figure table laid out for reading.
        seconds: wall time.
        psa: the parts of a probabilistic sensitivity analysis, or ``None`` (seeds only).
    """

    def __init__(
        self,
        folder: Path,
        table: pd.DataFrame,
        key: pd.DataFrame,
        seconds: float,
        psa: PsaRuns | None = None,
    ):
        self.folder = folder
        self.table = table
        self.key_figures = key
        self.seconds = seconds
        self.psa = psa


class PsaRuns:
    """The parts of a PSA job: draws, the seed-only runs and the main difference.

    Attributes:
        draws: the draws' parameter values (``draws.csv``).
        seed_only_table: the tidy table of the seed-only runs (not saved; see ``seed_only``).
        outcomes: per draw, scenario and payer (``psa.csv``).
        seed_only: the same per seed-only replicate (``seed_only.csv``), or ``None``.
        main: :func:`~simulation.runs.psa.main_difference` (empty without a pair).
        decision: P(strategic costs less) per account and payer (``decision.csv``).
        evppi: EVPPI per group of assumptions, account and payer (``evppi.csv``).
        municipal: per municipality, P(strategic saves) (``municipal_probability.csv``).
    """

    def __init__(self, draws: pd.DataFrame, seed_only_table: pd.DataFrame | None) -> None:
        self.draws = draws
        self.seed_only_table = seed_only_table
        self.outcomes = pd.DataFrame()
        self.seed_only: pd.DataFrame | None = None
        self.main: dict[str, Any] = {}
        self.decision = pd.DataFrame()
        self.evppi = pd.DataFrame()
        self.municipal = pd.DataFrame()

    def report_parts(self) -> UncertaintyParts:
        """What the report's section "Uncertainty" needs."""
        replicates = 0 if self.seed_only is None else int(self.seed_only.draw.nunique())
        return UncertaintyParts(
            draws=len(self.draws),
            replicates=replicates,
            numbers=len(self.draws.columns) - 2,
            main=self.main,
            decision=self.decision,
            evppi=self.evppi,
            municipal=self.municipal,
            min_draws=EVPPI_MIN_DRAWS,
        )

    def lines(self) -> list[str]:
        """What the estimates rest on and the Monte Carlo error, for printing."""
        if self.main:
            return summary_lines(self.main) + self._probability_lines()
        return [
            f"Uncertainty: the intervals rest on {len(self.draws)} parameter draws (each draws all"
            f" {len(self.draws.columns) - 2} uncertain numbers and its own seed)."
        ]

    def _probability_lines(self) -> list[str]:
        d = self.decision
        if d.empty:
            return []
        pv = d[(d.value == "pv_net_cost") & (d.option == "strategic")]
        out = []
        for account, payer in (("budget", "total"), ("welfare", "society")):
            rows = pv[(pv.account == account) & (pv.payer == payer)]
            if rows.empty:
                continue
            parts = [
                f"{r.comparator} {100 * r.probability:.0f}%"
                f" ({100 * r.probability_low:.0f}-{100 * r.probability_high:.0f}%)"
                for r in rows.itertuples()
            ]
            out.append(
                f"P(strategic costs less), present value, {account} {payer}: "
                + ", than ".join([""] + parts).lstrip(", ")
                + f" ({int(rows.n_draws.iloc[0])} draws; in brackets the Wilson 95% interval)."
            )
        if len(self.evppi):
            flag = " indicative only (few draws)" if len(self.draws) < EVPPI_MIN_DRAWS else ""
            out.append(f"EVPPI by group of assumptions: evppi.csv{flag}.")
        return out


def _summaries(folder: Path) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    """The summaries the report wrote (``None`` where it wrote none)."""
    found = []
    for name in ("summary.csv", "summary_by_area.csv"):
        path = folder / name
        found.append(pd.read_csv(path) if path.is_file() else None)
    return found[0], found[1]


def run_job(
    scenarios: Sequence[Scenario],
    *,
    replicates: int,
    seed: int,
    out: Path | None = None,
    label: str | None = None,
    workers: int = 1,
    lang: str = "en",
    progress: Callable[[int, int], None] | None = None,
    report: bool = True,
    draws: int = 0,
) -> JobResult:
    """Run scenarios with replicates on common random numbers and write the results folder.

    Args:
        scenarios: resolved scenarios; the first one named ``baseline`` (if any) is the
            reference for differences.
        replicates: replicates per scenario (seeds ``seed .. seed + replicates - 1``).
        seed: first seed.
        out: results folder (default ``results/<timestamp>-<label>``, reserved when the runs
            are done); it must not exist or be empty, which is checked before simulating.
        label: name for the default folder (default: the scenario names joined by ``-``).
        workers: worker processes.
        lang: ``"en"`` or ``"da"`` for the report.
        progress: called as ``progress(done, total)`` after each run.
        report: write the HTML report and figures (tables and manifest are always written).
        draws: parameter draws of a probabilistic sensitivity analysis (0: seeds only). With
            draws, the seed-only replicates (``replicates`` of them, at central values) run
            beside them, and the tables, key figures and report are those of the draws.

    Returns:
        The job's result; the folder exists only if everything was written.
    """
    started = dt.datetime.now(dt.UTC)
    t0 = time.perf_counter()
    label = folder_label(label or "-".join(s.name for s in scenarios))

    def write(tmp: Path, table, ages, runs, psa) -> pd.DataFrame:
        return _write_folder(
            tmp,
            scenarios,
            table,
            ages,
            runs,
            replicates,
            seed,
            workers,
            lang,
            report,
            started,
            t0,
            psa,
        )

    if out is not None:
        check_out_folder(out)  # before simulating: minutes at full scale
        # the incomplete folder exists while simulating: a second run into it is refused now
        folder = Path(out)
        with atomic_folder(folder) as tmp:
            table, ages, runs, psa = _simulate(
                scenarios, replicates, seed, workers, progress, draws
            )
            key = write(tmp, table, ages, runs, psa)
        return JobResult(folder, table, key, time.perf_counter() - t0, psa)
    check_out_folder(RESULTS_DIR, "results folder", reuse=True)  # a file or read-only: now
    table, ages, runs, psa = _simulate(scenarios, replicates, seed, workers, progress, draws)
    folder = default_folder(RESULTS_DIR, label)
    with atomic_folder(folder, owned=True) as tmp:
        key = write(tmp, table, ages, runs, psa)
    return JobResult(folder, table, key, time.perf_counter() - t0, psa)


def _simulate(
    scenarios: Sequence[Scenario],
    replicates: int,
    seed: int,
    workers: int,
    progress: Callable[[int, int], None] | None,
    draws: int,
) -> tuple[pd.DataFrame, pd.DataFrame, list[dict[str, Any]], PsaRuns | None]:
    """Run the seed-only replicates and, for a PSA, the parameter draws.

    The progress counts both parts as one.
    """
    if draws <= 0:
        table, ages, runs = run_scenarios(
            scenarios, replicates, seed, workers=workers, progress=progress
        )
        return table, ages, runs, None
    n_draw, n_seed = draws * len(scenarios), replicates * len(scenarios)

    def first(done: int, _total: int) -> None:
        if progress:
            progress(done, n_draw + n_seed)

    def second(done: int, _total: int) -> None:
        if progress:
            progress(n_draw + done, n_draw + n_seed)

    values = draw_values(seed, draws)
    table, ages, runs = run_scenarios(
        scenarios, draws, seed, workers=workers, progress=first, draws=values
    )
    seed_table, _, seed_runs = run_scenarios(
        scenarios, replicates, seed, workers=workers, progress=second
    )
    for run in seed_runs:
        run["seed_only"] = True
    psa = PsaRuns(draws_table(seed, draws), seed_table)
    return table, ages, runs + seed_runs, psa


def _write_psa(
    tmp: Path,
    psa: PsaRuns,
    table: pd.DataFrame,
    scenarios: Sequence[Scenario],
    baseline: str,
    rate: float,
    manifest: dict[str, Any],
) -> None:
    """Write the PSA's tables (draws, outcomes per draw, seed-only outcomes, main difference)."""
    psa.outcomes = outcome_table(table, baseline=baseline, rate=rate, draws=psa.draws)
    psa.draws.to_csv(tmp / "draws.csv", index=False)
    psa.outcomes.to_csv(tmp / "psa.csv", index=False)
    if psa.seed_only_table is not None:
        # ``draw`` numbers the seed-only replicates too, as in psa.csv (same columns)
        psa.seed_only = outcome_table(psa.seed_only_table, baseline=baseline, rate=rate)
        psa.seed_only["seed"] = psa.seed_only.draw + int(psa.draws.seed.min())
        psa.seed_only.to_csv(tmp / "seed_only.csv", index=False)
    pair = main_pair([s.name for s in scenarios], baseline)
    if pair is not None:
        psa.main = main_difference(psa.outcomes, psa.seed_only, pair)
        uncertainty_table(psa.outcomes, psa.seed_only, pair).to_csv(
            tmp / "uncertainty.csv", index=False
        )
    psa.decision = decision_table(psa.outcomes)
    if len(psa.decision):
        psa.decision.to_csv(tmp / "decision.csv", index=False)
    psa.evppi = evppi_results(psa.draws, psa.outcomes, int(psa.draws.seed.min()))
    if len(psa.evppi):
        psa.evppi.to_csv(tmp / "evppi.csv", index=False)
    psa.municipal = municipal_probability(table, rate, psa.seed_only_table)
    if len(psa.municipal):
        psa.municipal.to_csv(tmp / "municipal_probability.csv", index=False)
    manifest["psa"] = {
        "draws": len(psa.draws),
        "draw_seeds": psa.draws.seed.astype(int).tolist(),
        "uncertain_numbers": len(psa.draws.columns) - 2,
        "seed_only_replicates": (
            int(psa.seed_only.draw.nunique()) if psa.seed_only is not None else 0
        ),
        "parameter_generator": "numpy default_rng([seed, draw, 13])",
        "discount_rate": rate,
        "evppi_min_draws": EVPPI_MIN_DRAWS,
    }


def _write_folder(
    tmp: Path,
    scenarios: Sequence[Scenario],
    table: pd.DataFrame,
    ages: pd.DataFrame,
    runs: Any,
    replicates: int,
    seed: int,
    workers: int,
    lang: str,
    report: bool,
    started: dt.datetime,
    t0: float,
    psa: PsaRuns | None = None,
) -> pd.DataFrame:
    """Write tables, report, workbook and manifest into ``tmp``; return the key figures."""
    baseline = "baseline" if any(s.name == "baseline" for s in scenarios) else scenarios[0].name
    table.to_parquet(tmp / "timeseries.parquet", index=False)
    ages.to_parquet(tmp / "ages.parquet", index=False)
    scenario_dir = tmp / "scenarios"
    scenario_dir.mkdir()
    files = {}
    for s in scenarios:
        text = s.resolved_toml()
        (scenario_dir / f"{s.name}.toml").write_text(text, encoding="utf-8")
        files[s.name] = text
    manifest: dict[str, Any] = {
        "status": "complete",
        "command": command_line(),
        "scenarios": [s.name for s in scenarios],
        "scenario_sources": {s.name: [str(p) for p in s.sources] for s in scenarios},
        "replicates": replicates,
        "seeds": [seed + r for r in range(replicates)],
        "scale": {s.name: s.settings["scale"] for s in scenarios},
        "municipalities": {
            s.name: (list(s.municipalities) if s.municipalities else "all") for s in scenarios
        },
        "workers": workers,
        "versions": versions(),
        "git_commit": git_commit(),
        "started": started.isoformat(timespec="seconds"),
        "runs": runs,
    }
    # the discount rate of the present values: the baseline's (a registered uncertainty)
    rates = {s.name: float(s.uncertainties.get("discount_rate", 0.035)) for s in scenarios}
    rate = rates.get(baseline, next(iter(rates.values())))
    if psa is not None:
        _write_psa(tmp, psa, table, scenarios, baseline, rate, manifest)
    decision = psa.decision if psa is not None else None
    main = psa.main if psa is not None else None
    kf = key_figures(table, baseline=baseline, rate=rate, decision=decision, main=main)
    key = format_key_figures(kf, lang=lang, baseline=baseline)
    kf.to_csv(tmp / "key_figures_long.csv", index=False)
    account = economy_table(table, baseline=baseline, rate=rate)
    if len(account):
        account.to_csv(tmp / "economy.csv", index=False)
    items = lever_items_table(table, rate=rate)  # lever cost by item and payer
    if len(items):
        items.to_csv(tmp / "lever_items.csv", index=False)
    if report:
        write_report(
            tmp,
            table,
            ages=ages,
            lang=lang,
            scenario_files=files,
            manifest=manifest,
            baseline=baseline,
            economy=account if len(account) else None,
            rate=rate,
            uncertainty=psa.report_parts() if psa is not None else None,
            key_figures=kf,
        )
    else:
        key.to_csv(tmp / "key_figures.csv", index=False)
    write_workbook(tmp, kf, *_summaries(tmp), manifest=manifest)  # for spreadsheets
    manifest["finished"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    manifest["wall_seconds"] = round(time.perf_counter() - t0, 2)
    write_json(tmp / "manifest.json", manifest)
    return key
