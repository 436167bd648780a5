"""Tests of the report package: key figures, tile grid, figures and the HTML report."""

from __future__ import annotations

import itertools
import re
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from simulation.inputs.geography import municipalities  # noqa: E402
from simulation.report import figures, labels, tables, tilemap  # noqa: E402
from simulation.report.html import plan_figures, write_report  # noqa: E402

AREAS = list(labels.AREAS)
MUNIS = {101: 1084, 751: 1082, 851: 1081, 461: 1083, 370: 1085}
YEARS = list(range(2026, 2031))
SCENARIOS = ("baseline", "patchwork", "strategic")
# Per (replicate, year, municipality, area): saving in public cost and lever cost by scenario.
SAVING = {"baseline": 0.0, "patchwork": 5e6, "strategic": 1e7}
LEVER_AREA = {"baseline": 0.0, "patchwork": 1e6, "strategic": 3e6}
LEVER_NULL = {"baseline": 0.0, "patchwork": 0.0, "strategic": 5e6}  # per year and municipality


def noise(replicate: int) -> float:
    """Replicate noise shared by every scenario (common random numbers), deliberately large."""
    return 1.0 + 0.25 * (replicate - 1)


def make_ts(
    scenarios: tuple[str, ...] = SCENARIOS,
    replicates: int = 3,
    years: list[int] = YEARS,
    munis: dict[int, int] = MUNIS,
) -> pd.DataFrame:
    rows = []
    for s, r, y, (m, reg) in itertools.product(scenarios, range(replicates), years, munis.items()):
        base = dict(scenario=s, replicate=r, seed=1000 + r, year=y, municipality=m, region=reg)
        growth = 1.0 + 0.03 * (y - 2026)
        for i, area in enumerate(AREAS):
            public = 1e8 * (i + 1) * noise(r) * growth * (1 + m / 1000) - SAVING[s] * (r + 1)
            lever = LEVER_AREA[s]
            rows += [
                {**base, "area": area, "metric": "public_cost_dkk", "value": public},
                {**base, "area": area, "metric": "net_cost_dkk", "value": public + lever},
                {**base, "area": area, "metric": "need_cases", "value": 100.0 * (i + 1)},
            ]
            if s != "baseline":  # the baseline has no lever or initiative rows at all
                rows += [
                    {**base, "area": area, "metric": "lever_cost_dkk", "value": lever},
                    {
                        **base,
                        "area": area,
                        "metric": "initiatives_running",
                        "value": float((r + 1) * (y - 2025)),
                    },
                    {**base, "area": area, "metric": "initiatives_started", "value": 1.0},
                ]
        if s == "strategic":
            for metric in ("lever_cost_dkk", "net_cost_dkk"):
                rows.append({**base, "area": None, "metric": metric, "value": LEVER_NULL[s]})
        volunteers = 30_000.0 * noise(r) * (1.1 if s == "strategic" else 1.0)
        rows += [
            {**base, "area": None, "metric": "population", "value": 60_000.0 * growth},
            {**base, "area": None, "metric": "volunteers", "value": volunteers},
            {**base, "area": None, "metric": "marginalised_employed", "value": 500.0 + 10 * r},
        ]
    return pd.DataFrame(rows)


def make_ages(scenarios: tuple[str, ...] = SCENARIOS, replicates: int = 3) -> pd.DataFrame:
    bands = [f"{a}-{a + 4}" for a in range(0, 95, 5)] + ["95+"]
    rows = []
    for s, r, y, sex in itertools.product(scenarios, range(replicates), YEARS, ("male", "female")):
        for k, band in enumerate(bands):
            value = 30_000.0 * (1 - k / 25) * (1 + 0.01 * (y - 2026) * k / 10)
            rows.append(dict(scenario=s, replicate=r, year=y, sex=sex, age_band=band, value=value))
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def ts() -> pd.DataFrame:
    return make_ts()


@pytest.fixture(scope="module")
def ages() -> pd.DataFrame:
    return make_ages()


def expected_net_diff(scenario: str, replicate: int) -> float:
    """Net cost difference to baseline per year and municipality, from the generator."""
    per_area = -SAVING[scenario] * (replicate + 1) + LEVER_AREA[scenario]
    return len(AREAS) * per_area + LEVER_NULL[scenario]


# --- labels ---------------------------------------------------------------------------------


def test_unknown_language_names_allowed_values():
    with pytest.raises(ValueError, match=r"'xx'.*'en'.*'da'|'xx'.*'da'.*'en'"):
        labels.text("year", "xx")
    with pytest.raises(ValueError, match="allowed"):
        labels.area_label("health", "de")


def test_area_and_scenario_labels():
    assert labels.area_label("mental_health", "da") == "Psykiatri og psykisk sundhed"
    assert labels.area_label("employment", "en") == "Employment (marginalised)"
    assert labels.area_label("rehabilitation", "da") == "Resocialisering"
    assert labels.area_label(None, "en") == "Strategy (not area-specific)"
    assert labels.area_label(np.nan, "da") == "Strategi (ikke områdespecifik)"
    assert labels.scenario_label("patchwork", "da") == "Kludetæppe (patchwork)"
    assert labels.scenario_label("baseline", "da") == "Basis"
    assert labels.scenario_label("my_variant", "da") == "my_variant"
    assert labels.metric_label("deaths", "da") == "Døde"  # from metrics.csv


def test_every_text_key_exists_in_both_languages():
    assert labels._TEXT["en"].keys() == labels._TEXT["da"].keys()


def test_format_number_conventions():
    assert labels.format_number(12345.678, 1, "en") == "12,345.7"
    assert labels.format_number(12345.678, 1, "da") == "12.345,7"
    assert labels.format_number(-2.5, 1, "en") == "−2.5"
    assert labels.format_number(-0.01, 1, "en") == "0.0"
    assert labels.format_number(float("nan")) == "–"


# --- tables ---------------------------------------------------------------------------------


def test_national_sums_municipalities_and_areas(ts):
    nat = tables.national(ts, "public_cost_dkk")
    one = nat[(nat.scenario == "baseline") & (nat.replicate == 0) & (nat.year == 2026)]
    expected = ts[
        (ts.scenario == "baseline")
        & (ts.replicate == 0)
        & (ts.year == 2026)
        & (ts.metric == "public_cost_dkk")
    ].value.sum()
    assert one.value.item() == pytest.approx(expected)
    by_area = tables.national(ts, "net_cost_dkk", by_area=True)
    strategic = by_area[(by_area.scenario == "strategic") & (by_area.year == 2030)]
    assert strategic.area.isna().sum() == 3  # the null-area lever cost, one per replicate


def test_net_cost_falls_back_to_public_plus_lever(ts):
    no_net = ts[ts.metric != "net_cost_dkk"]
    fallback = tables.national(no_net, "net_cost_dkk")
    direct = tables.national(ts, "net_cost_dkk")
    pd.testing.assert_frame_equal(fallback, direct)
    with pytest.raises(ValueError, match="not in the results"):
        tables.national(ts, "reoffending")


def test_key_figures_differences_are_paired_by_replicate(ts):
    kf = tables.key_figures(ts).set_index(["scenario", "key"])
    n_cells = len(YEARS) * len(MUNIS)
    for scenario in ("patchwork", "strategic"):
        per_rep = [expected_net_diff(scenario, r) * n_cells / 1e9 for r in range(3)]
        row = kf.loc[(scenario, "net_cost_cum_diff")]
        assert row["mean"] == pytest.approx(np.mean(per_rep))
        assert row["p05"] == pytest.approx(np.quantile(per_rep, 0.05))
        assert row["p95"] == pytest.approx(np.quantile(per_rep, 0.95))
        end = kf.loc[(scenario, "net_cost_end_diff")]
        assert end["mean"] == pytest.approx(np.mean(per_rep) / len(YEARS))
    # The replicate noise is +-25% of a cost of several DKK bn, so an unpaired comparison would
    # give an interval far wider than the spread of the true per-replicate differences.
    strat = kf.loc[("strategic", "net_cost_cum_diff")]
    base = kf.loc[("baseline", "net_cost_cum")]
    assert strat["p95"] - strat["p05"] < 0.1 * (base["p95"] - base["p05"])
    assert ("baseline", "net_cost_cum_diff") not in kf.index


def test_key_figures_pairing_uses_replicate_not_row_order(ts):
    shuffled = ts.sample(frac=1.0, random_state=3)
    shuffled.loc[shuffled.scenario == "baseline", "replicate"] = shuffled.loc[
        shuffled.scenario == "baseline", "replicate"
    ].map({0: 2, 1: 0, 2: 1})
    shuffled.loc[shuffled.scenario == "baseline", "seed"] = (
        1000 + shuffled.loc[shuffled.scenario == "baseline", "replicate"]
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        kf = tables.key_figures(shuffled).set_index(["scenario", "key"])
    # Baseline replicate r now holds what replicate old_of[r] held: pairs must follow that.
    base_nat = tables.national(ts[ts.scenario == "baseline"], "net_cost_dkk")
    base_cum = base_nat.groupby("replicate").value.sum()
    strat_nat = tables.national(ts[ts.scenario == "strategic"], "net_cost_dkk")
    strat_cum = strat_nat.groupby("replicate").value.sum()
    old_of = {0: 1, 1: 2, 2: 0}
    expected = [(strat_cum[r] - base_cum[old_of[r]]) / 1e9 for r in range(3)]
    assert kf.loc[("strategic", "net_cost_cum_diff"), "mean"] == pytest.approx(np.mean(expected))
    assert kf.loc[("strategic", "net_cost_cum_diff"), "p95"] == pytest.approx(
        np.quantile(expected, 0.95)
    )
    assert kf.loc[("strategic", "net_cost_cum_diff"), "p05"] == pytest.approx(
        np.quantile(expected, 0.05)
    )


def test_key_figures_warns_when_seeds_differ(ts):
    other = ts.copy()
    other.loc[other.scenario == "strategic", "seed"] += 7
    with pytest.warns(UserWarning, match="common random numbers"):
        tables.key_figures(other)


def test_key_figures_contents_and_interval_order(ts):
    kf = tables.key_figures(ts)
    assert list(pd.unique(kf.scenario)) == list(SCENARIOS)
    assert set(kf.key) == {
        "net_cost_end",
        "net_cost_cum",
        "net_cost_end_diff",
        "net_cost_cum_diff",
        "public_cost_cum",
        "lever_cost_cum",
        "volunteers_end",
        "marginalised_employed_end",
        "initiatives_running_end",
    }
    assert (kf.p05 <= kf["mean"] + 1e-9).all()
    assert (kf["mean"] <= kf.p95 + 1e-9).all()
    assert (kf.n_replicates == 3).all()
    assert set(kf.unit) == {"DKK bn", "persons", "count"}
    assert (kf.start == 2026).all() and (kf.end == 2030).all()
    vol = kf.set_index(["scenario", "key"]).loc[("strategic", "volunteers_end")]
    assert vol["mean"] == pytest.approx(30_000 * 1.1 * len(MUNIS))
    # The baseline has no lever rows: it simply has no lever-cost figure.
    assert not ((kf.scenario == "baseline") & (kf.key == "lever_cost_cum")).any()


def test_key_figures_single_replicate_interval_is_the_value():
    kf = tables.key_figures(make_ts(replicates=1))
    assert (kf.p05 == kf["mean"]).all() and (kf.p95 == kf["mean"]).all()


def test_key_figures_without_baseline_omits_differences():
    kf = tables.key_figures(make_ts(scenarios=("strategic",)))
    assert not kf.key.str.endswith("_diff").any()
    assert set(kf.scenario) == {"strategic"}


def test_key_figures_omit_missing_metrics(ts):
    kf = tables.key_figures(ts[~ts.metric.isin(["volunteers", "initiatives_running"])])
    assert "volunteers_end" not in set(kf.key)
    assert "initiatives_running_end" not in set(kf.key)
    assert "marginalised_employed_end" in set(kf.key)


@pytest.mark.parametrize("variant", ["parquet", "category", "object_na"])
def test_tables_accept_the_dtypes_the_model_may_write(ts, variant, tmp_path):
    if variant == "parquet":
        ts.to_parquet(tmp_path / "ts.parquet")
        data = pd.read_parquet(tmp_path / "ts.parquet")
    elif variant == "category":
        data = ts.astype({"scenario": "category", "area": "category", "metric": "category"})
    else:
        data = ts.astype({"area": object})
        data.loc[data.area.isna(), "area"] = pd.NA
    pd.testing.assert_frame_equal(tables.key_figures(data), tables.key_figures(ts))
    diff = tables.area_differences(data)
    assert diff.area.isna().sum() == 1  # only strategic has costs that belong to no area
    expected = tables.area_differences(ts)
    assert diff["mean"].to_numpy() == pytest.approx(expected["mean"].to_numpy())
    summary = tables.summary_table(data, by_area=True)
    assert len(summary) == len(tables.summary_table(ts, by_area=True))


def test_format_key_figures_danish(ts):
    table = tables.format_key_figures(tables.key_figures(ts), lang="da")
    assert list(table.columns) == [
        "Nøgletal",
        "Enhed",
        "Basis",
        "Kludetæppe (patchwork)",
        "Strategisk",
    ]
    assert "Forskel til Basis, akkumuleret 2026-2030" in set(table["Nøgletal"])
    diff = table.set_index("Nøgletal").loc["Forskel til Basis, 2030", "Strategisk"]
    assert re.fullmatch(r"−\d+,\d \(−\d+,\d til −\d+,\d\)", diff), diff


def test_summary_table(ts):
    summary = tables.summary_table(ts)
    assert list(summary.columns) == [
        "scenario",
        "year",
        "metric",
        "unit",
        "mean",
        "p05",
        "p95",
        "n_replicates",
    ]
    row = summary[
        (summary.scenario == "baseline") & (summary.year == 2026) & (summary.metric == "population")
    ]
    assert row["mean"].item() == pytest.approx(60_000 * len(MUNIS))
    assert row["unit"].item() == "persons"
    assert (summary.p05 <= summary.p95).all()
    by_area = tables.summary_table(ts, by_area=True)
    assert by_area.area.isna().any() and set(AREAS) <= set(by_area.area.dropna())


def test_area_differences_include_strategy_bar_and_total(ts):
    diff = tables.area_differences(ts)
    strat = diff[diff.scenario == "strategic"]
    null_row = strat[strat.area.isna()]
    assert null_row["mean"].item() == pytest.approx(LEVER_NULL["strategic"] * 25 / 1e9)
    total = strat[strat.area == "total"]["mean"].item()
    per_rep = [expected_net_diff("strategic", r) * 25 / 1e9 for r in range(3)]
    assert total == pytest.approx(np.mean(per_rep))
    assert strat[strat.area.isin(AREAS)]["mean"].sum() + null_row["mean"].item() == (
        pytest.approx(total)
    )


def test_municipal_change_difference_and_growth(ts):
    change = tables.municipal_change(ts, "strategic").set_index("municipality")["value"]
    assert set(change.index) == set(MUNIS)
    assert (change < 0).all()
    growth = tables.municipal_change(ts, "baseline", mode="growth").set_index("municipality")
    assert growth["value"].to_numpy() == pytest.approx(12.0, rel=0.05)
    with pytest.raises(ValueError, match="mode"):
        tables.municipal_change(ts, "strategic", mode="ratio")
    with pytest.raises(ValueError, match="unknown scenario"):
        tables.municipal_change(ts, "nope")


# --- tile grid ------------------------------------------------------------------------------


def test_tile_grid_matches_geography_without_shared_cells():
    grid = tilemap.read_tile_grid()
    assert list(grid.columns[:4]) == ["code", "name", "row", "col"]
    assert len(grid) == 98 and grid.code.is_unique
    assert set(grid.code) == set(municipalities().code)
    assert not grid.duplicated(["row", "col"]).any()
    assert (grid.row >= 0).all() and (grid.col >= 0).all()
    assert grid.label.is_unique and grid.label.str.len().max() <= 4
    # Rough geography: Aalborg north of Odense, Esbjerg west of Copenhagen, Bornholm far east.
    at = grid.set_index("name")
    assert at.loc["Aalborg", "row"] < at.loc["Odense", "row"]
    assert at.loc["Esbjerg", "col"] < at.loc["København", "col"]
    assert at.loc["Bornholm", "col"] == grid.col.max()


def test_tile_grid_file_documents_its_source_and_is_reproducible():
    from simulation.inputs.data import source_lines

    head = " ".join(source_lines(tilemap.TILE_GRID_FILE))
    assert "computed from municipalities_geo.csv" in head
    computed = tilemap.compute_tile_grid()
    committed = tilemap.read_tile_grid()[["code", "name", "row", "col"]]
    pd.testing.assert_frame_equal(computed, committed, check_dtype=False)


# --- figures --------------------------------------------------------------------------------


def _texts(fig) -> str:
    return " ".join(t.get_text() for t in fig.findobj(matplotlib.text.Text))


@pytest.mark.parametrize("replicates", [1, 3])
def test_figures_draw_with_one_or_many_replicates(replicates):
    data = make_ts(replicates=replicates)
    before = len(plt.get_fignums())
    made = [
        figures.net_cost_by_scenario(data),
        figures.cost_by_area(data),
        figures.cost_by_area(data, scenario="strategic"),
        figures.difference_by_area(data),
        figures.tile_map(data, "strategic"),
        figures.tile_map(data, "patchwork", mode="growth"),
        figures.mobilisation(data),
        figures.population_pyramid(make_ages(replicates=replicates)),
    ]
    assert all(isinstance(f, matplotlib.figure.Figure) for f in made)
    assert len(plt.get_fignums()) == before  # nothing registered with pyplot


def test_figure_texts_follow_language(ts, ages):
    en = _texts(figures.difference_by_area(ts, lang="en"))
    da = _texts(figures.difference_by_area(ts, lang="da"))
    assert "Strategy (not area-specific)" in en and "Elderly care" in en
    assert "Strategi (ikke områdespecifik)" in da and "Ældrepleje" in da
    assert "Resocialisering" in da and "Kludetæppe (patchwork)" in da
    assert "Mænd" in _texts(figures.population_pyramid(ages, lang="da"))
    with pytest.raises(ValueError, match="allowed"):
        figures.net_cost_by_scenario(ts, lang="sv")


def test_net_cost_band_spans_replicates(ts):
    fig = figures.net_cost_by_scenario(ts)
    ax = fig.axes[0]
    assert len(ax.lines) == 3 and len(ax.collections) == 3  # a band per scenario
    nat = tables.national(ts, "net_cost_dkk")
    base_2026 = nat[(nat.scenario == "baseline") & (nat.year == 2026)].value / 1e9
    line = ax.lines[0].get_ydata()
    assert line[0] == pytest.approx(base_2026.mean())


def test_tile_map_colours_and_missing_municipalities(ts):
    fig = figures.tile_map(ts, "strategic")
    tiles = [p for p in fig.axes[0].patches if p.get_width() < 1]
    assert len(tiles) == 98
    grey = [p for p in tiles if matplotlib.colors.to_hex(p.get_facecolor()) == "#e6e6e6"]
    assert len(grey) == 98 - len(MUNIS)
    assert "not simulated" in _texts(fig)
    assert len(fig.axes) == 2  # the map and its colour bar
    lo, hi = fig.axes[1].get_ylim()
    assert lo == -hi  # centred at 0


def test_mobilisation_skips_missing_panels(ts):
    fig = figures.mobilisation(ts[~ts.metric.str.startswith("initiatives_")])
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == 2
    with pytest.raises(ValueError, match="mobilisation metrics"):
        figures.mobilisation(ts[ts.metric == "public_cost_dkk"])


def test_difference_by_area_needs_a_baseline(ts):
    with pytest.raises(ValueError, match="baseline"):
        figures.difference_by_area(ts[ts.scenario != "baseline"])


# --- HTML report ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def report_en(tmp_path_factory, ts, ages):
    out = tmp_path_factory.mktemp("report_en")
    path = write_report(
        out,
        ts,
        ages,
        scenario_files={"strategic.toml": 'extends = "patchwork.toml"\n[levers]\nscaling = 0.8\n'},
        manifest={"seed": 1000, "scale": 0.01, "versions": {"mesa": "3.3.1"}},
    )
    return out, path


def test_report_writes_all_files(report_en, ts, ages):
    out, path = report_en
    assert path == out / "report.html" and path.exists()
    plan, _ = plan_figures(ts, ages)
    names = [f.name for f in plan]
    assert names == [
        "net_cost_by_scenario",
        "cost_by_area",
        "difference_by_area",
        "tile_map_patchwork",
        "tile_map_strategic",
        "mobilisation",
        "population_pyramid",
    ]
    for name in names:
        png, svg = out / "figures" / f"{name}.png", out / "figures" / f"{name}.svg"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert b"<svg" in svg.read_bytes()[:2000]
    kf = pd.read_csv(out / "key_figures.csv")
    assert {"scenario", "key", "mean", "p05", "p95"} <= set(kf.columns)
    summary = pd.read_csv(out / "summary.csv")
    assert set(summary.scenario) == set(SCENARIOS)
    assert not list(out.rglob("*.tmp"))


def test_report_html_is_self_contained_and_complete(report_en, ts, ages):
    _, path = report_en
    page = path.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, re.I)
    assert "<script" not in page.lower() and "<link" not in page.lower()
    assert 'rel="stylesheet"' not in page
    for item in plan_figures(ts, ages)[0]:
        assert f'id="fig-{item.name}"' in page
    assert page.count('src="data:image/svg+xml;base64,') == 7
    assert '<table class="key-figures">' in page
    assert "Difference to Baseline, cumulated 2026-2030" in page
    assert 'extends = "patchwork.toml"' in page and "scaling = 0.8" in page
    assert '"scale": 0.01' in page
    assert '<html lang="en">' in page


def test_report_in_danish(tmp_path, ts):
    small = ts[ts.year.isin([2026, 2030]) & (ts.scenario != "strategic")]
    path = write_report(tmp_path, small, lang="da")
    page = path.read_text(encoding="utf-8")
    assert '<html lang="da">' in page
    for phrase in ("Nøgletal", "Basis", "Kludetæppe (patchwork)", "Figurer", "mia. kr."):
        assert phrase in page
    assert "Forskel til Basis, akkumuleret 2026-2030" in page
    assert 'id="fig-tile_map_patchwork"' in page
    assert "befolkningspyramiden er udeladt" in page  # no ages given
    assert "Key figures" not in page
    with pytest.raises(ValueError, match="allowed"):
        write_report(tmp_path / "x", small, lang="fr")


def test_report_single_scenario_without_baseline(tmp_path):
    data = make_ts(scenarios=("strategic",), replicates=1, years=[2026, 2030])
    path = write_report(tmp_path, data)
    page = path.read_text(encoding="utf-8")
    assert "Only one scenario was run" in page
    assert "The results cover 5 of the 98 municipalities" in page
    assert "fig-difference_by_area" not in page
    assert "fig-tile_map_growth_strategic" in page
    assert (tmp_path / "figures" / "net_cost_by_scenario.svg").exists()
    assert not (tmp_path / "figures" / "difference_by_area.png").exists()


def test_report_rejects_bad_input(tmp_path, ts):
    with pytest.raises(ValueError, match="lacks column"):
        write_report(tmp_path, ts.drop(columns="metric"))
    with pytest.raises(ValueError, match="empty"):
        write_report(tmp_path, ts.iloc[:0])
