"""The economic account in the report: key figures by payer, cash flow, winners map, levers.

A small synthetic table whose net savings are known year by year, so every present value,
payback year, ratio and noise flag below is computed by hand from the generator's numbers
(discount factors written out as 1.035 ** -t), not with the functions under test.
"""

from __future__ import annotations

import itertools

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from simulation.report import account, figures, labels, levers, tables  # noqa: E402
from simulation.report.html import write_report  # noqa: E402

YEARS = [2026, 2027, 2028, 2029]
MUNIS = {101: (1084, 0.7, 1_000.0), 751: (1082, 0.3, 3_000.0)}  # region, share, inhabitants
REPLICATES = 3
BN = 1e9
# Net saving of strategic against the baseline by payer and year (DKK, replicate factor 1).
FLOW = {
    "municipality": [-10e9, -5e9, 10e9, 20e9],
    "region": [-1e9, -1e9, -1e9, -1e9],
    "state": [2e9, 2e9, 2e9, 2e9],
}
STRATEGIC_LEVER = 5e9  # lever cost per year, municipal payer
BASE_PUBLIC = 100e9  # baseline public cost per year and payer


def factor(replicate: int) -> float:
    """How much of the saving replicate r gets (common to every scenario)."""
    return 1.0 + 0.1 * replicate


def discount(year: int) -> float:
    return 1.035 ** -(year - 2026)


def make_ts() -> pd.DataFrame:
    """baseline, strategic and two one-lever scenarios, national flows split over two places."""
    rows = []
    scenarios = ("baseline", "strategic", "lever-scaling", "lever-facilitation")
    for s, r, (i, y), (m, (reg, share, people)) in itertools.product(
        scenarios, range(REPLICATES), enumerate(YEARS), MUNIS.items()
    ):
        base = dict(scenario=s, replicate=r, seed=100 + r, year=y, municipality=m, region=reg)
        for payer in ("municipality", "region", "state"):
            public, lever = BASE_PUBLIC, 0.0
            if s != "baseline":
                lever = STRATEGIC_LEVER if payer == "municipality" else 0.0
                public = BASE_PUBLIC - FLOW[payer][i] * factor(r) - lever
            if payer == "municipality" and s == "lever-scaling":
                public += 3e9 * (1 + 0.5 * r)  # loses part of the saving...
                lever -= 1e9  # ...and saves 1 bn of lever cost a year
            if payer == "municipality" and s == "lever-facilitation":
                public += 1e9 * (r - 1)  # an effect that is pure noise around 0
                lever -= 0.5e9
            rows += [
                {**base, "area": "health", "metric": f"public_cost_{payer}_dkk"}
                | {"value": public * share},
                {**base, "area": None, "metric": f"lever_cost_{payer}_dkk"}
                | {"value": lever * share},
            ]
        scaled = 0.0 if s == "baseline" else (4.0 if s == "lever-scaling" else 10.0)
        rows += [
            {**base, "area": None, "metric": "population", "value": people},
            {**base, "area": "health", "metric": "initiatives_scaled", "value": scaled},
            {**base, "area": "health", "metric": "initiatives_running", "value": 50.0},
            {**base, "area": None, "metric": "volunteers", "value": 100.0},
        ]
    ts = pd.DataFrame(rows)
    public = ts[ts.metric.str.startswith("public_cost_")].assign(metric="public_cost_dkk")
    lever = ts[ts.metric.str.startswith("lever_cost_")].assign(metric="lever_cost_dkk")
    return pd.concat([ts, public, lever], ignore_index=True)


@pytest.fixture(scope="module")
def ts() -> pd.DataFrame:
    return make_ts()


def hand_pv(flow: list[float], scale: float = 1.0) -> float:
    return sum(v * scale * discount(y) for v, y in zip(flow, YEARS, strict=True))


def percentile(values: list[float], q: float) -> float:
    """Linear interpolation between order statistics, written out."""
    xs = sorted(values)
    pos = q * (len(xs) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


# --- key figures ------------------------------------------------------------------------------


def test_key_figures_give_present_value_and_payback_by_payer(ts):
    kf = tables.key_figures(ts[ts.scenario.isin(["baseline", "strategic"])])
    got = kf[kf.scenario == "strategic"].set_index("key")
    total_flow = [sum(FLOW[p][i] for p in FLOW) for i in range(len(YEARS))]
    for payer, flow in [*FLOW.items(), ("total", total_flow)]:
        values = [hand_pv(flow, factor(r)) / BN for r in range(REPLICATES)]
        row = got.loc[f"pv_saving_{payer}"]
        assert row["unit"] == "DKK bn"
        assert row["mean"] == pytest.approx(np.mean(values))
        assert row["p05"] == pytest.approx(percentile(values, 0.05))
        assert row["p95"] == pytest.approx(percentile(values, 0.95))
    # cumulated municipality: -11, -16.5, -5.5, +16.5 (x mean factor 1.1): positive from 2029
    assert got.loc["payback_municipality", "mean"] == 2029
    assert np.isnan(got.loc["payback_region", "mean"])  # never positive
    assert got.loc["payback_state", "mean"] == 2026
    assert got.loc["payback_total", "mean"] == 2029  # -9, -13, -2, +19
    assert got.loc["payback_total", "unit"] == "year"
    assert "pv_saving_total" not in set(kf.loc[kf.scenario == "baseline", "key"])


def test_formatted_key_figures_say_not_by_the_end(ts):
    kf = tables.key_figures(ts[ts.scenario.isin(["baseline", "strategic"])])
    for lang, words in (("en", "not by 2029"), ("da", "ikke inden 2029")):
        table = tables.format_key_figures(kf, lang)
        header = labels.text("kf_header", lang)
        rows = table.set_index(header)
        region = labels.text(
            "kf_payback",
            lang,
            baseline=labels.scenario_label("baseline", lang),
            payer=labels.payer_label("region", lang),
        )
        assert rows.loc[region, labels.scenario_label("strategic", lang)] == words
        municipal = labels.text(
            "kf_payback",
            lang,
            baseline=labels.scenario_label("baseline", lang),
            payer=labels.payer_label("municipality", lang),
        )
        assert rows.loc[municipal, labels.scenario_label("strategic", lang)] == "2029"


def test_key_figures_at_another_rate(ts):
    kf = tables.key_figures(ts[ts.scenario.isin(["baseline", "strategic"])], rate=0.0)
    got = kf[(kf.scenario == "strategic") & (kf.key == "pv_saving_municipality")]
    assert got["mean"].iloc[0] == pytest.approx(sum(FLOW["municipality"]) * 1.1 / BN)


# --- cash flow --------------------------------------------------------------------------------


def test_cash_flow_data_are_the_cumulated_savings(ts):
    flow = account.cash_flow(account.replicate_savings(ts))
    own = flow[(flow.scenario == "strategic") & (flow.payer == "municipality")]
    expected = np.cumsum(FLOW["municipality"]) * 1.1
    np.testing.assert_allclose(own["cumulated"].to_numpy(), expected)
    np.testing.assert_allclose(own["saving"].to_numpy(), np.array(FLOW["municipality"]) * 1.1)
    fig = figures.cash_flow(ts, scenarios=["strategic"])
    panel = fig.axes[0]  # municipalities
    line = panel.lines[0]
    np.testing.assert_allclose(line.get_xdata(), YEARS)
    np.testing.assert_allclose(line.get_ydata(), expected / BN)
    marker = panel.lines[1]  # the payback year
    assert list(marker.get_xdata()) == [2029]
    assert marker.get_ydata()[0] == pytest.approx(expected[-1] / BN)
    assert panel.get_title() == labels.payer_label("municipality")


def test_cash_flow_needs_costs_by_payer(ts):
    with pytest.raises(ValueError, match="by payer"):
        figures.cash_flow(ts[~ts.metric.str.contains("_(?:municipality|region|state)_")])


# --- winners and losers -----------------------------------------------------------------------


def test_municipal_present_value_per_inhabitant(ts):
    value = account.municipal_present_value(ts, "strategic").set_index("municipality")["value"]
    for code, (_, share, people) in MUNIS.items():
        expected = hand_pv(FLOW["municipality"], 1.1) * share / people
        assert value[code] == pytest.approx(expected)
    fig = figures.winners_map(ts, "strategic", lang="da")
    text = " ".join(t.get_text() for ax in fig.axes for t in ax.texts + [ax.title])
    assert "hvilke kommuner vinder" in text
    bar = fig.axes[1]
    lo, hi = bar.get_ylim()
    assert lo == pytest.approx(-hi)  # diverging, centred on zero


# --- both accounts ----------------------------------------------------------------------------


def synthetic_economy(welfare: bool) -> pd.DataFrame:
    rows = [
        {
            "scenario": "strategic",
            "payer": payer,
            "end": 2029,
            "net_saving_pv_dkk": pv * BN,
            "net_saving_pv_p05_dkk": (pv - 1) * BN,
            "net_saving_pv_p95_dkk": (pv + 1) * BN,
            "payback_year": year,
        }
        for payer, pv, year in (
            ("municipality", 2.0, 2029),
            ("region", -4.0, pd.NA),
            ("state", 7.0, 2026),
            ("total", 5.0, 2029),
        )
    ]
    frame = pd.DataFrame(rows)
    if welfare:
        frame.insert(1, "account", "budget")
        frame["cost_pv_dkk"] = 1.0 * BN
        extra = {
            "scenario": "strategic",
            "account": "welfare",
            "payer": "society",
            "end": 2029,
            "net_saving_pv_dkk": 9.0 * BN,
            "net_saving_pv_p05_dkk": 8.0 * BN,
            "net_saving_pv_p95_dkk": 10.0 * BN,
            "payback_year": 2027,
            "cost_pv_dkk": 3.0 * BN,
        }
        frame = pd.concat([frame, pd.DataFrame([extra])], ignore_index=True)
    return frame


@pytest.mark.parametrize("welfare", [True, False])
def test_accounts_side_by_side_never_summed(welfare):
    table = tables.format_accounts(synthetic_economy(welfare), "en")
    assert list(table["Account"]) == ["Budget account"] * 4 + ["Welfare-economic account"]
    assert list(table["Payer"])[-1] == "Society"
    pv = table["Strategic: present value, DKK bn"].tolist()
    assert pv[:4] == [
        "2.0 (1.0 to 3.0)",
        "−4.0 (−5.0 to −3.0)",
        "7.0 (6.0 to 8.0)",
        "5.0 (4.0 to 6.0)",
    ]
    assert table["Strategic: payback year"].tolist()[1] == "not by 2029"
    if welfare:
        assert pv[4] == "9.0 (8.0 to 10.0)"  # its own number, not 5 + 9
    else:
        assert pv[4] == "not computed"


def test_with_accounts_fills_in_budget_and_cost(ts):
    old = synthetic_economy(welfare=False)
    out = account.with_accounts(old, ts)
    assert set(out["account"]) == {"budget"}
    cost = out.set_index("payer")["cost_pv_dkk"]
    assert cost["municipality"] == pytest.approx(hand_pv([STRATEGIC_LEVER] * 4))
    assert cost["region"] == pytest.approx(0.0)
    new = account.with_accounts(synthetic_economy(welfare=True), ts)
    assert new["cost_pv_dkk"].tolist() == [BN] * 4 + [3 * BN]  # kept as given


# --- the lever table --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def lever_rows(ts):
    economy = synthetic_economy(welfare=True).assign(scenario="lever-scaling")
    table = levers.lever_table(ts, economy=economy)
    return table.set_index(["lever", "account", "payer"])


def test_lever_npv_cost_and_ratio_by_hand(lever_rows):
    row = lever_rows.loc[("scaling", "budget", "total")]
    ones = [1.0] * len(YEARS)
    # contribution per year in replicate r: 3 bn (1 + 0.5 r) lost saving less 1 bn of lever cost
    values = [hand_pv(ones, 3e9 * (1 + 0.5 * r) - 1e9) for r in range(REPLICATES)]
    assert row["npv_dkk"] == pytest.approx(np.mean(values))
    assert row["npv_p05_dkk"] == pytest.approx(percentile(values, 0.05))
    assert row["cost_pv_dkk"] == pytest.approx(hand_pv(ones, 1e9))
    assert row["npv_per_dkk"] == pytest.approx(row["npv_dkk"] / row["cost_pv_dkk"])
    assert row["npv_per_dkk"] == pytest.approx(3.5)
    assert not row["within_noise"]
    assert row["n_replicates"] == REPLICATES
    # all of it is the municipalities'; the region and state are untouched
    assert lever_rows.loc[("scaling", "budget", "municipality"), "npv_dkk"] == pytest.approx(
        row["npv_dkk"]
    )
    assert lever_rows.loc[("scaling", "budget", "region"), "npv_dkk"] == pytest.approx(0.0)
    assert np.isnan(lever_rows.loc[("scaling", "budget", "region"), "npv_per_dkk"])  # cost 0
    # the intermediate outcome: 6 more scaled initiatives a year in each of 2 places, 4 years
    assert row["outcome_metric"] == "initiatives_scaled"
    assert row["outcome_change"] == pytest.approx(48.0)


def test_lever_within_noise_when_the_interval_spans_zero(lever_rows):
    row = lever_rows.loc[("facilitation", "budget", "total")]
    ones = [1.0] * len(YEARS)
    values = [hand_pv(ones, 1e9 * (r - 1) - 0.5e9) for r in range(REPLICATES)]
    assert row["npv_p05_dkk"] == pytest.approx(percentile(values, 0.05))
    assert row["npv_p05_dkk"] < 0 < row["npv_p95_dkk"]
    assert row["within_noise"]


def test_lever_welfare_rows_come_from_the_economy_table(lever_rows):
    # the economy table compares the knock-out with strategic: the lever is minus that
    row = lever_rows.loc[("scaling", "welfare", "society")]
    assert row["npv_dkk"] == pytest.approx(-9.0 * BN)
    assert (row["npv_p05_dkk"], row["npv_p95_dkk"]) == (-10.0 * BN, -8.0 * BN)
    assert row["cost_pv_dkk"] == pytest.approx(-3.0 * BN)
    assert row["npv_per_dkk"] == pytest.approx(3.0)
    assert ("facilitation", "welfare", "society") not in lever_rows.index


def _with_competence(ts: pd.DataFrame) -> pd.DataFrame:
    """Add a competence knock-out: strategic's flows, its own training cost and a larger gap."""
    strategic = ts[ts.scenario == "strategic"]
    knock = strategic.assign(scenario="lever-competence")
    rows = []
    for s, gap, training in (("strategic", 10.0, 2e9), ("lever-competence", 20.0, 0.0)):
        part = strategic.drop_duplicates(["replicate", "year", "municipality"]).assign(scenario=s)
        rows.append(part.assign(area="health", metric="implementation_gap", value=gap))
        if training:  # a knock-out to 0 books no training rows at all
            rows.append(
                part.assign(area="health", metric="lever_cost_training_dkk", value=training)
            )
    # the training cost is part of the lever cost it adds (municipal payer)
    extra = knock[knock.metric.isin(["lever_cost_municipality_dkk", "lever_cost_dkk"])]
    knock = knock[~knock.index.isin(extra.index)]
    cheaper = extra.assign(value=extra["value"] - 2e9 * 0.5)  # two places, half each
    return pd.concat([ts, knock, cheaper, *rows], ignore_index=True)


def test_lever_own_cost_apart_from_the_induced_and_the_mean_gap(ts):
    table = levers.lever_table(_with_competence(ts)).set_index(["lever", "account", "payer"])
    row = table.loc[("competence", "budget", "total")]
    ones = [1.0] * len(YEARS)
    # own cost: 2 bn a year of training in each of the two places, all of it the lever's own
    assert row["own_cost_pv_dkk"] == pytest.approx(hand_pv(ones, 4e9))
    assert row["cost_pv_dkk"] == pytest.approx(hand_pv(ones, 2e9))
    assert np.isnan(table.loc[("competence", "budget", "municipality"), "own_cost_pv_dkk"])
    # a lever with no cost item of its own has own cost 0, whatever it induces
    assert table.loc[("scaling", "budget", "total"), "own_cost_pv_dkk"] == 0.0
    assert table.loc[("scaling", "budget", "total"), "cost_pv_dkk"] > 0
    # the mean gap per initiative running: (10 + 10) / 100 against (20 + 20) / 100
    assert row["outcome_metric"] == "implementation_gap"
    assert row["outcome_period"] == "mean"
    assert row["outcome_change"] == pytest.approx(0.2 - 0.4)
    out = levers.format_lever_table(table.reset_index(), 2026, 2029, "en")
    competence = out[out[labels.text("lv_lever")] == labels.lever_label("competence")].iloc[0]
    assert competence[labels.text("lv_outcome_change")] == "\u22120.200"
    assert "mean per initiative running" in competence[labels.text("lv_outcome")]


def test_lever_standard_error_of_the_mean_difference(lever_rows):
    row = lever_rows.loc[("scaling", "budget", "total")]
    ones = [1.0] * len(YEARS)
    values = [hand_pv(ones, 3e9 * (1 + 0.5 * r) - 1e9) for r in range(REPLICATES)]
    assert row["npv_se_dkk"] == pytest.approx(np.std(values, ddof=1) / np.sqrt(REPLICATES))


def test_lever_table_needs_its_reference(ts):
    with pytest.raises(ValueError, match="reference"):
        levers.lever_table(ts[ts.scenario != "strategic"])
    assert levers.lever_of("lever-quality-assurance") == "quality_assurance"
    assert levers.lever_of("strategic") is None


def test_formatted_lever_table(lever_rows, ts):
    table = levers.lever_table(ts)
    for lang in ("en", "da"):
        out = levers.format_lever_table(table, 2026, 2029, lang)
        assert list(out[labels.text("lv_lever", lang)]) == [
            labels.lever_label("scaling", lang),
            labels.lever_label("facilitation", lang),
        ]
        noise = out[labels.text("lv_noise", lang)].tolist()
        assert noise == [labels.text("no", lang), labels.text("yes", lang)]


# --- the report -------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "da"])
def test_report_shows_both_accounts_cash_flow_winners_and_levers(tmp_path, ts, lang):
    path = write_report(tmp_path, ts, lang=lang)
    page = path.read_text(encoding="utf-8")
    assert 'id="economic-account"' in page and 'id="levers"' in page
    assert labels.text("account_questions", lang).replace("'", "&#x27;") in page
    for name in ("cash_flow", "winners_strategic"):
        assert (tmp_path / "figures" / f"{name}.svg").is_file()
    assert not (tmp_path / "figures" / "winners_lever-scaling.svg").exists()
    written = pd.read_csv(tmp_path / "levers.csv")
    assert set(written["lever"]) == {"scaling", "facilitation"}
    kf = pd.read_csv(tmp_path / "key_figures.csv")
    assert {"pv_saving_total", "payback_municipality"} <= set(kf["key"])


# --- Danish -----------------------------------------------------------------------------------

NEW_TEXT_KEYS = (
    "kf_pv_saving",
    "kf_payback",
    "kf_year",
    "not_by",
    "kf_note_account",
    "h_account",
    "account_questions",
    "acc_account",
    "acc_payer",
    "acc_pv",
    "acc_payback",
    "acc_not_computed",
    "acc_note",
    "acc_no_welfare",
    "title_cash_flow",
    "ylabel_cash_flow",
    "payback_marker",
    "cap_cash_flow",
    "title_tile_winners",
    "colorbar_winners",
    "cap_tile_winners",
    "h_levers",
    "lever_intro",
    "lv_lever",
    "lv_outcome",
    "lv_outcome_change",
    "lv_npv",
    "lv_cost",
    "lv_per_dkk",
    "lv_noise",
    "yes",
    "no",
)


def test_every_new_label_has_its_own_danish_text():
    for key in NEW_TEXT_KEYS:
        assert labels._TEXT["da"][key] != labels._TEXT["en"][key], key
    for table in (labels._PAYER_LABELS, labels._ACCOUNT_LABELS, labels._LEVER_LABELS):
        assert table["en"].keys() == table["da"].keys()
        for key in table["en"]:
            assert table["da"][key] != table["en"][key], key
    for lever in levers.LEVER_OUTCOMES:
        assert lever in labels._LEVER_LABELS["da"], lever


def test_danish_figures_have_no_english_left(ts):
    fig = figures.cash_flow(ts, lang="da", scenarios=["strategic"])
    words = [fig.texts[0].get_text() if fig.texts else ""]
    words += [ax.get_title() for ax in fig.axes] + [ax.get_ylabel() for ax in fig.axes]
    words += [t.get_text() for legend in fig.legends for t in legend.get_texts()]
    text = " ".join(words + [fig._suptitle.get_text()])
    for english in ("saving", "payer", "Municipalities", "payback", "replicates", "prices"):
        assert english not in text, english
    assert "Kommuner" in text and "tilbagebetalingsår" in text


def test_workbook_names_the_period_of_present_values_and_payback(ts, tmp_path):
    from simulation.report.workbook import write_workbook

    kf = tables.key_figures(ts[ts.scenario.isin(["baseline", "strategic"])])
    path = write_workbook(tmp_path, kf)
    sheet = pd.read_excel(path, sheet_name="Key figures").set_index("scenario")
    pv = kf[(kf.scenario == "strategic") & (kf.key == "pv_saving_total")]["mean"].iloc[0]
    assert sheet.loc["strategic", "pv_saving_total 2026-2029 (DKK bn) mean"] == pytest.approx(pv)
    assert sheet.loc["strategic", "payback_state 2026-2029 (year) mean"] == 2026
    assert pd.isna(sheet.loc["strategic", "payback_region 2026-2029 (year) mean"])


# --- trivial flows ----------------------------------------------------------------------------


def _with_people(ts: pd.DataFrame, people: float) -> pd.DataFrame:
    """The table with ``people`` inhabitants in all (split as the two places are)."""
    out = ts.copy()
    pop = out.metric == "population"
    out.loc[pop, "value"] = out.loc[pop, "value"] * people / 4_000.0
    return out


def test_payback_of_a_trivial_flow_is_suppressed(ts):
    """Threshold = 20 DKK x inhabitants; cumulated mean (x 1.1): state 2.2, 4.4, 6.6, 8.8 bn,
    region -1.1 ... -4.4 bn, municipality -11 ... +16.5 bn. At 9 bn, state and region are
    trivial (no payback), the municipality is not (2029)."""
    assert account.TRIVIAL_DKK_PER_INHABITANT == 20.0
    sub = ts[ts.scenario.isin(["baseline", "strategic"])]
    savings = account.replicate_savings(sub)
    assert savings.attrs["trivial_dkk"] == pytest.approx(20.0 * 4_000.0)
    plain = account.payback_years(savings).set_index("payer")
    assert plain.loc["state", "payback_year"] == 2026 and not plain["trivial"].any()
    big = account.replicate_savings(_with_people(sub, 9e9 / 20.0))
    paid = account.payback_years(big).set_index("payer")
    assert paid.loc["state", "trivial"] and pd.isna(paid.loc["state", "payback_year"])
    assert paid.loc["region", "trivial"]
    assert not paid.loc["municipality", "trivial"]
    assert paid.loc["municipality", "payback_year"] == 2029


def test_economy_table_flags_trivial_flows_and_costs(ts):
    """economy.csv: the state's 8.8 bn and the region's -4.4 bn are trivial at a 9 bn threshold
    (no payback year); the municipal lever cost (PV of 5 bn a year, about 19 bn) is not, so its
    ratio stays; the region and state have no lever cost: trivial cost, no ratio."""
    from simulation.economy.summary import economy_table

    sub = _with_people(ts[ts.scenario.isin(["baseline", "strategic"])], 9e9 / 20.0)
    e = economy_table(sub).set_index("payer")
    assert e.loc["state", "trivial_flow"] and pd.isna(e.loc["state", "payback_year"])
    assert not e.loc["municipality", "trivial_flow"]
    assert e.loc["municipality", "payback_year"] == 2029
    assert not e.loc["municipality", "trivial_cost"]
    assert e.loc["municipality", "net_saving_pv_per_dkk"] == pytest.approx(
        e.loc["municipality", "net_saving_pv_dkk"] / e.loc["municipality", "cost_pv_dkk"]
    )
    assert e.loc["region", "trivial_cost"] and pd.isna(e.loc["region", "net_saving_pv_per_dkk"])


def test_lever_ratio_on_a_trivial_cost_is_suppressed(ts):
    """facilitation's cost (0.5 bn a year, PV about 1.9 bn) is trivial at a 3 bn threshold and
    gets no ratio; scaling's (1 bn a year, about 3.8 bn) keeps its 3.5."""
    ones = [1.0] * len(YEARS)
    assert hand_pv(ones, 0.5e9) < 3e9 < hand_pv(ones, 1e9)
    table = levers.lever_table(_with_people(ts, 3e9 / 20.0)).set_index(
        ["lever", "account", "payer"]
    )
    small = table.loc[("facilitation", "budget", "total")]
    assert small["cost_trivial"] and np.isnan(small["npv_per_dkk"])
    assert np.isnan(small["npv_per_dkk_p05"]) and not np.isnan(small["npv_dkk"])
    kept = table.loc[("scaling", "budget", "total")]
    assert not kept["cost_trivial"] and kept["npv_per_dkk"] == pytest.approx(3.5)
