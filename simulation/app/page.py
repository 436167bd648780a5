"""The classroom app's page (Solara): levers on the left, live pictures on the right.

Serve it with :func:`simulation.app.serve` (``python run.py app``), or directly with
``solara run simulation.app.page``. Each browser tab gets its own
:class:`~simulation.app.controller.ClassroomController` (a scenario run and its baseline);
the page only calls it and draws the ECharts options of :mod:`simulation.app.charts`.

Why not Mesa's SolaraViz: it drives one model from ``model_params`` and draws each plot from
that model. The classroom needs a pair of models on common random numbers (the chosen scenario
against the baseline), levers that restart both, per-unit variation from scenario files, a
follow-a-citizen panel and two languages; a plain Solara page does this in fewer lines and
without SolaraViz's pinned widget versions.

CSS classes starting with ``wa-`` mark the parts the browser test looks for.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from html import escape
from typing import Any

import reacton.core
import solara

from simulation.app import charts, texts
from simulation.app.controller import (
    DEFAULT_SCENARIO,
    SCALES,
    SCENARIOS,
    ClassroomController,
)
from simulation.inputs.registry import Parameter, levers, uncertainties
from simulation.report import labels

__all__ = [
    "Page",
    "Chart",
    "LeverControl",
    "RunControls",
    "KeyFigures",
    "CitizenPanel",
    "Controls",
    "LeverPanel",
    "Pictures",
    "ClassroomApp",
    "DEFAULT_MUNICIPALITY",
    "DEFAULT_AGE",
    "PLAY_PAUSE_SECONDS",
]

#: Municipality and age offered first in "follow a citizen".
DEFAULT_MUNICIPALITY = 101  # København
DEFAULT_AGE = 80
#: Pause between two years while playing, so the class can see each year appear.
PLAY_PAUSE_SECONDS = 0.05

_CSS = """
.wa-sidebar .v-input__slot { margin-bottom: 0 !important; }
.wa-lever { border-bottom: 1px solid #e6e6e6; padding: 6px 0 8px 0; }
.wa-lever .wa-question { font-size: 13px; font-weight: 500; color: #1b5e20; }
.wa-lever .wa-description { font-size: 12px; color: #555; line-height: 1.3; }
.wa-lever .wa-varies { font-size: 12px; color: #b35806; }
.wa-lever-name { font-size: 14px; font-weight: 500; }
.wa-lever-value { font-size: 13px; color: #1565c0; margin-left: 4px; }
.wa-changed { font-size: 11px; color: #fff; background: #d95f02; border-radius: 8px;
  padding: 0 6px; margin-left: 6px; }
.wa-figure { background: #fff; border-radius: 6px; box-shadow: 0 1px 3px rgba(0,0,0,.15);
  padding: 6px; }
.wa-kf { background: #fff; border-radius: 6px; box-shadow: 0 1px 3px rgba(0,0,0,.15);
  padding: 8px 12px; min-width: 150px; }
.wa-kf-value { font-size: 22px; font-weight: 500; }
.wa-kf-label { font-size: 12px; color: #555; }
.wa-status { font-size: 14px; font-weight: 500; }
.wa-small { font-size: 12px; color: #555; }
.wa-list { font-size: 13px; margin: 0; padding-left: 20px; }
.wa-map-mode .v-btn { font-size: 11px !important; letter-spacing: 0 !important; }
"""


def _html_list(lines: list[str]) -> str:
    """A bulleted list (plain HTML: Solara's Markdown would fetch KaTeX from the internet)."""
    items = "".join(f"<li>{escape(line)}</li>" for line in lines)
    return f'<ul class="wa-list">{items}</ul>'


def _step_of(param: Parameter) -> float:
    span = float(param.high) - float(param.low)
    return 0.05 if span <= 1 else (0.1 if span <= 5 else 5.0)


def _fmt_value(param: Parameter, value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


@solara.component
def Chart(option: dict[str, Any], height: int, name: str) -> None:
    """One ECharts chart in a white box (CSS class ``wa-chart-<name>``)."""
    with solara.Div(classes=["wa-figure", f"wa-chart-{name}"]):
        solara.FigureEcharts(
            option=option,
            attributes={"style": f"height: {height}px; width: 100%;"},
            responsive=True,
        )


@solara.component
def LeverControl(
    param: Parameter,
    value: Any,
    lang: str,
    on_value: Callable[[str, Any], None],
    changed: bool = False,
    varies: dict[str, Any] | None = None,
) -> None:
    """The control of one lever or uncertainty, with the question it answers and what it does.

    Args:
        param: the parameter from the registry.
        value: its current value.
        lang: ``"en"`` or ``"da"``.
        on_value: called as ``on_value(name, new_value)``.
        changed: whether the class changed it from the scenario's value (shows a mark).
        varies: the scenario's unit-to-unit variation of it (patchwork), if any.
    """
    name = param.name
    title = f'<span class="wa-lever-name">{escape(texts.lever_label(name, lang))}</span>'
    if param.type in ("float", "int"):
        title += f' <span class="wa-lever-value">{escape(_fmt_value(param, value))}</span>'
    if changed:
        title += f' <span class="wa-changed">{escape(texts.t("changed", lang))}</span>'
    notes = []
    if param.kind == "lever":
        notes.append(f'<div class="wa-question">{escape(texts.lever_question(param, lang))}</div>')
    notes.append(
        f'<div class="wa-description">{escape(texts.lever_description(param, lang))}</div>'
    )
    if varies and not changed:
        if varies.get("dist") in ("uniform", "triangular"):
            note = texts.t("varies", lang, low=f"{varies['low']:g}", high=f"{varies['high']:g}")
        else:
            note = texts.t("varies_choice", lang)
        notes.append(f'<div class="wa-varies">{escape(note)}</div>')
    with solara.Column(gap="0px", classes=["wa-lever", f"wa-lever-{name}"]):
        solara.HTML(tag="div", unsafe_innerHTML=title)
        if param.type in ("float", "int"):
            solara.SliderFloat(
                "",
                value=float(value),
                min=float(param.low),
                max=float(param.high),
                step=_step_of(param),
                on_value=lambda v: on_value(name, v),
                thumb_label=True,
            )
        elif param.type == "bool":
            solara.Switch(
                label=texts.t("yes" if value else "no", lang),
                value=bool(value),
                on_value=lambda v: on_value(name, v),
            )
        else:
            with solara.ToggleButtonsSingle(
                value=str(value), on_value=lambda v: on_value(name, v), dense=True
            ):
                for choice in param.choices:
                    solara.Button(texts.choice_label(choice, lang), value=choice)
        solara.HTML(tag="div", unsafe_innerHTML="".join(notes))


@solara.component
def RunControls(
    ctrl: ClassroomController,
    version: solara.Reactive[int],
    lang: str,
    playing: solara.Reactive[bool],
    on_change: Callable[[], None],
) -> None:
    """Play or pause, step one year, reset; and where the run stands.

    Re-rendered at every simulated year (it reads ``version``).
    """
    _ = version.value  # subscribe: re-render when the run changes

    def step() -> None:
        ctrl.step()
        on_change()

    def reset() -> None:
        playing.set(False)
        ctrl.reset()
        on_change()

    with solara.Row(gap="6px", style={"flex-wrap": "wrap"}):
        if playing.value:
            solara.Button(
                texts.t("pause", lang),
                icon_name="mdi-pause",
                on_click=lambda: playing.set(False),
                color="primary",
                classes=["wa-play"],
            )
        else:
            solara.Button(
                texts.t("play", lang),
                icon_name="mdi-play",
                on_click=lambda: playing.set(True),
                color="primary",
                disabled=not ctrl.running,
                classes=["wa-play"],
            )
        solara.Button(
            texts.t("step", lang),
            icon_name="mdi-skip-next",
            on_click=step,
            disabled=playing.value or not ctrl.running,
            classes=["wa-step"],
        )
        solara.Button(
            texts.t("reset", lang), icon_name="mdi-restore", on_click=reset, classes=["wa-reset"]
        )
    if ctrl.n_years == 0:
        status = texts.t("year_none", lang, end=ctrl.end_year)
    elif not ctrl.running:
        status = texts.t("year_done", lang, end=ctrl.end_year)
    else:
        status = texts.t("year_status", lang, last=ctrl.year - 1, next=ctrl.year)
    solara.Text(status, classes=["wa-status"])
    if ctrl.seconds_per_year is not None:
        solara.Text(
            texts.t(
                "seconds_per_year",
                lang,
                seconds=labels.format_number(ctrl.seconds_per_year, 2, lang),
            ),
            classes=["wa-small", "wa-seconds"],
        )
    if ctrl.n_citizens is not None:
        solara.Text(
            texts.t(
                "citizens_in_sample",
                lang,
                n=labels.format_number(ctrl.n_citizens, 0, lang),
                w=labels.format_number(1.0 / ctrl.scale, 0, lang),
            ),
            classes=["wa-small"],
        )


@solara.component
def KeyFigures(ctrl: ClassroomController, version: int, lang: str) -> None:
    """Headline numbers of the last simulated year, beside the baseline's."""
    kf = ctrl.key_figures()
    if not kf:
        return
    year = ctrl.year - 1

    def card(value: str, label: str, color: str | None = None) -> None:
        with solara.Column(gap="0px", classes=["wa-kf"]):
            solara.Text(value, classes=["wa-kf-value"], style={"color": color} if color else {})
            solara.Text(label, classes=["wa-kf-label"])

    # the economic account: present value of the net saving against the baseline (> 0 saves)
    pv = kf["pv_saving"] / 1e9
    sign = "+" if pv > 0 else ""
    if abs(kf["difference"]) < 1.0:  # the same as the baseline (e.g. the baseline scenario)
        verdict, color = "", "#555555"
    else:
        verdict = " · " + texts.t("saving" if pv > 0 else "extra_cost", lang)
        color = "#1a9850" if pv > 0 else "#d73027"
    own = kf["pv_saving_municipality"] / 1e9

    def payback(value: float) -> str:
        return texts.t("kf_not_by", lang, year=year) if math.isnan(value) else str(int(value))

    with solara.Row(gap="10px", style={"flex-wrap": "wrap"}, classes=["wa-key-figures"]):
        card(
            f"{labels.format_number(kf['net_cost'] / 1e9, 1, lang)} {texts.t('dkk_bn', lang)}",
            texts.t("kf_net_cost", lang, year=year),
        )
        card(
            f"{sign}{labels.format_number(pv, 2, lang)} {texts.t('dkk_bn', lang)}",
            texts.t("kf_pv_total", lang, start=2026, year=year) + verdict,
            color,
        )
        card(
            f"{'+' if own > 0 else ''}{labels.format_number(own, 2, lang)}"
            f" {texts.t('dkk_bn', lang)}",
            texts.t("kf_pv_municipality", lang, start=2026, year=year),
        )
        card(
            f"{payback(kf['payback_year'])} / {payback(kf['payback_municipality'])}",
            texts.t("kf_payback", lang),
        )
        card(
            labels.format_number(kf["volunteers"], 0, lang),
            texts.t("kf_volunteers", lang, year=year),
        )
        card(labels.format_number(kf["jobs"], 0, lang), texts.t("kf_jobs", lang, year=year))
        card(
            labels.format_number(kf["initiatives"], 0, lang),
            texts.t("kf_initiatives", lang, year=year),
        )


@solara.component
def CitizenPanel(
    ctrl: ClassroomController, version: int, lang: str, on_change: Callable[[], None]
) -> None:
    """Follow a citizen: pick a municipality and an age, see their needs and initiatives."""
    names = ctrl.names
    codes = [int(c) for c in ctrl.codes]
    default = (
        names[codes.index(DEFAULT_MUNICIPALITY)] if DEFAULT_MUNICIPALITY in codes else names[0]
    )
    municipality = solara.use_reactive(default)
    age = solara.use_reactive(DEFAULT_AGE)
    message = solara.use_reactive("")

    def follow() -> None:
        code = codes[names.index(municipality.value)]
        pid = ctrl.follow(code, int(age.value))
        message.set(
            ""
            if pid is not None
            else texts.t("follow_none", lang, age=age.value, municipality=municipality.value)
        )
        on_change()

    with solara.Column(gap="6px", classes=["wa-figure", "wa-citizen"]):
        solara.Text(
            texts.t("follow_title", lang), style={"font-size": "16px", "font-weight": "500"}
        )
        solara.Text(texts.t("follow_intro", lang), classes=["wa-small"])
        with solara.Row(gap="12px", style={"align-items": "center", "flex-wrap": "wrap"}):
            with solara.Div(style={"min-width": "220px"}):
                solara.Select(texts.t("municipality", lang), values=names, value=municipality)
            with solara.Div(style={"min-width": "220px", "flex-grow": "1"}):
                solara.SliderInt(texts.t("age", lang), value=age, min=0, max=100)
            solara.Button(
                texts.t("follow", lang),
                icon_name="mdi-account-search",
                on_click=follow,
                color="primary",
                outlined=True,
                classes=["wa-follow"],
            )
        if message.value:
            solara.Warning(message.value)
        with ctrl.lock:
            summary = charts.citizen_summary(ctrl, lang)
            option = charts.citizen(ctrl, lang)
        if summary is None or option is None:
            solara.Text(texts.t("follow_start_hint", lang), classes=["wa-small"])
            return
        solara.Text(summary["header"], style={"font-weight": "500"}, classes=["wa-citizen-header"])
        Chart(option, charts.HEIGHTS["citizen"], "citizen")
        if summary["events"]:
            solara.HTML(tag="div", unsafe_innerHTML=_html_list(summary["events"]))
        solara.Text(texts.t("initiatives_reached", lang), style={"font-weight": "500"})
        if summary["initiatives"]:
            solara.HTML(
                tag="div",
                unsafe_innerHTML=_html_list(summary["initiatives"]),
                classes=["wa-citizen-initiatives"],
            )
        else:
            solara.Text(texts.t("no_initiatives", lang), classes=["wa-small"])


@solara.component
def LeverPanel(
    ctrl: ClassroomController,
    settings: solara.Reactive[int],
    lang: str,
    on_change: Callable[[], None],
) -> None:
    """Scenario, every lever, the assumptions, sample and seed.

    Re-rendered only when ``settings`` (the controller's
    :attr:`~simulation.app.controller.ClassroomController.settings_version`) or the language
    changes, not at every simulated year.
    """
    _ = settings.value  # subscribe: re-render when the settings change
    show_assumptions = solara.use_reactive(False)

    def on_lever(name: str, value: Any) -> None:
        ctrl.set_lever(name, value)
        on_change()

    def on_uncertainty(name: str, value: Any) -> None:
        ctrl.set_uncertainty(name, value)
        on_change()

    def on_scenario(label: str) -> None:
        by_label = {texts.scenario_label(s, lang): s for s in SCENARIOS}
        ctrl.choose_scenario(by_label.get(label, DEFAULT_SCENARIO))
        on_change()

    scale_labels = [
        f"{labels.format_number(100 * s, 1, lang)} % "
        f"({texts.t('n_citizens', lang, n=labels.format_number(6.0e6 * s, 0, lang))})"
        for s in SCALES
    ]

    def on_scale(label: str) -> None:
        ctrl.set_sample(scale=dict(zip(scale_labels, SCALES, strict=True))[label])
        on_change()

    def on_seed(seed: int) -> None:
        ctrl.set_sample(seed=max(int(seed), 0))
        on_change()

    def restore() -> None:
        ctrl.restore()
        on_change()

    with solara.Column(gap="8px"):
        solara.Select(
            texts.t("scenario", lang),
            values=[texts.scenario_label(s, lang) for s in SCENARIOS],
            value=texts.scenario_label(ctrl.scenario_name, lang),
            on_value=on_scenario,
            classes=["wa-scenario"],
        )
        solara.Text(texts.scenario_description(ctrl.scenario_name, lang), classes=["wa-small"])
        solara.Text(texts.t("levers", lang), style={"font-size": "16px", "font-weight": "500"})
        solara.Text(texts.t("levers_note", lang), classes=["wa-small"])
        if ctrl.lever_overrides or ctrl.uncertainty_overrides:
            solara.Button(
                texts.t("restore", lang),
                icon_name="mdi-undo",
                on_click=restore,
                text=True,
                classes=["wa-restore"],
            )
        variation = ctrl.variation
        for name, param in levers().items():
            LeverControl(
                param,
                ctrl.lever_value(name),
                lang,
                on_lever,
                changed=name in ctrl.lever_overrides,
                varies=variation.get(name),
            )
        solara.Button(
            ("▾ " if show_assumptions.value else "▸ ") + texts.t("assumptions", lang),
            on_click=lambda: show_assumptions.set(not show_assumptions.value),
            text=True,
            classes=["wa-assumptions"],
        )
        if show_assumptions.value:  # rendered only when open: fewer widgets to keep in sync
            for name, param in uncertainties().items():
                if param.account_only or param.group:  # account only; numbers: by file
                    continue
                LeverControl(
                    param,
                    ctrl.uncertainty_value(name),
                    lang,
                    on_uncertainty,
                    changed=name in ctrl.uncertainty_overrides,
                )
        with solara.Details(texts.t("sample", lang) + " · " + texts.t("seed", lang)):
            solara.Select(
                texts.t("sample", lang),
                values=scale_labels,
                value=scale_labels[SCALES.index(ctrl.scale)] if ctrl.scale in SCALES else None,
                on_value=on_scale,
            )
            solara.InputInt(texts.t("seed", lang), value=ctrl.seed, on_value=on_seed)


@solara.component
def Controls(
    ctrl: ClassroomController,
    version: solara.Reactive[int],
    settings: solara.Reactive[int],
    lang: solara.Reactive[str],
    playing: solara.Reactive[bool],
    on_change: Callable[[], None],
) -> None:
    """The sidebar: language, run controls, then the scenario and the levers."""
    with solara.Column(gap="8px", classes=["wa-sidebar"]):
        with solara.ToggleButtonsSingle(value=lang, dense=True, classes=["wa-language"]):
            solara.Button("English", value="en")
            solara.Button("Dansk", value="da")
        RunControls(ctrl, version, lang.value, playing, on_change)
        LeverPanel(ctrl, settings, lang.value, on_change)


@solara.component
def Pictures(
    ctrl: ClassroomController,
    version: solara.Reactive[int],
    lang: str,
    on_change: Callable[[], None],
) -> None:
    """The main area: key figures, the live charts, the map and follow-a-citizen.

    Re-rendered at every simulated year (it reads ``version``); a chart whose option did not
    change is not sent again.
    """
    v = version.value
    map_mode = solara.use_reactive("growth")
    with ctrl.lock:  # one consistent state, even if the play thread is stepping meanwhile
        options = charts.all_charts(ctrl, lang, map_mode.value)
    with solara.Column(gap="12px", style={"background": "#f5f5f5", "padding": "8px"}):
        solara.Text(texts.t("app_intro", lang), classes=["wa-small"])
        KeyFigures(ctrl, v, lang)
        with solara.ColumnsResponsive(default=12, large=6, gutters_dense=True):
            Chart(options["net_cost"], charts.HEIGHTS["net_cost"], "net-cost")
            Chart(options["cost_by_area"], charts.HEIGHTS["cost_by_area"], "cost-by-area")
            Chart(options["mobilisation"], charts.HEIGHTS["mobilisation"], "mobilisation")
            Chart(options["initiatives"], charts.HEIGHTS["initiatives"], "initiatives")
        with solara.ColumnsResponsive(default=12, large=6, gutters_dense=True):
            with solara.Column(gap="4px"):
                with solara.Row(
                    gap="8px",
                    style={"align-items": "center", "flex-wrap": "wrap"},
                    classes=["wa-map-mode"],
                ):
                    solara.Text(
                        texts.t("tile_mode", lang),
                        classes=["wa-small"],
                        style={"white-space": "nowrap"},
                    )
                    with solara.ToggleButtonsSingle(value=map_mode, dense=True):
                        solara.Button(texts.t("tile_growth", lang), value="growth")
                        solara.Button(texts.t("tile_difference", lang), value="difference")
                Chart(options["map"], charts.HEIGHTS["map"], "map")
            CitizenPanel(ctrl, v if ctrl.followed is not None else -1, lang, on_change)


@solara.component
def ClassroomApp(
    ctrl: ClassroomController, lang: solara.Reactive[str], sidebar: bool = True
) -> None:
    """The whole app for one controller: the controls in the sidebar, the pictures beside.

    Args:
        ctrl: the controller (one per browser tab).
        lang: the language, ``"en"`` or ``"da"``.
        sidebar: put the controls in the app's sidebar (``False``: above the pictures, as in
            tests that render without the app layout).
    """
    # Reactive objects made once: components that read them re-render when they change, so a
    # simulated year re-renders the pictures and the run controls, not the lever panel.
    version = solara.use_memo(lambda: solara.reactive(ctrl.version), [])
    settings = solara.use_memo(lambda: solara.reactive(ctrl.settings_version), [])
    playing = solara.use_reactive(False)
    render_context = reacton.core.get_render_context()

    def make_update() -> Callable[[], None]:
        def update() -> None:
            # one render for every component that follows the run (not one each)
            with render_context:
                if settings.peek() != ctrl.settings_version:
                    settings.set(ctrl.settings_version)
                version.set(ctrl.version)

        return update

    changed = solara.use_memo(make_update, [])  # the same function at every render

    def play(cancel: threading.Event) -> None:
        while playing.value and not cancel.is_set():
            if not ctrl.running:
                playing.set(False)
                break
            ctrl.step()
            changed()
            time.sleep(PLAY_PAUSE_SECONDS)

    solara.use_thread(play, dependencies=[playing.value], intrusive_cancel=False)
    solara.Style(_CSS)
    solara.Title(texts.t("app_title", lang.value))
    if sidebar:
        with solara.Sidebar():
            Controls(ctrl, version, settings, lang, playing, changed)
    else:
        Controls(ctrl, version, settings, lang, playing, changed)
    Pictures(ctrl, version, lang.value, changed)


@solara.component
def Page() -> None:
    """The page Solara serves: one controller per browser tab."""
    ctrl = solara.use_memo(ClassroomController, dependencies=[])
    lang = solara.use_reactive("en")
    ClassroomApp(ctrl, lang)
