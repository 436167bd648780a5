"""The classroom app without a browser: the controller, the chart options, texts, serving.

These need only the package itself; the Solara page is tested in ``test_app_page.py`` and in a
browser in ``test_app_browser.py``.
"""

from __future__ import annotations

import json
import math
import socket

import numpy as np
import pytest

from simulation.app import (
    AppUnavailable,
    charts,
    missing_dependencies,
    server_command,
    start,
    texts,
)
from simulation.app.controller import BASELINE, SCENARIOS, ClassroomController
from simulation.inputs.registry import levers, registry

SCALE = 0.002  # a small sample: these tests check behaviour, not numbers
END = 2032


def make(scenario: str = "classroom", **kw) -> ClassroomController:
    return ClassroomController(scenario, scale=kw.pop("scale", SCALE), end_year=END, **kw)


@pytest.fixture(scope="module")
def stepped() -> ClassroomController:
    """A classroom run with a followed 80-year-old in København, three years simulated."""
    ctrl = make()
    ctrl.follow(101, 80)
    ctrl.run(3)
    return ctrl


# ---------------------------------------------------------------------------- controller
def test_controller_starts_lazily_and_steps_both_runs():
    ctrl = make()
    assert ctrl.year == 2026 and ctrl.n_years == 0 and ctrl.running
    assert ctrl._model is None  # nothing built before the first step
    assert ctrl.step() > 0
    assert ctrl.year == 2027 and list(ctrl.years) == [2026]
    assert ctrl.baseline.year == 2027
    assert ctrl.national("net_cost_dkk").shape == (1,)
    assert ctrl.seconds_per_year is not None


def test_baseline_is_every_lever_off_on_the_same_seed(stepped):
    base = stepped.baseline_scenario()
    assert all(base.levers[k] == p.default for k, p in levers().items())
    assert base.settings["seed"] == stepped.seed and base.settings["scale"] == stepped.scale
    # common random numbers: the same citizens are born, age, move and die in both runs
    np.testing.assert_allclose(
        stepped.national("population"), stepped.national("population", which=BASELINE)
    )
    assert stepped.national("lever_cost_dkk").sum() > 0
    assert stepped.national("lever_cost_dkk", which=BASELINE).sum() == 0


def test_run_stops_at_the_end_year():
    ctrl = make()
    ctrl.run()
    assert not ctrl.running and ctrl.year == END + 1
    assert ctrl.step() == 0.0
    assert len(ctrl.years) == END - 2025


def test_lever_change_restarts_and_keeps_the_previous_run():
    ctrl = make()
    ctrl.run(2)
    baseline = ctrl.baseline
    before = ctrl.national("net_cost_dkk").copy()
    ctrl.set_lever("quality_assurance", 0.0)
    assert ctrl.n_years == 0 and ctrl.lever_overrides == {"quality_assurance": 0.0}
    assert ctrl.scenario.levers["quality_assurance"] == 0.0
    np.testing.assert_allclose(ctrl.previous["values"], before)
    assert ctrl.previous["label"] == "classroom"  # the run before the change
    ctrl.step()
    assert ctrl.baseline is baseline  # the baseline does not depend on the levers
    ctrl.set_lever("quality_assurance", 0.0)  # same value: nothing happens
    assert ctrl.n_years == 1
    ctrl.set_lever("scaling", 0.0)
    assert ctrl.previous["label"] == "classroom (quality_assurance=0.0)"


def test_uncertainty_change_rebuilds_the_baseline():
    ctrl = make()
    ctrl.step()
    baseline = ctrl.baseline
    ctrl.set_uncertainty("effect_scale", 0.0)
    ctrl.step()
    assert ctrl.baseline is not baseline
    assert ctrl.baseline_scenario().uncertainties["effect_scale"] == 0.0


@pytest.mark.parametrize(
    ("name", "value", "match"),
    [
        ("quality_assurence", 0.5, "unknown lever"),
        ("quality_assurance", 2.0, "quality_assurance"),
        ("public_role", "bystander", "public_role"),
    ],
)
def test_bad_lever_values_are_refused_with_the_name(name, value, match):
    ctrl = make()
    with pytest.raises(ValueError, match=match):
        ctrl.set_lever(name, value)
    assert ctrl.lever_overrides == {}


def test_scenarios_and_patchwork_variation():
    ctrl = make("patchwork")
    assert "facilitation" in ctrl.variation
    ctrl.set_lever("facilitation", 0.5)
    assert "facilitation" not in ctrl.variation  # one value for every unit now
    ctrl.choose_scenario("strategic")
    assert ctrl.scenario_name == "strategic" and ctrl.lever_overrides == {}
    assert ctrl.variation == {}
    with pytest.raises(ValueError, match="unknown scenario"):
        ctrl.choose_scenario("utopia")
    assert set(SCENARIOS) == {"classroom", "baseline", "patchwork", "strategic"}


def test_restore_and_sample():
    ctrl = make()
    ctrl.set_lever("scaling", 0.0)
    ctrl.restore()
    assert ctrl.lever_overrides == {} and ctrl.scenario.levers["scaling"] == 0.3
    ctrl.follow(101, 80)
    ctrl.set_sample(seed=7)
    assert ctrl.seed == 7 and ctrl.followed is None
    with pytest.raises(ValueError):
        ctrl.set_sample(scale=0.0)


def test_follow_a_citizen(stepped):
    life = stepped.life_course()
    assert [r["year"] for r in life] == [2026, 2027, 2028, 2029]
    first = life[0]
    assert stepped.codes[first["municipality"]] == 101
    assert abs(first["age"] - 80) <= 2
    later = [r for r in life[1:] if "status" not in r]
    assert all(r["age"] == first["age"] + (r["year"] - 2026) for r in later)
    for fi in stepped.followed_initiatives():
        assert fi.years and fi.agent.area in charts.AREA_COLORS
    summary = charts.citizen_summary(stepped, "en")
    assert "København" in summary["header"] and str(first["pid"]) in summary["header"]
    assert summary["events"]


def test_follow_is_independent_of_the_simulation():
    plain, followed = make(), make()
    followed.follow(101, 80)
    plain.run(2)
    followed.run(2)
    np.testing.assert_array_equal(plain.national("net_cost_dkk"), followed.national("net_cost_dkk"))


def test_follow_refuses_an_unknown_municipality():
    with pytest.raises(ValueError, match="unknown municipality"):
        make().follow(999, 80)


def test_followed_citizen_is_followed_again_after_a_restart():
    ctrl = make()
    pid = ctrl.follow(101, 80)
    ctrl.run(2)
    ctrl.set_lever("competence", 0.0)
    assert ctrl.followed == pid
    assert [r["year"] for r in ctrl.life_course()] == [2026]


# ---------------------------------------------------------------------------- charts
def _no_nan(option) -> str:
    return json.dumps(option, allow_nan=False, ensure_ascii=False)  # what the browser gets


def test_charts_before_the_first_year():
    ctrl = make()
    options = charts.all_charts(ctrl, "en")
    assert options["citizen"] is None
    for name in ("net_cost", "cost_by_area", "mobilisation", "initiatives"):
        assert "graphic" in options[name], name  # "press Step or Play"
        _no_nan(options[name])
    assert len(options["map"]["series"][0]["data"]) == 98
    _no_nan(options["map"])


def test_charts_grow_with_the_years(stepped):
    n_all = END - 2025
    options = charts.all_charts(stepped, "en")
    for name, option in options.items():
        _no_nan(option)
        assert "graphic" not in option, name
    net = options["net_cost"]
    lines = [s for s in net["series"] if s["type"] == "line"]
    assert all(len(s["data"]) == n_all for s in lines)
    assert sum(v is not None for v in lines[0]["data"]) == 3
    assert net["title"]["subtext"].startswith("cumulated 2026–2028")
    stages = [s for s in options["initiatives"]["series"] if s["type"] == "bar"]
    assert [s["name"] for s in stages] == ["pilot", "running", "scaled"]
    assert sum(v or 0 for s in stages for v in s["data"]) > 0
    assert options["citizen"]["series"][0]["data"]


def test_map_modes(stepped):
    growth = charts.municipality_map(stepped, "en", "growth")
    difference = charts.municipality_map(stepped, "en", "difference")
    for option in (growth, difference):
        values = [d["value"][2] for d in option["series"][0]["data"]]
        # "-" where the ratio is undefined: at scale 0.002 the smallest islands have one or
        # two sampled citizens, whose baseline cost can be zero in a year
        assert len(values) == 98 and all(isinstance(v, float) or v == "-" for v in values)
        assert sum(isinstance(v, float) for v in values) >= 95
    assert difference["visualMap"]["min"] == -difference["visualMap"]["max"]
    assert "2026–2028" in growth["title"]["text"]
    with pytest.raises(ValueError, match="unknown mode"):
        charts.municipality_map(stepped, "en", "height")


def test_danish_and_english_charts_differ(stepped):
    en, da = charts.net_cost(stepped, "en"), charts.net_cost(stepped, "da")
    assert en["title"]["text"] != da["title"]["text"]
    assert "akkumuleret" in da["title"]["subtext"]
    assert "Borger" in charts.citizen_summary(stepped, "da")["header"]


def test_chart_building_is_fast(stepped):
    """Building every option must be negligible next to a simulated year (not a benchmark)."""
    import time

    start = time.perf_counter()
    for _ in range(5):
        charts.all_charts(stepped, "da")
    assert (time.perf_counter() - start) / 5 < 0.25


# ---------------------------------------------------------------------------- texts
def test_every_lever_has_a_question_sentence_and_names_in_both_languages():
    for name, param in levers().items():
        for lang in ("en", "da"):
            sentence = texts.lever_question(param, lang)
            assert sentence and sentence.endswith(("?", ".")), (name, lang)
            if param.question in range(1, 8):
                word = "Question" if lang == "en" else "Spørgsmål"
                assert sentence.startswith(f"{word} {param.question}:")
            assert texts.lever_label(name, lang) != name.replace("_", " "), (name, lang)
            assert texts.lever_description(param, lang)
    for param in registry().values():
        assert texts.lever_label(param.name, "da")


def test_text_keys_match_between_languages():
    assert texts._TEXT["en"].keys() == texts._TEXT["da"].keys()
    with pytest.raises(ValueError, match="unknown language"):
        texts.t("play", "de")


# ---------------------------------------------------------------------------- serving
def test_server_command_and_dependencies():
    cmd = server_command(8123, "127.0.0.1")
    assert cmd[1:5] == ["-m", "solara", "run", "simulation.app.page"]
    assert "--production" in cmd and cmd[cmd.index("--port") + 1] == "8123"
    assert isinstance(missing_dependencies(), list)


def test_start_names_missing_dependencies(monkeypatch):
    import importlib.util

    import simulation.app as app

    real = importlib.util.find_spec
    monkeypatch.setattr(
        app.importlib.util, "find_spec", lambda name: None if name == "solara" else real(name)
    )
    assert "solara" in app.missing_dependencies()
    with pytest.raises(AppUnavailable, match=r"solara.*pip install -e '\.\[app\]'"):
        start(8765)


def test_start_refuses_a_port_in_use():
    if missing_dependencies():
        pytest.skip("the app extra is not installed: " + ", ".join(missing_dependencies()))
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(1)
        port = sock.getsockname()[1]
        with pytest.raises(AppUnavailable, match="already in use"):
            start(port)


def test_headline_numbers_are_the_economic_account(stepped):
    """The headline present values are the discounted net saving against the baseline."""
    from simulation.economy.present_value import present_value

    kf = stepped.key_figures()
    years = list(stepped.years)
    total = stepped.national("net_cost_dkk", which=BASELINE) - stepped.national("net_cost_dkk")
    by_hand = sum(v / 1.035 ** (y - 2026) for v, y in zip(total, years, strict=True))
    assert kf["pv_saving"] == pytest.approx(by_hand, rel=1e-9, abs=1.0)
    own = sum(
        stepped.national(f"{kind}_cost_municipality_dkk", which=which) * sign
        for kind in ("public", "lever")
        for which, sign in ((BASELINE, 1.0), ("scenario", -1.0))
    )
    assert kf["pv_saving_municipality"] == pytest.approx(
        present_value(dict(zip(years, own, strict=True))), abs=1.0
    )
    assert kf["pv_saving_municipality"] != pytest.approx(kf["pv_saving"])
    cum = np.cumsum(total)
    if cum[-1] <= 0:
        assert math.isnan(kf["payback_year"])
    else:
        assert kf["payback_year"] in years and cum[years.index(int(kf["payback_year"])) :].min() > 0
