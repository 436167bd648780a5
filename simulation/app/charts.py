"""The classroom app's pictures, as ECharts options (plain dictionaries), in English or Danish.

Each function takes a :class:`~simulation.app.controller.ClassroomController` and returns the
option of one chart for :func:`solara.FigureEcharts`; the browser draws it. Building an option
takes about a millisecond, where rendering the same picture with matplotlib on the server takes
a few hundred (measured: 0.2-0.5 s per figure, 2-3 s for the six), which would make a simulated
year appear far too slowly in class. The x axis always spans 2026 to the end year, so the
pictures grow as the years appear; years not yet simulated are ``None`` (drawn as gaps).

Numbers in the options are rounded (one decimal) to keep the messages small. Text in the titles
is formatted in the chosen language; ECharts prints axis numbers with a decimal point in both.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from simulation.app import texts
from simulation.app.controller import BASELINE, STAGES, ClassroomController
from simulation.constants import AREAS, BASE_YEAR
from simulation.report import figures as report_figures
from simulation.report import labels
from simulation.report.figures import scenario_colors
from simulation.report.tilemap import read_tile_grid
from simulation.year.needs import need_model

__all__ = [
    "AREA_COLORS",
    "HEIGHTS",
    "scenario_color",
    "net_cost",
    "cost_by_area",
    "mobilisation",
    "initiatives",
    "municipality_map",
    "citizen",
    "citizen_summary",
    "all_charts",
]

#: Colours of the welfare areas (the report's palette) and of costs booked to no area.
AREA_COLORS: dict[str | None, str] = {
    **report_figures.AREA_COLORS,
    None: report_figures.NO_AREA_COLOR,
}
#: Height of each chart in the page, in pixels.
HEIGHTS = {
    "net_cost": 400,
    "cost_by_area": 360,
    "mobilisation": 300,
    "initiatives": 320,
    "map": 460,
    "citizen": 320,
}
_STAGE_COLORS = {"pilot": "#9ecae1", "running": "#4292c6", "scaled": "#08306b"}
_SAVING, _EXTRA = "#1a9850", "#d73027"
_BASELINE_COLOR = "#5f5f5f"
_GROWTH_COLORS = ["#ffffcc", "#ffeda0", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c"]
_DIVERGING = ["#2166ac", "#67a9cf", "#d1e5f0", "#f7f7f7", "#fddbc7", "#ef8a62", "#b2182b"]
_NO_NEED, _GONE = "#f1f1f1", "#c8c8c8"
_BN, _MN = 1e9, 1e6


def scenario_color(name: str) -> str:
    """Colour of a scenario's line (the report's; the classroom scenario is strategic's blue)."""
    known = scenario_colors([BASELINE, "patchwork", "strategic"])
    return known.get("strategic" if name == "classroom" else name, known["strategic"])


# ---------------------------------------------------------------------------- helpers
def _years(ctrl: ClassroomController) -> list[str]:
    return [str(y) for y in range(BASE_YEAR, ctrl.end_year + 1)]


def _pad(values: Sequence[float] | np.ndarray, total: int, decimals: int = 1) -> list[Any]:
    """Rounded values, then ``None`` up to ``total`` entries (years not simulated yet)."""
    out: list[Any] = [round(float(v), decimals) for v in values]
    return out + [None] * (total - len(out))


def _option(title: str, subtitle: str = "") -> dict[str, Any]:
    return {
        "animation": False,
        "title": {
            "text": title,
            "subtext": subtitle,
            "left": 8,
            "top": 2,
            "textStyle": {"fontSize": 14},
            "subtextStyle": {"fontSize": 12, "color": "#333"},
        },
        "tooltip": {"trigger": "axis"},
        "textStyle": {"fontFamily": "Roboto, Helvetica, Arial, sans-serif"},
    }


def _category_axis(ctrl: ClassroomController, grid: int = 0, **extra: Any) -> dict[str, Any]:
    return {
        "type": "category",
        "data": _years(ctrl),
        "gridIndex": grid,
        "boundaryGap": True,
        "axisLabel": {"fontSize": 10},
        **extra,
    }


def _value_axis(name: str, grid: int = 0, **extra: Any) -> dict[str, Any]:
    return {
        "type": "value",
        "name": name,
        "gridIndex": grid,
        "nameTextStyle": {"fontSize": 10, "align": "left"},
        "axisLabel": {"fontSize": 10},
        "splitLine": {"lineStyle": {"color": "#e6e6e6"}},
        **extra,
    }


def _line(name: str, data: list[Any], color: str, **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "type": "line",
        "data": data,
        "color": color,
        "showSymbol": sum(v is not None for v in data) == 1,
        "symbolSize": 6,
        "lineStyle": {"width": 2.5},
        "connectNulls": False,
        **extra,
    }


def _signed(value: float, lang: str, decimals: int = 1) -> str:
    text = labels.format_number(value, decimals, lang)
    return text if text.startswith("−") or value == 0 else "+" + text


def _waiting(option: dict[str, Any], lang: str) -> dict[str, Any]:
    option["graphic"] = [
        {
            "type": "text",
            "left": "center",
            "top": "middle",
            "style": {"text": texts.t("fig_no_data", lang), "fill": "#777", "fontSize": 14},
        }
    ]
    return option


# ---------------------------------------------------------------------------- charts
def net_cost(ctrl: ClassroomController, lang: str = "en") -> dict[str, Any]:
    """Net public cost per year, the scenario against the baseline, and their difference.

    Top: both runs' national net cost (public provision plus the strategy's own cost) and, if
    there is one, the run before the last change (dashed). Bottom: the scenario minus the
    baseline per year in DKK million, green where it saves and red where it costs more; the
    subtitle gives the sum so far.
    """
    n_all = ctrl.end_year - BASE_YEAR + 1
    years = ctrl.years
    name = texts.scenario_label(ctrl.scenario_name, lang)
    color = scenario_color(ctrl.scenario_name)
    subtitle = ""
    series: list[dict[str, Any]] = []
    if len(years):
        scen = ctrl.national("net_cost_dkk")
        base = ctrl.national("net_cost_dkk", which=BASELINE)
        diff = scen - base
        pct = 100.0 * diff.sum() / base.sum() if base.sum() else 0.0
        subtitle = texts.t(
            "fig_cumulated",
            lang,
            start=BASE_YEAR,
            end=int(years[-1]),
            value=_signed(float(diff.sum()) / _BN, lang),
            pct=_signed(pct, lang, 2),
        )
        series += [
            _line(texts.t("baseline", lang), _pad(base / _BN, n_all), _BASELINE_COLOR),
            _line(name, _pad(scen / _BN, n_all), color),
            {
                "name": texts.t("fig_net_difference", lang),
                "type": "bar",
                "xAxisIndex": 1,
                "yAxisIndex": 1,
                "barCategoryGap": "25%",
                "data": [
                    {
                        "value": round(float(d) / _MN),
                        "itemStyle": {"color": _SAVING if d < 0 else _EXTRA},
                    }
                    for d in diff
                ]
                + [None] * (n_all - len(diff)),
            },
        ]
    if ctrl.previous is not None:
        prev = ctrl.previous
        data = [None] * n_all
        for y, v in zip(prev["years"], prev["values"], strict=True):
            data[int(y) - BASE_YEAR] = round(float(v) / _BN, 1)
        series.append(
            _line(
                texts.t("previous_run", lang),
                data,
                color,
                lineStyle={"width": 1.5, "type": "dashed", "opacity": 0.6},
            )
        )
    option = _option(texts.t("fig_net_cost", lang), subtitle)
    option.update(
        {
            "legend": {
                "top": 48,
                "left": 8,
                "itemWidth": 18,
                "textStyle": {"fontSize": 11},
                "data": [texts.t("baseline", lang), name, texts.t("previous_run", lang)],
            },
            "grid": [
                {"left": 8, "right": 16, "top": 90, "height": "40%", "containLabel": True},
                {"left": 8, "right": 16, "top": "72%", "bottom": 8, "containLabel": True},
            ],
            "xAxis": [
                _category_axis(ctrl, 0, axisLabel={"show": False}),
                _category_axis(ctrl, 1),
            ],
            "yAxis": [
                _value_axis(labels.text("dkk_bn_short", lang), 0, scale=True),
                _value_axis(
                    texts.t("fig_net_difference", lang) + " (" + texts.t("dkk_m", lang) + ")",
                    1,
                    splitNumber=3,
                ),
            ],
            "axisPointer": {"link": [{"xAxisIndex": "all"}]},
            "series": series,
        }
    )
    return option if len(years) else _waiting(option, lang)


def cost_by_area(ctrl: ClassroomController, lang: str = "en") -> dict[str, Any]:
    """Net public cost by welfare area (stacked) and each area's difference to the baseline.

    The strategy's own costs that belong to no area are a layer and a bar of their own.
    """
    n_all = ctrl.end_year - BASE_YEAR + 1
    years = ctrl.years
    keys: list[str | None] = [*AREAS, None]
    names = [labels.area_label(a, lang) for a in keys]
    series: list[dict[str, Any]] = []
    diff_title = texts.t("fig_area_difference", lang)
    if len(years):
        scen = ctrl.by_area("net_cost_dkk")
        base = ctrl.by_area("net_cost_dkk", which=BASELINE)
        for key, label in zip(keys, names, strict=True):
            series.append(
                _line(
                    label,
                    _pad(scen[key] / _BN, n_all),
                    AREA_COLORS[key],
                    stack="cost",
                    areaStyle={"opacity": 0.85},
                    lineStyle={"width": 0},
                    showSymbol=False,
                )
            )
        diff = [(scen[k].sum() - base[k].sum()) / _MN for k in keys]
        series.append(
            {
                "name": diff_title,
                "type": "bar",
                "xAxisIndex": 1,
                "yAxisIndex": 1,
                "data": [
                    {"value": round(float(d)), "itemStyle": {"color": AREA_COLORS[k]}}
                    for d, k in zip(diff, keys, strict=True)
                ],
                "label": {"show": True, "position": "inside", "fontSize": 9, "color": "#000"},
            }
        )
        diff_title += f"\n{BASE_YEAR}–{int(years[-1])}, {texts.t('dkk_m', lang)}"
    option = _option(texts.t("fig_cost_by_area", lang))
    option.update(
        {
            "legend": {
                "bottom": 0,
                "data": names,
                "itemWidth": 14,
                "textStyle": {"fontSize": 10},
            },
            "grid": [
                {"left": 8, "width": "58%", "top": 56, "bottom": 56, "containLabel": True},
                {"left": "71%", "right": 12, "top": 64, "bottom": 64},
            ],
            "xAxis": [
                _category_axis(ctrl, 0),
                _value_axis("", 1, axisLabel={"show": False}),
            ],
            "yAxis": [
                _value_axis(labels.text("dkk_bn_short", lang), 0),
                {
                    "type": "category",
                    "gridIndex": 1,
                    "data": names,
                    "inverse": True,
                    "axisLabel": {"show": False},
                    "axisTick": {"show": False},
                },
            ],
            "series": series,
        }
    )
    option["title"] = [
        option["title"],
        {
            "text": diff_title,
            "left": "71%",
            "top": 18,
            "textStyle": {"fontSize": 11, "lineHeight": 15},
        },
    ]
    return option if len(years) else _waiting(option, lang)


def mobilisation(ctrl: ClassroomController, lang: str = "en") -> dict[str, Any]:
    """Volunteers, marginalised citizens in jobs and volunteer hours used by initiatives."""
    n_all = ctrl.end_year - BASE_YEAR + 1
    years = ctrl.years
    color = scenario_color(ctrl.scenario_name)
    name = texts.scenario_label(ctrl.scenario_name, lang)
    panels = (
        ("fig_volunteers", "thousand", lambda w: ctrl.national("volunteers", which=w) / 1e3),
        ("fig_jobs", "persons", lambda w: ctrl.national("marginalised_employed", which=w)),
        (
            "fig_hours",
            "million_hours",
            lambda w: sum(ctrl.national("volunteer_hours", a, which=w) for a in AREAS) / 1e6,
        ),
    )
    lefts = ("1%", "34.5%", "68%")
    option = _option(texts.t("fig_mobilisation", lang))
    grids, x_axes, y_axes, series, titles = [], [], [], [], [option["title"]]
    for i, ((title, unit, values), left) in enumerate(zip(panels, lefts, strict=True)):
        grids.append({"left": left, "width": "30%", "top": 78, "bottom": 40, "containLabel": True})
        x_axes.append(_category_axis(ctrl, i))
        y_axes.append(_value_axis(texts.t(unit, lang), i, min=0))
        titles.append(
            {
                "text": texts.t(title, lang),
                "left": left,
                "top": 32,
                "textStyle": {"fontSize": 12},
            }
        )
        if len(years):
            series.append(
                _line(
                    texts.t("baseline", lang),
                    _pad(values(BASELINE), n_all),
                    _BASELINE_COLOR,
                    xAxisIndex=i,
                    yAxisIndex=i,
                )
            )
            series.append(
                _line(name, _pad(values("scenario"), n_all), color, xAxisIndex=i, yAxisIndex=i)
            )
    option.update(
        {
            "title": titles,
            "legend": {"bottom": 0, "data": [texts.t("baseline", lang), name]},
            "grid": grids,
            "xAxis": x_axes,
            "yAxis": y_axes,
            "series": series,
        }
    )
    return option if len(years) else _waiting(option, lang)


def initiatives(ctrl: ClassroomController, lang: str = "en") -> dict[str, Any]:
    """Active initiatives by stage at the end of each year, and those stopped during it."""
    n_all = ctrl.end_year - BASE_YEAR + 1
    years = ctrl.years
    series: list[dict[str, Any]] = []
    if len(years):
        stages = ctrl.stages()
        for stage in STAGES:
            series.append(
                {
                    "name": texts.stage_label(stage, lang),
                    "type": "bar",
                    "stack": "active",
                    "color": _STAGE_COLORS[stage],
                    "data": _pad(stages[stage], n_all, 0),
                }
            )
        series.append(
            _line(
                texts.t("fig_initiatives_stopped", lang),
                _pad(ctrl.national("initiatives_stopped"), n_all, 0),
                _EXTRA,
                showSymbol=True,
                symbolSize=5,
            )
        )
    option = _option(texts.t("fig_initiatives", lang))
    option.update(
        {
            "legend": {"top": 30, "left": 8},
            "grid": {"left": 8, "right": 16, "top": 76, "bottom": 8, "containLabel": True},
            "xAxis": _category_axis(ctrl),
            "yAxis": _value_axis(texts.t("count", lang)),
            "series": series,
        }
    )
    return option if len(years) else _waiting(option, lang)


def municipality_map(
    ctrl: ClassroomController, lang: str = "en", mode: str = "growth"
) -> dict[str, Any]:
    """The 98 municipalities as tiles in their rough place (the report's tile map layout).

    Args:
        ctrl: the controller.
        lang: ``"en"`` or ``"da"``.
        mode: ``"growth"``: % growth of each municipality's net public cost since 2026 in the
            scenario; ``"difference"``: % difference to the baseline in the last simulated
            year (blue lower, red higher).

    Raises:
        ValueError: for an unknown mode.
    """
    if mode not in ("growth", "difference"):
        raise ValueError(f"unknown mode {mode!r}; allowed values: 'growth', 'difference'")
    grid = read_tile_grid()
    n_rows, n_cols = int(grid["row"].max()) + 1, int(grid["col"].max()) + 1
    years = ctrl.years
    name = texts.scenario_label(ctrl.scenario_name, lang)
    if len(years):
        scen = ctrl.municipal("net_cost_dkk")
        if mode == "growth":
            with np.errstate(divide="ignore", invalid="ignore"):
                values = 100.0 * (scen[-1] / scen[0] - 1.0)
            title = texts.t("map_growth", lang, start=BASE_YEAR, end=int(years[-1]))
        else:
            base = ctrl.municipal("net_cost_dkk", which=BASELINE)
            with np.errstate(divide="ignore", invalid="ignore"):
                values = 100.0 * (scen[-1] / base[-1] - 1.0)
            title = texts.t("map_difference", lang, end=int(years[-1]))
    else:
        values = np.full(len(ctrl.codes), np.nan)
        title = texts.t("fig_tile_wait", lang)
    index = {int(code): i for i, code in enumerate(ctrl.codes)}
    data = []
    finite = []
    for tile in grid.itertuples(index=False):
        v = float(values[index[int(tile.code)]])
        ok = bool(np.isfinite(v))
        if ok:
            finite.append(v)
        data.append(
            {
                "name": f"{tile.name}: {_signed(v, lang)} %" if ok else str(tile.name),
                "value": [int(tile.col), int(tile.row), round(v, 2) if ok else "-"],
                "label": {"show": True, "formatter": str(tile.label), "fontSize": 9},
            }
        )
    # The colour scale spans the middle 90% of the municipalities: a few small ones, with few
    # simulated citizens, would otherwise take the whole scale (their tiles keep the end colour).
    if mode == "growth":
        lo, hi = (
            (float(np.percentile(finite, 5)), float(np.percentile(finite, 95)))
            if finite
            else (0.0, 1.0)
        )
        if hi - lo < 1e-6:
            lo, hi = lo - 1.0, hi + 1.0
        colors = _GROWTH_COLORS
    else:
        limit = float(np.percentile(np.abs(finite), 95)) if finite else 1.0
        limit = limit if limit > 1e-6 else 1.0
        lo, hi = -limit, limit
        colors = _DIVERGING
    option = _option(title, name if len(years) else "")
    option.update(
        {
            "tooltip": {"trigger": "item", "formatter": "{b}"},
            "grid": {"left": 8, "right": 80, "top": 56, "bottom": 8},
            "xAxis": {
                "type": "category",
                "data": list(range(n_cols)),
                "show": False,
                "splitArea": {"show": False},
            },
            "yAxis": {
                "type": "category",
                "data": list(range(n_rows)),
                "inverse": True,
                "show": False,
            },
            "visualMap": {
                "show": bool(len(years)),
                "type": "continuous",
                "min": round(lo, 2),
                "max": round(hi, 2),
                "precision": 1,
                "orient": "vertical",
                "right": 8,
                "top": "middle",
                "itemHeight": 200,
                "text": ["%", ""],
                "inRange": {"color": colors},
                "seriesIndex": 0,
            },
            "series": [
                {
                    "name": title,
                    "type": "heatmap",
                    "data": data,
                    "itemStyle": {"borderColor": "#fff", "borderWidth": 2},
                    "emphasis": {"itemStyle": {"borderColor": "#333", "borderWidth": 2}},
                }
            ],
        }
    )
    return option


def _shade(color: str, strength: float) -> str:
    """Blend a hex colour with white (``strength`` 1 = the colour itself)."""
    rgb = [int(color[i : i + 2], 16) for i in (1, 3, 5)]
    mixed = [round(255 + (c - 255) * strength) for c in rgb]
    return "#" + "".join(f"{c:02x}" for c in mixed)


def _need_names() -> dict[str, list[str]]:
    model = need_model()
    return {area: [lv.name for lv in model.levels[area]] for area in AREAS}


def citizen(ctrl: ClassroomController, lang: str = "en") -> dict[str, Any] | None:
    """The followed citizen's needs by welfare area, year by year (``None`` if nobody is followed).

    One row per area, one column per year (state on 1 January); a coloured cell is a need
    (darker: the heavier level, e.g. nursing home above home help), grey a year after they left
    the simulation, and a black dot a year in which an initiative reaches them.
    """
    life = ctrl.life_course()
    if not life:
        return None
    levels = _need_names()
    area_names = [labels.area_label(a, lang) for a in AREAS]
    n_all = ctrl.end_year - BASE_YEAR + 2  # records run to 1 January after the end year
    x_labels = [str(BASE_YEAR + k) for k in range(n_all)]
    pieces = [
        {"value": -2, "color": _GONE},
        {"value": -1, "color": _NO_NEED},
    ]
    for j, area in enumerate(AREAS):
        n_levels = max(len(levels[area]), 1)
        for level in range(1, n_levels + 1):
            pieces.append(
                {
                    "value": j * 10 + level,
                    "color": _shade(AREA_COLORS[area], 0.45 + 0.55 * level / n_levels),
                }
            )
    cells, dots = [], []
    for record in life:
        x = int(record["year"]) - BASE_YEAR
        if not 0 <= x < n_all:
            continue
        if "status" in record:
            gone = texts.t("citizen_gone", lang, year=record["year"])
            cells += [{"name": gone, "value": [x, j, -2]} for j in range(len(AREAS))]
            continue
        x_labels[x] = f"{record['year']}\n{record['age']}"
        reached = ctrl.reached_areas(int(record["year"]))
        for j, area in enumerate(AREAS):
            level = int(record["need"][j])
            need = (
                texts.need_label(levels[area][level - 1], lang)
                if 0 < level <= len(levels[area])
                else "–"
            )
            cells.append(
                {
                    "name": f"{record['year']} · {area_names[j]}: {need}",
                    "value": [x, j, j * 10 + level if level > 0 else -1],
                }
            )
            if area in reached:
                dots.append(
                    {
                        "name": f"{record['year']} · {area_names[j]}: "
                        + texts.t("fig_citizen_reached", lang),
                        "value": [x, j],
                    }
                )
    option = _option(texts.t("fig_citizen", lang))
    option.update(
        {
            "tooltip": {"trigger": "item", "formatter": "{b}"},
            "legend": {"top": 4, "right": 8, "data": [texts.t("fig_citizen_reached", lang)]},
            "grid": {"left": 150, "right": 12, "top": 40, "bottom": 40},
            "xAxis": {
                "type": "category",
                "data": x_labels,
                "axisLabel": {"fontSize": 9, "interval": 3},
                "splitArea": {"show": False},
            },
            "yAxis": {
                "type": "category",
                "data": area_names,
                "inverse": True,
                "axisLabel": {"fontSize": 10},
            },
            "visualMap": {
                "type": "piecewise",
                "show": False,
                "pieces": pieces,
                "seriesIndex": 0,
            },
            "series": [
                {
                    "name": texts.t("fig_citizen", lang),
                    "type": "heatmap",
                    "data": cells,
                    "itemStyle": {"borderColor": "#fff", "borderWidth": 1},
                },
                {
                    "name": texts.t("fig_citizen_reached", lang),
                    "type": "scatter",
                    "data": dots,
                    "symbolSize": 9,
                    "color": "#111",
                },
            ],
        }
    )
    return option


def citizen_summary(ctrl: ClassroomController, lang: str = "en") -> dict[str, Any] | None:
    """The followed citizen in words: who they are, what changed, which initiatives reached them.

    Returns:
        ``None`` if nobody is followed; else ``header`` (one sentence), ``events`` (one line
        per year in which something changed) and ``initiatives`` (one line per initiative).
    """
    life = ctrl.life_course()
    if not life:
        return None
    levels = _need_names()
    first = life[0]
    if "status" in first:
        header = texts.t("citizen_gone", lang, year=first["year"])
        return {"header": header, "events": [], "initiatives": []}
    header = texts.t(
        "citizen_header",
        lang,
        pid=first["pid"],
        sex=texts.t("female" if first["sex"] == 1 else "male", lang),
        age=first["age"],
        year=first["year"],
        municipality=ctrl.municipality_name(first["municipality"]),
    )
    events: list[str] = []
    before: dict[str, Any] | None = None
    for record in life:
        if "status" in record:
            events.append(texts.t("citizen_gone", lang, year=record["year"]))
            break
        needs = [
            f"{labels.area_label(a, lang).lower()}: {texts.need_label(levels[a][lv - 1], lang)}"
            for a, lv in zip(AREAS, record["need"], strict=True)
            if lv > 0 and lv <= len(levels[a])
        ]
        text = "; ".join(needs) if needs else texts.t("citizen_no_need", lang)
        if record.get("volunteer"):
            text += " · " + texts.t("citizen_volunteer", lang)
        if (
            before is None
            or list(record["need"]) != list(before["need"])
            or bool(record.get("volunteer")) != bool(before.get("volunteer"))
        ):
            events.append(
                texts.t("citizen_year", lang, year=record["year"], age=record["age"], needs=text)
            )
        if before is not None and record["municipality"] != before["municipality"]:
            events.append(
                texts.t(
                    "citizen_moved",
                    lang,
                    year=record["year"],
                    municipality=ctrl.municipality_name(record["municipality"]),
                )
            )
        before = record
    lines = []
    for followed in ctrl.followed_initiatives():
        ini = followed.agent
        measured = (
            texts.t("not_measured", lang)
            if ini.measured_effect is None
            else texts.t("measured_benefit", lang, value=_signed(100 * ini.measured_effect, lang))
        )
        effect_key = "effect_incidence" if ini.acts_on == "incidence" else "effect_remission"
        lines.append(
            texts.t(
                "initiative_row",
                lang,
                kind=texts.kind_label(ini.kind, lang),
                area=labels.area_label(ini.area, lang).lower(),
                lead=texts.lead_label(ini.lead_type, lang),
                started=ini.started,
                stage=texts.stage_label(ini.stage, lang),
                effect=texts.t(effect_key, lang, value=_signed(100 * ini.true_effect, lang)),
                measured=measured,
                years=", ".join(str(y) for y in followed.years),
            )
        )
    return {"header": header, "events": events, "initiatives": lines}


def all_charts(ctrl: ClassroomController, lang: str = "en", mode: str = "growth") -> dict:
    """Every chart option of the app by name (for tests and timing)."""
    return {
        "net_cost": net_cost(ctrl, lang),
        "cost_by_area": cost_by_area(ctrl, lang),
        "mobilisation": mobilisation(ctrl, lang),
        "initiatives": initiatives(ctrl, lang),
        "map": municipality_map(ctrl, lang, mode),
        "citizen": citizen(ctrl, lang),
    }
