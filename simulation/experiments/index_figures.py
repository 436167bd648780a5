"""Figures of sensitivity indices: bar charts with confidence intervals, saved as PNG and SVG.

Figures are drawn on :class:`matplotlib.figure.Figure` objects directly (no pyplot), so they work
without a display and do not touch the global matplotlib state.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

__all__ = ["sobol_figure", "morris_figure", "save_figure"]


def sobol_figure(table: pd.DataFrame, outcome: str, conf_level: float = 0.95) -> Figure:
    """Draw first-order (S1) and total (ST) Sobol indices of one outcome, with confidence intervals.

    Args:
        table: The ``sobol`` table of :func:`simulation.experiments.sensitivity.sobol_indices`.
        outcome: The outcome to draw.
        conf_level: Level of the intervals, for the legend.
    """
    rows = table[table["outcome"] == outcome].sort_values("ST", ascending=False)
    fig = Figure(figsize=(max(4.0, 0.8 * len(rows) + 2), 3.6), layout="constrained")
    ax = fig.add_subplot()
    x = np.arange(len(rows))
    width = 0.38
    ax.bar(
        x - width / 2, rows["S1"], width, yerr=rows["S1_conf"], capsize=3, label="first order (S1)"
    )
    ax.bar(x + width / 2, rows["ST"], width, yerr=rows["ST_conf"], capsize=3, label="total (ST)")
    ax.set_xticks(x, rows["parameter"], rotation=30, ha="right")
    ax.axhline(0, color="black", linewidth=0.6)
    ax.set_ylabel("Sobol index (share of variance)")
    ax.set_title(f"Sobol indices: {outcome}")
    ax.legend(title=f"{conf_level:.0%} CI", frameon=False)
    return fig


def morris_figure(table: pd.DataFrame, outcome: str, conf_level: float = 0.95) -> Figure:
    """Draw Morris mu* of one outcome as bars with confidence intervals, and mu* against sigma.

    Args:
        table: The ``morris`` table of :func:`simulation.experiments.sensitivity.morris_indices`.
        outcome: The outcome to draw.
        conf_level: Level of the intervals, for the axis label.
    """
    rows = table[table["outcome"] == outcome].sort_values("mu_star", ascending=False)
    fig = Figure(figsize=(max(7.0, 0.7 * len(rows) + 5), 3.6), layout="constrained")
    bars, scatter = fig.subplots(1, 2, width_ratios=[3, 2])
    x = np.arange(len(rows))
    bars.bar(x, rows["mu_star"], yerr=rows["mu_star_conf"], capsize=3)
    bars.set_xticks(x, rows["parameter"], rotation=30, ha="right")
    bars.set_ylabel(f"mu* (mean |elementary effect|, {conf_level:.0%} CI)")
    bars.set_title(f"Morris screening: {outcome}")
    scatter.scatter(rows["mu_star"], rows["sigma"])
    for _, row in rows.iterrows():
        scatter.annotate(row["parameter"], (row["mu_star"], row["sigma"]), fontsize=8)
    scatter.set_xlabel("mu*")
    scatter.set_ylabel("sigma (interactions, non-linearity)")
    return fig


def save_figure(fig: Figure, folder: str | Path, stem: str) -> list[Path]:
    """Save a figure as ``<folder>/<stem>.png`` (150 dpi) and ``.svg``; return the two paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"{stem}.png", folder / f"{stem}.svg"]
    fig.savefig(paths[0], dpi=150)
    fig.savefig(paths[1])
    return paths
