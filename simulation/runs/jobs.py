"""Jobs that produce a results folder.

Run or compare scenarios, then write tables, figures and the report, with a manifest, into a
folder that appears only when complete.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from simulation.economy.summary import economy_table
from simulation.report.html import write_report
from simulation.report.tables import format_key_figures, key_figures
from simulation.report.workbook import write_workbook
from simulation.runs.folders import atomic_folder, command_line, default_folder, write_json
from simulation.runs.provenance import git_commit, versions
from simulation.runs.simulate import run_scenarios
from simulation.safe_paths import check_out_folder, folder_label
from simulation.scenario import Scenario

__all__ = ["JobResult", "run_job", "RESULTS_DIR"]

RESULTS_DIR = Path("results")


class JobResult:
    """What a job produced.

    Attributes:
        folder: the results folder.
        table: the tidy table of every run.
        key_figures: the key-figure table laid out for reading.
        seconds: wall time.
    """

    def __init__(self, folder: Path, table: pd.DataFrame, key: pd.DataFrame, seconds: float):
        self.folder = folder
        self.table = table
        self.key_figures = key
        self.seconds = seconds


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

    Returns:
        The job's result; the folder exists only if everything was written.
    """
    started = dt.datetime.now(dt.UTC)
    t0 = time.perf_counter()
    label = folder_label(label or "-".join(s.name for s in scenarios))
    if out is not None:
        check_out_folder(out)  # before simulating: minutes at full scale
        # the incomplete folder exists while simulating: a second run into it is refused now
        folder = Path(out)
        with atomic_folder(folder) as tmp:
            table, ages, runs = run_scenarios(
                scenarios, replicates, seed, workers=workers, progress=progress
            )
            key = _write_folder(
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
            )
        return JobResult(folder, table, key, time.perf_counter() - t0)
    check_out_folder(RESULTS_DIR, "results folder", reuse=True)  # a file or read-only: now
    table, ages, runs = run_scenarios(
        scenarios, replicates, seed, workers=workers, progress=progress
    )
    folder = default_folder(RESULTS_DIR, label)
    with atomic_folder(folder, owned=True) as tmp:
        key = _write_folder(
            tmp, scenarios, table, ages, runs, replicates, seed, workers, lang, report, started, t0
        )
    return JobResult(folder, table, key, time.perf_counter() - t0)


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
    kf = key_figures(table, baseline=baseline, rate=rate)
    key = format_key_figures(kf, lang=lang, baseline=baseline)
    kf.to_csv(tmp / "key_figures_long.csv", index=False)
    account = economy_table(table, baseline=baseline, rate=rate)
    if len(account):
        account.to_csv(tmp / "economy.csv", index=False)
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
        )
    else:
        key.to_csv(tmp / "key_figures.csv", index=False)
    write_workbook(tmp, kf, *_summaries(tmp), manifest=manifest)  # for spreadsheets
    manifest["finished"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    manifest["wall_seconds"] = round(time.perf_counter() - t0, 2)
    write_json(tmp / "manifest.json", manifest)
    return key
