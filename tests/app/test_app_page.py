"""The classroom app's Solara components, rendered without a browser.

``solara.render`` turns the components into widgets; the tests click and set them in Python, as
the browser would. Skipped when Solara (the ``app`` extra) is not installed.
"""

from __future__ import annotations

import html
import math

import pytest

solara = pytest.importorskip("solara", reason="the app extra (solara) is not installed")

from simulation.app import texts  # noqa: E402
from simulation.app.controller import ClassroomController  # noqa: E402
from simulation.inputs.registry import levers  # noqa: E402

SCALE = 0.002
END = 2032


def make(scenario: str = "classroom") -> ClassroomController:
    return ClassroomController(scenario, scale=SCALE, end_year=END)


@pytest.fixture()
def rendered():
    import ipyvuetify as v

    from simulation.app.page import ClassroomApp

    ctrl = make()
    lang = solara.reactive("en")
    box, rc = solara.render(ClassroomApp(ctrl, lang, sidebar=False), handle_error=False)
    yield ctrl, lang, rc, v
    rc.close()


def _text(rc, v, cls: str) -> str:
    return rc.find(v.Html, class_=cls).widget.children[0]


def _html(finder) -> str:
    """The raw HTML of every ``solara.HTML`` under a finder (lever notes, lists)."""
    from solara.widgets import HTML

    return " ".join(w.unsafe_innerHTML or "" for w in finder.find(HTML).widgets)


def _echarts(rc):
    from solara.components.echarts import EchartsWidget

    return rc.find(EchartsWidget).widgets


def test_page_renders_every_part(rendered):
    ctrl, _, rc, v = rendered
    assert rc.find(v.Btn, class_="wa-step").widget.disabled is False
    assert rc.find(v.Btn, class_="wa-play").widget
    assert "Not started" in _text(rc, v, "wa-status")
    for name, param in levers().items():
        lever = rc.find(v.Sheet, class_=f"d-flex ma-0 wa-lever wa-lever-{name}")
        assert lever.widget, name
        assert html.escape(texts.lever_question(param, "en")) in _html(lever)
    assert len(_echarts(rc)) == 5  # net cost, areas, mobilisation, initiatives, map


def test_step_button_changes_the_charts(rendered):
    ctrl, _, rc, v = rendered
    before = [w.option for w in _echarts(rc)]
    rc.find(v.Btn, class_="wa-step").widget.click()
    assert ctrl.n_years == 1
    assert "next year 2027" in _text(rc, v, "wa-status")
    after = [w.option for w in _echarts(rc)]
    assert all(a != b for a, b in zip(after, before, strict=True))
    assert rc.find(v.Html, class_="wa-kf-value").widgets  # key figures appear


def test_moving_a_lever_restarts_the_run(rendered):
    ctrl, _, rc, v = rendered
    rc.find(v.Btn, class_="wa-step").widget.click()
    slider = rc.find(v.Sheet, class_="d-flex ma-0 wa-lever wa-lever-quality_assurance").find(
        v.Slider
    )
    slider.widget.v_model = 0.0
    assert ctrl.lever_overrides == {"quality_assurance": 0.0}
    assert ctrl.n_years == 0 and ctrl.previous is not None
    assert "Not started" in _text(rc, v, "wa-status")
    assert rc.find(v.Btn, class_="wa-restore").widget  # a way back to the scenario


def test_public_role_and_action_plan_controls(rendered):
    ctrl, _, rc, v = rendered
    role = rc.find(v.Sheet, class_="d-flex ma-0 wa-lever wa-lever-public_role").find(v.BtnToggle)
    role.widget.v_model = 1  # the second choice: on the sidelines
    assert ctrl.lever_value("public_role") == "enabler"
    plan = rc.find(v.Sheet, class_="d-flex ma-0 wa-lever wa-lever-action_plan").find(v.Switch)
    plan.widget.v_model = False
    assert ctrl.lever_value("action_plan") is False


def test_language_switch(rendered):
    ctrl, lang, rc, v = rendered
    rc.find(v.BtnToggle, class_="wa-language").widget.v_model = 1
    assert lang.value == "da"
    step = rc.find(v.Btn, class_="wa-step").widget
    assert "Et år frem" in step.children
    assert "Ikke startet" in _text(rc, v, "wa-status")


def test_follow_a_citizen_panel(rendered):
    ctrl, _, rc, v = rendered
    rc.find(v.Btn, class_="wa-follow").widget.click()
    assert ctrl.followed is not None
    assert "København" in _text(rc, v, "wa-citizen-header")
    rc.find(v.Btn, class_="wa-step").widget.click()
    assert len(_echarts(rc)) == 6  # the citizen's chart joins
    assert len(ctrl.life_course()) == 2


def test_scenario_choice(rendered):
    ctrl, _, rc, v = rendered
    select = rc.find(v.Select, class_="wa-scenario").widget
    select.v_model = texts.scenario_label("patchwork", "en")
    assert ctrl.scenario_name == "patchwork"
    assert "Varies from unit to unit" in _html(rc)


def test_play_runs_in_a_thread_and_stops_at_the_end():
    import time

    import ipyvuetify as v

    from simulation.app.page import ClassroomApp

    ctrl = ClassroomController(scale=SCALE, end_year=2028)
    box, rc = solara.render(
        ClassroomApp(ctrl, solara.reactive("en"), sidebar=False), handle_error=False
    )
    try:
        rc.find(v.Btn, class_="wa-play").widget.click()
        deadline = time.monotonic() + 30
        while ctrl.running and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not ctrl.running
        # the page shows the end a moment later (longer on a loaded machine)
        while "Done" not in _text(rc, v, "wa-status") and time.monotonic() < deadline + 10:
            time.sleep(0.1)
        assert "Done" in _text(rc, v, "wa-status")
        assert not math.isnan(ctrl.key_figures()["difference"])
    finally:
        rc.close()


def test_assumptions_and_sample(rendered):
    ctrl, _, rc, v = rendered
    assert not rc.find(v.Sheet, class_="d-flex ma-0 wa-lever wa-lever-effect_scale").widgets
    rc.find(v.Btn, class_="wa-assumptions").widget.click()  # open the assumptions
    effect = rc.find(v.Sheet, class_="d-flex ma-0 wa-lever wa-lever-effect_scale").find(v.Slider)
    effect.widget.v_model = 0.0
    assert ctrl.uncertainty_overrides == {"effect_scale": 0.0}
    samples = [w for w in rc.find(v.Select).widgets if "%" in str(w.v_model)]
    assert len(samples) == 1
    samples[0].v_model = samples[0].items[-1]  # the largest sample: 1%
    assert ctrl.scale == 0.01 and ctrl.n_years == 0


def test_baseline_scenario_shows_no_difference(rendered):
    ctrl, _, rc, v = rendered
    rc.find(v.Select, class_="wa-scenario").widget.v_model = texts.scenario_label("baseline", "en")
    rc.find(v.Btn, class_="wa-step").widget.click()
    assert ctrl.key_figures()["difference"] == 0.0
    labels = [w.children[0] for w in rc.find(v.Html, class_="wa-kf-label").widgets]
    assert not any("saving" in x or "extra cost" in x for x in labels)


def test_headline_cards_show_the_present_value_and_payback(rendered):
    ctrl, lang, rc, v = rendered
    rc.find(v.Btn, class_="wa-step").widget.click()
    kf = ctrl.key_figures()
    labels_en = [w.children[0] for w in rc.find(v.Html, class_="wa-kf-label").widgets]
    assert any(x.startswith(texts.t("kf_pv_total", "en", start=2026, year=2026)) for x in labels_en)
    assert texts.t("kf_payback", "en") in labels_en
    values = [w.children[0] for w in rc.find(v.Html, class_="wa-kf-value").widgets]
    from simulation.report import labels as report_labels

    shown = report_labels.format_number(kf["pv_saving"] / 1e9, 2, "en")
    assert any(shown in x for x in values)
    lang.value = "da"
    labels_da = [w.children[0] for w in rc.find(v.Html, class_="wa-kf-label").widgets]
    assert texts.t("kf_payback", "da") in labels_da
    assert not any("present value" in x or "Payback" in x for x in labels_da)
