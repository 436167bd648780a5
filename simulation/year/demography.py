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

from simulation.actors.citizens import CitizenSet
from simulation.constants import MAX_AGE, N_AGES
from simulation.inputs.data import active_overrides, data_cache
from simulation.inputs.projection import Projection, age_groups, base_population, move_destinations
from simulation.inputs.rates import base_rates, demography_parameters
from simulation.year.random_bits import random_bits

__all__ = ["Flows", "YearChange", "DemographyStep", "RowSampler", "group_shapes", "draw_from_cdf"]


@cache
def group_shapes() -> tuple[tuple[np.ndarray, np.ndarray], ...]:
    """Single ages and sexes within each FRKM126 age group, as drawn for new citizens.

    Returns:
        One ``(ages, cdf)`` per age group: the group's single ages (int16) and the cumulative
        distribution over ``sex * len(ages) + position of the age`` (HMD 2021 population aged
        to 2026, see :func:`simulation.inputs.projection.base_population`), normalised exactly as
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


@dataclass
class YearChange:
    """One year's demographic change of a citizen set, as drawn by :meth:`DemographyStep.change`.

    Attributes:
        leaving: rows of the citizens who die, emigrate or move out of the simulated area.
        movers: rows of the citizens who move to another simulated municipality.
        destinations: their new municipalities (row numbers of the 98).
        new: columns of the newborns and immigrants, appended after the survivors.
        flows: the year's flows by municipality.
    """

    leaving: np.ndarray
    movers: np.ndarray
    destinations: np.ndarray
    new: dict[str, np.ndarray]
    flows: Flows

    def apply(self, citizens: CitizenSet) -> None:
        """Make the change: move and age everyone, then drop the leavers and append the new.

        Survivors keep their rows and order; newborns and immigrants are appended after them,
        so the rows of citizens who lived on 1 January come first (the needs step relies on it).
        The change's own arrays are only read, so one change can be applied to several copies
        of the same citizens.
        """
        c = citizens
        new_mun = c.municipality.copy()
        new_mun[self.movers] = self.destinations
        next_age = c.age + np.int16(1)
        np.minimum(next_age, MAX_AGE, out=next_age)
        c.columns["municipality"] = new_mun
        c.columns["age"] = next_age
        stay = np.ones(len(c), dtype=bool)
        stay[self.leaving] = False
        c.renew(stay, **self.new)


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
        self._destination = _move_sampler()
        n_mun = move_destinations().shape[0]
        self.n_mun = n_mun
        # shared by all steps with the same rates (runs that differ only in the seed)
        late = projection.emigration_late
        key = (
            mortality_improvement,
            fertility,
            projection.emigration.tobytes(),
            active_overrides(),
            None if late is None else late.tobytes(),
            projection.anchors[-1:] if late is not None else (),
        )
        self._threshold_cache = _shared_thresholds(key)
        n_groups = len(self.groups.names)
        self._n_groups = n_groups
        self._gone = n_mun * n_groups  # the cell of those who leave: one past the last cell
        # age group after ageing, by sex * N_AGES + age
        next_age = np.minimum(np.arange(N_AGES) + 1, MAX_AGE)
        self._next_group = np.tile(self.groups.of_age[next_age], 2).astype(np.intp)
        self._shape, self._shape_age, self._shape_sex = _shape_sampler()

    def _count(self, municipality: np.ndarray) -> np.ndarray:
        return np.bincount(municipality, minlength=self.n_mun).astype(float)

    def step(self, citizens: CitizenSet, year: int, rng: np.random.Generator) -> Flows:
        """Apply the demography of ``year`` to ``citizens`` (in place): :meth:`change`, applied.

        Args:
            citizens: the citizen set; on return it is the population of 1 January ``year + 1``.
            year: the calendar year being simulated.
            rng: the demography random stream.

        Returns:
            The year's flows by municipality in simulated citizens.
        """
        change = self.change(citizens, year, rng)
        change.apply(citizens)
        return change.flows

    def change(self, citizens: CitizenSet, year: int, rng: np.random.Generator) -> YearChange:
        """Draw the demography of ``year`` for ``citizens`` (left unchanged).

        Death, emigration, a move and a birth are decided by one 32-bit uniform per citizen,
        cut at the cumulative thresholds of :meth:`_thresholds` (its low 16 bits are drawn only
        where the high ones leave an event possible); only the few citizens below the top
        threshold (an event happens) are looked at further. Each citizen's alignment cell
        (municipality after the move, age group after ageing) is kept in one array, with
        ``_gone`` for those who leave, so that the cell counts are one ``bincount``. The moves'
        destinations and the immigrants' ages are inverse-CDF draws through guide tables
        (:class:`RowSampler`).

        The change reads only the citizens' municipality, sex and age, and draws only from
        ``rng``.

        Args:
            citizens: the citizen set on 1 January ``year``.
            year: the calendar year being simulated.
            rng: the demography random stream.

        Returns:
            The year's change, which :meth:`YearChange.apply` makes to the citizens.
        """
        c = citizens
        n = len(c)
        n_groups = self._n_groups
        gone = self._gone
        mun = c.municipality
        sex_age = c.sex * np.int16(N_AGES)  # int16 until the one conversion to intp
        sex_age += np.minimum(c.age, MAX_AGE) if n and c.age.max() > MAX_AGE else c.age
        sex_age = sex_age.astype(np.intp)  # intp: fast table look-ups
        cum, top, top_high = self._thresholds(year)

        # the event uniform is u = high * 2**16 + low, with the low half drawn only where the
        # high half leaves an event possible (high <= top // 2**16, a few per cent of rows)
        high = random_bits(rng, n, np.uint16)
        maybe = np.flatnonzero(high <= top_high.take(sex_age))
        u_maybe = high[maybe].astype(np.int64) << 16
        u_maybe |= random_bits(rng, len(maybe), np.uint16)
        sa_maybe = sex_age[maybe]
        happens = u_maybe <= top.take(sa_maybe)
        event = maybe[happens]
        u_event = u_maybe[happens]
        sa_event = sa_maybe[happens]
        outcome = (u_event >= cum[0].take(sa_event)).view(np.int8)
        for j in range(1, len(cum)):
            outcome += u_event >= cum[j].take(sa_event)
        dead = event[outcome == _DIES]
        emigrants = event[outcome == _EMIGRATES]
        movers = event[(outcome == _MOVES_MOTHER) | (outcome == _MOVES)]

        # cell of every citizen on 1 January next year; ``gone`` for those who leave
        cell = self._next_group.take(sex_age)
        cell += mun * np.int16(n_groups)
        deaths = self._count(mun[dead])
        moves_out = self._count(mun[emigrants])
        origin = mun[movers].astype(np.intp)
        dest = self._destination.draw(origin, rng.random(len(movers)))
        moves_out += self._count(origin)
        inside = self.simulated[dest]
        movers_in = movers[inside]
        dest_in = dest[inside]
        moves_in = self._count(dest_in)
        cell[movers_in] = dest_in * n_groups + self._next_group.take(sex_age[movers_in])
        cell[dead] = gone
        cell[emigrants] = gone
        cell[movers[~inside]] = gone

        mothers = event[(outcome == _MOVES_MOTHER) | (outcome == _MOTHER)]
        birth_cell = cell[mothers]
        birth_mun = birth_cell[birth_cell != gone] // n_groups  # survivors only
        n_births = len(birth_mun)
        births = self._count(birth_mun)

        # alignment to 1 January of next year, on the survivors (aged) plus the newborns
        have = np.bincount(cell, minlength=gone + 1)[:gone]
        count = have + np.bincount(birth_mun * n_groups, minlength=gone)
        target = np.rint(self.projection.target(year + 1) / c.weight)
        target[~self.simulated] = 0
        diff = target.ravel().astype(np.int64) - count

        leavers = self._choose_leavers(cell, have, np.maximum(-diff, 0), rng)
        extra_out = self._count(cell[leavers] // n_groups)
        cell[leavers] = gone
        imm_mun, imm_age, imm_sex = self._immigrants(np.maximum(diff, 0), rng)
        immigrants = self._count(imm_mun)

        new: dict[str, np.ndarray] = {}
        if n_births + len(imm_mun):
            new = {
                "municipality": np.concatenate([birth_mun.astype(np.int16), imm_mun]),
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
        flows = Flows(births, deaths, moves_in + immigrants, moves_out + extra_out, immigrants)
        return YearChange(np.flatnonzero(cell == gone), movers_in, dest_in, new, flows)

    def _thresholds(self, year: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Cumulative event thresholds of ``year`` for a 32-bit uniform, by ``sex * N_AGES + age``.

        The unit interval is cut, in this order, into: dies; emigrates; moves and gives birth;
        moves; stays and gives birth; stays. Emigration is conditional on surviving, a move on
        neither dying nor emigrating, and a birth (women only) is independent of the move, so
        these are the probabilities of successive conditional draws. A uniform ``u`` on
        ``0 .. 2**32 - 1`` falls in piece ``j`` when ``cum[j - 1] <= u < cum[j]``.

        Computed for all the years of the projection on the first call, and cached (also for
        later steps with the same rates, see :func:`_shared_thresholds`).

        Returns:
            ``cum``, shape (4, 2 * N_AGES), int64: the first four cut points times ``2**32``
            (rounded up); ``top``: the last cut point minus one, so that an event happens when
            ``u <= top``; and ``top // 2**16`` (uint16 when it fits, which makes the full-length
            test on the high half of ``u`` fast).
        """
        cached = self._threshold_cache.get(year)
        if cached is not None:
            return cached
        # all the years of the projection at once (one year if outside it)
        first, last = int(self.projection.years[0]), int(self.projection.years[-1])
        years = list(range(first, last)) if first <= year < last else [year]
        q = np.stack([self.rates.q(y, self.mortality_improvement).ravel() for y in years])
        fertility = np.zeros_like(q)
        fertility[:, N_AGES:] = [self.rates.asfr(y, self.fertility) for y in years]
        np.minimum(fertility, 1.0, out=fertility)
        emigrate = np.stack([np.tile(self.projection.emigration_in(y), 2) for y in years])
        move = np.tile(self.rates.internal_move, 2)
        p_emigrate = (1.0 - q) * emigrate
        p_move = (1.0 - q - p_emigrate) * move
        p_stay = 1.0 - q - p_emigrate - p_move
        cut2 = q + p_emigrate
        cut4 = cut2 + p_move
        cuts = np.stack([q, cut2, cut2 + p_move * fertility, cut4, cut4 + p_stay * fertility])
        cuts = np.maximum.accumulate(np.clip(cuts, 0.0, 1.0), axis=0)  # (cut, year, sex_age)
        scaled = np.ceil(cuts * 2.0**32).astype(np.int64)
        top = scaled[-1] - 1
        top_high = top >> 16
        top_high = top_high.astype(np.uint16 if top_high.min() >= 0 else np.int32)
        for i, y in enumerate(years):
            tables = np.ascontiguousarray(scaled[:-1, i]), top[i], top_high[i]
            for table in tables:
                table.flags.writeable = False
            self._threshold_cache[y] = tables
        return self._threshold_cache[year]

    def _choose_leavers(
        self,
        cell: np.ndarray,
        have: np.ndarray,
        remove_k: np.ndarray,
        rng: np.random.Generator,
    ) -> np.ndarray:
        """Pick exactly ``remove_k[cell]`` random survivors in each cell (extra emigration).

        Candidates are drawn with a little more than the needed probability in each cell (so
        that a cell rarely draws too few), and only they are sorted (by cell, then at random);
        the first ``remove_k`` of each cell leave. A cell that drew too few candidates offers all
        its residents.

        Args:
            cell: each citizen's cell, ``_gone`` for those who leave anyway.
            have: survivors per cell.
            remove_k: citizens to remove per cell.
            rng: the demography random stream.

        Returns:
            The rows of the leavers, grouped by cell.
        """
        if not remove_k.any():
            return np.empty(0, np.intp)
        expected = remove_k + 3.0 * np.sqrt(remove_k) + 6.0  # about 3 sd above remove_k
        p = np.divide(expected, have, out=np.zeros(len(remove_k)), where=have > 0)
        p[remove_k == 0] = 0.0
        # u < threshold with u uniform on 0 .. 2**16 - 1 (the candidates only need about the
        # right number); the gone cell never draws candidates
        threshold = np.zeros(len(remove_k) + 1, np.uint16)
        threshold[:-1] = np.minimum(np.ceil(p * 2.0**16), 2.0**16 - 1)
        candidate = random_bits(rng, len(cell), np.uint16) < threshold.take(cell)
        sub = np.flatnonzero(candidate)
        drawn = np.bincount(cell[sub], minlength=len(remove_k))
        short = (drawn < remove_k) & (drawn < have)
        if short.any():
            candidate |= np.append(short, False).take(cell)
            sub = np.flatnonzero(candidate)
            drawn = np.bincount(cell[sub], minlength=len(remove_k))
        # sort the candidates by cell, then at random: one int64 key holds the cell, random
        # bits and the candidate's position (which also breaks the rare ties)
        n_sub = len(sub)
        pos_bits = max(n_sub - 1, 1).bit_length()
        low_bits = 63 - len(remove_k).bit_length()  # below the cell
        n_random = low_bits - pos_bits
        key = cell[sub].astype(np.int64) << low_bits
        key |= (rng.bit_generator.random_raw(n_sub) >> np.uint64(64 - n_random)).view(
            np.int64
        ) << pos_bits
        key |= np.arange(n_sub)
        key.sort()
        order = key & ((1 << pos_bits) - 1)
        sorted_cell = key >> low_bits
        rank = np.arange(n_sub) - (np.cumsum(drawn) - drawn).take(sorted_cell)
        return sub[order[rank < remove_k.take(sorted_cell)]]

    def _immigrants(
        self, add_k: np.ndarray, rng: np.random.Generator
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Immigrants per cell, with ages and sexes drawn from the 2026 distribution of the group.

        The national distribution of single ages and sexes within each FRKM126 age group (the
        one the base population is drawn from) is used for every municipality and year: copying
        residents instead would carry any imbalance of a cell forward and make it grow. Each
        immigrant gets ``draw_from_cdf`` of their group's distribution, all groups at once.
        """
        n_groups = self._n_groups
        empty16 = np.empty(0, np.int16)
        if not add_k.any():
            return empty16, empty16, np.empty(0, np.int8)
        cells = np.repeat(np.arange(len(add_k)), add_k)
        group = cells % n_groups
        pick = self._shape.draw(group, rng.random(len(cells)))
        pick += group * self._shape.width
        return (
            (cells // n_groups).astype(np.int16),
            self._shape_age.take(pick),
            self._shape_sex.take(pick),
        )


_DIES, _EMIGRATES, _MOVES_MOTHER, _MOVES, _MOTHER = range(5)
"""Outcomes of the yearly event uniform, in the order of :meth:`DemographyStep._thresholds`."""


_THRESHOLDS: dict[tuple, dict[int, tuple[np.ndarray, ...]]] = {}


def _shared_thresholds(key: tuple) -> dict[int, tuple[np.ndarray, ...]]:
    """The cache of :meth:`DemographyStep._thresholds` for the rates identified by ``key``.

    ``key`` holds what the thresholds depend on besides the base rates (mortality improvement,
    fertility, the emigration rates, and the data replacements active, which may change the base
    rates: internal moves, the year fertility reaches its long-run level). At most 16 keys are
    kept.
    """
    cache = _THRESHOLDS.get(key)
    if cache is None:
        if len(_THRESHOLDS) >= 16:
            _THRESHOLDS.pop(next(iter(_THRESHOLDS)))
        cache = _THRESHOLDS[key] = {}
    return cache


class RowSampler:
    """Inverse-CDF draws from one of several discrete distributions, through guide tables.

    ``draw(row, u)`` is ``cdfs[row].searchsorted(u, side="right")`` for every element, as
    :func:`draw_from_cdf` uses it, but without a binary search: a guide table per row gives,
    for each of ``bins`` equal slices of the unit interval, the answer at the start of the
    slice, and a few vectorised steps move each draw forward past the entries not above ``u``.
    ``bins`` is a power of two so that ``u * bins`` is exact.

    Args:
        cdfs: one non-decreasing cumulative distribution per row, each ending at 1.
        bins: guide slices per row.
    """

    def __init__(self, cdfs: list[np.ndarray], bins: int = 512) -> None:
        width = max(len(cdf) for cdf in cdfs) + 1
        if width > np.iinfo(np.int16).max:
            raise ValueError("distributions of more than 32766 entries")
        cum = np.full((len(cdfs), width), np.inf)
        grid = np.arange(bins) / bins
        # int16 positions within the row: a small table stays in cache
        guide = np.empty((len(cdfs), bins), np.int16)
        for r, cdf in enumerate(cdfs):
            cum[r, : len(cdf)] = cdf
            guide[r] = np.searchsorted(cdf, grid, side="right")
        self.width = width
        self.bins = bins
        self._cum = cum.ravel()
        self._guide = guide.ravel()

    def draw(self, row: np.ndarray, u: np.ndarray) -> np.ndarray:
        """Entry of ``row``'s distribution for uniforms ``u`` in [0, 1), elementwise.

        Args:
            row: the distribution of each draw (intp).
            u: one uniform per draw (float64).

        Returns:
            The number of entries of the row's cdf that are ``<= u`` (intp).
        """
        slot = (u * self.bins).astype(np.intp)
        slot += row * self.bins
        start = row * self.width
        pos = self._guide.take(slot) + start
        behind = np.flatnonzero(self._cum.take(pos) <= u)
        while len(behind):  # rarely more than a few steps, each on fewer draws
            pos[behind] += 1
            behind = behind[self._cum.take(pos[behind]) <= u[behind]]
        pos -= start
        return pos


@data_cache
def _move_sampler() -> RowSampler:
    """Destinations of moves by municipality of origin (cached: the table is fixed)."""
    cum = np.cumsum(move_destinations(), axis=1)
    cum[:, -1] = 1.0
    return RowSampler(list(np.maximum.accumulate(cum, axis=1)))


@cache
def _shape_sampler() -> tuple[RowSampler, np.ndarray, np.ndarray]:
    """Single age and sex within each age group, as :func:`group_shapes` (cached).

    Returns:
        The sampler, and the age (int16) and sex (int8) of entry ``j`` of group ``g``'s
        distribution at ``g * sampler.width + j``.
    """
    shapes = group_shapes()
    sampler = RowSampler([cdf for _, cdf in shapes])
    width = sampler.width
    age = np.zeros(len(shapes) * width, np.int16)
    sex = np.zeros(len(shapes) * width, np.int8)
    for g, (ages, _) in enumerate(shapes):
        at = g * width + np.arange(2 * len(ages))
        age[at] = np.tile(ages, 2)
        sex[at] = np.repeat(np.arange(2, dtype=np.int8), len(ages))
    age.flags.writeable = sex.flags.writeable = False  # shared by every model of the process
    return sampler, age, sex
