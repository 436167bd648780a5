"""Demography of one year: deaths, emigration, moves, births, ageing and alignment.

Every municipality's age groups are aligned to the projection by immigration and extra
emigration.

All operations are vectorised over the citizen columns. The flows are counted per municipality
so that, exactly, population(next year) = population + births - deaths + moves in - moves out.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from simulation.population import CitizenSet
from simulation.projection import Projection, age_groups, base_population, move_destinations
from simulation.rates import MAX_AGE, N_AGES, base_rates, demography_parameters

__all__ = ["Flows", "DemographyStep", "group_shapes", "draw_from_cdf"]


@cache
def group_shapes() -> tuple[tuple[np.ndarray, np.ndarray], ...]:
    """Single ages and sexes within each FRKM126 age group, as drawn for new citizens.

    Returns:
        One ``(ages, cdf)`` per age group: the group's single ages (int16) and the cumulative
        distribution over ``sex * len(ages) + position of the age`` (HMD 2021 population aged
        to 2026, see :func:`simulation.projection.base_population`), normalised exactly as
        ``numpy.random.Generator.choice`` normalises ``p``.
    """
    groups = age_groups()
    shape = base_population().sum(axis=0)  # (sex, age), 1 January 2026
    out = []
    for i in range(len(groups.names)):
        ages = np.flatnonzero(groups.of_age == i).astype(np.int16)
        p = shape[:, ages].ravel()
        p = p / p.sum()
        cdf = p.cumsum()
        cdf /= cdf[-1]
        cdf.flags.writeable = False
        ages.flags.writeable = False
        out.append((ages, cdf))
    return tuple(out)


def draw_from_cdf(cdf: np.ndarray, size: int, rng: np.random.Generator) -> np.ndarray:
    """``rng.choice(len(cdf), size, p=p)`` for the ``cdf`` of ``p``: the same numbers, faster.

    ``Generator.choice`` with probabilities draws ``size`` uniforms and looks them up in the
    normalised cumulative distribution; doing it directly skips the checks of ``p`` on every
    call.
    """
    return cdf.searchsorted(rng.random(size), side="right")


@dataclass
class Flows:
    """One year's demographic flows by municipality (simulated citizens, not weighted)."""

    births: np.ndarray
    deaths: np.ndarray
    moves_in: np.ndarray
    moves_out: np.ndarray
    immigrants: np.ndarray


class DemographyStep:
    """The demography mechanism: holds the rates and applies one year to a citizen set.

    Args:
        projection: alignment targets (residents by year, municipality and age group).
        simulated: boolean mask over the 98 municipalities that are simulated.
        mortality_improvement: yearly relative decline in death rates.
        fertility: long-run total fertility rate.
    """

    def __init__(
        self,
        projection: Projection,
        simulated: np.ndarray,
        mortality_improvement: float,
        fertility: float,
    ) -> None:
        self.projection = projection
        self.simulated = simulated
        self.mortality_improvement = mortality_improvement
        self.fertility = fertility
        self.rates = base_rates()
        self.groups = age_groups()
        self.male_share = demography_parameters()["male_share_at_birth"]
        dest = move_destinations()
        n_mun = dest.shape[0]
        cum = np.cumsum(dest, axis=1)
        cum[:, -1] = 1.0
        self._cum_flat = (cum + np.arange(n_mun)[:, None]).ravel()
        self.n_mun = n_mun
        self._group_shape = group_shapes()
        self._q_cache: dict[int, np.ndarray] = {}

    def _count(self, municipality: np.ndarray) -> np.ndarray:
        return np.bincount(municipality, minlength=self.n_mun).astype(float)

    def step(self, citizens: CitizenSet, year: int, rng: np.random.Generator) -> Flows:
        """Apply the demography of ``year`` to ``citizens`` (in place).

        Survivors keep their rows and order; newborns and immigrants are appended after them,
        so the rows of citizens who lived on 1 January come first (the needs step relies on it).

        Args:
            citizens: the citizen set; on return it is the population of 1 January ``year + 1``.
            year: the calendar year being simulated.
            rng: the demography random stream.

        Returns:
            The year's flows by municipality in simulated citizens.
        """
        c = citizens
        n = len(c)
        n_groups = len(self.groups.names)
        n_mun = self.n_mun
        age = np.minimum(c.age, MAX_AGE).astype(np.intp)  # intp: fast table look-ups
        sex = c.sex
        sex_age = sex * np.intp(N_AGES) + age
        mun = c.municipality
        u = rng.random((5, n), dtype=np.float32)

        dies = u[0] < self._q(year).take(sex_age)
        emigrates = u[1] < self.projection.emigration.take(age)
        emigrates &= ~dies
        stays = ~(dies | emigrates)
        moving = u[2] < self.rates.internal_move.take(age)
        moving &= stays

        deaths = self._count(mun[dies])
        moves_out = self._count(mun[emigrates])
        movers = np.flatnonzero(moving)
        origin = mun[movers].astype(np.int64)
        dest = np.searchsorted(self._cum_flat, origin + u[3][movers], side="right") - origin * n_mun
        dest = np.clip(dest, 0, n_mun - 1)
        moves_out += self._count(origin)
        inside = self.simulated[dest]
        moves_in = self._count(dest[inside])
        new_mun = mun.copy()
        new_mun[movers[inside]] = dest[inside]
        survive = stays
        survive[movers[~inside]] = False

        mothers = u[4] < self.rates.asfr(year, self.fertility).take(age)
        mothers &= sex == 1
        mothers &= survive
        birth_mun = new_mun[mothers]
        n_births = len(birth_mun)
        births = self._count(birth_mun)

        # alignment to 1 January of next year, on the survivors (aged) plus the newborns
        next_age = np.minimum(age + 1, MAX_AGE)
        cell = new_mun * np.int64(n_groups) + self.groups.of_age.take(next_age)
        n_cells = n_mun * n_groups
        have = np.bincount(cell[survive], minlength=n_cells)
        count = have + np.bincount(birth_mun * np.int64(n_groups), minlength=n_cells)
        target = np.rint(self.projection.target(year + 1) / c.weight)
        target[~self.simulated] = 0
        diff = target.ravel().astype(np.int64) - count

        leave = self._choose_leavers(cell, survive, have, np.maximum(-diff, 0), rng)
        extra_out = self._count(new_mun[leave])
        survive &= ~leave
        add_k = np.maximum(diff, 0)
        imm_mun, imm_age, imm_sex = self._immigrants(add_k, rng)
        immigrants = self._count(imm_mun)

        c.columns["municipality"] = new_mun
        c.columns["age"] = next_age.astype(np.int16)
        new: dict[str, np.ndarray] = {}
        k = n_births + len(imm_mun)
        if k:
            new = {
                "municipality": np.concatenate([birth_mun, imm_mun]),
                "age": np.concatenate([np.zeros(n_births, np.int16), imm_age]),
                "sex": np.concatenate(
                    [(rng.random(n_births) >= self.male_share).astype(np.int8), imm_sex]
                ),
                "born": np.concatenate(
                    [np.full(n_births, year, np.int16), (year - imm_age).astype(np.int16)]
                ),
                "arrived": np.concatenate(
                    [np.full(n_births, -1, np.int16), np.full(len(imm_mun), year, np.int16)]
                ),
            }
        c.renew(survive, **new)
        return Flows(births, deaths, moves_in + immigrants, moves_out + extra_out, immigrants)

    def _q(self, year: int) -> np.ndarray:
        """Death probabilities of ``year``, flat over ``sex * N_AGES + age`` (cached per year)."""
        q = self._q_cache.get(year)
        if q is None:
            q = self._q_cache[year] = self.rates.q(year, self.mortality_improvement).ravel()
        return q

    def _choose_leavers(
        self,
        cell: np.ndarray,
        survive: np.ndarray,
        have: np.ndarray,
        remove_k: np.ndarray,
        rng: np.random.Generator,
    ) -> np.ndarray:
        """Pick exactly ``remove_k[cell]`` random survivors in each cell (extra emigration).

        Candidates are drawn with a little more than the needed probability in each cell, and
        only they are sorted (by cell, then at random); the first ``remove_k`` of each cell
        leave. A cell that drew too few candidates offers all its residents.
        """
        leave = np.zeros(len(cell), dtype=bool)
        if not remove_k.any():
            return leave
        p = np.divide(1.5 * remove_k + 3.0, have, out=np.zeros(len(remove_k)), where=have > 0)
        p[remove_k == 0] = 0.0
        u = rng.random(len(cell), dtype=np.float32)
        candidate = survive & (u < p[cell])
        drawn = np.bincount(cell[candidate], minlength=len(remove_k))
        short = drawn < remove_k
        if short.any():
            candidate |= survive & short[cell]
        sub = np.flatnonzero(candidate)
        key = (cell[sub].astype(np.int64) << 32) | (u[sub] * 2**32).astype(np.int64)
        order = sub[np.argsort(key)]
        sorted_cell = cell[order]
        first = np.searchsorted(sorted_cell, sorted_cell, side="left")
        rank = np.arange(len(order)) - first
        leave[order[rank < remove_k[sorted_cell]]] = True
        return leave

    def _immigrants(
        self, add_k: np.ndarray, rng: np.random.Generator
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Immigrants per cell, with ages and sexes drawn from the 2026 distribution of the group.

        The national distribution of single ages and sexes within each FRKM126 age group (the
        one the base population is drawn from) is used for every municipality and year: copying
        residents instead would carry any imbalance of a cell forward and make it grow.
        """
        n_groups = len(self.groups.names)
        empty16 = np.empty(0, np.int16)
        if not add_k.any():
            return empty16, empty16, np.empty(0, np.int8)
        cells = np.repeat(np.arange(len(add_k)), add_k)
        g = cells % n_groups
        age = np.zeros(len(cells), np.int16)
        sx = np.zeros(len(cells), np.int8)
        for k in range(n_groups):
            rows = np.flatnonzero(g == k)
            if not len(rows):
                continue
            ages, cdf = self._group_shape[k]
            pick = draw_from_cdf(cdf, len(rows), rng)
            sx[rows] = pick // len(ages)
            age[rows] = ages[pick % len(ages)]
        return (cells // n_groups).astype(np.int16), age, sx
