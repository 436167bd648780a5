"""The key figures and summaries as one spreadsheet workbook (``results.xlsx``).

Strategists work in spreadsheets. The workbook holds the same numbers as the CSV files of a
results folder, laid out wide, one sheet per table, with every number a number (not text) and
its unit in the column header:

- ``Key figures``: one row per scenario; columns such as ``net_cost_cum 2026-2050 (DKK bn)
  mean``, ``... p05``, ``... p95`` (cumulated figures, present values ``pv_saving_<payer>`` and
  payback years ``payback_<payer>`` name their period, the others their year; an empty payback
  year means none by the last year);
- ``Summary``: one row per scenario and year; a mean, p05 and p95 column per metric;
- ``Summary by area``: the same per welfare area;
- ``About``: what the workbook holds, the seeds, scale and command (from the manifest).

p05 and p95 are the 5th and 95th percentiles over the replicates or, in a probabilistic
sensitivity analysis, over the parameter draws; with fewer than about 100 runs they are close to
the smallest and largest value, not a 90% interval. For the probabilities (``p_less_*``) they
hold the Wilson 95% interval.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["write_workbook", "WORKBOOK"]

#: The workbook's file name in a results folder.
WORKBOOK = "results.xlsx"
_STATS = ("mean", "p05", "p95")


def _wide(
    table: pd.DataFrame, index: list[str], label: pd.Series, keep_empty: bool = False
) -> pd.DataFrame:
    """Pivot a long table (one row per metric) to one column per metric and statistic.

    ``keep_empty`` keeps columns with no number (a payback year that is never reached).
    """
    data = table.assign(_column=label.to_numpy())
    columns = list(pd.unique(data["_column"]))
    wide = data.pivot_table(
        index=index,
        columns="_column",
        values=list(_STATS),
        aggfunc="first",
        sort=False,
        dropna=not keep_empty,
    )
    ordered = [(stat, column) for column in columns for stat in _STATS if (stat, column) in wide]
    wide = wide[ordered]
    wide.columns = [f"{column} {stat}" for stat, column in ordered]
    return wide.reset_index()


def _key_figures(kf: pd.DataFrame) -> pd.DataFrame:
    period = kf["start"].astype(str) + "-" + kf["end"].astype(str)
    over_period = kf["key"].str.contains("_cum") | kf["key"].str.startswith(("pv_", "payback_"))
    years = period.where(over_period, kf["end"].astype(str))
    label = kf["key"] + " " + years
    return _wide(kf, ["scenario"], label + " (" + kf["unit"].astype(str) + ")", keep_empty=True)


def _summary(summary: pd.DataFrame, index: list[str]) -> pd.DataFrame:
    return _wide(summary, index, summary["metric"] + " (" + summary["unit"].astype(str) + ")")


def _about(manifest: Mapping[str, Any]) -> pd.DataFrame:
    psa = manifest.get("psa")
    if psa:
        n = int(psa.get("draws", 0))
        runs = f"{n} parameter draws"
        seeds = ", ".join(str(s) for s in psa.get("draw_seeds", []))
    else:
        n = int(manifest.get("replicates", 0) or 0)
        runs = f"{n} replicates"
        seeds = ", ".join(str(s) for s in manifest.get("seeds", []))
    spread = (
        "the 5th and 95th percentiles (a 90% interval)"
        if n >= 100
        else "the 5th and 95th percentiles, close to the smallest and largest value with so few"
        " runs (not a 90% interval)"
    )
    rows = [
        ("what", "Key figures and summaries of a welfare simulation run (DKK in 2026 prices)."),
        ("mean, p05, p95", f"mean over the {runs}, and {spread}"),
        ("p_less_* rows", "probabilities (%); p05 and p95 hold their Wilson 95% interval"),
        ("scenarios", ", ".join(manifest.get("scenarios", []))),
        ("seeds", seeds),
        ("parameter draws" if psa else "replicates", str(n)),
        ("scale", str(manifest.get("scale", ""))),
        ("command", str(manifest.get("command", ""))),
        ("git commit", str(manifest.get("git_commit", ""))),
        ("started", str(manifest.get("started", ""))),
    ]
    return pd.DataFrame(rows, columns=["item", "value"])


def write_workbook(
    folder: Path,
    key_figures: pd.DataFrame,
    summary: pd.DataFrame | None = None,
    summary_by_area: pd.DataFrame | None = None,
    manifest: Mapping[str, Any] | None = None,
) -> Path:
    """Write ``results.xlsx`` into ``folder`` and return its path.

    Args:
        folder: The (temporary) results folder.
        key_figures: The long key-figure table (``key_figures_long.csv``).
        summary: The long summary (``summary.csv``), if written.
        summary_by_area: The long summary per area (``summary_by_area.csv``), if written.
        manifest: The run's manifest, for the ``About`` sheet.
    """
    sheets: dict[str, pd.DataFrame] = {"Key figures": _key_figures(key_figures)}
    if summary is not None and len(summary):
        sheets["Summary"] = _summary(summary, ["scenario", "year"])
    if summary_by_area is not None and len(summary_by_area):
        sheets["Summary by area"] = _summary(summary_by_area, ["scenario", "year", "area"])
    sheets["About"] = _about(manifest or {})
    path = folder / WORKBOOK
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, table in sheets.items():
            table.to_excel(writer, sheet_name=name, index=False)
            sheet = writer.sheets[name]
            sheet.freeze_panes = "B2"
            for cells in sheet.columns:
                width = max(len(str(c.value)) if c.value is not None else 0 for c in cells[:50])
                sheet.column_dimensions[cells[0].column_letter].width = min(max(width, 8), 60)
    return path
