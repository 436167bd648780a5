"""Tests of the decision-analysis report pieces: table, EVPPI bars, tornado and tile map."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

from simulation.experiments import decision  # noqa: E402
from simulation.report import figures, labels, uncertainty  # noqa: E402
from simulation.report.tilemap import read_tile_grid  # noqa: E402


def probabilities() -> pd.DataFrame:
    n = 200
    rng = np.random.default_rng(1)
    frames = []
    for payer in ("municipality", "total"):
        base = rng.normal(1e10, 1e9, n)
        for name, shift in (("baseline", 0.0), ("patchwork", -1e8), ("strategic", -3e8)):
            frames.append(
                pd.DataFrame(
                    {
                        "draw": range(n),
                        "scenario": name,
                        "account": "budget",
                        "payer": payer,
                        "pv": base + shift + rng.normal(0, 2e8, n),
                    }
                )
            )
    return decision.decision_probabilities(pd.concat(frames), "pv", by=("account", "payer"))


@pytest.mark.parametrize("lang", labels.LANGUAGES)
def test_probability_table_formats_every_row(lang):
    probs = probabilities()
    table = uncertainty.probability_table(probs, lang=lang, measure="PV")
    assert len(table) == len(probs) == 4
    prob_col = uncertainty.text("probability", lang)
    first = probs.iloc[0]
    expected = labels.format_number(100 * first.probability, 0, lang)
    low = labels.format_number(100 * first.probability_low, 0, lang)
    high = labels.format_number(100 * first.probability_high, 0, lang)
    assert table[prob_col].iloc[0] == f"{expected} ({low}–{high})"  # Wilson 95% interval
    diff_col = uncertainty.text("mean_difference", lang)
    assert (
        table[diff_col]
        .iloc[0]
        .startswith(labels.format_number(first.mean_difference / 1e9, 1, lang))
    )
    payers = set(table[uncertainty.text("payer", lang)])
    assert payers == {uncertainty.payer_label(p, lang) for p in ("municipality", "total")}
    comparison = table[uncertainty.text("comparison", lang)].iloc[0]
    assert labels.scenario_label("strategic", lang) in comparison


def test_probability_table_labels_each_value_column():
    probs = pd.concat([probabilities().assign(value=v) for v in ("pv", "end")])
    labels_by_value = {
        "pv": uncertainty.measure_label("pv", "da", start=2026, end=2050),
        "end": uncertainty.measure_label("one_year", "da", year=2050),
    }
    table = uncertainty.probability_table(probs, lang="da", measure=labels_by_value)
    col = table[uncertainty.text("measure", "da")]
    assert list(col) == ["Nutidsværdi 2026-2050"] * 4 + ["2050 alene"] * 4


def test_danish_and_english_texts_have_the_same_keys_and_differ():
    assert set(uncertainty.TEXT["en"]) == set(uncertainty.TEXT["da"])
    assert uncertainty.text("title_evppi", "da") != uncertainty.text("title_evppi", "en")
    assert uncertainty.group_label("effects", "da") == "Initiativernes effekter"
    assert uncertainty.group_label("unknown_group", "da") == "unknown_group"
    with pytest.raises(ValueError):
        uncertainty.text("title_evppi", "de")


def evppi_rows() -> pd.DataFrame:
    n = 600
    rng = np.random.default_rng(2)
    params = pd.DataFrame(
        {
            "effects.a": rng.standard_normal(n),
            "prices.b": rng.standard_normal(n),
            "noise.c": rng.standard_normal(n),
        }
    )
    nb = pd.DataFrame(
        {
            "baseline": 0.0,
            "strategic": 1e9 * (0.2 + 1.0 * params["effects.a"] + 0.3 * params["prices.b"]),
        }
    )
    return decision.evppi_table(params, nb, rng=np.random.default_rng(3))


@pytest.mark.parametrize("lang", labels.LANGUAGES)
def test_evppi_figure_draws_one_bar_per_group_in_order(lang, tmp_path):
    table = evppi_rows()
    fig = uncertainty.evppi_figure(table, lang=lang, n_draws=600)
    ax = fig.axes[0]
    groups = table[table.kind == "group"].sort_values("evppi")
    widths = [patch.get_width() for patch in ax.patches]
    np.testing.assert_allclose(widths, groups["evppi"] / 1e9)
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    assert ticks == [uncertainty.group_label(g, lang) for g in groups["name"]]
    assert ticks[-1] == uncertainty.group_label("effects", lang)  # the largest on top
    png, svg = figures.save_figure(fig, tmp_path, f"evppi_{lang}")
    assert png.stat().st_size > 0 and svg.stat().st_size > 0


def test_tornado_figure_shows_the_ten_largest_from_the_centre(tmp_path):
    uncertain = {f"effects.p{i:02d}": (1.0, 0.5, 1.5) for i in range(12)}
    plan = decision.plan_one_way(uncertain)
    weights = {f"effects.p{i:02d}": float(i + 1) for i in range(12)}

    def outcome(row: pd.Series) -> float:
        return 1e9 * sum(w * row[name] for name, w in weights.items())

    result = pd.Series({row.run: outcome(row) for _, row in plan.iterrows()})
    table = decision.tornado_table(plan, result)
    fig = uncertainty.tornado_figure(table, lang="da", n=10)
    ax = fig.axes[0]
    texts = [t.get_text() for t in ax.get_yticklabels()]
    assert texts[-1] == "effects.p11 (0,5 / 1,5)"  # Danish decimal comma
    ticks = [t.split(" ")[0] for t in texts]
    # the largest on top: p11 (weight 12) ... p02 (weight 3); p00 and p01 left out
    assert ticks[::-1] == [f"effects.p{i:02d}" for i in range(11, 1, -1)]
    centre = table.central.iloc[0] / 1e9
    bars = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert len(bars) == 20
    for bar in bars:
        assert bar.get_x() == pytest.approx(centre)
    # the high bars reach centre + 0.5 * weight
    high_colour = to_hex(uncertainty._HIGH_COLOR)
    high = sorted(abs(b.get_width()) for b in bars if to_hex(b.get_facecolor()) == high_colour)
    np.testing.assert_allclose(high, [0.5 * w for w in range(3, 13)])
    figures.save_figure(fig, tmp_path, "tornado")


def test_municipal_probability_map_colours_the_tiles_by_probability():
    grid = read_tile_grid()
    codes = grid["code"].tolist()
    prob = pd.Series({codes[0]: 0.0, codes[1]: 1.0, codes[2]: 0.5})
    prob.attrs["n_draws"] = pd.Series({codes[0]: 50, codes[1]: 50, codes[2]: 40})
    fig = uncertainty.municipal_probability_map(prob, lang="en")
    ax = fig.axes[0]
    tiles = [p for p in ax.patches if p.get_width() == pytest.approx(0.94)]
    assert len(tiles) == len(grid)
    by_place = {(round(t.get_x()), round(t.get_y())): to_hex(t.get_facecolor()) for t in tiles}

    def colour(code: int) -> str:
        row = grid.loc[grid.code == code].iloc[0]
        return by_place[(int(row.col), int(row.row))]

    cmap = matplotlib.colormaps["RdBu"]
    assert colour(codes[0]) == to_hex(cmap(0.0))
    assert colour(codes[1]) == to_hex(cmap(1.0))
    assert colour(codes[3]) == "#e6e6e6"  # not simulated
    notes = [t.get_text() for t in ax.texts]
    assert any("40 draws" in t for t in notes)  # the smallest count is reported


def test_municipal_probability_from_draws_to_map():
    grid = read_tile_grid()
    n = 50
    rows = []
    for i, code in enumerate(grid["code"]):
        for draw in range(n):
            saves = draw < i % n  # municipality i saves in (i mod 50) of 50 draws
            rows.append((draw, code, "baseline", 10.0))
            rows.append((draw, code, "strategic", 9.0 if saves else 11.0))
    table = pd.DataFrame(rows, columns=["draw", "municipality", "scenario", "pv"])
    prob = decision.municipal_saving_probability(table, "pv")
    expected = pd.Series([(i % n) / n for i in range(len(grid))], index=grid["code"].to_numpy())
    np.testing.assert_allclose(prob.loc[expected.index], expected)
    fig = uncertainty.municipal_probability_map(prob, lang="da")
    assert uncertainty.text("muni_note", "da", n=n) in [t.get_text() for t in fig.axes[0].texts]


def test_band_legend_says_parameter_draws_in_a_psa():
    from simulation.report import figures, labels

    ts = pd.DataFrame({"year": [2026]})
    assert figures._band_key(ts) == "band"
    ts.attrs["psa"] = True
    assert figures._band_key(ts) == "band_psa"
    assert "parameter draws" in labels.text("band_psa", "en", n=10)
    assert "90%" not in labels.text("band", "en", n=5)


def test_municipal_map_masks_noisy_municipalities():
    from simulation.report import uncertainty as unc_report

    prob = pd.Series({101: 0.9, 147: 0.2})
    fig = unc_report.municipal_probability_map(prob, n_draws=10, masked=[147])
    hatched = [p for p in fig.axes[0].patches if p.get_hatch()]
    assert len(hatched) == 1
    plain = unc_report.municipal_probability_map(prob, n_draws=10)
    assert not [p for p in plain.axes[0].patches if p.get_hatch()]
