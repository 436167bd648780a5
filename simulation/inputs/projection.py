"""Alignment targets: the FRKM126 projection to 2040 and its cohort-component continuation.

The microsimulation is aligned, each year, to the number of residents of every municipality and
FRKM126 age group (the method of LIAM2 and other dynamic microsimulations). The targets are:

* the published years 2026, 2030 and 2040: DST's FRKM126 projection (2026 vintage), exactly.
* the years between them: a cohort-component projection by municipality, sex and single age
  with the model's own rates (:mod:`simulation.inputs.cohort_targets`; at 6-19 with zero net
  migration, the modelled emigration replaced, :func:`young_migration`), whose remaining gap to the
  next published year is closed at an even yearly rate: at 65-79 and 80+ along the birth cohorts
  (each cohort gets the share of the age group it will be in at the published year), at 6-19
  by the age at arrival, at 0-5 and 20-64 by linear interpolation of FRKM126's counts. Old-age
  mortality is calibrated (``data/mortality_bands.csv``,
  :mod:`simulation.inputs.mortality_calibration`: the windows between published years and the
  survival of the 75+ of 2021 to the 80+ of 2026, least squares) so that the gap of the old is
  close to zero: their targets are their cohorts' survival, and the implied net migration at
  65-79 and 80+ is close to zero (``docs/validation.md``).
* after 2040: the same cohort-component projection with the run's rates (mortality with its
  improvement by age band, fertility, emigration, moves between municipalities), continuing net
  immigration at its 2030-2040 average by municipality and age group, except that at 65-79 and
  80+ only the municipalities' differences continue and the national net migration is zero
  (from 2040 the model does not emigrate those 65+ on the next 1 January, rather than
  emigrating them and re-adding them as immigrants). No 2050 figure enters the model.

This module also builds the 2026 base population by municipality, sex and single age, and the
destination probabilities of moves between municipalities.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache

import numpy as np

from simulation.constants import BASE_YEAR, MAX_AGE, N_AGES
from simulation.inputs.cohort_targets import (
    CohortPath,
    NaturalRates,
    cohort_path,
    group_sum,
    natural_step,
)
from simulation.inputs.data import data_cache, read_table
from simulation.inputs.geography import municipalities
from simulation.inputs.rates import (
    DemographicRates,
    base_rates,
    demography_parameters,
    parse_age,
)

__all__ = [
    "AgeGroups",
    "age_groups",
    "frkm126_counts",
    "base_population",
    "move_destinations",
    "Projection",
    "aligned_path",
    "path_with_rates",
    "rates_for",
    "observed_migration",
    "young_migration",
    "YOUNG_MIGRATION",
    "continued_migration",
    "natural_rates",
    "default_parameter",
    "old_age_groups",
    "young_age_groups",
    "project",
]


@dataclass(frozen=True)
class AgeGroups:
    """The FRKM126 age groups.

    Attributes:
        names: group labels (``"0-5"`` ... ``"80+"``).
        columns: column names in the FRKM126 file.
        of_age: group index of every single age 0..110.
    """

    names: tuple[str, ...]
    columns: tuple[str, ...]
    of_age: np.ndarray


@cache
def age_groups() -> AgeGroups:
    """Return the FRKM126 age groups."""
    table = read_table("age_groups.csv")
    of_age = np.full(N_AGES, -1, dtype=np.int8)
    for i, row in enumerate(table.to_dict("records")):
        of_age[int(row["age_low"]) : int(row["age_high"]) + 1] = i
    assert (of_age >= 0).all()
    return AgeGroups(tuple(table["group"]), tuple(table["column"]), of_age)


@cache
def frkm126_counts() -> dict[int, np.ndarray]:
    """Return FRKM126 residents by year: ``{year: array (municipality, group)}``.

    Municipalities are in the order of :func:`simulation.inputs.geography.municipalities` (by code).
    """
    table = read_table("frkm126_municipal_population.csv")
    codes = municipalities()["code"].to_numpy()
    groups = age_groups()
    out = {}
    for year, sub in table.groupby("year"):
        sub = sub.set_index("kommunekode").loc[codes]
        out[int(year)] = sub[list(groups.columns)].to_numpy(dtype=float)
    return out


@cache
def _age_sex_shape() -> np.ndarray:
    """Single-age and sex distribution in 2026, shape (2, N_AGES), from HMD 2021 aged 5 years."""
    pop = read_table("population_hmd.csv")
    pop = pop[(pop["year"].astype(int) == 2021) & (pop["sex"] != "total")]
    p2021 = np.zeros((2, N_AGES))
    for s, sex in enumerate(("male", "female")):
        sel = pop[pop["sex"] == sex]
        p2021[s, np.minimum(parse_age(sel["age"]), MAX_AGE)] += sel["population"].astype(float)
    q = base_rates().q_base
    shape = np.zeros_like(p2021)
    aged = p2021.copy()
    for _ in range(5):  # survive and age five years, 2021 -> 2026
        survivors = aged * (1.0 - q)
        aged = np.zeros_like(aged)
        aged[:, 1:] = survivors[:, :-1]
        aged[:, MAX_AGE] += survivors[:, MAX_AGE]
    shape[:, 5:] = aged[:, 5:]
    shape[:, :5] = p2021[:, :5]  # born 2021-2025: the 2021 infants' shape
    return shape


@cache
def base_population() -> np.ndarray:
    """Residents on 1 January 2026 by municipality, sex and single age, shape (98, 2, N_AGES).

    Each municipality's FRKM126 age-group counts are split into single ages and sexes with the
    national distribution within the group (HMD population of 2021, survived and aged to 2026).
    """
    groups = age_groups()
    shape = _age_sex_shape()
    counts = frkm126_counts()[BASE_YEAR]
    out = np.zeros((counts.shape[0], 2, N_AGES))
    for g in range(len(groups.names)):
        ages = groups.of_age == g
        within = shape[:, ages] / shape[:, ages].sum()
        out[:, :, ages] = counts[:, g][:, None, None] * within[None, :, :]
    return out


@data_cache
def move_destinations() -> np.ndarray:
    """Destination probabilities of moves between municipalities, shape (98, 98), rows sum to 1.

    Weight of destination j for a mover from i: population of j x exp(-distance / d0), i != j.
    """
    geo = municipalities()
    lat = np.radians(geo["lat"].to_numpy())
    lon = np.radians(geo["lon"].to_numpy())
    dlat = lat[:, None] - lat[None, :]
    dlon = lon[:, None] - lon[None, :]
    a = np.sin(dlat / 2) ** 2 + np.cos(lat[:, None]) * np.cos(lat[None, :]) * np.sin(dlon / 2) ** 2
    dist = 2 * 6371.0 * np.arcsin(np.sqrt(a))
    pop = frkm126_counts()[BASE_YEAR].sum(axis=1)
    d0 = demography_parameters()["internal_move_distance_km"]
    w = pop[None, :] * np.exp(-dist / d0)
    np.fill_diagonal(w, 0.0)
    return w / w.sum(axis=1, keepdims=True)


def emigration_rates(population: np.ndarray) -> np.ndarray:
    """Emigration probability by single age, levelled to the reported yearly total.

    Args:
        population: residents by (municipality, sex, age) in the base year.
    """
    rates = base_rates()
    profile = rates.emigration_profile
    expected = (population.sum(axis=(0, 1)) * profile).sum()
    return profile * demography_parameters()["emigrations_total"] / expected


@dataclass(frozen=True)
class Projection:
    """Targets for the alignment.

    Attributes:
        years: the years of ``targets`` (1 January), BASE_YEAR .. end.
        targets: residents by year, municipality and age group, shape (years, 98, groups).
        net_migration: the alignment's net immigration by year of the flow (years - 1, 98,
            groups), by the age group on the next 1 January.
        emigration: emigration probability by single age (N_AGES,).
        emigrants: the modelled emigration, as ``net_migration``; the implied net migration
            of an age group is ``net_migration - emigrants``.
        anchors: the FRKM126 years the projection is aligned to.
        emigration_late: emigration probability by single age in the years from the last
            anchor on (default: ``emigration``): zero from 64 (65+ on the next 1 January),
            whose national net migration is zero then, so the old are not emigrated and
            re-added as immigrants with newly drawn needs.
    """

    years: np.ndarray
    targets: np.ndarray
    net_migration: np.ndarray
    emigration: np.ndarray
    emigrants: np.ndarray | None = None
    anchors: tuple[int, ...] = ()
    emigration_late: np.ndarray | None = None

    def target(self, year: int) -> np.ndarray:
        """Residents on 1 January ``year`` by municipality and age group."""
        return self.targets[year - int(self.years[0])]

    def emigration_in(self, year: int) -> np.ndarray:
        """Emigration probability by single age for the flows of ``year``."""
        if self.emigration_late is not None and self.anchors and year >= self.anchors[-1]:
            return self.emigration_late
        return self.emigration


def natural_rates(
    mortality_improvement: float, fertility: float, rates: DemographicRates | None = None
) -> NaturalRates:
    """The rates of the projection's natural step (default base rates unless ``rates``)."""
    return NaturalRates(
        rates=base_rates() if rates is None else rates,
        mortality_improvement=mortality_improvement,
        fertility=fertility,
        emigration=emigration_rates(base_population()),
        destinations=move_destinations(),
        male_share=demography_parameters()["male_share_at_birth"],
    )


def default_parameter(name: str) -> float:
    """The registry default of a parameter (``parameters.csv``)."""
    from simulation.inputs.registry import registry  # local: parameters imports this module's users

    return float(registry()[name].default)


@data_cache
def aligned_path(anchors: tuple[int, ...] | None = None) -> CohortPath:
    """The calibrated projection through the FRKM126 years, aligned along the cohorts.

    With the default mortality improvement and fertility: the alignment targets do not depend
    on the uncertainties (until the last published year the population is FRKM126's, and the
    rates only decide how the years between follow the cohorts).

    Args:
        anchors: the FRKM126 years to align to (default: all published years); leaving one
            out is the held-out check of ``docs/validation.md``.
    """
    return path_with_rates(anchors, rates_for(anchors))


@data_cache
def rates_for(anchors: tuple[int, ...] | None = None) -> DemographicRates:
    """The base rates of a projection aligned to ``anchors``.

    With all published years: the data files' (old-age mortality calibrated on 2026, 2030
    and 2040, ``data/mortality_bands.csv``). With fewer, the old-age mortality is calibrated
    again on those years and on the data before 2026 only (the 80+ level from the survival of
    the HMD residents of 2021 to FRKM126's 2026,
    :func:`simulation.inputs.mortality_calibration.calibrate`), so that a held-out year is seen
    neither by the alignment nor by the mortality.
    """
    published = tuple(sorted(frkm126_counts()))
    if anchors is None or tuple(sorted(anchors)) == published:
        return base_rates()
    from simulation.inputs.mortality_calibration import calibrate, with_bands

    level, offset = calibrate(tuple(sorted(anchors)))
    return with_bands(base_rates(), level, offset)


def path_with_rates(anchors: tuple[int, ...] | None, rates: DemographicRates) -> CohortPath:
    """:func:`aligned_path` with other base rates (for the mortality calibration)."""
    counts = frkm126_counts()
    years = tuple(sorted(counts)) if anchors is None else tuple(sorted(anchors))
    if years[0] != BASE_YEAR:
        raise ValueError(f"the anchors must start with {BASE_YEAR}: {years}")
    r = natural_rates(
        default_parameter("mortality_improvement"), default_parameter("fertility"), rates
    )
    return cohort_path(
        base_population(),
        {y: counts[y] for y in years},
        r,
        age_groups().of_age,
        by_cohort=old_age_groups(),
        by_age=young_age_groups(),
        migration=young_migration(rates),
    )


YOUNG_MIGRATION = ("zero", "observed_2021_2026", "modelled_emigration")


def young_migration(rates: DemographicRates, assumption: str = "zero") -> np.ndarray:
    """Yearly factor of net migration at 6-16 and 17-19 applied in the steps, by age group.

    The steps between the published years (:func:`simulation.inputs.cohort_targets.cohort_path`)
    first apply this factor at the groups whose gap is spread by the age at arrival
    (:func:`young_age_groups`); only the gap that remains to the next published year is then
    spread evenly. 1 at the other groups (at 0-5, 20-34 and 35-64 the targets are linear and a
    factor makes no difference; at 65+ the net migration is zero, the projection's own
    assumption, to which the old-age mortality is calibrated).

    ``assumption``:

    * ``"zero"`` (shipped): zero net migration at 6-19, i.e. the modelled emigration of these
      ages (about 4,500 a year at 6-16) is replaced, the factor is ``1 / (1 - emigrated
      share)``. The old held-out miss of the children (0-16 -1.2%) came from that emigration
      never being replaced, not from missing refugees.
    * ``"observed_2021_2026"`` (sensitivity only): the cohort residual of 2021-2026, FRKM126's
      1 January 2026 over the HMD residents of 1 January 2021 survived to 2026 with ``rates``'
      mortality (:func:`simulation.inputs.mortality_calibration.survived_2026`), per year,
      with the modelled emigration added back. It holds the one-off inflow from Ukraine of
      2022 (temporary protection), so carrying it into 2026-2030 is not defensible.
    * ``"modelled_emigration"`` (sensitivity only, the method before the review): factor 1,
      the modelled emigration is not replaced.

    The data hold no observed pre-2020 migration of children by age, so no observed rate of a
    normal period is offered.

    Args:
        rates: base rates (their mortality survives the 2021 residents, observed variant only).
        assumption: one of :data:`YOUNG_MIGRATION`.

    Returns:
        The factor by age group, shape (groups,).
    """
    if assumption not in YOUNG_MIGRATION:
        raise ValueError(f"assumption must be one of {YOUNG_MIGRATION}: {assumption!r}")
    groups = age_groups()
    n_groups = len(groups.names)
    out = np.ones(n_groups)
    if assumption == "modelled_emigration":
        return out
    pop = base_population().sum(axis=(0, 1))
    emigration = emigration_rates(base_population())
    leaves = 1.0 - np.bincount(groups.of_age, weights=pop * emigration, minlength=n_groups) / (
        np.bincount(groups.of_age, weights=pop, minlength=n_groups)
    )
    young = list(young_age_groups())
    if assumption == "zero":
        out[young] = 1.0 / leaves[young]
        return out
    from simulation.inputs.mortality_calibration import SURVIVAL_YEARS, survived_2026

    years = SURVIVAL_YEARS[1] - SURVIVAL_YEARS[0]
    observed = (frkm126_counts()[SURVIVAL_YEARS[1]].sum(axis=0) / survived_2026(rates)) ** (
        1 / years
    )
    out[young] = observed[young] / leaves[young]
    return out


def observed_migration(rates: DemographicRates) -> np.ndarray:
    """The 2021-2026 variant of :func:`young_migration` (a sensitivity row only)."""
    return young_migration(rates, "observed_2021_2026")


def continued_migration(path: CohortPath, window_start: int) -> tuple[np.ndarray, np.ndarray]:
    """Net immigration continued after the last published year, by municipality and age group.

    The mean of the alignment's net immigration over ``window_start`` .. the last published
    year, except at 65-79 and 80+: there the national residual is not migration (what is left
    of it is the calibrated mortality's miss, docs/validation.md), so only the municipalities'
    differences (moves of the old between municipalities) are continued, and nationally the
    projection has no emigration of these ages after the last published year (net migration of
    the old: zero, the projection's own assumption).

    Returns:
        The continued net immigration (98, groups), zero nationally at 65-79 and 80+, and the
        municipalities' shares of each age group in the last published year (98, groups), by
        which any modelled emigration of the old is replaced (none with the shipped rates).
    """
    first = window_start - int(path.years[0])
    mean = path.net_migration[first:].mean(axis=0)
    groups = age_groups()
    pop = group_sum(path.population[-1], groups.of_age, len(groups.names))
    share = pop / pop.sum(axis=0, keepdims=True)
    for g in old_age_groups():
        mean[:, g] -= share[:, g] * mean[:, g].sum()
    return mean, share


def old_age_groups() -> tuple[int, ...]:
    """The age groups whose targets between published years follow the cohorts (65+)."""
    names = age_groups().names
    return tuple(names.index(n) for n in ("65-79", "80+"))


def young_age_groups() -> tuple[int, ...]:
    """The age groups whose gap is closed by age at arrival between published years (6-19).

    Not 0-5: spread by the age at arrival, its gap lands on the 0-5 of the time and misses
    the held-out 2030 by -4.3% (linear: -0.9%, ``docs/validation.md``), so 0-5 is linear (a
    choice made by looking at 2030: 2030 is no longer an independent test).
    """
    names = age_groups().names
    return tuple(names.index(n) for n in ("6-16", "17-19"))


@data_cache
def project(
    mortality_improvement: float,
    fertility: float,
    migration_scale: float = 1.0,
    end_year: int = 2051,
    anchors: tuple[int, ...] | None = None,
) -> Projection:
    """The alignment targets from 2026 to ``end_year`` (1 January).

    Until the last published year (2040) the targets are :func:`aligned_path`: FRKM126 in the
    published years, and between them a cohort-component projection with the model's rates
    whose remaining difference to the next published year is spread along the birth cohorts
    at 65+ (:mod:`simulation.inputs.cohort_targets`, module docstring). Afterwards a
    cohort-component
    projection with the given rates (mortality with improvement, fertility, emigration, moves)
    continues net immigration at ``migration_scale`` times :func:`continued_migration`, and
    at 65-79 and 80+ has no emigration (zero from 64; national net migration of the
    old: zero). No 2050 figure enters the model.

    Args:
        mortality_improvement: yearly relative decline in death rates.
        fertility: long-run total fertility rate.
        migration_scale: multiplier on net immigration after the alignment end year (not on
            the old-age groups, whose net migration is zero).
        end_year: last year of the targets.
        anchors: the FRKM126 years aligned to (default all; see :func:`aligned_path`).
    """
    params = demography_parameters()
    window_start = int(params["continuation_window_start"])
    groups = age_groups()
    n_groups = len(groups.names)
    path = aligned_path(anchors)
    align_end = int(path.years[-1])
    years = np.arange(BASE_YEAR, end_year + 1)
    n = min(len(years), len(path.years))
    targets = np.zeros((len(years), path.population.shape[1], n_groups))
    targets[:n] = [group_sum(p, groups.of_age, n_groups) for p in path.population[:n]]
    net = np.zeros((len(years) - 1, *targets.shape[1:]))
    emigrants = np.zeros_like(net)
    net[: n - 1] = path.net_migration[: n - 1]
    emigrants[: n - 1] = path.emigration[: n - 1]

    r = natural_rates(mortality_improvement, fertility, rates_for(anchors))
    old = list(old_age_groups())
    late = r.emigration.copy()
    # after the last published year no emigration of those who are 65+ on the next 1 January
    # (their national net migration is zero: no emigrating and re-adding them as immigrants)
    next_age = np.minimum(np.arange(N_AGES) + 1, MAX_AGE)
    late[np.isin(groups.of_age[next_age], old)] = 0.0
    r_late = replace(r, emigration=late)
    cont, share = continued_migration(path, window_start)
    scale = np.full(n_groups, migration_scale)
    scale[old] = 1.0
    cont = cont * scale[None, :]
    pop = path.population[-1]
    for i in range(n - 1, len(years) - 1):
        year = int(years[i])
        assert year >= align_end
        pop, emig = natural_step(pop, year, r_late)
        current = group_sum(pop, groups.of_age, n_groups)
        emigrants[i] = group_sum(emig, groups.of_age, n_groups)
        goal = cont.copy()  # the old's emigrants are zero now; kept for other emigration rates
        goal[:, old] += share[:, old] * emigrants[i][:, old].sum(axis=0)
        net[i] = np.maximum(goal, -current)
        factor = np.divide(current + net[i], current, out=np.ones_like(current), where=current > 0)
        pop = pop * factor[:, None, :][:, :, groups.of_age]
        targets[i + 1] = group_sum(pop, groups.of_age, n_groups)
    return Projection(
        years=years,
        targets=targets,
        net_migration=net,
        emigration=r.emigration,
        emigrants=emigrants,
        anchors=tuple(int(y) for y in sorted(frkm126_counts()) if anchors is None or y in anchors),
        emigration_late=late,
    )
