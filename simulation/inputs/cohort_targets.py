"""Alignment targets between the published years that follow the birth cohorts.

FRKM126 is published for 2026, 2030 and 2040 only. Between two published years ``y0`` and ``y1``
the population is projected year by year with the model's own rates (mortality, emigration,
moves between municipalities, fertility: :func:`natural_step`), and the difference that remains
to the next published year is closed a little each year:

1. From the population of 1 January ``y`` (already aligned), one natural step gives ``y + 1``;
   continuing without further correction to ``y1`` gives each municipality's and age group's
   projected count ``P(y1)``, and the remaining gap ``R = FRKM126(y1) / P(y1)``. At 6-16 and
   17-19 each step also holds zero net migration, the modelled emigration replaced
   (``migration``: :func:`simulation.inputs.projection.young_migration`), so that only the
   remaining gap is spread; at the linear groups it makes no difference, at 65+ it is zero.
2. An even share of it, ``R ** (1 / (y1 - y))``, is applied in the step to ``y + 1``, to:

   * **65-79 and 80+: the cohorts.** Each resident gets the share of the gap of the age group
     their cohort will be in at ``y1`` (single age ``a`` on 1 January ``y + 1`` is in the group
     of ``a + y1 - (y + 1)`` then). So the 80+ of 2030 are the survivors of the 76-79 and 80+ of
     2026, and the large cohorts of the 1940s bring their size across 80 with them; with the
     calibrated mortality (``data/mortality_bands.csv``) the gap of the old is close to zero
     and the targets are the cohorts' own survival.
   * **6-16 and 17-19: the age at arrival.** The residents of the age group at the time get
     its share: the change of school children's and teenagers' numbers is the migration of
     families and students, which happens at an age, not to a cohort.
   * **0-5, 20-34 and 35-64: linear interpolation** of FRKM126's counts, as before. 20-64
     change by migration, for which the data hold no age profile; 0-5 by births and the
     migration of families. In the held-out check (``docs/validation.md``) the straight line
     did better for them than either spreading (0-5 by the age at arrival: -4.3% in 2030,
     linear -0.9%; a choice made by looking at 2030, so 2030 is no longer an independent test).

   In ``y1`` any remainder is scaled away: the published years are met exactly.

The alignment's net immigration of each year (its residual) is the difference the correction
makes, by municipality and age group. The held-out check, the methods compared and the residuals
are in ``docs/validation.md``; the method is described in ``docs/ODD.md`` (7.1).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulation.constants import MAX_AGE, N_AGES
from simulation.inputs.rates import DemographicRates

__all__ = ["NaturalRates", "natural_step", "CohortPath", "cohort_path", "group_sum"]


@dataclass(frozen=True)
class NaturalRates:
    """The rates of the natural step (everything but the alignment).

    Attributes:
        rates: the base rates.
        mortality_improvement: yearly relative decline in death rates (before the band offsets).
        fertility: long-run total fertility rate.
        emigration: emigration probability by single age (N_AGES,).
        destinations: destination probabilities of moves between municipalities (98, 98).
        male_share: share of boys at birth.
    """

    rates: DemographicRates
    mortality_improvement: float
    fertility: float
    emigration: np.ndarray
    destinations: np.ndarray
    male_share: float


def natural_step(pop: np.ndarray, year: int, r: NaturalRates) -> tuple[np.ndarray, np.ndarray]:
    """One year of deaths, emigration, moves, births and ageing, without the alignment.

    The same order and rates as the microsimulation (:mod:`simulation.year.demography`), in
    expected numbers.

    Args:
        pop: residents on 1 January ``year`` by municipality, sex and single age.
        year: the year of the flows.
        r: the rates.

    Returns:
        The residents on 1 January ``year + 1`` before the alignment, and the year's emigrants
        by municipality, sex and the single age they would have on 1 January ``year + 1``.
    """
    pop = pop * (1.0 - r.rates.q(year, r.mortality_improvement))[None]
    emigrants = pop * r.emigration[None, None, :]
    pop = pop - emigrants
    movers = pop * r.rates.internal_move[None, None, :]
    arriving = np.einsum("ij,isa->jsa", r.destinations, movers)
    pop = pop - movers + arriving
    births = pop[:, 1, :] @ r.rates.asfr(year, r.fertility)
    return _aged(pop, births, r.male_share), _aged(emigrants, None, r.male_share)


def _aged(pop: np.ndarray, births: np.ndarray | None, male_share: float) -> np.ndarray:
    aged = np.zeros_like(pop)
    aged[:, :, 1:] = pop[:, :, :-1]
    aged[:, :, MAX_AGE] += pop[:, :, MAX_AGE]
    if births is not None:
        aged[:, 0, 0] = births * male_share
        aged[:, 1, 0] = births * (1 - male_share)
    return aged


def group_sum(pop: np.ndarray, of_age: np.ndarray, n_groups: int) -> np.ndarray:
    """Residents by municipality and age group from residents by municipality, sex and age."""
    return pop.sum(axis=1) @ np.eye(n_groups)[of_age]


@dataclass(frozen=True)
class CohortPath:
    """The projected population between published years, aligned along the cohorts.

    Attributes:
        years: 1 January of each row of ``population`` (the first anchor .. the last).
        population: residents by year, municipality, sex and single age.
        net_migration: the alignment's net immigration by year of the flow, municipality and
            age group on the next 1 January (years - 1, 98, groups).
        emigration: the modelled emigration, the same way (years - 1, 98, groups).
    """

    years: np.ndarray
    population: np.ndarray
    net_migration: np.ndarray
    emigration: np.ndarray


def cohort_path(
    start: np.ndarray,
    anchors: dict[int, np.ndarray],
    r: NaturalRates,
    of_age: np.ndarray,
    by_cohort: tuple[int, ...],
    by_age: tuple[int, ...] = (),
    migration: np.ndarray | None = None,
) -> CohortPath:
    """Project ``start`` through the ``anchors`` (module docstring).

    Args:
        start: residents on 1 January of the first anchor year by municipality, sex and age.
        anchors: target residents by municipality and age group, by year; the first year is
            the start.
        r: the rates of the natural step.
        of_age: age group of every single age.
        by_cohort: the age groups whose gap is spread along the cohorts (module docstring).
        by_age: the age groups whose gap is spread by the age at arrival; the others are
            interpolated linearly between the published years.
        migration: the yearly factor of net migration by age group (on the next 1 January)
            applied after each natural step, before the gap is measured and spread (default:
            none, 1). It is counted in ``net_migration`` with the alignment's correction.
    """
    years = sorted(anchors)
    n_groups = int(of_age.max()) + 1
    onehot = np.eye(n_groups)[of_age]
    ages = np.arange(N_AGES)
    linear = np.ones(n_groups, dtype=bool)
    linear[list(by_cohort) + list(by_age)] = False
    at_arrival = np.zeros(n_groups, dtype=bool)
    at_arrival[list(by_age)] = True
    moving = np.ones(n_groups) if migration is None else np.asarray(migration, dtype=float)
    moving_age = moving[of_age][None, None, :]
    pops = [start]
    nets: list[np.ndarray] = []
    emigs: list[np.ndarray] = []

    def fix_linear(pop: np.ndarray, year: int, y0: int, y1: int) -> np.ndarray:
        w = (year - y0) / (y1 - y0)
        goal = (1 - w) * anchors[y0] + w * anchors[y1]
        got = pop.sum(axis=1) @ onehot
        factor = np.divide(goal, got, out=np.ones_like(goal), where=got > 0)
        factor[:, ~linear] = 1.0
        return pop * factor[:, None, :][:, :, of_age]

    for y0, y1 in zip(years[:-1], years[1:], strict=True):
        goal = anchors[y1]
        pop = pops[-1]
        for year in range(y0, y1):
            natural, emigrants = natural_step(pop, year, r)
            before = natural.sum(axis=1) @ onehot
            natural = natural * moving_age
            ahead = fix_linear(natural, year + 1, y0, y1)
            for later in range(year + 1, y1):  # no cohort correction any more
                step = natural_step(ahead, later, r)[0] * moving_age
                ahead = fix_linear(step, later + 1, y0, y1)
            got = ahead.sum(axis=1) @ onehot
            gap = np.divide(goal, got, out=np.ones_like(goal), where=got > 0)
            gap = gap ** (1.0 / (y1 - year))  # an even share of the remaining years
            gap_now = np.where(at_arrival[None, :], gap, 1.0)  # by the group at the time
            gap[:, at_arrival] = 1.0
            factor = gap[:, of_age[np.minimum(ages + (y1 - (year + 1)), MAX_AGE)]]
            factor = factor * gap_now[:, of_age]
            pop = fix_linear(natural * factor[:, None, :], year + 1, y0, y1)
            if year + 1 == y1:  # the published year, exactly
                got = pop.sum(axis=1) @ onehot
                exact = np.divide(goal, got, out=np.ones_like(goal), where=got > 0)
                pop = pop * exact[:, None, :][:, :, of_age]
            pops.append(pop)
            nets.append(pop.sum(axis=1) @ onehot - before)
            emigs.append(emigrants.sum(axis=1) @ onehot)
    return CohortPath(
        years=np.arange(years[0], years[-1] + 1),
        population=np.stack(pops),
        net_migration=np.stack(nets),
        emigration=np.stack(emigs),
    )
