"""Write the report folder: figures (PNG and SVG), CSV tables and a self-contained HTML page.

``report.html`` embeds every figure as a base64 SVG data URI and carries its CSS inline; it
loads nothing from the network and opens offline, so it can be mailed or put in front of a
council as it is. Comparison figures are left out, with a note in the report, when there is no
baseline or only one scenario.
"""

from __future__ import annotations

import base64
import html
import json
import re
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from simulation.economy.present_value import DEFAULT_DISCOUNT_RATE
from simulation.economy.summary import economy_table
from simulation.report import account, figures, labels, levers, tables
from simulation.report import uncertainty as unc_report

__all__ = ["REQUIRED_COLUMNS", "ReportFigure", "plan_figures", "write_report"]

_N_MUNICIPALITIES = 98
REQUIRED_COLUMNS = ("scenario", "replicate", "year", "municipality", "area", "metric", "value")

_CSS = """
body { font-family: -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif; color: #222;
       max-width: 62rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.45; }
h1 { font-size: 1.7rem; margin-bottom: 0.3rem; }
h2 { font-size: 1.3rem; margin-top: 2.2rem; border-bottom: 1px solid #ddd; padding-bottom: .2rem; }
table.key-figures { border-collapse: collapse; font-size: 0.92rem; margin: 0.8rem 0; }
table.key-figures th, table.key-figures td { border-bottom: 1px solid #e3e3e3;
       padding: 0.35rem 0.6rem; text-align: right; vertical-align: top; }
table.key-figures th:first-child, table.key-figures td:first-child { text-align: left; }
table.key-figures thead th { background: #f3f3f3; }
.note { color: #555; font-size: 0.9rem; }
.notes li { margin-bottom: 0.3rem; }
figure { margin: 1.5rem 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { color: #444; font-size: 0.92rem; margin-top: 0.3rem; }
pre { background: #f7f7f7; border: 1px solid #e5e5e5; padding: 0.7rem; overflow-x: auto;
      font-size: 0.82rem; }
summary { cursor: pointer; font-weight: 600; }
"""


@dataclass(frozen=True)
class ReportFigure:
    """One figure of the report: file stem, how to draw it, and its caption."""

    name: str
    draw: Callable[[], Figure]
    caption: str


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "_", name).strip("_") or "scenario"


def _winners_rows(ts: pd.DataFrame, scenario: str, baseline: str) -> pd.DataFrame:
    """The rows the map of winners and losers reads: two scenarios, the municipalities' account.

    The same figure as from the whole table (the map reads only these rows), without filtering
    millions of rows of other metrics again for every scenario.
    """
    wanted = [m for m, p in account._payer_metrics().items() if p == "municipality"]
    wanted += ["population"]
    keep = ts["scenario"].isin([scenario, baseline]) & ts["metric"].isin(wanted)
    return ts[keep]


def plan_figures(
    ts: pd.DataFrame,
    ages: pd.DataFrame | None = None,
    lang: str = "en",
    baseline: str = "baseline",
    rate: float = DEFAULT_DISCOUNT_RATE,
) -> tuple[list[ReportFigure], list[str]]:
    """Decide which figures the data allows, and explain the ones left out.

    Args:
        ts: The tidy output table.
        ages: The national age table, or ``None``.
        lang: ``"en"`` or ``"da"``.
        baseline: Name of the baseline scenario.
        rate: Discount rate of the present values (the map of winners and losers).

    Returns:
        The figures to draw, in report order, and notes (in ``lang``) on what was left out.
    """
    labels.check_lang(lang)
    order = tables.scenario_order(ts, baseline)
    start, end = int(ts["year"].min()), int(ts["year"].max())
    base_label = labels.scenario_label(baseline, lang)
    compare = baseline in order and len(order) > 1
    has_cost = tables.has_metric(ts, tables.NET_COST)
    plan: list[ReportFigure] = []
    notes: list[str] = []
    n_munis = int(ts["municipality"].nunique())
    if n_munis < _N_MUNICIPALITIES:
        notes.append(labels.text("note_partial_country", lang, n=n_munis))

    def missing(metric: str, figure: str) -> None:
        notes.append(labels.text("note_missing_metric", lang, metric=metric, figure=figure))

    if has_cost:
        plan.append(
            ReportFigure(
                "net_cost_by_scenario",
                lambda: figures.net_cost_by_scenario(ts, lang=lang, baseline=baseline),
                labels.text("cap_net_cost", lang),
            )
        )
    else:
        missing(tables.NET_COST, labels.text("title_net_cost", lang))
    if tables.has_metric(ts, tables.PUBLIC_COST):
        plan.append(
            ReportFigure(
                "cost_by_area",
                lambda: figures.cost_by_area(ts, lang=lang, baseline=baseline),
                labels.text("cap_cost_by_area", lang),
            )
        )
    else:
        missing(tables.PUBLIC_COST, labels.text("title_cost_by_area", lang))

    if not compare:
        key = "note_single_scenario" if len(order) == 1 else "note_no_baseline"
        notes.append(labels.text(key, lang, baseline=baseline))
    if compare and account.has_payers(ts):
        # the economic account: cash flow by payer and the municipalities' own present value,
        # for the scenarios other than the one-lever studies (they have their own table)
        main = [n for n in order[1:] if levers.lever_of(n) is None] or order[1:]
        plan.append(
            ReportFigure(
                "cash_flow",
                lambda: figures.cash_flow(ts, baseline=baseline, lang=lang, scenarios=main),
                labels.text("cap_cash_flow", lang, baseline=base_label),
            )
        )
        for name in main:
            plan.append(
                ReportFigure(
                    f"winners_{_safe(name)}",
                    lambda name=name: figures.winners_map(
                        _winners_rows(ts, name, baseline),
                        name,
                        baseline=baseline,
                        lang=lang,
                        rate=rate,
                    ),
                    labels.text(
                        "cap_tile_winners",
                        lang,
                        scenario=labels.scenario_label(name, lang),
                        start=start,
                        end=end,
                        baseline=base_label,
                    ),
                )
            )
    if compare and has_cost:
        plan.append(
            ReportFigure(
                "difference_by_area",
                lambda: figures.difference_by_area(ts, baseline=baseline, lang=lang),
                labels.text("cap_difference_by_area", lang, baseline=base_label),
            )
        )
        # one-lever scenarios have their own table; their maps would only repeat strategic's
        for name in [n for n in order[1:] if levers.lever_of(n) is None] or order[1:]:
            plan.append(
                ReportFigure(
                    f"tile_map_{_safe(name)}",
                    lambda name=name: figures.tile_map(ts, name, baseline=baseline, lang=lang),
                    labels.text(
                        "cap_tile_map",
                        lang,
                        scenario=labels.scenario_label(name, lang),
                        end=end,
                        baseline=base_label,
                    ),
                )
            )
    elif has_cost and start < end:
        for name in order:
            plan.append(
                ReportFigure(
                    f"tile_map_growth_{_safe(name)}",
                    lambda name=name: figures.tile_map(ts, name, mode="growth", lang=lang),
                    labels.text(
                        "cap_tile_growth",
                        lang,
                        scenario=labels.scenario_label(name, lang),
                        start=start,
                        end=end,
                    ),
                )
            )

    if any(tables.has_metric(ts, m) for m in figures.MOBILISATION_METRICS):
        plan.append(
            ReportFigure(
                "mobilisation",
                lambda: figures.mobilisation(ts, lang=lang, baseline=baseline),
                labels.text("cap_mobilisation", lang),
            )
        )
    else:
        notes.append(labels.text("note_no_mobilisation", lang))

    if ages is not None and len(ages):
        age_order = tables.scenario_order(ages, baseline)
        have = sorted(set(pd.unique(ages["year"]).astype(int)))
        years = tuple(dict.fromkeys([have[0], have[-1]]))
        plan.append(
            ReportFigure(
                "population_pyramid",
                lambda: figures.population_pyramid(
                    ages, years=years, scenario=age_order[0], lang=lang, baseline=baseline
                ),
                labels.text(
                    "cap_pyramid",
                    lang,
                    years=" / ".join(map(str, years)),
                    scenario=labels.scenario_label(age_order[0], lang),
                ),
            )
        )
    else:
        notes.append(labels.text("note_no_ages", lang))
    return plan, notes


def _check_input(ts: pd.DataFrame) -> None:
    missing = [c for c in REQUIRED_COLUMNS if c not in ts.columns]
    if missing:
        raise ValueError(
            f"the results table lacks column(s) {', '.join(missing)}; expected "
            + ", ".join(REQUIRED_COLUMNS)
        )
    if ts.empty:
        raise ValueError("the results table is empty: nothing to report")


def _atomic_write(path: Path, content: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(content, encoding="utf-8")
    tmp.replace(path)


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    _atomic_write(path, frame.to_csv(index=False, lineterminator="\n"))


def _table_html(frame: pd.DataFrame) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = "\n".join(
        "<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>"
        for row in frame.itertuples(index=False)
    )
    return (
        f'<table class="key-figures">\n<thead><tr>{head}</tr></thead>\n'
        f"<tbody>\n{body}\n</tbody>\n</table>"
    )


def _figure_html(name: str, svg: bytes, caption: str) -> str:
    data = base64.b64encode(svg).decode("ascii")
    cap = html.escape(caption)
    return (
        f'<figure id="fig-{html.escape(name)}">\n'
        f'<img src="data:image/svg+xml;base64,{data}" alt="{cap}">\n'
        f"<figcaption>{cap}</figcaption>\n</figure>"
    )


def _pre(content: str) -> str:
    return f"<pre>{html.escape(content, quote=False)}</pre>"


def _account_section(
    ts: pd.DataFrame,
    lang: str,
    baseline: str,
    economy: pd.DataFrame | None,
    rate: float,
    out: Path,
) -> list[str]:
    """HTML of the economic account (both accounts) and the lever table, where the data allow."""
    order = tables.scenario_order(ts, baseline)
    if baseline not in order or len(order) < 2 or not account.has_payers(ts):
        return []
    t = lambda key, **kw: labels.text(key, lang, **kw)  # noqa: E731
    start, end = int(ts["year"].min()), int(ts["year"].max())
    base_label = labels.scenario_label(baseline, lang)
    if economy is None:
        economy = economy_table(ts, baseline=baseline, rate=rate)
    economy = account.with_accounts(economy, ts, baseline, rate)
    main = [n for n in order[1:] if levers.lever_of(n) is None] or order[1:]
    parts = [
        f'<h2 id="economic-account">{html.escape(t("h_account"))}</h2>',
        f"<p>{html.escape(t('account_questions'))}</p>",
        _table_html(tables.format_accounts(economy, lang, main)),
        f'<p class="note">{html.escape(t("acc_note", baseline=base_label, start=start, end=end))}'
        "</p>",
    ]
    if not (economy["account"] == "welfare").any():
        parts.append(f'<p class="note">{html.escape(t("acc_no_welfare"))}</p>')
    if levers.lever_scenarios(ts) and levers.REFERENCE in order:
        lever_economy = None
        if "account" in economy.columns and (economy["account"] == "welfare").any():
            sub = ts[ts["scenario"] != baseline]
            lever_economy = economy_table(sub, baseline=levers.REFERENCE, rate=rate)
        table = levers.lever_table(ts, levers.REFERENCE, rate=rate, economy=lever_economy)
        _write_csv(table, out / "levers.csv")
        reference = labels.scenario_label(levers.REFERENCE, lang)
        parts += [
            f'<h2 id="levers">{html.escape(t("h_levers"))}</h2>',
            f"<p>{html.escape(t('lever_intro', reference=reference, baseline=base_label))}</p>",
            _table_html(levers.format_lever_table(table, start, end, lang)),
        ]
    return parts


def _bn(value: float, lang: str, sign: bool = True) -> str:
    text = labels.format_number(value / 1e9, 2, lang)
    return ("+" + text) if sign and value > 0 and not text.startswith("−") else text


def _pct(value: float | None, lang: str) -> str:
    if value is None or pd.isna(value):
        return "n/a"
    return f"{labels.format_number(100 * float(value), 0, lang)}%"


def _uncertainty_section(
    unc: unc_report.UncertaintyParts,
    lang: str,
    fig_dir: Path,
    start: int,
    end: int,
    notes: list[str],
) -> list[str]:
    """HTML of the section "Uncertainty": draws, MC error, spreads, probabilities, EVPPI, maps."""
    u = lambda key, **kw: unc_report.text(key, lang, **kw)  # noqa: E731
    esc = html.escape
    parts = [
        f'<h2 id="uncertainty">{esc(u("h_uncertainty"))}</h2>',
        f"<p>{esc(u('unc_intro', draws=unc.draws, numbers=unc.numbers, replicates=unc.replicates))}"
        "</p>",
    ]
    m = unc.main
    if m:
        first = labels.scenario_label(str(m["first"]), lang)
        second = labels.scenario_label(str(m["second"]), lang).lower()
        parts.append(
            "<p>"
            + esc(
                u(
                    "unc_main",
                    first=first,
                    second=second,
                    start=start,
                    end=end,
                    mean=_bn(m["mean"], lang),
                    mc_se=_bn(m["mc_se"], lang, False),
                    p05=_bn(m["p05"], lang),
                    p95=_bn(m["p95"], lang),
                )
            )
            + "</p>"
        )
        if m.get("replicates"):
            var_psa, var_seed = m["sd_psa"] ** 2, m["sd_seed_only"] ** 2
            param = max(var_psa - var_seed, 0.0) ** 0.5
            sd_seed = m["sd_seed_only"]
            verdict = (
                "verdict_parameters"
                if param > 2 * sd_seed
                else "verdict_larger"
                if param > sd_seed
                else "verdict_noise"
            )
            parts.append(
                "<p>"
                + esc(
                    u(
                        "unc_spread",
                        sd_psa=_bn(m["sd_psa"], lang, False),
                        sd_seed=_bn(sd_seed, lang, False),
                        mean_seed=_bn(m["base_case_mean"], lang),
                        share=_pct(m.get("seed_variance_share"), lang),
                        verdict=u(verdict),
                    )
                )
                + "</p>"
            )
    if len(unc.decision):
        measures = {
            "pv_net_cost": unc_report.measure_label("pv", lang, start=start, end=end),
            "net_cost_end": unc_report.measure_label("one_year", lang, year=end),
        }
        parts += [
            f'<h3 id="probabilities">{esc(u("h_probabilities"))}</h3>',
            _table_html(unc_report.probability_table(unc.decision, lang, measure=measures)),
            f'<p class="note">{esc(u("prob_note"))}</p>',
        ]
        if unc.draws < 100:
            step = labels.format_number(100 / max(unc.draws, 1), 0, lang)
            few = u("unc_few_draws", draws=unc.draws, step=step)
            parts.append(f'<p class="note">{esc(few)}</p>')

    def figure(name: str, draw: Any, caption: str) -> None:
        try:
            _, svg = figures.save_figure(draw(), fig_dir, name)
        except Exception as error:  # noqa: BLE001 - one bad figure must not sink the report
            warnings.warn(f"figure {name!r} could not be drawn: {error}", stacklevel=3)
            notes.append(f"{name}: {type(error).__name__}: {error}")
            return
        parts.append(_figure_html(name, svg.read_bytes(), caption))

    parts.append(f'<h3 id="evppi">{esc(u("h_evppi"))}</h3>')
    ev = unc.evppi
    if len(ev):
        total = ev[(ev["account"] == "budget") & (ev["payer"] == "total")]
        groups = total[total["kind"] == "group"]
        above = int(groups["above_null"].sum()) if "above_null" in groups else 0
        key = "evppi_indicative" if unc.draws < unc.min_draws else "evppi_ok"
        parts.append(f"<p>{esc(u('evppi_intro'))}</p>")
        note = u(key, draws=unc.draws, min_draws=unc.min_draws, above=above, groups=len(groups))
        parts.append(f'<p class="note">{esc(note)}</p>')
        # below the threshold the sentence replaces the chart: no ranking is shown
        if len(total) and unc.draws >= unc.min_draws:
            figure(
                "evppi",
                lambda: unc_report.evppi_figure(total, lang, n_draws=unc.draws),
                u("cap_evppi"),
            )
    else:
        parts.append(f'<p class="note">{esc(u("evppi_none"))}</p>')
    muni = unc.municipal
    if len(muni) and (muni["comparator"] == "baseline").any():
        base = muni[muni["comparator"] == "baseline"].set_index("municipality")
        sub = base["probability"]
        noisy = (
            base.index[base["seed_noise_dominates"].fillna(False).astype(bool)]
            if "seed_noise_dominates" in base.columns
            else pd.Index([])
        )
        parts.append(f'<h3 id="municipal-probability">{esc(u("h_muni_probability"))}</h3>')
        n_draws = int(muni["n_draws"].min())
        caption = u("cap_muni_probability", start=start, end=end)
        if "seed_noise_dominates" in base.columns:
            caption += " " + u("cap_muni_noise", masked=len(noisy), total=len(base))
        figure(
            "municipal_probability",
            lambda: unc_report.municipal_probability_map(sub, lang, n_draws=n_draws, masked=noisy),
            caption,
        )
    parts.append(f'<h3 id="tornado">{esc(u("h_tornado"))}</h3>')
    if unc.tornado is not None and len(unc.tornado):
        figure(
            "tornado",
            lambda: unc_report.tornado_figure(unc.tornado, lang),
            u("cap_tornado"),
        )
    else:
        no_tornado = esc(u("no_tornado", folder=u("this_folder")))
        parts.append(f'<p class="note" id="tornado-slot">{no_tornado}</p>')
    return parts


def write_report(
    out_dir: str | Path,
    ts: pd.DataFrame,
    ages: pd.DataFrame | None = None,
    lang: str = "en",
    title: str | None = None,
    scenario_files: Mapping[str, str] | None = None,
    manifest: Mapping[str, Any] | None = None,
    baseline: str = "baseline",
    economy: pd.DataFrame | None = None,
    rate: float = DEFAULT_DISCOUNT_RATE,
    uncertainty: unc_report.UncertaintyParts | None = None,
    key_figures: pd.DataFrame | None = None,
) -> Path:
    """Write the report of a run or comparison into ``out_dir``.

    Writes ``figures/<name>.png`` and ``figures/<name>.svg`` for every figure the data allows,
    ``summary.csv`` (national totals per scenario, year and metric over replicates),
    ``summary_by_area.csv`` (the same by welfare area), ``key_figures.csv`` and a self-contained
    ``report.html``. With costs by payer and a baseline the report shows the economic account
    (both accounts side by side, the cash flow by payer, the payback years, which municipalities
    gain and lose); with one-lever scenarios (``lever-*``) beside ``strategic`` it also shows
    what each lever contributes and writes it as ``levers.csv``.

    Args:
        out_dir: Folder to write into (created if missing).
        ts: The tidy output table.
        ages: The national table of population by sex and age band, or ``None``.
        lang: ``"en"`` or ``"da"``.
        title: Report title; default: a title naming the last year.
        scenario_files: Fully resolved scenario files, name to text, shown verbatim.
        manifest: The run manifest (seed, scale, versions, ...), shown as JSON.
        baseline: Name of the baseline scenario to compare with.
        economy: The economy table (``economy.csv``); computed from ``ts`` when ``None``.
        rate: Discount rate of the present values (the run's ``discount_rate``).
        uncertainty: the parts of a probabilistic sensitivity analysis: the key figures then
            gain the decision probabilities, the texts speak of draws, and a section
            "Uncertainty" shows the draws, the Monte Carlo error, the seed-only spread, the
            probabilities, the EVPPI, the per-municipality map and (when ``tornado`` is given,
            or the folder holds ``tornado.csv``) the tornado chart.
        key_figures: :func:`simulation.report.tables.key_figures` of ``ts`` with the same
            baseline, rate and decision table, when the caller has it already (it takes seconds
            on a large table); computed when ``None``.

    Returns:
        The path of ``report.html``.

    Raises:
        ValueError: For an unknown language, or a results table without the expected
            columns or rows.
    """
    labels.check_lang(lang)
    _check_input(ts)
    if uncertainty is not None:  # figure legends then say "parameter draws"
        ts.attrs["psa"] = True
    out = Path(out_dir)
    fig_dir = out / "figures"
    fig_dir.mkdir(parents=True, exist_ok=True)

    decision = uncertainty.decision if uncertainty is not None else None
    if key_figures is None:
        key_figures = tables.key_figures(ts, baseline, rate=rate, decision=decision)
    kf = key_figures
    _write_csv(kf, out / "key_figures.csv")
    _write_csv(tables.summary_table(ts), out / "summary.csv")
    _write_csv(tables.summary_table(ts, by_area=True), out / "summary_by_area.csv")

    plan, notes = plan_figures(ts, ages, lang, baseline, rate)
    try:
        account_parts = _account_section(ts, lang, baseline, economy, rate, out)
    except Exception as error:  # noqa: BLE001 - as a figure: it must not sink the report
        warnings.warn(f"the economic account could not be shown: {error}", stacklevel=2)
        notes.append(f"economic account: {type(error).__name__}: {error}")
        account_parts = []
    blocks = []
    for item in plan:
        try:
            _, svg_path = figures.save_figure(item.draw(), fig_dir, item.name)
        except Exception as error:  # noqa: BLE001 - one bad figure must not sink the report
            warnings.warn(f"figure {item.name!r} could not be drawn: {error}", stacklevel=2)
            notes.append(f"{item.name}: {type(error).__name__}: {error}")
            continue
        blocks.append(_figure_html(item.name, svg_path.read_bytes(), item.caption))

    start, end = int(ts["year"].min()), int(ts["year"].max())
    order = tables.scenario_order(ts, baseline)
    n_rep = int(ts.groupby("scenario")["replicate"].nunique().max())
    intro_2, kf_note = ("intro_2_psa", "kf_note_psa") if uncertainty else ("intro_2", "kf_note")
    text_of = unc_report.text if uncertainty else labels.text
    unc_parts: list[str] = []
    if uncertainty is not None:
        if uncertainty.tornado is None and (out / "tornado.csv").is_file():
            uncertainty.tornado = pd.read_csv(out / "tornado.csv")
        unc_parts = _uncertainty_section(
            uncertainty, lang, fig_dir, int(ts["year"].min()), int(ts["year"].max()), notes
        )
    base_label = labels.scenario_label(baseline, lang)
    title = title or labels.text("default_title", lang, end=end)
    t = lambda key, **kw: labels.text(key, lang, **kw)  # noqa: E731

    scenario_items = []
    for name in order:
        desc = labels.scenario_description(name, lang)
        label = html.escape(labels.scenario_label(name, lang))
        scenario_items.append(
            f"<li><strong>{label}</strong>: {html.escape(desc)}</li>"
            if desc
            else f"<li><strong>{label}</strong></li>"
        )

    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{t("lang_attr")}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        f"<h1>{html.escape(title)}</h1>",
        f"<p>{html.escape(t('intro_1', start=start, end=end))}</p>",
        f"<p>{html.escape(t('intro_scenarios' if len(order) > 1 else 'intro_scenario_one'))}</p>",
        "<ul>",
        *scenario_items,
        "</ul>",
        f"<p>{html.escape(text_of(intro_2, lang, n=n_rep))}</p>",
        f'<h2 id="key-figures">{html.escape(t("h_key_figures"))}</h2>',
        _table_html(tables.format_key_figures(kf, lang, baseline)),
        f'<p class="note">{html.escape(text_of(kf_note, lang, n=n_rep, baseline=base_label))}</p>',
    ]
    if kf["key"].astype(str).str.startswith("pv_saving_").any():
        rate_text = labels.format_number(100 * rate, 1, lang) + " %"
        parts.append(f'<p class="note">{html.escape(t("kf_note_account", rate=rate_text))}</p>')
    parts += account_parts
    parts += unc_parts
    if notes:
        parts += [f"<h2>{html.escape(t('h_notes'))}</h2>", '<ul class="notes">']
        parts += [f"<li>{html.escape(n)}</li>" for n in notes]
        parts.append("</ul>")
    parts += [
        f'<h2 id="figures">{html.escape(t("h_figures"))}</h2>',
        f'<p class="note">{html.escape(t("figure_files"))}</p>',
        *blocks,
        f'<h2 id="scenario-files">{html.escape(t("h_scenario_files"))}</h2>',
    ]
    if scenario_files:
        for name, content in scenario_files.items():
            parts += [
                f"<details open><summary>{html.escape(str(name))}</summary>",
                _pre(str(content)),
                "</details>",
            ]
    else:
        parts.append(f'<p class="note">{html.escape(t("no_scenario_files"))}</p>')
    parts.append(f'<h2 id="manifest">{html.escape(t("h_manifest"))}</h2>')
    if manifest:
        parts.append(_pre(json.dumps(manifest, indent=2, ensure_ascii=False, default=str)))
    else:
        parts.append(f'<p class="note">{html.escape(t("no_manifest"))}</p>')
    parts += ["</body>", "</html>", ""]

    report = out / "report.html"
    _atomic_write(report, "\n".join(parts))
    return report
