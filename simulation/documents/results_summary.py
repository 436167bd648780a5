"""Generate ``docs/results.md``: what the main job finds, every number read from one results folder.

``python -m simulation.documents.results_summary --from results/<folder>`` reads a finished job
(``python run.py``: baseline, patchwork and strategic, parameter draws shared by the scenarios
and seed-only replicates at central values beside them) and writes the figures the README's
"What it says so far" quotes: the baseline's cost path, the account by scenario, account and
payer (present value 2026-2050 at the run's discount rate, its range over the draws, the
payback year), the probabilities that the strategy costs less, and how much of the spread is
the parameters' and how much the simulation's own noise. ``--latest`` takes the newest complete
main-job folder under ``results/``. Nothing here runs the model: the numbers are the job's.

A test keeps the README honest: every number in its "What it says so far" section must appear
in ``docs/results.md`` (``tests/documents/test_results_summary.py``).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from simulation.shipped import checkout_root

__all__ = ["DOC_PATH", "MAIN_JOB", "latest_folder", "render", "main"]

#: The repository's document (``docs/`` in the current folder when the package is installed).
DOC_PATH = (checkout_root() or Path.cwd()) / "docs" / "results.md"
#: The scenarios of the main job, in the order they are shown.
MAIN_JOB = ("baseline", "patchwork", "strategic")
_BN = 1e9
_PAYERS = (
    ("budget", "municipality", "municipalities"),
    ("budget", "region", "regions"),
    ("budget", "state", "state"),
    ("budget", "total", "all public budgets"),
    ("welfare", "society", "society (welfare-economic account)"),
)


def latest_folder(root: Path) -> Path:
    """The newest complete folder under ``root`` whose job was the main job (``python run.py``).

    Raises:
        FileNotFoundError: when there is none.
    """
    found = []
    for manifest in root.glob("*/manifest.json"):
        try:
            m = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        main_job = m.get("status") == "complete" and tuple(m.get("scenarios", ())) == MAIN_JOB
        if main_job and (manifest.parent / "psa.csv").exists():
            found.append((m.get("finished", ""), manifest.parent))
    if not found:
        raise FileNotFoundError(f"no complete main-job folder with parameter draws under {root}")
    return max(found)[1]


def _bn(value: float, digits: int = 1) -> str:
    return f"{value / _BN:,.{digits}f}"


def _md(rows: list[list[str]], head: list[str]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def _summary_value(summary: pd.DataFrame, scenario: str, metric: str, year: int) -> float:
    sel = summary[
        (summary.scenario == scenario) & (summary.metric == metric) & (summary.year == year)
    ]
    if sel.empty:
        raise KeyError(f"summary.csv has no {metric} for {scenario} in {year}")
    return float(sel["mean"].iloc[0])


def _account_rows(economy: pd.DataFrame, seed_only: pd.DataFrame, baseline: str) -> list[list[str]]:
    """Present value of the net saving against the baseline, by scenario, account and payer."""
    base_case = _base_case(seed_only, baseline)
    rows = []
    for scenario in [s for s in MAIN_JOB if s != baseline]:
        for account, payer, label in _PAYERS:
            sel = economy[
                (economy.scenario == scenario)
                & (economy.account == account)
                & (economy.payer == payer)
            ]
            if sel.empty:
                continue
            r = sel.iloc[0]
            payback = r["payback_year"]
            central = base_case.get((scenario, account, payer))
            rows.append(
                [
                    scenario,
                    label,
                    _bn(r["net_saving_pv_dkk"]),
                    f"{_bn(r['net_saving_pv_p05_dkk'])} to {_bn(r['net_saving_pv_p95_dkk'])}",
                    "–" if central is None else _bn(central),
                    _bn(r["net_saving_undiscounted_dkk"]),
                    "not by 2050" if pd.isna(payback) else str(int(payback)),
                ]
            )
    return rows


def _base_case(seed_only: pd.DataFrame, baseline: str) -> dict[tuple[str, str, str], float]:
    """Mean present value of the net saving at central values (the seed-only replicates)."""
    if seed_only is None or seed_only.empty:
        return {}
    run = "replicate" if "replicate" in seed_only.columns else "draw"
    cost = seed_only.pivot_table(
        index=[run, "account", "payer"], columns="scenario", values="pv_net_cost"
    )
    out = {}
    for scenario in cost.columns:
        if scenario == baseline:
            continue
        saving = (cost[baseline] - cost[scenario]).groupby(level=["account", "payer"]).mean()
        for (account, payer), value in saving.items():
            out[(scenario, account, payer)] = float(value)
    return out


def _what_it_buys(key: pd.DataFrame, baseline: str, start: int, end: int) -> list[str]:
    """Public cost avoided, lever cost and what the levers mobilise, by scenario (means)."""

    def value(scenario: str, name: str) -> float:
        sel = key[(key.scenario == scenario) & (key.key == name)]
        return float(sel["mean"].iloc[0]) if len(sel) else float("nan")

    rows = []
    for scenario in [s for s in MAIN_JOB if s != baseline]:
        avoided = value(baseline, "public_cost_cum") - value(scenario, "public_cost_cum")
        rows.append(
            [
                scenario,
                f"{avoided:,.1f}",
                f"{value(scenario, 'lever_cost_cum'):,.1f}",
                f"{value(scenario, 'volunteers_end') - value(baseline, 'volunteers_end'):,.0f}",
                f"{value(scenario, 'marginalised_employed_end'):,.0f}",
                f"{value(scenario, 'initiatives_running_end'):,.0f}",
            ]
        )
    head = [
        "scenario (mean over draws)",
        f"public cost avoided {start}-{end} (DKK bn, undiscounted)",
        f"cost of the levers {start}-{end} (DKK bn, undiscounted)",
        f"more volunteers in {end}",
        f"marginalised citizens in jobs in {end}",
        f"initiatives running in {end}",
    ]
    return ["## What the scenarios buy and what they cost", "", _md(rows, head), ""]


def render(folder: Path) -> str:
    """The document for the finished job in ``folder``.

    Raises:
        FileNotFoundError: when a file the document needs is missing from ``folder``.
    """
    need = ("manifest.json", "summary.csv", "economy.csv", "decision.csv", "uncertainty.csv")
    for name in need:
        if not (folder / name).exists():
            raise FileNotFoundError(f"{folder / name} is missing (is it a main-job folder?)")
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    summary = pd.read_csv(folder / "summary.csv")
    economy = pd.read_csv(folder / "economy.csv")
    decision = pd.read_csv(folder / "decision.csv")
    spread = pd.read_csv(folder / "uncertainty.csv")
    seed_only = (
        pd.read_csv(folder / "seed_only.csv") if (folder / "seed_only.csv").exists() else None
    )
    baseline = MAIN_JOB[0]
    start, end = int(summary.year.min()), int(summary.year.max())
    draws = int(spread["draws"].iloc[0])
    seeds = manifest.get("seeds", [])
    scale = manifest.get("scale", {}).get(baseline)
    lines = [
        "# What the main job finds",
        "",
        "Generated by `python -m simulation.documents.results_summary` from the results folder "
        f"`{folder.name}` (command `{manifest.get('command', '')}`, commit "
        f"`{(manifest.get('git_commit') or {}).get('commit', 'unknown')}`). Do not edit by hand:"
        " rerun `python run.py` and the command above.",
        "",
        f"Scale {scale}, {start}-{end}, {draws} parameter draws (each draws every uncertain number "
        "and its own seed, shared by the three scenarios) and, beside them, "
        f"{len(seeds)} seed-only replicates at central values (seeds "
        f"{', '.join(str(s) for s in seeds)}). Money in DKK bn at 2026 prices. Means and ranges"
        " below are over the draws (the range is the 5th to 95th percentile of "
        f"{draws} values, so with few draws it is close to their minimum and maximum); "
        "'central' is the mean of the seed-only replicates.",
        "",
        "## The baseline",
        "",
    ]
    rows = []
    for metric, label, scale_by, fmt in (
        ("public_cost_dkk", "public cost of the six areas (DKK bn)", _BN, "{:,.0f}"),
        ("population_80p", "residents aged 80 and over", 1, "{:,.0f}"),
        ("population", "residents", 1, "{:,.0f}"),
    ):
        a = _summary_value(summary, baseline, metric, start) / scale_by
        b = _summary_value(summary, baseline, metric, end) / scale_by
        rows.append([label, fmt.format(a), fmt.format(b), f"{(b / a - 1) * 100:+.0f}%"])
    lines += [_md(rows, ["baseline (mean over draws)", str(start), str(end), "change"]), ""]
    if (folder / "key_figures_long.csv").exists():
        lines += _what_it_buys(pd.read_csv(folder / "key_figures_long.csv"), baseline, start, end)
    lines += [
        "## Net saving against the baseline, present value 2026-2050",
        "",
        "Positive: the scenario costs less than the baseline. Discount rate "
        f"{float(economy.discount_rate.iloc[0]):.1%} (Finansministeriet); the two accounts answer "
        "different questions and are never added (`docs/economics.md`).",
        "",
        _md(
            _account_rows(economy, seed_only, baseline),
            [
                "scenario",
                "payer",
                "mean over draws",
                "range over draws",
                "central",
                "undiscounted",
                "payback",
            ],
        ),
        "",
        "## How likely the strategy is to cost less",
        "",
    ]
    rows = []
    pv = decision[decision.value == "pv_net_cost"]
    for account, payer, label in _PAYERS:
        for comparator in ("patchwork", "baseline"):
            sel = pv[(pv.account == account) & (pv.payer == payer) & (pv.comparator == comparator)]
            if sel.empty:
                continue
            r = sel.iloc[0]
            rows.append(
                [
                    label,
                    comparator,
                    f"{r['probability']:.0%}"
                    + (
                        f" ({r['probability_low']:.0%}-{r['probability_high']:.0%})"
                        if "probability_low" in r
                        else ""
                    ),
                    f"{r['mean_difference'] / _BN:+,.1f}",
                    f"{r['difference_p05'] / _BN:+,.1f} to {r['difference_p95'] / _BN:+,.1f}",
                ]
            )
    lines += [
        _md(
            rows,
            [
                "payer",
                "strategic against",
                "share of draws in which strategic costs less (Wilson 95% interval)",
                "mean extra cost of strategic",
                "range over draws",
            ],
        ),
        "",
        f"With {draws} draws a share is known to about ±{100 * 0.5 / draws**0.5:.0f} percentage "
        "points at most (one binomial standard error at 50%); run `python run.py --draws 200` "
        "for firmer probabilities and for the value of information (`docs/decision-analysis.md`).",
        "",
        "## Parameters or chance",
        "",
    ]
    r = spread.iloc[0]  # the main difference (budget account, all public budgets) comes first
    base_case = r["base_case_mean"] if "base_case_mean" in r else r["mean_seed_only"]
    lines += [
        f"{r['first']} minus {r['second']}, present value of net public cost {start}-{end}: mean "
        f"{r['mean'] / _BN:+,.1f} over the draws (Monte Carlo standard error "
        f"{r['mc_se'] / _BN:,.1f}), {base_case / _BN:+,.1f} at central values. Spread "
        f"(standard deviation) over the draws {r['sd_psa'] / _BN:,.1f}, over seeds alone "
        f"{r['sd_seed_only'] / _BN:,.1f}.",
        "",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Write ``docs/results.md`` (or ``--out``) from a main-job folder; 0 done, 1 bad input."""
    parser = argparse.ArgumentParser(
        prog="python -m simulation.documents.results_summary",
        description="Write docs/results.md from a finished main job (python run.py).",
    )
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--from", dest="folder", type=Path, help="a results folder of the main job")
    which.add_argument(
        "--latest", action="store_true", help="the newest complete main-job folder in results/"
    )
    parser.add_argument(
        "--out", type=Path, default=DOC_PATH, help="where to write (docs/results.md)"
    )
    args = parser.parse_args(argv)
    try:
        folder = (
            latest_folder((checkout_root() or Path.cwd()) / "results")
            if args.latest
            else args.folder
        )
        text = render(folder)
    except (FileNotFoundError, KeyError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
