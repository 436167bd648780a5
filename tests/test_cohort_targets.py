"""Issue 14: the years between the published ones follow the cohorts, and each residual goes
where it belongs (docs/ODD.md 7.1, docs/validation.md)."""

from __future__ import annotations

import numpy as np
import pytest

from simulation.documents.demography_checks import national_groups
from simulation.inputs.mortality_calibration import implied_net_migration, window_means
from simulation.inputs.projection import aligned_path, frkm126_counts, project
from simulation.inputs.registry import registry

# Implied net migration (the alignment's residual minus the modelled emigration) allowed at the
# old ages, persons a year: the projection's own assumption is zero; the tolerance is about 0.1%
# of the band's residents (65-79: about 1 million, 80+: about 0.4-0.5 million) in any one year,
# and 150 a year on average over each window between published years (docs/validation.md).
# The window means are not zero by construction: the calibration (mortality_calibration.
# calibrate) fits five equations (two windows x two bands, and the survival of the 75+ of 2021
# to the 80+ of 2026) with four unknowns by least squares; they disagree by about 130 a year at
# 80+ in 2026-2030 (measured). Without the survival equation the four window means would be
# zero by construction (four equations, four unknowns), and only the per-year limits would
# test anything. The per-year limits remain the main check: a level/improvement pair that fits
# the window means can still swing within a window.
TOLERANCE_YEAR = {"65-79": 1_000, "80+": 500}
TOLERANCE_MEAN = 150


def _defaults() -> tuple[float, float]:
    r = registry()
    return r["mortality_improvement"].default, r["fertility"].default


# The held-out check: aligned to 2026 and 2040 only, with the old-age mortality calibrated on
# 2026 and 2040 and on the survival of the HMD residents of 2021 to FRKM126's 80+ of 2026, and
# zero net migration at 6-19 (the modelled emigration replaced: projection.rates_for,
# young_migration), 2030 against FRKM126's 2030: 1% in every national group (the issue's
# criterion). Measured (docs/validation.md): 0-5 -0.90%, 6-16 -0.29%, 0-16 -0.50%, 17-19
# -0.20%, 20-64 -0.19%, 65+ -0.03%, 80+ -0.16%, total -0.21%. FRKM126's data extract has the
# groups 0-5, 6-16 and 17-19 only, so the 0-17 cannot be tested: 0-16 and 17-19 are
# tested apart. NOT an independent test any more: 2030 was used to choose among methods (the
# 80+ level, the children's migration, 0-5 linear; docs/validation.md, ODD 7.1).
HELD_OUT_TOLERANCE = {
    "0-5": 0.01,
    "6-16": 0.01,
    "0-16": 0.01,
    "17-19": 0.01,
    "20-64": 0.01,
    "65+": 0.01,
    "80+": 0.01,
    "total": 0.01,
}


@pytest.fixture(scope="module")
def held_out():
    """The projection aligned only to 2026 and 2040, and FRKM126's 2030.

    Its old-age mortality is calibrated on 2026 and 2040 and on the data before 2026 (the
    65-79 level held at the HMD 2015-2019 trend's, the 80+ level from the survival of the HMD
    residents of 2021 to 2026, :func:`simulation.inputs.mortality_calibration.calibrate`):
    2030 is seen neither by the alignment nor by the mortality.
    """
    return project(*_defaults(), anchors=(2026, 2040)).target(2030), frkm126_counts()[2030]


def test_held_out_projection_does_not_use_2030():
    from simulation.inputs.projection import rates_for
    from simulation.inputs.rates import base_rates

    honest, shipped = rates_for((2026, 2040)), base_rates()
    assert not np.allclose(honest.mortality_level, shipped.mortality_level)
    assert not np.allclose(honest.improvement_offset, shipped.improvement_offset)
    assert rates_for(None) is shipped


def test_held_out_projection_is_unchanged_when_2030_is_poisoned(monkeypatch):
    """FRKM126's 2030 replaced by NaN: the held-out mortality and targets are the same (so
    neither the alignment, the mortality calibration nor the children's migration reads 2030).
    Not covered: the default ``mortality_improvement`` (0.72%), a constant set before issue 14
    on a path through 2030 (parameters.csv); at 65+ its effect is re-solved away, and under 65
    it moves the held-out 2030 by at most 0.04 points (ODD 7.1)."""
    import simulation.inputs.projection as projection

    anchors = (2026, 2040)
    before_rates = projection.rates_for(anchors)
    before = project(*_defaults(), anchors=anchors).target(2030)
    clean = frkm126_counts()
    poisoned = {y: (np.full_like(v, np.nan) if y == 2030 else v) for y, v in clean.items()}
    cached = (projection.rates_for, projection.aligned_path, projection.project)
    for fn in cached:
        fn.cache_clear()
    monkeypatch.setattr(projection, "frkm126_counts", lambda: poisoned)
    try:
        after_rates = projection.rates_for(anchors)
        after = projection.project(*_defaults(), anchors=anchors).target(2030)
    finally:
        for fn in cached:
            fn.cache_clear()
    assert np.allclose(after_rates.mortality_level, before_rates.mortality_level)
    assert np.allclose(after_rates.improvement_offset, before_rates.improvement_offset)
    assert np.isfinite(after).all()
    assert np.allclose(after, before)


def test_held_out_80_plus_level_is_set_by_the_survival_from_2021():
    """The 80+ of 2026 are the 75+ of 2021 survived: with the held-out mortality they are met
    (no migration at 80+), while the HMD 2015-2019 trend's level, used before, leaves over 1%
    too many, about the miss it then had in 2030 (+1.1%)."""
    from simulation.inputs.mortality_calibration import calibrate, survival_miss, with_bands
    from simulation.inputs.projection import rates_for
    from simulation.inputs.rates import base_rates

    assert abs(survival_miss(rates_for((2026, 2040)))[1]) < 1e-4
    trend_level = with_bands(base_rates(), *calibrate((2026, 2040), hold="level"))
    assert survival_miss(trend_level)[1] > 0.01


def test_shipped_mortality_also_fits_the_survival_from_2021():
    """One procedure for both runs: the shipped calibration (all published years) includes the
    survival of the 75+ of 2021 to the 80+ of 2026 (least squares with the four window
    equations); without it the shipped 80+ left +0.41% too many in 2026 (before the second
    review). Measured +0.15%."""
    from simulation.inputs.mortality_calibration import survival_miss
    from simulation.inputs.rates import base_rates

    assert abs(survival_miss(base_rates())[1]) < 0.002


def test_young_migration_replaces_the_modelled_emigration_at_6_19_only():
    """Zero net migration at 6-16 and 17-19: the factor of the steps exactly undoes the
    modelled emigration there (1 elsewhere; at 65+ the projection's net migration is zero).
    Not replacing it (the method before the first review) misses the held-out 0-16 by over
    1%; the 2021-2026 residual (Ukraine 2022 included) is larger than replacement."""
    from simulation.documents.demography_checks import _variant
    from simulation.inputs.projection import (
        age_groups,
        base_population,
        emigration_rates,
        old_age_groups,
        rates_for,
        young_age_groups,
        young_migration,
    )

    rates = rates_for((2026, 2040))
    factor = young_migration(rates)
    groups = age_groups()
    pop = base_population().sum(axis=(0, 1))
    stay = pop * (1 - emigration_rates(base_population()))
    young = list(young_age_groups())
    for g in young:
        at = groups.of_age == g
        assert factor[g] * stay[at].sum() == pytest.approx(pop[at].sum(), rel=1e-12)
    others = np.ones(len(groups.names), dtype=bool)
    others[young] = False
    assert np.all(factor[others] == 1.0)
    observed = young_migration(rates, "observed_2021_2026")
    assert np.all(observed[young] > factor[young])
    assert np.all(young_migration(rates, "modelled_emigration") == 1.0)
    with pytest.raises(ValueError):
        young_migration(rates, "refugees")
    without = _variant(old_age_groups(), young_age_groups(), young="modelled_emigration")
    children = national_groups(without)["0-16"] / national_groups(frkm126_counts()[2030])["0-16"]
    assert abs(children - 1) > 0.01


@pytest.mark.parametrize("group", sorted(HELD_OUT_TOLERANCE))
def test_held_out_2030_national_groups(held_out, group):
    """FRKM126 publishes no single split at 17 (its groups are 0-5, 6-16, 17-19): 0-16 stands
    for the children. Tolerances: HELD_OUT_TOLERANCE (1%)."""
    simulated, published = (national_groups(c)[group] for c in held_out)
    assert simulated == pytest.approx(published, rel=HELD_OUT_TOLERANCE[group])


def test_held_out_2030_municipalities_within_3_percent(held_out):
    simulated, published = (c.sum(axis=1) for c in held_out)
    big = published > 20_000
    worst = np.abs(simulated / published - 1)[big].max()
    assert worst < 0.03


def test_held_out_2030_beats_linear_interpolation_at_the_old_ages(held_out):
    simulated, published = (national_groups(c) for c in held_out)
    c = frkm126_counts()
    linear = national_groups(c[2026] + (4 / 14) * (c[2040] - c[2026]))
    for group in ("65+", "80+"):
        ours = abs(simulated[group] / published[group] - 1)
        straight = abs(linear[group] / published[group] - 1)
        assert ours < straight / 2, group


def test_simulated_held_out_2030_matches_frkm126(monkeypatch):
    """The microsimulation aligned to the held-out projection follows it in 2030 (within the
    held-out tolerances)."""
    import functools

    import simulation.model as model_module
    from simulation.model import WelfareModel

    monkeypatch.setattr(model_module, "project", functools.partial(project, anchors=(2026, 2040)))
    model = WelfareModel(scale=0.02, seed=3, end_year=2030).run()
    table = model.table()

    def nat(metric):
        return table[(table.metric == metric) & (table.year == 2030)].value.sum()

    published = national_groups(frkm126_counts()[2030])
    tol = HELD_OUT_TOLERANCE
    assert nat("population_65p") == pytest.approx(published["65+"], rel=tol["65+"])
    assert nat("population_80p") == pytest.approx(published["80+"], rel=tol["80+"])
    assert nat("population_20_64") == pytest.approx(published["20-64"], rel=tol["20-64"])
    assert nat("population") == pytest.approx(published["total"], rel=tol["total"])
    # municipality by municipality (over 20,000 residents), the simulated one: within 3%
    rows = table[(table.metric == "population") & (table.year == 2030)]
    simulated = rows.set_index("municipality")["value"]
    expected = frkm126_counts()[2030].sum(axis=1)
    from simulation.inputs.geography import municipalities

    codes = municipalities()["code"].to_numpy()
    frame = dict(zip(codes, expected, strict=True))
    big = [c for c in simulated.index if frame[c] > 20_000]
    assert len(big) > 50
    worst = max(abs(simulated[c] / frame[c] - 1) for c in big)
    assert worst < 0.03


@pytest.mark.parametrize("year", [2026, 2030, 2040])
def test_published_years_are_met(year):
    p = project(*_defaults())
    target, published = p.target(year), frkm126_counts()[year]
    for group in ("0-16", "20-64", "65+", "80+", "total"):
        assert national_groups(target)[group] == pytest.approx(
            national_groups(published)[group], rel=0.01
        )
    big = published.sum(axis=1) > 20_000
    assert np.abs(target.sum(axis=1) / published.sum(axis=1) - 1)[big].max() < 0.03


def test_implied_net_migration_of_the_old_is_near_zero():
    implied = implied_net_migration()  # (years, [65-79, 80+]), 2026-2039
    for j, band in enumerate(("65-79", "80+")):
        assert np.abs(implied[:, j]).max() < TOLERANCE_YEAR[band], band
    anchors = tuple(sorted(frkm126_counts()))
    assert np.abs(window_means(implied, anchors)).max() < TOLERANCE_MEAN


def test_2050_80_plus_in_the_accepted_range_and_growing_after_2040():
    """80+ in 2050 between 550,000 and 680,000 (issue 14), reached by the cohorts and the
    continued mortality improvement (no 2050 figure enters the model)."""
    p = project(*_defaults())
    p80 = p.targets[:, :, 6].sum(axis=1)
    assert 550_000 <= p80[2050 - 2026] <= 680_000
    assert np.all(np.diff(p80[2040 - 2026 :]) > 0)  # the 1960s cohorts reach 80 as mortality falls


def test_interim_targets_follow_the_cohorts():
    """The 80+ of 2027-2029 are the survivors of the cohorts, not a straight line: the 1946-49
    cohorts crossing 80 make the growth uneven, and the path lies above the line."""
    path = aligned_path()
    p80 = path.population[:5, :, :, 80:].sum(axis=(1, 2, 3))
    c = frkm126_counts()
    line = c[2026][:, 6].sum() + np.arange(5) / 4 * (c[2030][:, 6].sum() - c[2026][:, 6].sum())
    assert p80[0] == pytest.approx(line[0]) and p80[4] == pytest.approx(line[4])
    assert np.abs(p80 - line)[1:4].max() > 1_000


def test_integration_caseload_stays_near_its_calibrated_level(national_table):
    """The entry share is calibrated to 22,300 on integration benefit in 2022, a figure of a
    2015 forecast (C), not an observation; entries tied to the documented level of immigration
    keep the caseload near that level to 2050 instead of rising with the alignment's residual
    (which rises to about 29,000-34,000 by 2050 when entries follow it)."""
    rows = national_table[
        (national_table.metric == "need_cases") & (national_table.area == "integration")
    ]
    cases = rows.groupby("year").value.sum()
    for year in (2030, 2040, 2050):
        assert 18_000 <= cases.loc[year] <= 27_000, (year, cases.loc[year])


@pytest.mark.parametrize("year", [2030, 2040])
def test_simulated_municipalities_over_20000_within_3_percent(national_table, year):
    """The microsimulation (scale 0.05) in the published years, municipality by municipality."""
    from simulation.inputs.data import read_table

    frkm = read_table("frkm126_municipal_population.csv")
    expected = frkm[frkm.year == year].set_index("kommunekode")["total"].astype(float)
    rows = national_table[(national_table.metric == "population") & (national_table.year == year)]
    simulated = rows.set_index("municipality")["value"]
    big = expected.loc[simulated.index] > 20_000
    deviation = (simulated / expected.loc[simulated.index] - 1).abs()[big]
    assert deviation.max() < 0.03, deviation.idxmax()


def test_life_expectancy_of_the_model_rises_and_stays_below_dreams_2060_trend():
    """e0 and e65 from the model's death probabilities (docs/validation.md) rise from 2026 to
    2040 and 2050, and e0 in 2050 stays below DREAM's national trend for 2060 as quoted by
    Copenhagen's 2026 forecast (men 85.0, women 87.6, B)."""
    from simulation.documents.demography_checks import life_expectancy
    from simulation.inputs.rates import base_rates

    rates, k = base_rates(), _defaults()[0]
    e = {
        y: [[life_expectancy(rates.q(y, k)[s], a) for s in (0, 1)] for a in (0, 65)]
        for y in (2026, 2040, 2050)
    }
    for a in (0, 1):
        for s in (0, 1):
            assert e[2026][a][s] < e[2040][a][s] < e[2050][a][s]
    assert e[2050][0][0] < 85.0 and e[2050][0][1] < 87.6
    assert life_expectancy(np.ones(10)) == pytest.approx(0.1)  # all die in the first year


def _table(lines: list[str], first: str) -> dict[str, list[float]]:
    """The Markdown table of ``lines`` whose first column header is ``first``, as numbers."""
    lines = "\n".join(lines).split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith(f"| {first} |"))
    head = [c.strip() for c in lines[start].strip("|").split("|")]
    rows = {}
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip("|").split("|")]
        values = [float(c.replace(",", "")) for c in cells[1:]]
        rows[cells[0]] = dict(zip(head[1:], values, strict=True))
    return rows


def test_validation_reports_the_residuals_by_age_group_and_year():
    """The validation generator reports the implied net migration of every age group and year
    2026-2051; at 65-79 and 80+ it is within the tested tolerance in every year, and zero
    nationally after 2040 (no residual of the old continued as migration)."""
    from simulation.documents.demography_checks import implied_section, residual_section

    rows = _table(residual_section(), "year")
    assert list(rows) == [f"{y}-{y + 1}" for y in range(2026, 2051)]
    for year, row in rows.items():
        assert abs(row["65-79"]) < TOLERANCE_YEAR["65-79"], year
        assert abs(row["80+"]) < TOLERANCE_YEAR["80+"], year
        if int(year[:4]) >= 2040:
            assert abs(row["65-79"]) < 1 and abs(row["80+"]) < 1, year
        assert row["total"] == pytest.approx(sum(v for k, v in row.items() if k != "total"), abs=8)
    old = _table(implied_section(), "year")
    # before issue 14 the residual of the old swung by thousands a year; after, it is near zero
    assert max(abs(r["before 65-79"]) for r in old.values()) > 5 * TOLERANCE_YEAR["65-79"]
    assert max(abs(r["after 65-79"]) for r in old.values()) < TOLERANCE_YEAR["65-79"]
    assert old["2030-2031"]["after 80+"] == pytest.approx(rows["2030-2031"]["80+"], abs=1)


def test_after_2040_the_old_neither_emigrate_nor_are_re_added():
    """After the last published year the national net migration of 65+ is zero: the model
    no longer emigrates the old and re-adds them as immigrants (emigration zero from 64, 65+
    on the next 1 January), while under 65 emigration goes on."""
    from simulation.inputs.projection import old_age_groups

    p = project(*_defaults())
    old = list(old_age_groups())
    after = slice(2040 - 2026, None)
    assert p.emigrants[after][:, :, old].sum() == 0
    assert np.abs(p.net_migration[after][:, :, old].sum(axis=1)).max() < 1e-6
    assert p.emigrants[after][:, :, 3].sum() > 0  # 20-34 still emigrate
    assert p.emigration_in(2039)[70] > 0 and p.emigration_in(2040)[70] == 0
    assert p.emigration_in(2040)[63] == p.emigration[63] > 0
