"""The decision outputs of a PSA job: decision.csv, evppi.csv, municipal_probability.csv, report."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from simulation.economy.present_value import discount_factors
from simulation.report.html import write_report
from simulation.runs import psa
from simulation.runs.jobs import run_job
from simulation.scenario import load_scenario

TINY = {"scale": 0.002, "end_year": 2028}
DRAWS = 6


def tiny(name: str):
    s = load_scenario(f"scenarios/{name}.toml").with_settings(**TINY)
    return dataclasses.replace(s, municipalities=(101, 147))


@pytest.fixture(scope="module")
def job(tmp_path_factory):
    scenarios = [tiny(n) for n in ("baseline", "patchwork", "strategic")]
    out = tmp_path_factory.mktemp("psa") / "r"
    return run_job(scenarios, replicates=2, seed=4, out=out, draws=DRAWS)


def test_decision_csv_holds_the_shares_of_draws_from_psa_csv(job):
    decision = pd.read_csv(job.folder / "decision.csv")
    outcomes = pd.read_csv(job.folder / "psa.csv")
    assert set(decision.value) == {"pv_net_cost", "net_cost_end"}
    assert {("budget", "total"), ("welfare", "society")} <= set(
        zip(decision.account, decision.payer, strict=True)
    )
    for row in decision.itertuples():
        sub = outcomes[(outcomes.account == row.account) & (outcomes.payer == row.payer)]
        wide = sub.pivot(index="draw", columns="scenario", values=row.value)
        diff = wide[row.option] - wide[row.comparator]
        assert row.n_draws == DRAWS
        assert row.probability == pytest.approx((diff < 0).mean())
        p = row.probability
        assert row.probability_se == pytest.approx(np.sqrt(p * (1 - p) / DRAWS))
        assert row.mean_difference == pytest.approx(diff.mean())
        assert row.mean_difference_se == pytest.approx(diff.std(ddof=1) / np.sqrt(DRAWS))


def test_key_figures_carry_the_two_probabilities(job):
    kf = pd.read_csv(job.folder / "key_figures_long.csv")
    decision = pd.read_csv(job.folder / "decision.csv")
    for comparator in ("patchwork", "baseline"):
        row = kf[kf.key == f"p_less_{comparator}_budget_total"]
        assert list(row.scenario) == ["strategic"] and row.unit.iloc[0] == "%"
        want = decision[
            (decision.value == "pv_net_cost")
            & (decision.comparator == comparator)
            & (decision.account == "budget")
            & (decision.payer == "total")
        ].probability.iloc[0]
        assert row["mean"].iloc[0] == pytest.approx(100 * want)
        assert row.n_replicates.iloc[0] == DRAWS
    printed = job.key_figures.iloc[:, 0].str.contains("costs less than patchwork")
    assert printed.any()


def test_evppi_csv_is_per_account_and_payer_and_flagged_indicative(job):
    evppi = pd.read_csv(job.folder / "evppi.csv")
    assert {("budget", "total"), ("welfare", "society")} <= set(
        zip(evppi.account, evppi.payer, strict=True)
    )
    groups = evppi[(evppi.kind == "group") & (evppi.payer == "total")]
    draws = pd.read_csv(job.folder / "draws.csv")
    assert set(groups.name) == {c.split(".", 1)[0] for c in draws.columns[2:]}
    assert evppi.indicative.all() and (evppi.n_draws == DRAWS).all()
    assert (evppi.evppi >= 0).all()


def test_municipal_probability_is_the_share_of_draws_a_municipality_saves(job):
    muni = pd.read_csv(job.folder / "municipal_probability.csv")
    assert set(muni.municipality) == {101, 147} and set(muni.comparator) == {
        "baseline",
        "patchwork",
    }
    ts = pd.read_parquet(job.folder / "timeseries.parquet")
    cost = ts[(ts.municipality == 147) & ts.metric.isin(["net_cost_dkk"])]
    if cost.empty:  # net cost falls back to public plus lever cost
        cost = ts[(ts.municipality == 147) & ts.metric.isin(["public_cost_dkk", "lever_cost_dkk"])]
    per = cost.groupby(["scenario", "replicate", "year"])["value"].sum().reset_index()
    years = np.sort(per.year.unique())
    factor = dict(zip(years, discount_factors(years, 0.035), strict=True))
    per["pv"] = per.value * per.year.map(factor)
    pv = per.groupby(["replicate", "scenario"]).pv.sum().unstack()
    want = (pv.strategic < pv.baseline).mean()
    got = muni[(muni.municipality == 147) & (muni.comparator == "baseline")].probability.iloc[0]
    assert got == pytest.approx(want)


def test_the_report_has_an_uncertainty_section_and_speaks_of_draws(job):
    text = (job.folder / "report.html").read_text(encoding="utf-8")
    assert 'id="uncertainty"' in text
    # below 200 draws the sentence replaces the EVPPI chart: no ranking is shown
    assert 'id="fig-evppi"' not in text and not (job.folder / "figures" / "evppi.svg").exists()
    assert 'id="fig-municipal_probability"' in text
    assert f"Mean over {DRAWS} parameter draws" in text
    assert "Mean over 6 replicate runs" not in text and "times with different random" not in text
    assert "Indicative only" in text and "python run.py tornado" in text


def test_the_danish_report_and_a_tornado_in_the_folder(job, tmp_path):
    parts = job.psa.report_parts()
    (tmp_path / "tornado.csv").write_text(
        "parameter,low,high,central,outcome_low,outcome_high,swing,reach\n"
        "prices.x,1.0,2.0,5e8,4e8,7e8,3e8,2e8\n",
        encoding="utf-8",
    )
    write_report(tmp_path, job.table, lang="da", uncertainty=parts)
    text = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "Usikkerhed" in text and "parametertrækninger" in text
    assert 'id="fig-tornado"' in text and "Kun vejledende" in text


def test_a_seed_only_job_writes_no_decision_outputs(tmp_path):
    scenarios = [tiny(n) for n in ("baseline", "strategic")]
    result = run_job(scenarios, replicates=2, seed=1, out=tmp_path / "r", draws=0)
    for name in ("decision.csv", "evppi.csv", "municipal_probability.csv"):
        assert not (result.folder / name).exists()
    text = (result.folder / "report.html").read_text(encoding="utf-8")
    assert "Mean over 2 replicate runs" in text and 'id="uncertainty"' not in text


def test_evppi_needs_five_draws():
    draws = pd.DataFrame({"draw": [0, 1], "seed": [1, 2], "effects.a": [0.1, 0.2]})
    outcomes = pd.DataFrame(
        {"draw": [0, 1, 0, 1], "scenario": ["baseline"] * 2 + ["strategic"] * 2}
    )
    assert psa.evppi_results(draws, outcomes, 1).empty


def test_evppi_csv_says_not_estimable_below_the_threshold(job):
    ev = pd.read_csv(job.folder / "evppi.csv")
    assert (ev.status == f"not estimable (fewer than {psa.EVPPI_MIN_DRAWS} draws)").all()
    studies = ev[(ev.kind == "study") & (ev.account == "budget") & (ev.payer == "total")]
    assert "effects:visiting_friends" in set(studies.name)


def test_the_evppi_chart_is_shown_from_the_threshold_on(job, tmp_path):
    parts = dataclasses.replace(job.psa.report_parts(), min_draws=DRAWS)
    write_report(tmp_path, job.table, uncertainty=parts)
    assert 'id="fig-evppi"' in (tmp_path / "report.html").read_text(encoding="utf-8")


def test_seed_only_csv_is_keyed_by_draw_and_gives_the_base_case(job):
    seed_only = pd.read_csv(job.folder / "seed_only.csv")
    assert "draw" in seed_only.columns and "replicate" not in seed_only.columns
    total = seed_only[(seed_only.account == "budget") & (seed_only.payer == "total")]
    wide = total.pivot(index="draw", columns="scenario", values="pv_net_cost")
    unc = pd.read_csv(job.folder / "uncertainty.csv")
    main = unc.iloc[0]
    assert (main.account, main.payer) == ("budget", "total")
    assert main.base_case_mean == pytest.approx((wide.strategic - wide.patchwork).mean())
    assert {"seed_variance_share", "share_less_low", "share_less_high"} <= set(unc.columns)
    assert len(unc) == len(
        pd.read_csv(job.folder / "psa.csv")[["account", "payer"]].drop_duplicates()
    )
    kf = pd.read_csv(job.folder / "key_figures_long.csv")
    base = kf[kf.key == "pv_main_base_patchwork"]
    assert base["mean"].iloc[0] == pytest.approx(main.base_case_mean / 1e9)


def test_decision_csv_and_key_figures_carry_wilson_intervals(job):
    from simulation.experiments.decision import wilson_interval

    decision = pd.read_csv(job.folder / "decision.csv")
    for row in decision.itertuples():
        k = round(row.probability * row.n_draws)
        assert (row.probability_low, row.probability_high) == pytest.approx(
            wilson_interval(k, row.n_draws)
        )
        assert row.probability_high > 0
    kf = pd.read_csv(job.folder / "key_figures_long.csv")
    p = kf[kf.key == "p_less_patchwork_budget_total"].iloc[0]
    want = decision[
        (decision.value == "pv_net_cost")
        & (decision.comparator == "patchwork")
        & (decision.account == "budget")
        & (decision.payer == "total")
    ].iloc[0]
    assert p.p95 == pytest.approx(100 * want.probability_high)


def test_municipal_probability_flags_seed_noise(job):
    muni = pd.read_csv(job.folder / "municipal_probability.csv")
    assert {"probability_low", "probability_high", "seed_variance_share"} <= set(muni.columns)
    flagged = muni.seed_variance_share > psa.SEED_NOISE_DOMINATES
    assert (muni.seed_noise_dominates == flagged).all()
    text = (job.folder / "report.html").read_text(encoding="utf-8")
    assert "Hatched and uncoloured" in text


def test_the_workbook_about_sheet_speaks_of_parameter_draws(job):
    about = pd.read_excel(job.folder / "results.xlsx", sheet_name="About")
    text = " ".join(about.astype(str).to_numpy().ravel())
    assert f"{DRAWS} parameter draws" in text and "Wilson" in text
