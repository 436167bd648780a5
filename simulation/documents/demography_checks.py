"""The demography sections of ``docs/validation.md`` (issue 14).

* the held-out check: the projection aligned only to 2026 and 2040, its 2030 against FRKM126's,
  with linear interpolation and the other ways of spreading the gap beside it, and the
  microsimulation aligned to it;
* the implied net migration of the old (the alignment's residual minus the modelled
  emigration) by year, before (linear targets, one improvement rate for all ages) and after
  (targets along the cohorts, calibrated old-age mortality);
* the calibrated old-age mortality beside the HMD life tables' trend.

Called by :mod:`simulation.documents.validation`.
"""

from __future__ import annotations

import functools
from dataclasses import replace

import numpy as np
import pandas as pd

from simulation.constants import N_AGES
from simulation.inputs.cohort_targets import cohort_path, natural_step
from simulation.inputs.data import read_table
from simulation.inputs.mortality_calibration import (
    BANDS,
    TREND_YEARS,
    calibrate,
    hmd_trend,
    survival_miss,
    survived_2026,
    window_means,
    with_bands,
)
from simulation.inputs.projection import (
    age_groups,
    aligned_path,
    base_population,
    default_parameter,
    frkm126_counts,
    natural_rates,
    old_age_groups,
    project,
    rates_for,
    young_age_groups,
    young_migration,
)
from simulation.inputs.rates import base_rates, demography_parameters
from simulation.inputs.registry import registry

__all__ = [
    "held_out_section",
    "implied_section",
    "residual_section",
    "life_expectancy",
    "life_expectancy_section",
    "national_groups",
]

HELD_OUT = (2026, 2040)
SUMMARY = ("0-5", "6-16", "0-16", "17-19", "20-64", "65+", "80+", "total")


def national_groups(counts: np.ndarray) -> dict[str, float]:
    """National 0-5, 6-16, 0-16, 17-19, 20-64, 65+, 80+, total by municipality and group."""
    n = counts.sum(axis=0)
    return {
        "0-5": n[0],
        "6-16": n[1],
        "0-16": n[0:2].sum(),
        "17-19": n[2],
        "20-64": n[3:5].sum(),
        "65+": n[5:7].sum(),
        "80+": n[6],
        "total": n.sum(),
    }


def _pct(a: float, b: float) -> str:
    return f"{100 * (a / b - 1):+.2f}%"


def _md(frame: pd.DataFrame) -> str:
    head = "| " + " | ".join(str(c) for c in frame.columns) + " |"
    rule = "|" + "|".join("---" for _ in frame.columns) + "|"
    rows = ["| " + " | ".join(str(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([head, rule, *rows])


def _variant(
    by_cohort: tuple[int, ...], by_age: tuple[int, ...], rates=None, young: str = "zero"
) -> np.ndarray:
    """2030 by municipality and group, aligned only to 2026 and 2040, for one way of spreading.

    ``young``: the net migration of the steps at the groups spread by the age at arrival
    (:func:`simulation.inputs.projection.young_migration`; shipped: ``"zero"``).
    """
    c = frkm126_counts()
    rates = rates_for(HELD_OUT) if rates is None else rates
    r = natural_rates(
        default_parameter("mortality_improvement"), default_parameter("fertility"), rates
    )
    of_age = age_groups().of_age
    moving = young_migration(rates, young)
    path = cohort_path(
        base_population(), {y: c[y] for y in HELD_OUT}, r, of_age, by_cohort, by_age, moving
    )
    return path.population[2030 - HELD_OUT[0]].sum(axis=1) @ np.eye(len(age_groups().names))[of_age]


def _old_rates():
    """The rates before issue 14: one improvement rate for all ages, HMD 2019 levels."""
    base = base_rates()
    return replace(base, mortality_level=np.ones(N_AGES), improvement_offset=np.zeros(N_AGES))


def held_out_section(scale: float, seed: int) -> list[str]:
    """The held-out 2030 check, as Markdown lines."""
    from simulation import model as model_module

    c = frkm126_counts()
    published = c[2030]
    linear = c[2026] + (4 / 14) * (c[2040] - c[2026])
    chosen = project(
        default_parameter("mortality_improvement"), default_parameter("fertility"), anchors=HELD_OUT
    )
    ours = chosen.target(2030)

    original = model_module.project
    model_module.project = functools.partial(project, anchors=HELD_OUT)
    try:
        model = model_module.WelfareModel(scale=scale, seed=seed, end_year=2030).run()
    finally:
        model_module.project = original
    t = model.table()

    def sim(metric: str) -> float:
        return float(t[(t.metric == metric) & (t.year == 2030)].value.sum())

    simulated = {
        "20-64": sim("population_20_64"),
        "65+": sim("population_65p"),
        "80+": sim("population_80p"),
        "total": sim("population"),
    }
    fr, li, co = (national_groups(x) for x in (published, linear, ours))
    rows = []
    for g in SUMMARY:
        sim_text = f"{simulated[g]:,.0f} ({_pct(simulated[g], fr[g])})" if g in simulated else "-"
        rows.append(
            (g, f"{fr[g]:,.0f}", f"{co[g]:,.0f}", _pct(co[g], fr[g]), sim_text, _pct(li[g], fr[g]))
        )
    big = published.sum(axis=1) > 20_000

    def worst(x: np.ndarray) -> str:
        dev = np.abs(x.sum(axis=1) / published.sum(axis=1) - 1)[big]
        return f"{100 * dev.max():.2f}%"

    sim_mun = t[(t.metric == "population") & (t.year == 2030)].set_index("municipality").value
    codes = np.array(sorted(sim_mun.index))
    fm = read_mun_2030()
    dev_sim = (sim_mun.loc[codes] / fm.loc[codes] - 1).abs()[fm.loc[codes] > 20_000]

    names = age_groups().names
    old, young = old_age_groups(), young_age_groups()
    everything = tuple(range(len(names)))
    young_before = tuple(names.index(n) for n in ("0-5", "6-16", "17-19"))
    held_improvement = with_bands(base_rates(), *calibrate(HELD_OUT, hold="improvement"))
    held_level = with_bands(base_rates(), *calibrate(HELD_OUT, hold="level"))
    variants = {
        "chosen (65+ cohorts, 6-19 age at arrival with zero net migration, 0-5 and 20-64 "
        "linear)": ours,
        "chosen, 6-19 with the net migration of 2021-2026 (Ukraine 2022 included; first "
        "review)": _variant(old, young, young="observed_2021_2026"),
        "chosen, 6-19 modelled emigration not replaced (before the first review)": _variant(
            old, young, young="modelled_emigration"
        ),
        "linear interpolation (before issue 14)": linear,
        "0-19 by age at arrival (0-5 too, before the first review)": _variant(old, young_before),
        "all groups along the cohorts": _variant(everything, ()),
        "all groups by age at arrival": _variant((), everything),
        "65+ along the cohorts, the rest linear": _variant(old, ()),
        "chosen, mortality calibrated on 2026/2040 holding both HMD trend levels": _variant(
            old, young, held_level
        ),
        "chosen, mortality calibrated on 2026/2040 holding the HMD improvement": _variant(
            old, young, held_improvement
        ),
        "chosen, mortality calibrated with 2030 (not independent)": _variant(
            old, young, base_rates()
        ),
        "chosen, with the mortality of before issue 14": _variant(old, young, _old_rates()),
    }
    spread = structural_spread(variants, published)

    def dev(v: np.ndarray, name: str) -> str:
        g = names.index(name)
        return _pct(v.sum(axis=0)[g], published.sum(axis=0)[g])

    lv_held, off_held = calibrate(HELD_OUT)
    imp = default_parameter("mortality_improvement")
    ship = base_rates()
    off_ship = [ship.improvement_offset[(lo + min(hi, 100)) // 2] for lo, hi in BANDS]
    dev_all80 = dev(variants["chosen, mortality calibrated with 2030 (not independent)"], "80+")
    dev_imp80 = dev(
        variants["chosen, mortality calibrated on 2026/2040 holding the HMD improvement"], "80+"
    )
    dev_level80 = dev(
        variants["chosen, mortality calibrated on 2026/2040 holding both HMD trend levels"], "80+"
    )
    miss_hmd = survival_miss(held_level)[1]
    dev_before80 = dev(variants["chosen, with the mortality of before issue 14"], "80+")
    dev_young0 = dev(variants["0-19 by age at arrival (0-5 too, before the first review)"], "0-5")
    unreplaced = national_groups(
        variants["chosen, 6-19 modelled emigration not replaced (before the first review)"]
    )
    observed = national_groups(
        variants[
            "chosen, 6-19 with the net migration of 2021-2026 (Ukraine 2022 included; first review)"
        ]
    )
    moving = young_migration(rates_for(HELD_OUT))
    births = _births_on_the_aligned_path()
    full = project(default_parameter("mortality_improvement"), default_parameter("fertility"))
    g616 = names.index("6-16")
    kids = (
        full.net_migration[:4, :, g616].sum(axis=1).mean(),
        full.net_migration[4:14, :, g616].sum(axis=1).mean(),
        full.emigrants[:14, :, g616].sum(axis=1).mean(),
        (c[2026][:, g616].sum() - survived_2026()[g616]) / 5,
        (c[2026][:, -1].sum() - survived_2026()[-1]) / 5,  # 80+
    )
    vrows = []
    for label, v in variants.items():
        devs = [_pct(v.sum(axis=0)[g], published.sum(axis=0)[g]) for g in range(len(names))]
        vrows.append((label, *devs, worst(v)))

    def span(key: str, group: str) -> str:
        lo, hi = spread[key][group]
        return f"{100 * lo:+.2f}% to {100 * hi:+.2f}%"

    return [
        "## Years between the published ones: 2030 held out",
        "",
        "The alignment targets between the published years follow the cohorts "
        "(`simulation/inputs/cohort_targets.py`, ODD 7.1). To check them, the projection is "
        "aligned only to 2026 and 2040 and its 2030 compared with FRKM126's 2030. The old-age "
        "mortality of this check is calibrated again on 2026 and 2040 only "
        "(`projection.rates_for`; one window gives two equations, and two more come from the "
        "data before 2026: the level of 65-79 is held at the HMD 2015-2019 trend's, "
        f"{lv_held[0]:.4f}, and the level of 80+, {lv_held[1]:.4f}, is the one at which the HMD "
        "residents of 1 January 2021 (75+) survive, without migration, to FRKM126's 80+ of "
        "1 January 2026, the projection's observed base (`mortality_calibration.survival_miss`); "
        f"the offsets are solved, {off_held[0]:+.5f} and {off_held[1]:+.5f}). The 2030 figures "
        "enter neither the alignment nor the mortality of this run (tested by replacing them "
        "with NaN, `tests/test_cohort_targets.py`). One constant is not covered: the default "
        "`mortality_improvement` (0.72% a year) was set before issue 14 as the all-age rate at "
        "which the projection, aligned linearly through 2026, 2030 and 2040, needed zero net "
        "migration at 80+ over 2026-2040, so 2030 entered it through the interim path; at 65+ "
        "the band offsets are re-solved on top of it, so it acts under 65 only (with 0.27%, "
        "the value the same procedure gives without 2030, the held-out 2030 moves by at most "
        "0.04 points; measured, ODD 7.1). The held-out mortality is not the shipped one: "
        f"improvement {100 * (imp + off_held[0]):.2f}% a year at 65-79 and "
        f"{100 * (imp + off_held[1]):.2f}% at 80+, against the shipped "
        f"{100 * (imp + off_ship[0]):.2f}% and {100 * (imp + off_ship[1]):.2f}% (same "
        "equations, but with one window the 65-79 level has to be held at the HMD trend's, "
        "and the level and improvement of a band trade off against each other; next "
        "sections). *Simulated* is the microsimulation aligned to that projection "
        f"(scale {scale}, seed {seed}; its age groups are 20-64, 65+, 80+). FRKM126 "
        "has no split at 17 or 18 (its groups are 0-5, 6-16, 17-19), so the issue's 0-17 "
        "cannot be checked; 0-16 stands for the children, and 0-5, 6-16 and 17-19 are shown "
        "apart.",
        "",
        "**2030 has been used as a diagnostic to select among methods; it is no longer an "
        "independent test.** At least three choices were made after seeing the 2030 miss: the "
        "80+ level was switched to the 2021→2026 survival after the HMD-trend level missed "
        f"2030 by {dev_level80}; the children's net migration of the steps was changed after "
        f"the 0-16 miss ({_pct(unreplaced['0-16'], fr['0-16'])}), first to the 2021-2026 "
        "average and, after a second review, to zero net migration (the modelled emigration "
        "replaced), and the test's tolerance was tightened after the first change; 0-5 was "
        f"made linear because 2030 preferred it ({dev_young0} by age at arrival). The numbers "
        "below therefore show how well the chosen method fits, not an out-of-sample error. "
        "The structural uncertainty, the spread over the defensible choices that 2030 did not "
        "select (held-out mortality: the 80+ level from the 2021→2026 survival, both HMD trend "
        "levels, or the HMD improvement held; the children's migration: zero, 2021-2026 "
        f"average, or the modelled emigration not replaced): 80+ {span('mortality', '80+')} "
        f"over the mortality choices, 0-16 {span('children', '0-16')} over the children's "
        f"(6-16 {span('children', '6-16')}, 17-19 {span('children', '17-19')}).",
        "",
        f"Held-out projection: 0-16 {_pct(co['0-16'], fr['0-16'])}, 17-19 "
        f"{_pct(co['17-19'], fr['17-19'])}, 20-64 {_pct(co['20-64'], fr['20-64'])}, 65+ "
        f"{_pct(co['65+'], fr['65+'])}, 80+ {_pct(co['80+'], fr['80+'])}, total "
        f"{_pct(co['total'], fr['total'])} (each within 1%, tested), every municipality over "
        f"20,000 within 3% (largest {worst(ours)}, tested; the simulated one too). The "
        "children of 2030 are, up to 0-5, the children of 2026 four years on: what decides "
        "them is their net migration. The steps between the published years hold, at 6-16 "
        "and 17-19, zero net migration: the modelled emigration of these ages (about "
        f"{kids[2]:,.0f} a year at 6-16) is replaced (`projection.young_migration`, factors "
        f"{moving[names.index('6-16')]:.4f} and {moving[names.index('17-19')]:.4f} a year), and "
        "only the remaining gap to 2040 is spread evenly. Not replacing it (the method before "
        f"the first review) missed 0-16 by {_pct(unreplaced['0-16'], fr['0-16'])} (6-16 "
        f"{_pct(unreplaced['6-16'], fr['6-16'])}): the miss came from that emigration, not "
        "from missing refugees. Carrying the cohort residual of 2021-2026 forward "
        f"({kids[3]:+,.0f} a year at 6-16, FRKM126's 2026 over the HMD residents of 2021 "
        "survived) gave 0-16 "
        f"{_pct(observed['0-16'], fr['0-16'])}, but that average holds the one-off inflow from "
        "Ukraine of 2022 (temporary protection) and is not a defensible assumption for "
        "2026-2030. On the path aligned to all three years the alignment adds "
        f"{kids[0]:,.0f} a year at 6-16 in 2026-2030 and {kids[1]:,.0f} in 2030-2040. "
        "With the mortality calibrated on all three published years, 2030 included, 80+ "
        f"would be {dev_all80}.",
        "",
        _md(
            pd.DataFrame(
                rows,
                columns=[
                    "age group",
                    "FRKM126 2030",
                    "held-out projection",
                    "deviation",
                    "simulated (deviation)",
                    "linear interpolation: deviation",
                ],
            )
        ),
        "",
        f"Municipalities over 20,000 residents, largest deviation of the total in 2030: "
        f"held-out projection {worst(ours)}, simulated {100 * dev_sim.max():.2f}%, linear "
        f"interpolation {worst(linear)} (target: within 3%).",
        "",
        "The ways of spreading the gap compared (sensitivity rows), deviation from FRKM126 "
        "2030 by age group (held-out projection, national) and the largest municipal "
        "deviation; every row but the second and third holds zero net migration at 6-16 and "
        "17-19:",
        "",
        _md(pd.DataFrame(vrows, columns=["method", *names, "municipalities"])),
        "",
        "- The old follow their cohorts: the 80+ of 2030 are the survivors of the 76+ of 2026, "
        "so their number is known in advance up to mortality, and the straight line misses it "
        f"by {_pct(li['80+'], fr['80+'])}. What is left is the mortality between 2026 and 2030. "
        "Calibrated on 2026 and 2040 alone with both levels held at the HMD 2015-2019 trend's "
        f"it missed 80+ by {dev_level80} (the method before the first review), with the trend's "
        f"improvement held by {dev_imp80}, and with the mortality of before issue 14 by "
        f"{dev_before80}. That level is too low for the years after 2019: with it the 75+ of "
        f"2021 survive, without migration, to {_pct(1 + miss_hmd, 1)} more 80+ in 2026 than "
        f"FRKM126 counts (their net migration is near zero: {kids[4]:+,.0f} a year 2021-2026 "
        "with the shipped mortality). The 80+ level now set by that survival (the years "
        "2021-2025, the pandemic's excess mortality of 2022 included) gives "
        f"{_pct(co['80+'], fr['80+'])}.",
        "- 0-5 by the age at arrival missed by "
        f"{dev_young0}: the correction of the 0-5 of each year is set by the gap that remains "
        "to 2040, whose 0-5 are children not yet born in 2030, so the 0-5 between the "
        "published years get a correction that does not fit them; the straight line between "
        "FRKM126's 0-5 of 2026 and 2040 does better. It is not the births: on the aligned path "
        f"the model's births are {births[2026]:,.0f} in 2026 and {births[2030]:,.0f} in 2030, "
        f"rising to {births[2039]:,.0f} in 2039. 0-5 is now linear ("
        f"{_pct(co['0-5'], fr['0-5'])}); 6-16 and 17-19 keep the age at arrival.",
        "- 20-64 change by migration; along the cohorts a gap of young immigrants is carried "
        "back onto children, and the straight line does better (the net migration of the "
        "steps makes no difference to a group whose targets are linear).",
        "",
    ]


MORTALITY_CHOICES = (
    "chosen (65+ cohorts, 6-19 age at arrival with zero net migration, 0-5 and 20-64 linear)",
    "chosen, mortality calibrated on 2026/2040 holding both HMD trend levels",
    "chosen, mortality calibrated on 2026/2040 holding the HMD improvement",
)
CHILDREN_CHOICES = (
    "chosen (65+ cohorts, 6-19 age at arrival with zero net migration, 0-5 and 20-64 linear)",
    "chosen, 6-19 with the net migration of 2021-2026 (Ukraine 2022 included; first review)",
    "chosen, 6-19 modelled emigration not replaced (before the first review)",
)


def structural_spread(
    variants: dict[str, np.ndarray], published: np.ndarray
) -> dict[str, dict[str, tuple[float, float]]]:
    """Lowest and highest relative deviation from ``published`` over the defensible choices.

    ``"mortality"``: the held-out mortality calibrations that do not use 2030
    (:data:`MORTALITY_CHOICES`); ``"children"``: the net migration of 6-19 in the steps
    (:data:`CHILDREN_CHOICES`). By the groups of :func:`national_groups`.
    """
    fr = national_groups(published)
    out = {}
    for key, labels in (("mortality", MORTALITY_CHOICES), ("children", CHILDREN_CHOICES)):
        devs = [national_groups(variants[k]) for k in labels]
        out[key] = {
            g: (min(d[g] / fr[g] - 1 for d in devs), max(d[g] / fr[g] - 1 for d in devs))
            for g in fr
        }
    return out


def _births_on_the_aligned_path() -> dict[int, float]:
    """The model's expected births by year on the aligned path (all published years)."""
    r = natural_rates(default_parameter("mortality_improvement"), default_parameter("fertility"))
    path = aligned_path()
    return {
        int(y): float(natural_step(path.population[i], int(y), r)[0][:, :, 0].sum())
        for i, y in enumerate(path.years[:-1])
    }


def read_mun_2030() -> pd.Series:
    """FRKM126's 2030 total by municipality code."""
    fm = read_table("frkm126_municipal_population.csv")
    return fm[fm.year == 2030].set_index("kommunekode")["total"].astype(float)


def _continued_before(before, rates, old: list[int], end_year: int = 2051) -> np.ndarray:
    """Implied net migration of the old after 2040 as before (issue 14).

    The 2036-2040 mean residual continued as migration, less each year's modelled emigration.
    """
    groups = age_groups()
    n_groups = len(groups.names)
    onehot = np.eye(n_groups)[groups.of_age]
    cont = before.net_migration[2036 - 2026 :].mean(axis=0)
    pop = before.population[-1]
    out = []
    for year in range(int(before.years[-1]), end_year):
        pop, emig = natural_step(pop, year, rates)
        current = pop.sum(axis=1) @ onehot
        net = np.maximum(cont, -current)
        factor = np.divide(current + net, current, out=np.ones_like(current), where=current > 0)
        pop = pop * factor[:, None, :][:, :, groups.of_age]
        out.append((net - emig.sum(axis=1) @ onehot).sum(axis=0)[old])
    return np.array(out)


def implied_section() -> list[str]:
    """Implied net migration of the old by year, before and after, and the mortality used."""
    imp = registry()["mortality_improvement"].default
    fert = registry()["fertility"].default
    after = project(imp, fert)
    old = list(old_age_groups())
    c = frkm126_counts()
    r_before = natural_rates(imp, fert, _old_rates())
    of_age = age_groups().of_age
    before = cohort_path(base_population(), c, r_before, of_age, (), ())
    implied_before = (before.net_migration - before.emigration).sum(axis=1)[:, old]
    implied_after = (after.net_migration - after.emigrants).sum(axis=1)[:, old]
    residual_after = after.net_migration.sum(axis=1)[:, old]
    emig_after = after.emigrants.sum(axis=1)[:, old]
    window = slice(2036 - 2026, 2040 - 2026)
    cont_before = before.net_migration[window].sum(axis=1)[:, old].mean(axis=0)
    implied_before = np.concatenate([implied_before, _continued_before(before, r_before, old)])
    rows = []
    for i, year in enumerate(after.years[:-1]):
        rows.append(
            (
                f"{year}-{year + 1}",
                *(f"{v:+,.0f}" for v in implied_before[i]),
                *(f"{v:+,.0f}" for v in implied_after[i]),
                *(f"{v:,.0f}" for v in residual_after[i]),
                *(f"{v:,.0f}" for v in emig_after[i]),
            )
        )
    columns = [
        "year",
        "before 65-79",
        "before 80+",
        "after 65-79",
        "after 80+",
        "alignment residual 65-79",
        "alignment residual 80+",
        "modelled emigration 65-79",
        "modelled emigration 80+",
    ]
    base = base_rates()
    anchors = tuple(sorted(c))
    means = window_means(implied_after[: 2040 - 2026], anchors)
    miss = survival_miss(base)
    miss_none = survival_miss(with_bands(base, *calibrate(hold="none")))
    mrows = []
    for lo, hi in BANDS:
        k, level = hmd_trend(lo, hi)
        inside = (lo + min(hi, 100)) // 2  # away from the blending ramps: the band's own values
        rate = imp + base.improvement_offset[inside]
        in_2026 = base.mortality_level[inside] * (1 - rate) ** (2026 - base.base_year)
        mrows.append(
            (
                f"{lo}-{hi}" if hi < 110 else f"{lo}+",
                f"{100 * k:.2f}%",
                f"{100 * rate:.2f}%",
                f"{base.mortality_level[inside]:.4f}",
                f"{in_2026:.3f}",
            )
        )
    return [
        "## Implied net migration of the old, by year",
        "",
        "Implied net migration = the alignment's net immigration (its residual) minus the "
        "modelled emigration: all the migration the projection needs at these ages. FRKM126's "
        "own assumption for the old is net migration near zero. *Before*: targets linear "
        "between the published years and one improvement rate (0.72% a year) for all ages, "
        "from the HMD 2019 life table; *after*: targets along the cohorts and the calibrated "
        "old-age mortality below. Before, the residual after 2040 was continued at its "
        f"2036-2040 mean ({cont_before[0]:+,.0f} a year at 65-79, {cont_before[1]:+,.0f} at "
        "80+, as migration); after, the national net migration of the old is zero after 2040 "
        "(from 2040 the model does not emigrate the old, instead of emigrating them and "
        "re-adding them as immigrants) and only the municipalities' "
        "differences continue. Tolerance (tested): at most 1,000 a year at 65-79 and 500 at "
        "80+ in any year (about 0.1% of each band), and at most 150 a year on average over "
        "2026-2030 and over 2030-2040 (the least-squares residual below; the averages are not "
        "zero by construction).",
        "",
        _md(pd.DataFrame(rows, columns=columns)),
        "",
        "Old-age mortality (`data/mortality_bands.csv`): death probability = HMD 2019 x level x "
        "(1 - improvement)^(year - 2019), the level and improvement blended linearly between "
        "neighbouring bands over 60-70 and 75-85 (no step at 65 or 80). Level and improvement "
        "of each band are calibrated (`python -m simulation.inputs.mortality_calibration "
        "--write`) so that the implied net migration is zero on average over 2026-2030 and over "
        "2030-2040 and the HMD residents of 1 January 2021 survive, without migration, to "
        "FRKM126's 80+ of 1 January 2026: five equations for four unknowns, by least squares "
        "(the same equations as the held-out check, which lacks the 2026-2030 window and holds "
        "the 65-79 level at the HMD trend's instead). They do not all hold: the mean implied "
        f"net migration is {means[0, 0]:+,.0f} (65-79) and {means[0, 1]:+,.0f} (80+) a year in "
        f"2026-2030 and {means[1, 0]:+,.0f} and {means[1, 1]:+,.0f} in 2030-2040, and the 75+ "
        f"of 2021 survived miss FRKM126's 80+ of 2026 by {_pct(1 + miss[1], 1)} (without the "
        f"survival equation: {_pct(1 + miss_none[1], 1)}). At 65-79 the survival misses by "
        f"{_pct(1 + miss[0], 1)}, but that cohort residual also holds the immigration of "
        "60-79-year-olds, so it is not used. The survival of 2021-2026 holds the excess deaths "
        "of 2022; the data (HMD population to 1 January 2021) do not allow starting it in "
        "2023. This uses 2030. Under 60 the life table and `mortality_improvement` are as "
        "before.",
        "",
        _md(
            pd.DataFrame(
                mrows,
                columns=[
                    "band",
                    f"HMD trend {TREND_YEARS[0]}-{TREND_YEARS[1]}",
                    "calibrated improvement",
                    "level (x HMD 2019)",
                    "death rates 2026 / 2019",
                ],
            )
        ),
        "",
        "The calibrated improvement is faster than the HMD trend of 2015-2019, from about the "
        "2019 level in 2026: the projection starts from the mortality of the years after 2019 "
        "(not in the data) and assumes faster gains, as DREAM's projection does (remaining life "
        "expectancy at 60 +6.4 years 2021-2080, B).",
        "",
    ]


def residual_section() -> list[str]:
    """Implied net migration (residual minus modelled emigration) of every age group by year."""
    imp = registry()["mortality_improvement"].default
    fert = registry()["fertility"].default
    p = project(imp, fert)
    names = age_groups().names
    start = int(demography_parameters()["continuation_window_start"])
    implied = (p.net_migration - p.emigrants).sum(axis=1)
    rows = [
        (f"{y}-{y + 1}", *(f"{v:+,.0f}" for v in implied[i]), f"{implied[i].sum():+,.0f}")
        for i, y in enumerate(p.years[:-1])
    ]
    windows = {
        "mean 2026-2030": slice(0, 4),
        "mean 2030-2040": slice(4, 14),
        "mean 2036-2040 (the window used before)": slice(10, 14),
        "mean 2040-2050": slice(14, 24),
    }
    mrows = [
        (
            label,
            *(f"{v:+,.0f}" for v in implied[w].mean(axis=0)),
            f"{implied[w].sum(1).mean():+,.0f}",
        )
        for label, w in windows.items()
    ]
    columns = ["year", *names, "total"]
    return [
        "## Implied net migration by age group, by year",
        "",
        "The alignment's net immigration minus the modelled emigration, national, by the age "
        "group on the next 1 January (baseline). Until 2040 it is what FRKM126 needs; after "
        "2040 the net immigration under 65 continues at its mean over "
        f"{start}-2040 by municipality and age group (the whole window between the last two "
        "published years: within it the residual swings at 0-5 and 20-64, so the 2036-2040 "
        "mean used before carried a swing, not a level), and at 65+ the national net "
        "migration is zero. The table shows what the continuation implies after 2040 too "
        "(the continued net immigration minus each year's modelled emigration).",
        "",
        _md(pd.DataFrame(mrows, columns=["window", *names, "total"])),
        "",
        _md(pd.DataFrame(rows, columns=columns)),
        "",
    ]


def life_expectancy(q: np.ndarray, age: int = 0) -> float:
    """Period life expectancy at ``age`` from death probabilities by single age (one sex).

    Deaths at mid-year (a = 0.5; 0.1 in the first year of life), everyone dies in the open
    age (q = 1 there).
    """
    q = np.asarray(q, dtype=float)[age:]
    alive = np.concatenate([[1.0], np.cumprod(1.0 - q)[:-1]])
    dying = alive * q
    a = np.full(len(q), 0.5)
    if age == 0:
        a[0] = 0.1
    return float((alive - dying * (1.0 - a)).sum())


def life_expectancy_section() -> list[str]:
    """e0, e60 and e65 by sex from the model's death probabilities, 2026, 2040 and 2050."""
    imp = registry()["mortality_improvement"].default
    rates = base_rates()
    rows = []
    for year in (2019, 2026, 2040, 2050):
        q = rates.q(year, imp)
        rows.append(
            (
                year,
                *(f"{life_expectancy(q[s], age):.1f}" for age in (0, 60, 65) for s in (0, 1)),
            )
        )
    raw = rates.q_base
    rows.append(
        (
            "2019, HMD table as it is",
            *(f"{life_expectancy(raw[s], age):.1f}" for age in (0, 60, 65) for s in (0, 1)),
        )
    )
    columns = ["year", "e0 men", "e0 women", "e60 men", "e60 women", "e65 men", "e65 women"]
    return [
        "## Life expectancy from the model's mortality",
        "",
        "Period life expectancy (years) from the death probabilities the model uses "
        "(`DemographicRates.q` with the default `mortality_improvement` and the calibrated "
        "old-age bands). The row 2019 is the HMD 2019 table times the bands' calibrated levels: "
        "the calibration's starting point, which lies below the observed 2019 (last row, the "
        "table as it is): the calibrated old-age mortality is higher than HMD's 2019 and falls "
        "faster (ODD 7.1). For comparison "
        "(confidence B, secondary sources quoting DST or DREAM): 2019/2020 e0 79.5 (men) and "
        "83.6 (women), e60 22.3 and 25.4 (DST); DREAM's national trend as quoted by "
        "Copenhagen's 2026 forecast: e0 of women 83.2 rising to 87.6 by 2060, of men 78.8 to "
        "85.0; DREAM: e60 +6.4 years 2021-2080. FRKM126's own mortality assumption is not in "
        "the data.",
        "",
        _md(pd.DataFrame(rows, columns=columns)),
        "",
    ]
