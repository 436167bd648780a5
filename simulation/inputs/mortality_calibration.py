"""Calibrate old-age mortality to FRKM126, and compare it with the HMD life tables' trend.

``python -m simulation.inputs.mortality_calibration`` prints the values of
``data/mortality_bands.csv`` (``--write`` writes the file):
the level (multiplier on the HMD 2019 death probabilities) and the offset of the yearly
improvement (added to ``mortality_improvement``) of the bands 65-79 and 80+ at which the
alignment to FRKM126 needs, at each band, no net migration beyond the modelled emigration, on
average over 2026-2030 and over 2030-2040 (the projection's own assumption for the old is net
migration near zero), and the HMD residents of 2021 survive to FRKM126's 80+ of 2026
(:func:`survival_miss`), by least squares (:func:`calibrate`). The held-out check (2030 left
out) uses the same equations without the 2026-2030 window, with the level of 65-79 held at the
HMD trend's. Beside them it prints the trend of the HMD life tables 2015-2019 (the
pre-pandemic years of ``lifetable_hmd.csv``): the log-linear decline of the age-standardised
death rate (HMD population of 2021 as weights).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from simulation.inputs.data import read_table
from simulation.inputs.rates import DemographicRates, base_rates, blended_bands, parse_age

__all__ = [
    "BANDS",
    "hmd_trend",
    "hmd_improvement",
    "implied_net_migration",
    "survival_miss",
    "survived_2026",
    "window_means",
    "with_bands",
    "calibrate",
]

BANDS = ((65, 79), (80, 110))
TREND_YEARS = (2015, 2019)


def hmd_trend(low: int, high: int) -> tuple[float, float]:
    """The log-linear trend of the age-standardised death rate at ages ``low..high``.

    Returns:
        The yearly relative decline, and the trend's value in the last year over the
        observed rate of that year (the level of ``q_base`` the trend says, 1 = as observed).
    """
    life = read_table("lifetable_hmd.csv")
    life = life[life["sex"] != "total"]
    life["age"] = parse_age(life["age"])
    pop = read_table("population_hmd.csv")
    pop = pop[(pop["sex"] != "total") & (pop["year"].astype(int) == 2021)]
    pop["age"] = parse_age(pop["age"])
    weight = pop.set_index(["sex", "age"])["population"].astype(float)
    years = np.arange(TREND_YEARS[0], TREND_YEARS[1] + 1)
    rates = []
    for y in years:
        sel = life[(life["year"].astype(int) == y) & life["age"].between(low, high)]
        sel = sel.set_index(["sex", "age"])
        w = weight.reindex(sel.index).fillna(0.0)
        rates.append(float((sel["mx"].astype(float) * w).sum() / w.sum()))
    slope, intercept = np.polyfit(years, np.log(rates), 1)
    return float(-slope), float(np.exp(intercept + slope * years[-1]) / rates[-1])


def hmd_improvement(low: int, high: int) -> float:
    """Yearly relative decline of the age-standardised death rate at ages ``low..high``."""
    return hmd_trend(low, high)[0]


def implied_net_migration(
    anchors: tuple[int, ...] | None = None, rates: DemographicRates | None = None
) -> np.ndarray:
    """Implied net migration at 65-79 and 80+, national, by year of the flow (years - 1, 2).

    The alignment's residual (net immigration) minus the modelled emigration: all the
    migration the projection needs at these ages.

    Args:
        anchors: the FRKM126 years aligned to (default all).
        rates: base rates (default: those of the data files).
    """
    from simulation.inputs.projection import old_age_groups, path_with_rates

    path = path_with_rates(anchors, base_rates() if rates is None else rates)
    return (path.net_migration - path.emigration).sum(axis=1)[:, list(old_age_groups())]


SURVIVAL_YEARS = (2021, 2026)


def survived_2026(rates: DemographicRates | None = None) -> np.ndarray:
    """The HMD residents of 1 January 2021 survived to 1 January 2026, by FRKM126 age group.

    Survived and aged five years with the model's death probabilities of 2021-2025 (default
    ``mortality_improvement`` and the bands of ``rates``), without migration, from
    ``population_hmd.csv`` (1 January 2021; it includes Christiansoe's about 90 residents, whom
    FRKM126 leaves out). The groups under 6 (born after 2020) are not complete.

    Args:
        rates: base rates (default: those of the data files).

    Returns:
        Residents by age group, shape (groups,).
    """
    from simulation.constants import MAX_AGE, N_AGES
    from simulation.inputs.projection import age_groups, default_parameter

    rates = base_rates() if rates is None else rates
    pop = read_table("population_hmd.csv")
    pop = pop[(pop["year"].astype(int) == SURVIVAL_YEARS[0]) & (pop["sex"] != "total")]
    alive = np.zeros((2, N_AGES))
    for s, sex in enumerate(("male", "female")):
        sel = pop[pop["sex"] == sex]
        np.add.at(
            alive[s], np.minimum(parse_age(sel["age"]), MAX_AGE), sel["population"].astype(float)
        )
    improvement = default_parameter("mortality_improvement")
    for year in range(*SURVIVAL_YEARS):
        alive = alive * (1.0 - rates.q(year, improvement))
        aged = np.zeros_like(alive)
        aged[:, 1:] = alive[:, :-1]
        aged[:, MAX_AGE] += alive[:, MAX_AGE]
        alive = aged
    groups = age_groups()
    return np.bincount(groups.of_age, weights=alive.sum(axis=0), minlength=len(groups.names))


def survival_miss(rates: DemographicRates | None = None) -> np.ndarray:
    """The 2021 residents survived to 2026 with the model's mortality, against FRKM126's 2026.

    :func:`survived_2026` compared with FRKM126's 1 January 2026 (the observed base of the
    projection) at 65-79 and 80+. The 80+ of 2026 are the survivors of the 75+ of 2021; their
    net migration is near zero (2021-2026 at 80+: about -300 a year with the shipped
    mortality, ``docs/validation.md``), so the miss at 80+ measures the level of old-age
    mortality in the years just before 2026. At 65-79 the cohort residual also holds the
    immigration of 60-79-year-olds (about +1,800 a year), which the data do not separate from
    mortality.

    Args:
        rates: base rates (default: those of the data files).

    Returns:
        The relative miss (survived / FRKM126 - 1) at 65-79 and 80+, shape (2,).
    """
    from simulation.inputs.projection import frkm126_counts, old_age_groups

    published = frkm126_counts()[SURVIVAL_YEARS[1]].sum(axis=0)
    old = list(old_age_groups())
    return survived_2026(rates)[old] / published[old] - 1.0


def window_means(implied: np.ndarray, anchors: tuple[int, ...]) -> np.ndarray:
    """Mean yearly implied net migration per window between anchors, shape (windows, 2)."""
    edges = [y - anchors[0] for y in anchors]
    return np.array([implied[a:b].mean(axis=0) for a, b in zip(edges[:-1], edges[1:], strict=True)])


def with_bands(rates: DemographicRates, level: np.ndarray, offset: np.ndarray) -> DemographicRates:
    """``rates`` with the level and improvement offset of 65-79 and 80+ replaced.

    Under 65 the level is 1 and the offset 0; the bands are blended linearly over 60-70 and
    75-85 (:func:`simulation.inputs.rates.blended_bands`), as in ``base_rates``.
    """
    lows = [0] + [lo for lo, _ in BANDS]
    lv = blended_bands(lows, [1.0, *level])
    off = blended_bands(lows, [0.0, *offset])
    return replace(rates, mortality_level=lv, improvement_offset=off)


def calibrate(
    anchors: tuple[int, ...] | None = None, hold: str = "survival", rounds: int = 6
) -> tuple[np.ndarray, np.ndarray]:
    """Level and improvement offset of 65-79 and 80+ that zero the implied net migration.

    One procedure for the shipped and the held-out run (``hold = "survival"``, the default):
    the equations are (a) the implied net migration at each band, zero on average in each
    window between the given published years (persons a year), and (b) the survival of the
    HMD residents of 1 January 2021 (75+) to FRKM126's 80+ of 1 January 2026 without migration
    (:func:`survival_miss`, the miss in persons a year over the five years), solved by least
    squares (Gauss-Newton).

    * With two windows (2026, 2030 and 2040: the values of ``data/mortality_bands.csv``) that
      is five equations for four unknowns; they do not all hold at once (the 80+ of 2026-2030
      and the survival of 2021-2026 disagree by about 100 persons a year, ``docs/validation.md``).
    * With one window (2026 and 2040 only: the held-out check, which must not see 2030) it is
      three equations, and the level of 65-79 is held at the HMD 2015-2019 trend's
      (:func:`hmd_trend`, data before 2026); the other three are solved exactly.

    The survival of 2021-2026 holds the excess deaths of 2022; the data (HMD population to
    1 January 2021 only) do not allow starting it later. Other choices (sensitivity rows of
    ``docs/validation.md``):

    * ``hold = "none"``: without the survival equation (with all published years: four
      equations, four unknowns, the method before the second review).
    * ``hold = "level"`` (one window): both levels held at the HMD trend's for 2019, the
      offsets solved.
    * ``hold = "improvement"`` (one window): the trend's improvement held, the levels solved.

    Args:
        anchors: the FRKM126 years used (default all published years).
        hold: with one window, what sets the other two unknowns (above).
        rounds: Newton iterations.

    Returns:
        The levels and the offsets, each of shape (2,) (65-79, 80+).
    """
    from simulation.inputs.projection import default_parameter, frkm126_counts

    anchors = tuple(sorted(frkm126_counts() if anchors is None else anchors))
    base = base_rates()
    x = np.array(
        [base.mortality_level[_band_age(lo, hi)] for lo, hi in BANDS]
        + [base.improvement_offset[_band_age(lo, hi)] for lo, hi in BANDS]
    )
    free = np.ones(4, dtype=bool)
    if hold not in ("survival", "none", "level", "improvement"):
        raise ValueError(f"hold must be 'survival', 'none', 'level' or 'improvement': {hold!r}")
    survival = hold == "survival"
    if len(anchors) < 3:
        trend = [hmd_trend(lo, hi) for lo, hi in BANDS]
        if hold in ("level", "survival"):
            x[:2] = [lv for _, lv in trend]
            free[: 1 if hold == "survival" else 2] = False
        elif hold == "improvement":
            x[2:] = [k - default_parameter("mortality_improvement") for k, _ in trend]
            free[2:] = False
        else:
            raise ValueError("with one window, hold must be 'survival', 'level' or 'improvement'")
    steps = np.array([1e-3, 1e-3, 1e-4, 1e-4])

    def f(v: np.ndarray) -> np.ndarray:
        rates = with_bands(base, v[:2], v[2:])
        out = window_means(implied_net_migration(anchors, rates), anchors).ravel()
        if survival:  # persons a year: the miss of 2026's 80+ times their number, per year
            persons = frkm126_counts()[SURVIVAL_YEARS[1]][:, -1].sum()
            span = SURVIVAL_YEARS[1] - SURVIVAL_YEARS[0]
            out = np.append(out, survival_miss(rates)[1] * persons / span)
        return out

    idx = np.flatnonzero(free)
    for _ in range(rounds):
        fx = f(x)
        jac = np.column_stack([(f(x + np.eye(4)[j] * steps[j]) - fx) / steps[j] for j in idx])
        x[idx] = x[idx] - np.linalg.lstsq(jac, fx, rcond=None)[0]
    return x[:2], x[2:]


def _band_age(low: int, high: int) -> int:
    """An age inside the band, away from the blending ramps (its own values there)."""
    return (low + min(high, 100)) // 2


def bands_table(level: np.ndarray, offset: np.ndarray, default: float) -> str:
    """The text of ``data/mortality_bands.csv`` for calibrated ``level`` and ``offset``."""
    trend = {band: hmd_trend(*band) for band in BANDS}
    in_2026 = [a * (1 - default - b) ** (2026 - 2019) for a, b in zip(level, offset, strict=True)]
    head = (
        "# source: Human Mortality Database and DST FRKM126 (see below). Mortality by age band: "
        "q(age, sex, year) = q_2019(age, sex) x level x (1 - mortality_improvement - "
        "improvement_offset) ^ (year - 2019), with q_2019 the Human Mortality Database (HMD) "
        "Denmark period life table 1x1 of 2019 (lifetable_hmd.csv; HMD version of 04 Jun 2021, "
        "https://www.mortality.org) and mortality_improvement the uncertainty in parameters.csv "
        f"(default {default}). Level and offset go linearly from one band's value to the next "
        "over 60-70 and 75-85 (simulation.inputs.rates.blended_bands), so the death "
        "probabilities have no step at 65 or 80. Under 60: level 1, offset 0 (the HMD table "
        "and the uncertainty as they are).\n"
        "# 65-79 and 80+: level and offset written by `python -m "
        "simulation.inputs.mortality_calibration --write`, calibrated so that the alignment to "
        "DST FRKM126 'Befolkningsfremskrivning 2026 efter kommune, alder, koen og tid' (2026 "
        "projection, https://www.statbank.dk/FRKM126) needs, at each band, no net migration "
        "beyond the modelled emigration on average in 2026-2030 and in 2030-2040, and the HMD "
        "residents of 1 January 2021 (population_hmd.csv) survive without migration to "
        "FRKM126's 80+ of 1 January 2026 (five equations, four unknowns, least squares). This "
        "uses all three published years, 2030 included; the held-out check of "
        "docs/validation.md calibrates again on 2026 and 2040 alone (the 65-79 level held at "
        "the HMD trend's). For "
        "comparison, the log-linear trend of the age-standardised HMD death rate 2015-2019 "
        "(HMD population 2021 as weights): "
        f"65-79 {100 * trend[BANDS[0]][0]:.2f}% a year, 80+ {100 * trend[BANDS[1]][0]:.2f}% a "
        f"year; the calibrated improvement is faster ({100 * (default + offset[0]):.2f}% and "
        f"{100 * (default + offset[1]):.2f}% a year), with death rates in 2026 equal to about "
        f"{in_2026[0]:.2f} and {in_2026[1]:.2f} times those of 2019, which says the projection "
        "starts from the post-2019 mortality (not in the data) and assumes faster gains, as "
        "DREAM's remaining life expectancy at 60 (+6.4 years 2021-2080: DREAM, 'Aktuelle "
        "temaer: befolkning', dreamgruppen.dk, 2022, B) does. Confidence: calibrated.\n"
    )
    rows = [
        "age_low,age_high,level,improvement_offset,source,confidence,note",
        '0,64,1,0,"Human Mortality Database, Denmark period life table 2019 '
        '(lifetable_hmd.csv)",A,"the life table as it is; improvement = mortality_improvement '
        '(parameters.csv); blended into 65-79 over 60-70"',
    ]
    for (lo, hi), a, b, r26 in zip(BANDS, level, offset, in_2026, strict=True):
        name = f"{lo}-{hi}" if hi < 110 else f"{lo}+"
        rows.append(
            f'{lo},{hi},{a:.4f},{b:.5f},"calibrated to DST FRKM126 (2026 projection) {name}, '
            f"2026-2040, and the survival of the HMD residents of 2021 to FRKM126's 80+ of "
            f'2026, by simulation.inputs.mortality_calibration",calibrated,"improvement '
            f"{default} + {b:.4f} = {100 * (default + b):.2f}% a year (HMD 2015-2019 trend: "
            f"{100 * trend[(lo, hi)][0]:.2f}%); level x (1 - {default + b:.4f})^7 = {r26:.2f}: "
            f'death rates of 2026 about {r26:.2f} times those of 2019"'
        )
    return head + "\n".join(rows) + "\n"


if __name__ == "__main__":
    import sys

    from simulation.inputs.data import DATA_DIR
    from simulation.inputs.projection import default_parameter

    default = default_parameter("mortality_improvement")
    for lo, hi in BANDS:
        k, lv = hmd_trend(lo, hi)
        print(
            f"HMD {TREND_YEARS[0]}-{TREND_YEARS[1]} {lo}-{hi}: improvement {k:.4f} "
            f"(offset {k - default:+.4f}), trend level in {TREND_YEARS[1]} {lv:.4f}"
        )
    level, offset = calibrate()
    for (lo, hi), a, b in zip(BANDS, level, offset, strict=True):
        print(f"calibrated {lo}-{hi}: level {a:.4f}, improvement offset {b:+.5f}")
    held = calibrate((2026, 2040))
    print(f"calibrated on 2026 and 2040 only (80+ level from the 2021-2026 survival): {held}")
    if "--write" in sys.argv:
        path = DATA_DIR / "mortality_bands.csv"
        path.write_text(bands_table(level, offset, default), encoding="utf-8")
        print(f"wrote {path}")
