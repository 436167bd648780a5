"""Figures of the report, as matplotlib Figures, in English or Danish.

Every function takes the model's tidy long table (or the age table for the pyramid) and returns
a :class:`matplotlib.figure.Figure` built without pyplot: no global figure registry holds on to
it and no GUI backend is touched, so it is freed like any object once dropped (nothing to
close, no leak over many figures); :func:`save_figure` writes PNG (Agg) and SVG and clears it.
Nothing here needs a display. Bands are 90% intervals over replicates; with one replicate there is
no band.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize, to_hex, to_rgb, to_rgba
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import FuncFormatter, ScalarFormatter

from simulation.report import account, labels, tables
from simulation.report.tilemap import BORNHOLM_CODE, read_tile_grid

__all__ = [
    "AREA_COLORS",
    "MOBILISATION_METRICS",
    "NO_AREA_COLOR",
    "scenario_colors",
    "save_figure",
    "net_cost_by_scenario",
    "cost_by_area",
    "difference_by_area",
    "tile_map",
    "cash_flow",
    "winners_map",
    "mobilisation",
    "population_pyramid",
]

MOBILISATION_METRICS = (
    "volunteers",
    "marginalised_employed",
    "initiatives_running",
    "initiatives_started",
    "initiatives_scaled",
    "initiatives_stopped",
)

# Presentation choices.
_DPI = 150
_BAND_ALPHA = 0.2
_KNOWN_COLORS = {"baseline": "#5f5f5f", "patchwork": "#d95f02", "strategic": "#1b7bb8"}
#: Colours of the welfare areas, shared with the classroom app.
AREA_COLORS = {
    "elderly_care": "#4e79a7",
    "health": "#f28e2b",
    "mental_health": "#b07aa1",
    "employment": "#59a14f",
    "integration": "#edc948",
    "rehabilitation": "#e15759",
}
NO_AREA_COLOR = "#9d9d9d"
_AREA_COLORS = AREA_COLORS
_NO_AREA_COLOR = NO_AREA_COLOR
_MISSING_TILE = "#e6e6e6"
_THOUSANDS_FROM = 20_000  # plot persons in thousands above this


def scenario_colors(names: Sequence[str]) -> dict[str, str]:
    """Return a fixed colour per scenario: known ones keep theirs, others take tab10 colours.

    Args:
        names: Scenario names in display order.
    """
    spare = [c for c in colormaps["tab10"].colors if c not in map(to_rgb, _KNOWN_COLORS.values())]
    out: dict[str, str] = {}
    i = 0
    for name in names:
        if name in _KNOWN_COLORS:
            out[name] = _KNOWN_COLORS[name]
        else:
            out[name] = to_hex(spare[i % len(spare)])
            i += 1
    return out


def save_figure(fig: Figure, directory: str | Path, name: str) -> tuple[Path, Path]:
    """Write a figure as ``name.png`` and ``name.svg`` and release it.

    SVG text is kept as text (not paths), so the figure stays editable and small.

    Args:
        fig: The figure (it is cleared afterwards; do not reuse it).
        directory: Folder to write into (created if missing).
        name: File stem.

    Returns:
        The PNG and SVG paths.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    png, svg = directory / f"{name}.png", directory / f"{name}.svg"
    try:
        fig.savefig(png, dpi=_DPI, facecolor="white")
        fig.set_layout_engine("none")  # keep the layout just computed; the SVG reuses it
        with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": name}):
            fig.savefig(svg, facecolor="white", metadata={"Date": None})
    finally:
        fig.clear()
    return png, svg


def _figure(width: float, height: float) -> Figure:
    return Figure(figsize=(width, height), layout="constrained")


class _LocalFormatter(ScalarFormatter):
    """Plain tick labels (no offset, no scientific notation) with a Danish decimal comma."""

    def __init__(self, lang: str) -> None:
        super().__init__(useOffset=False)
        self.set_scientific(False)
        self._lang = lang

    def __call__(self, x: float, pos: int | None = None) -> str:
        out = super().__call__(x, pos)
        return out.replace(".", ",") if self._lang == "da" else out


def _format_axis(axis, lang: str) -> None:
    axis.set_major_formatter(_LocalFormatter(lang))


def _band_key(ts: pd.DataFrame) -> str:
    """The legend text of a band: over parameter draws in a PSA (``ts.attrs["psa"]``)."""
    return "band_psa" if ts.attrs.get("psa") else "band"


def _band_handle(n: int, lang: str, key: str = "band") -> Patch:
    if n > 1:
        return Patch(color="0.5", alpha=_BAND_ALPHA * 1.5, label=labels.text(key, lang, n=n))
    return Patch(color="none", label=labels.text("single_replicate", lang))


def _lines_with_bands(ax, summary: pd.DataFrame, order: list[str], scale: float = 1.0) -> None:
    colors = scenario_colors(order)
    for name in order:
        sub = summary[summary["scenario"] == name].sort_values("year")
        if sub.empty:
            continue
        x = sub["year"].to_numpy()
        marker = "o" if len(x) == 1 else None  # a single year would otherwise be invisible
        ax.plot(x, sub["mean"] / scale, color=colors[name], lw=2, marker=marker, label=name)
        if sub["n_replicates"].max() > 1:
            ax.fill_between(
                x, sub["p05"] / scale, sub["p95"] / scale, color=colors[name], alpha=_BAND_ALPHA
            )


def _year_axis(ax, lang: str) -> None:
    ax.set_xlabel(labels.text("year", lang))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0f}"))
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.grid(True, alpha=0.3)


def _lower_first(s: str) -> str:
    return s[:1].lower() + s[1:] if s[:2] != s[:2].upper() else s


def net_cost_by_scenario(ts: pd.DataFrame, lang: str = "en", baseline: str = "baseline") -> Figure:
    """National net public cost per year by scenario, mean line with a 90% band.

    Falls back to public cost (plus lever cost where present) when ``net_cost_dkk`` is absent.

    Args:
        ts: The tidy output table.
        lang: ``"en"`` or ``"da"``.
        baseline: Name of the baseline scenario (drawn first).
    """
    labels.check_lang(lang)
    order = tables.scenario_order(ts, baseline)
    nat = tables.national(ts, tables.NET_COST)
    summary = tables.interval(nat, ["scenario", "year"])
    fig = _figure(8, 4.8)
    ax = fig.subplots()
    _lines_with_bands(ax, summary, order, scale=tables.BN)
    handles, names = ax.get_legend_handles_labels()
    names = [labels.scenario_label(n, lang) for n in names]
    handles.append(_band_handle(int(summary["n_replicates"].max()), lang, _band_key(ts)))
    names.append(handles[-1].get_label())
    ax.legend(handles, names, loc="upper left", frameon=False)
    ax.set_title(labels.text("title_net_cost", lang))
    ax.set_ylabel(labels.text("dkk_bn", lang))
    _format_axis(ax.yaxis, lang)
    _year_axis(ax, lang)
    return fig


def _area_order(areas: Sequence[object]) -> list[object]:
    present = [a for a in labels.AREAS if a in set(areas)]
    others = sorted(str(a) for a in areas if not pd.isna(a) and a not in labels.AREAS)
    tail = [a for a in areas if pd.isna(a)][:1]
    return [*present, *others, *tail]


def _area_color(area: object) -> str:
    if pd.isna(area):
        return _NO_AREA_COLOR
    return _AREA_COLORS.get(str(area), _NO_AREA_COLOR)


def cost_by_area(
    ts: pd.DataFrame, scenario: str | None = None, lang: str = "en", baseline: str = "baseline"
) -> Figure:
    """National public cost by welfare area per year, stacked, one panel per scenario.

    Args:
        ts: The tidy output table (needs ``public_cost_dkk``).
        scenario: Draw only this scenario; default: every scenario side by side.
        lang: ``"en"`` or ``"da"``.
        baseline: Name of the baseline scenario (drawn first).

    Raises:
        ValueError: For an unknown scenario or a missing ``public_cost_dkk``.
    """
    labels.check_lang(lang)
    order = tables.scenario_order(ts, baseline)
    if scenario is not None:
        if scenario not in order:
            raise ValueError(f"unknown scenario {scenario!r}; available: {order}")
        order = [scenario]
    nat = tables.national(ts, tables.PUBLIC_COST, by_area=True)
    mean = nat.groupby(["scenario", "year", "area"], dropna=False)["value"].mean().reset_index()
    areas = _area_order(list(pd.unique(mean["area"])))
    n = len(order)
    ncols = min(n, 3)
    nrows = math.ceil(n / ncols)
    fig = _figure(4.2 * ncols + 1.0, 3.6 * nrows + 1.2)
    axes = np.atleast_1d(fig.subplots(nrows, ncols, sharey=True, squeeze=False)).ravel()
    for ax, name in zip(axes, order, strict=False):
        sub = mean[mean["scenario"] == name]
        wide = sub.pivot_table(
            index="year", columns="area", values="value", dropna=False, aggfunc="sum"
        )
        years = wide.index.to_numpy()
        stack, colors = [], []
        for area in areas:
            col = [c for c in wide.columns if (pd.isna(c) and pd.isna(area)) or c == area]
            stack.append(wide[col[0]].fillna(0).to_numpy() / tables.BN if col else years * 0.0)
            colors.append(_area_color(area))
        ax.stackplot(years, *stack, colors=colors, alpha=0.9, lw=0)
        ax.set_title(labels.scenario_label(name, lang))
        _year_axis(ax, lang)
        _format_axis(ax.yaxis, lang)
    for ax in axes[n:]:
        ax.set_visible(False)
    for ax in axes[::ncols]:
        ax.set_ylabel(labels.text("dkk_bn", lang))
    handles = [Patch(color=_area_color(a), label=labels.area_label(a, lang)) for a in areas]
    fig.legend(
        handles=handles[::-1] if n == 1 else handles,
        loc="outside lower center",
        ncols=min(len(handles), 3),
        frameon=False,
    )
    title = (
        labels.text("title_cost_by_area_one", lang, scenario=labels.scenario_label(order[0], lang))
        if scenario is not None
        else labels.text("title_cost_by_area", lang)
    )
    fig.suptitle(title)
    return fig


def difference_by_area(ts: pd.DataFrame, baseline: str = "baseline", lang: str = "en") -> Figure:
    """Cumulated difference in net cost to the baseline by area, per scenario, with intervals.

    The strategy's own costs that belong to no area are a bar of their own ("Strategy (not
    area-specific)"); a total bar sums all areas.

    Args:
        ts: The tidy output table.
        baseline: Name of the baseline scenario.
        lang: ``"en"`` or ``"da"``.

    Raises:
        ValueError: If there is no baseline or no other scenario.
    """
    labels.check_lang(lang)
    diff = tables.area_differences(ts, baseline)
    order = [
        s for s in tables.scenario_order(ts, baseline) if s in set(pd.unique(diff["scenario"]))
    ]
    if not order:
        raise ValueError(f"no scenario besides {baseline!r} to compare with it")
    areas = _area_order([a for a in pd.unique(diff["area"]) if a != "total"]) + ["total"]
    colors = scenario_colors(tables.scenario_order(ts, baseline))
    n = len(order)
    height = 0.8 / n
    fig = _figure(8.5, 1.0 + 0.45 * len(areas) * max(1.0, 0.6 * n) + 0.6)
    ax = fig.subplots()
    for i, name in enumerate(order):
        sub = diff[diff["scenario"] == name]
        means, lo, hi = [], [], []
        for area in areas:
            hit = sub[sub["area"].isna()] if pd.isna(area) else sub[sub["area"] == area]
            m = float(hit["mean"].iloc[0]) if len(hit) else 0.0
            means.append(m)
            lo.append(max(m - float(hit["p05"].iloc[0]), 0.0) if len(hit) else 0.0)
            hi.append(max(float(hit["p95"].iloc[0]) - m, 0.0) if len(hit) else 0.0)
        y = np.arange(len(areas)) + (i - (n - 1) / 2) * height
        show_err = bool(sub["n_replicates"].max() > 1)
        ax.barh(
            y,
            means,
            height=height * 0.9,
            color=colors[name],
            label=labels.scenario_label(name, lang),
            xerr=np.array([lo, hi]) if show_err else None,
            error_kw={"ecolor": "0.15", "elinewidth": 1, "capsize": 2},
        )
    ax.use_sticky_edges = False  # leave room beyond the zero line
    ax.margins(x=0.04)
    ax.axvline(0, color="0.2", lw=0.8)
    ax.axhline(len(areas) - 1.5, color="0.6", lw=0.8, ls="--")
    names = [
        labels.text("total", lang) if a == "total" else labels.area_label(a, lang) for a in areas
    ]
    ax.set_yticks(np.arange(len(areas)), names)
    ax.invert_yaxis()
    base_label = labels.scenario_label(baseline, lang)
    start, end = int(ts["year"].min()), int(ts["year"].max())
    ax.set_title(
        labels.text("title_difference_by_area", lang, baseline=base_label, start=start, end=end)
    )
    ax.set_xlabel(labels.text("xlabel_difference", lang, baseline=base_label))
    _format_axis(ax.xaxis, lang)
    ax.grid(True, axis="x", alpha=0.3)
    handles, names = ax.get_legend_handles_labels()
    n_rep = int(diff["n_replicates"].max())
    handles.append(
        Line2D([], [], color="0.15", lw=1, label=labels.text(_band_key(ts), lang, n=n_rep))
        if n_rep > 1
        else Patch(color="none", label=labels.text("single_replicate", lang))
    )
    fig.legend(handles=handles, loc="outside lower center", ncols=len(handles), frameon=False)
    return fig


def _nice_limit(value: float) -> float:
    if not np.isfinite(value) or value <= 0:
        return 1.0
    exponent = math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        limit = step * 10**exponent
        if limit >= value:
            return float(limit)
    return float(10 ** (exponent + 1))  # pragma: no cover - loop always returns


def _text_color(rgba: Sequence[float]) -> str:
    r, g, b = rgba[:3]
    return "black" if 0.299 * r + 0.587 * g + 0.114 * b > 0.5 else "white"


def tile_label(ax, tile, face, missing: bool) -> None:
    """Write a tile's label in a colour that reads on ``face``; frame Bornholm (drawn apart)."""
    ax.text(
        tile.col + 0.47,
        tile.row + 0.5,
        tile.label,
        ha="center",
        va="center",
        fontsize=6.5,
        color="0.55" if missing else _text_color(to_rgba(face)),
    )
    if tile.code == BORNHOLM_CODE:
        ax.add_patch(
            Rectangle(
                (tile.col - 0.2, tile.row - 0.2),
                1.34,
                1.34,
                fill=False,
                edgecolor="0.5",
                lw=0.8,
                ls="--",
            )
        )


def _draw_tiles(grid: pd.DataFrame, cmap, norm) -> tuple[Figure, object, int]:
    """Draw the tile grid (with a ``value`` column) coloured by ``cmap(norm(value))``."""
    n_rows, n_cols = int(grid["row"].max()) + 1, int(grid["col"].max()) + 1
    fig = _figure(0.55 * n_cols + 1.8, 0.55 * n_rows + 1.0)
    ax = fig.subplots()
    for tile in grid.itertuples(index=False):
        missing = not np.isfinite(tile.value)
        face = _MISSING_TILE if missing else cmap(norm(tile.value))
        ax.add_patch(
            Rectangle((tile.col, tile.row), 0.94, 0.94, facecolor=face, edgecolor="white", lw=0.5)
        )
        tile_label(ax, tile, face, missing)
    ax.set_xlim(-0.3, n_cols + 0.3)
    ax.set_ylim(n_rows + 0.3, -0.3)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig, ax, n_rows


def tile_map(
    ts: pd.DataFrame,
    scenario: str,
    baseline: str = "baseline",
    metric: str = "net_cost_dkk",
    mode: str = "difference",
    lang: str = "en",
) -> Figure:
    """The 98 municipalities as tiles in their rough place, coloured by a % change.

    Args:
        ts: The tidy output table.
        scenario: The scenario to show.
        baseline: Scenario to compare with in ``mode="difference"``.
        metric: Metric, summed over areas (``net_cost_dkk`` falls back to public cost).
        mode: ``"difference"``: % change the scenario makes against the baseline in the last
            year (diverging colours centred at 0: blue lower, red higher); ``"growth"``: %
            growth from the first to the last year within the scenario.
        lang: ``"en"`` or ``"da"``.

    Raises:
        ValueError: For an unknown mode or scenario, or a missing baseline or metric.
    """
    labels.check_lang(lang)
    change = tables.municipal_change(ts, scenario, baseline, metric, mode)
    grid = read_tile_grid().merge(
        change.rename(columns={"municipality": "code"}), on="code", how="left"
    )
    values = grid["value"].to_numpy(dtype=float)
    finite = values[np.isfinite(values)]
    if mode == "difference":
        limit = _nice_limit(float(np.abs(finite).max()) if finite.size else 0.0)
        norm = Normalize(-limit, limit)
        cmap = colormaps["RdBu_r"]
    else:
        lo = float(finite.min()) if finite.size else 0.0
        hi = float(finite.max()) if finite.size else 1.0
        if hi - lo < 1e-9:
            lo, hi = lo - 1.0, hi + 1.0
        norm = Normalize(lo, hi)  # the data's own range: contrast between municipalities
        cmap = colormaps["YlOrRd"]

    fig, ax, n_rows = _draw_tiles(grid, cmap, norm)

    start, end = int(ts["year"].min()), int(ts["year"].max())
    metric_text = _lower_first(labels.metric_label(metric, lang))
    scen = labels.scenario_label(scenario, lang)
    base = labels.scenario_label(baseline, lang)
    if mode == "difference":
        title = labels.text(
            "title_tile_difference",
            lang,
            scenario=scen,
            metric=metric_text,
            year=end,
            baseline=base,
        )
        bar_label = labels.text("colorbar_difference", lang, baseline=base)
    else:
        title = labels.text(
            "title_tile_growth", lang, scenario=scen, metric=metric_text, start=start, end=end
        )
        bar_label = labels.text("colorbar_growth", lang, start=start, end=end)
    ax.set_title(title, fontsize=11)
    bar = fig.colorbar(ScalarMappable(norm=norm, cmap=cmap), ax=ax, shrink=0.6, pad=0.02)
    bar.set_label(bar_label)
    _format_axis(bar.ax.yaxis, lang)
    if not np.isfinite(values).all():
        ax.text(0, n_rows + 0.1, labels.text("not_simulated", lang), fontsize=8, color="0.4")
    return fig


def cash_flow(
    ts: pd.DataFrame,
    baseline: str = "baseline",
    lang: str = "en",
    scenarios: Sequence[str] | None = None,
) -> Figure:
    """Cumulated net saving against the baseline per year, one panel per payer.

    The data are :func:`simulation.report.account.cash_flow` of the replicate savings: the
    mean net saving cumulated year by year (undiscounted), with a 90% band over the
    replicates' running sums; a dot marks the payback year (the first year from which the
    cumulated mean stays above 0). Panels: municipalities, regions, state, total.

    Args:
        ts: The tidy output table (with costs by payer).
        baseline: The scenario compared with.
        lang: ``"en"`` or ``"da"``.
        scenarios: The scenarios to draw (default: all but the baseline).

    Raises:
        ValueError: Without a baseline or without costs by payer.
    """
    labels.check_lang(lang)
    if not account.has_payers(ts):
        raise ValueError("the results hold no public cost by payer")
    savings = account.replicate_savings(ts, baseline)
    order = [s for s in tables.scenario_order(ts, baseline) if s != baseline]
    if scenarios is not None:
        order = [s for s in order if s in set(scenarios)]
    flow = account.cash_flow(savings)
    payback = account.payback_years(savings).set_index(["scenario", "payer"])["payback_year"]
    colors = scenario_colors([baseline, *order])
    fig = _figure(10, 6.4)
    axes = fig.subplots(2, 2, sharex=True).ravel()
    n_rep = int(savings.groupby("scenario")["replicate"].nunique().max())
    for ax, payer in zip(axes, account.ACCOUNT_PAYERS, strict=True):
        for name in order:
            sub = flow[(flow["scenario"] == name) & (flow["payer"] == payer)]
            sub = sub.sort_values("year")
            if sub.empty:
                continue
            x = sub["year"].to_numpy()
            y = sub["cumulated"].to_numpy() / tables.BN
            ax.plot(x, y, color=colors[name], lw=2, label=labels.scenario_label(name, lang))
            if n_rep > 1:
                ax.fill_between(
                    x,
                    sub["p05"] / tables.BN,
                    sub["p95"] / tables.BN,
                    color=colors[name],
                    alpha=_BAND_ALPHA,
                )
            year = payback.get((name, payer), pd.NA)
            if not pd.isna(year):
                at = float(sub.loc[sub["year"] == int(year), "cumulated"].iloc[0]) / tables.BN
                ax.plot([int(year)], [at], "o", color=colors[name], ms=7, mec="black", zorder=5)
        ax.axhline(0.0, color="0.3", lw=0.8)
        ax.set_title(labels.payer_label(payer, lang), fontsize=10)
        ax.set_ylabel(labels.text("ylabel_cash_flow", lang), fontsize=8)
        _format_axis(ax.yaxis, lang)
        _year_axis(ax, lang)
    for ax in axes[:2]:  # the top row shares the bottom row's years
        ax.set_xlabel("")
    handles, names = axes[0].get_legend_handles_labels()
    handles.append(Line2D([], [], marker="o", ls="none", color="0.6", mec="black", label="payback"))
    names.append(labels.text("payback_marker", lang))
    handles.append(_band_handle(n_rep, lang, _band_key(ts)))
    names.append(handles[-1].get_label())
    fig.legend(handles, names, loc="outside lower center", ncols=min(len(names), 4), frameon=False)
    base = labels.scenario_label(baseline, lang)
    fig.suptitle(labels.text("title_cash_flow", lang, baseline=base))
    return fig


def winners_map(
    ts: pd.DataFrame,
    scenario: str,
    baseline: str = "baseline",
    lang: str = "en",
    rate: float | None = None,
) -> Figure:
    """The tile map of which municipalities gain and which lose under a scenario.

    Each tile is coloured by :func:`simulation.report.account.municipal_present_value`: the
    present value of the municipality's own net saving against the baseline (the municipal
    budget: its public cost and the lever cost it pays), per inhabitant, on a diverging scale
    centred on 0 (green = gains, purple = loses). The scale covers the 95th percentile of the
    absolute values; beyond it the colours saturate (arrows on the colour bar).

    Args:
        ts: The tidy output table (with costs by payer).
        scenario: The scenario to show.
        baseline: The scenario compared with.
        lang: ``"en"`` or ``"da"``.
        rate: Discount rate (default: Finansministeriet's 3.5%).

    Raises:
        ValueError: For an unknown scenario or a missing baseline.
    """
    labels.check_lang(lang)
    kwargs = {} if rate is None else {"rate": rate}
    value = account.municipal_present_value(ts, scenario, baseline, **kwargs)
    grid = read_tile_grid().merge(
        value.rename(columns={"municipality": "code"}), on="code", how="left"
    )
    values = grid["value"].to_numpy(dtype=float)
    finite = np.abs(values[np.isfinite(values)])
    # the scale covers 95% of the municipalities, so that a few small places (sampled with
    # few citizens) do not wash out the rest; beyond it the colours saturate
    limit = _nice_limit(float(np.percentile(finite, 95)) if finite.size else 0.0)
    extend = "both" if finite.size and finite.max() > limit else "neither"
    norm = Normalize(-limit, limit)
    cmap = colormaps["PRGn"]
    fig, ax, n_rows = _draw_tiles(grid, cmap, norm)
    start, end = int(ts["year"].min()), int(ts["year"].max())
    scen = labels.scenario_label(scenario, lang)
    ax.set_title(labels.text("title_tile_winners", lang, scenario=scen), fontsize=11)
    bar = fig.colorbar(
        ScalarMappable(norm=norm, cmap=cmap), ax=ax, shrink=0.6, pad=0.02, extend=extend
    )
    bar.set_label(labels.text("colorbar_winners", lang, start=start, end=end))
    _format_axis(bar.ax.yaxis, lang)
    if not np.isfinite(values).all():
        ax.text(0, n_rows + 0.1, labels.text("not_simulated", lang), fontsize=8, color="0.4")
    return fig


def mobilisation(ts: pd.DataFrame, lang: str = "en", baseline: str = "baseline") -> Figure:
    """Volunteers, marginalised citizens in jobs and initiatives by stage, per scenario.

    One panel per metric of :data:`MOBILISATION_METRICS` that ``ts`` holds (national totals,
    mean line with 90% band); panels of missing metrics are skipped.

    Args:
        ts: The tidy output table.
        lang: ``"en"`` or ``"da"``.
        baseline: Name of the baseline scenario (drawn first).

    Raises:
        ValueError: If none of the metrics is present.
    """
    labels.check_lang(lang)
    present = [m for m in MOBILISATION_METRICS if tables.has_metric(ts, m)]
    if not present:
        raise ValueError(
            "none of the mobilisation metrics is in the results: " + ", ".join(MOBILISATION_METRICS)
        )
    order = tables.scenario_order(ts, baseline)
    ncols = min(len(present), 3)
    nrows = math.ceil(len(present) / ncols)
    fig = _figure(4.0 * ncols + 0.4, 3.1 * nrows + 1.1)
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    n_rep = 1
    for ax, metric in zip(axes, present, strict=False):
        summary = tables.interval(tables.national(ts, metric), ["scenario", "year"])
        n_rep = max(n_rep, int(summary["n_replicates"].max()))
        is_count = metric.startswith("initiatives_")
        scale = 1e3 if not is_count and summary["p95"].max() >= _THOUSANDS_FROM else 1.0
        _lines_with_bands(ax, summary, order, scale=scale)
        ax.set_title(labels.metric_label(metric, lang), fontsize=10)
        unit = "count" if is_count else ("thousand_persons" if scale > 1 else "persons")
        ax.set_ylabel(labels.text(unit, lang))
        top = float(summary[["mean", "p95"]].max().max()) / scale
        ax.set_ylim(0, top * 1.08 if top > 0 else 1.0)
        _format_axis(ax.yaxis, lang)
        _year_axis(ax, lang)
    for ax in axes[len(present) :]:
        ax.set_visible(False)
    colors = scenario_colors(order)
    handles = [
        Line2D([], [], color=colors[s], lw=2, label=labels.scenario_label(s, lang)) for s in order
    ]
    handles.append(_band_handle(n_rep, lang, _band_key(ts)))
    fig.legend(handles=handles, loc="outside lower center", ncols=len(handles), frameon=False)
    fig.suptitle(labels.text("title_mobilisation", lang))
    return fig


def _band_start(band: str) -> int:
    found = re.match(r"\s*(\d+)", str(band))
    return int(found.group(1)) if found else 10**6


def population_pyramid(
    ages: pd.DataFrame,
    years: Sequence[int] = (2026, 2050),
    scenario: str | None = None,
    lang: str = "en",
    baseline: str = "baseline",
) -> Figure:
    """Population by age band and sex (men left, women right), several years overlaid.

    The first year is drawn as filled bars, later years as outlines; values are means over
    replicates.

    Args:
        ages: Columns ``scenario, replicate, year, sex ("male"/"female"), age_band, value``.
        years: Years to overlay; years not in ``ages`` are skipped.
        scenario: Scenario to draw; default: the baseline if present, else the first.
        lang: ``"en"`` or ``"da"``.
        baseline: Name of the baseline scenario.

    Raises:
        ValueError: If the scenario is unknown or none of the years is present.
    """
    labels.check_lang(lang)
    order = tables.scenario_order(ages, baseline)
    name = scenario if scenario is not None else order[0]
    if name not in order:
        raise ValueError(f"unknown scenario {name!r}; available: {order}")
    sub = ages[ages["scenario"] == name]
    shown = [int(y) for y in years if int(y) in set(pd.unique(sub["year"]).astype(int))]
    if not shown:
        have = sorted(set(pd.unique(sub["year"]).astype(int)))
        raise ValueError(f"none of the years {list(years)} is in the age table; it has {have}")
    mean = sub.groupby(["year", "sex", "age_band"])["value"].mean().reset_index()
    bands = sorted(pd.unique(mean["age_band"]), key=_band_start)
    pos = {b: i for i, b in enumerate(bands)}
    fig = _figure(8, 0.22 * len(bands) + 2.2)
    ax = fig.subplots()
    outline_colors = ["0.1", "#d95f02", "#1b7bb8", "#7570b3"]
    for k, year in enumerate(shown):
        for sex, sign, color in (("male", -1, "#5b8db8"), ("female", 1, "#d9795b")):
            part = mean[(mean["year"] == year) & (mean["sex"] == sex)]
            y = part["age_band"].map(pos).to_numpy()
            x = sign * part["value"].to_numpy() / 1e3
            if k == 0:
                ax.barh(y, x, height=0.9, color=color, alpha=0.55, lw=0)
            else:
                ax.barh(
                    y,
                    x,
                    height=0.9,
                    fill=False,
                    edgecolor=outline_colors[(k - 1) % len(outline_colors)],
                    lw=1.2,
                )
    handles = [Patch(color="0.6", alpha=0.55, label=str(shown[0]))] + [
        Patch(fill=False, edgecolor=outline_colors[(k - 1) % len(outline_colors)], label=str(y))
        for k, y in enumerate(shown)
        if k > 0
    ]
    ax.legend(handles=handles, loc="upper right", bbox_to_anchor=(1.0, 0.93), frameon=False)
    ax.set_yticks(np.arange(len(bands)), bands, fontsize=7)
    ax.set_ylim(-0.7, len(bands) - 0.3)
    ax.axvline(0, color="0.3", lw=0.8)
    limit = float(np.abs(ax.get_xlim()).max())
    ax.set_xlim(-limit, limit)
    da = lang == "da"
    ax.xaxis.set_major_formatter(
        FuncFormatter(lambda v, _: f"{abs(v):g}".replace(".", ",") if da else f"{abs(v):g}")
    )
    ax.set_xlabel(labels.text("thousand_persons", lang))
    ax.set_ylabel(labels.text("age", lang))
    ax.text(0.02, 0.98, labels.text("men", lang), transform=ax.transAxes, va="top", fontsize=11)
    ax.text(
        0.98,
        0.98,
        labels.text("women", lang),
        transform=ax.transAxes,
        va="top",
        ha="right",
        fontsize=11,
    )
    ax.set_title(labels.text("title_pyramid", lang, scenario=labels.scenario_label(name, lang)))
    ax.grid(True, axis="x", alpha=0.3)
    return fig
