"""Need dynamics per welfare area: prevalence, incidence and remission by age and sex.

Each area has one or more exclusive need levels (0 = no need). Each year a citizen in level ``l``
leaves it with probability ``remission``; then, from the highest level down, a citizen below level
``l`` enters it with the age- and sex-specific ``incidence``. Incidence is derived from the
prevalence profile in ``data/need_prevalence.csv`` so that, without initiatives, the age profile
of prevalence is stationary (a cohort moving from age ``a`` to ``a + 1`` reaches the prevalence
of age ``a + 1``); demand therefore grows with the age structure, as in KL's and the PSSRU
model's demographic projections. Levels with ``entry = immigration`` (integration) are entered
at immigration instead.

Initiatives act on these probabilities, never by decree: the yearly step takes per-citizen
multipliers on incidence and remission (:class:`Modifiers`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from simulation.constants import AREAS, MAX_AGE, N_AGES
from simulation.inputs.data import data_cache, read_table
from simulation.inputs.rates import base_rates

__all__ = [
    "NeedLevel",
    "NeedModel",
    "Modifiers",
    "YearTables",
    "need_model",
]

_SEXES = {"male": (0,), "female": (1,), "all": (0, 1)}
_TO_UNIT = 2.0**-32  # a 32-bit random integer x stands for the uniform x / 2**32 in [0, 1)
_YEAR_CACHE_SIZE = 64  # years' tables kept (a run uses 25; sweeps vary shift and trend)


@dataclass(frozen=True)
class NeedLevel:
    """One need level of one area (see ``data/need_levels.csv``)."""

    area: str
    level: int
    name: str
    remission: float
    entry: str
    entry_probability: float
    prevalence: np.ndarray  # (2, N_AGES), 1 January 2026
    reference_caseload: float | None
    expected_caseload: float  # person-years in 2026 (the calibration's caseload)


@dataclass
class Modifiers:
    """Multipliers on the need probabilities of the (citizen, area) pairs initiatives reach.

    Sparse: only the reached pairs are listed, each as ``row * len(AREAS) + area_index`` with
    ``row`` the citizen's row among the residents of 1 January (sorted, distinct); every other
    pair has the multiplier 1.

    Attributes:
        incidence_pairs: the pairs whose probability of entering a level changes.
        incidence: their multipliers on it.
        remission_pairs: the pairs whose probability of leaving a level changes.
        remission: their multipliers on it.
    """

    incidence_pairs: np.ndarray
    incidence: np.ndarray
    remission_pairs: np.ndarray
    remission: np.ndarray


@dataclass(frozen=True)
class YearTables:
    """One year's need transitions of every area as lookup tables over cells.

    A cell is ``area_index * 2 * N_AGES + sex * N_AGES + age``, with the age reached during
    the year (on 1 January of the next); its transitions are those of ``age - 1`` (age 0: 0)
    on 1 January.

    Attributes:
        may_enter: (2 * N_AGES, areas) uint32; a citizen in no level whose 32-bit uniform
            ``x`` exceeds this bound enters no level this year.
        change: (levels + 1, cells) uint32; likewise for leaving level ``l`` (row 0: entering
            any level).
        reach: (levels, cells); probability that a citizen in no level ends the year in level
            ``l + 1`` or higher (the successive draws from the highest level down).
        incidence: (levels, cells); incidence of level ``l + 1`` (0 where there is none).
        remission: (levels + 1, cells); remission from level ``l`` (row 0, no level: 0).
        n_levels: number of levels of each area.
    """

    may_enter: np.ndarray
    change: np.ndarray
    reach: np.ndarray
    incidence: np.ndarray
    remission: np.ndarray
    n_levels: np.ndarray


def _bound(p: np.ndarray) -> np.ndarray:
    """uint32 bounds ``b`` with ``x <= b`` exactly when ``x / 2**32 < p`` (``p = 0``: ``x = 0``).

    The test is a filter: where it passes, the exact rule decides.
    """
    return np.clip(np.ceil(p * 2.0**32) - 1, 0, 2**32 - 1).astype(np.uint32)


def _reach(incidence: np.ndarray) -> np.ndarray:
    """Probability of ending in level ``l + 1`` or higher from no level, shape as ``incidence``.

    Entering the levels from the highest down, each with its incidence among those still
    below: ``reach[l] = reach[l + 1] + (1 - reach[l + 1]) * incidence[l]``.
    """
    out = np.empty_like(incidence)
    acc = np.zeros(incidence.shape[1:])
    for level in range(len(incidence) - 1, -1, -1):
        acc = acc + (1.0 - acc) * incidence[level]
        out[level] = acc
    return out


def _interpolate(points: list[tuple[float, float]], low: int, high: int) -> np.ndarray:
    """Piecewise-linear curve through band midpoints, flat to the band edges, 0 outside."""
    out = np.zeros(N_AGES)
    xs = np.array([p[0] for p in points])
    ys = np.array([p[1] for p in points])
    ages = np.arange(low, high + 1)
    out[low : high + 1] = np.interp(ages, xs, ys)
    return out


def _prevalence_table() -> dict[tuple[str, int], np.ndarray]:
    table = read_table("need_prevalence.csv")
    out: dict[tuple[str, int], np.ndarray] = {}
    for (area, level), sub in table.groupby(["area", "level"], sort=False):
        curve = np.zeros((2, N_AGES))
        for sex, rows in sub.groupby("sex"):
            rows = rows.sort_values("age_low")
            lows = rows["age_low"].astype(int).to_numpy()
            highs = rows["age_high"].astype(int).to_numpy()
            mids = (lows + np.minimum(highs, 100)) / 2.0
            points = list(zip(mids, rows["prevalence"].astype(float), strict=True))
            c = _interpolate(points, int(lows.min()), int(highs.max()))
            for s in _SEXES[sex]:
                curve[s] = c
        out[(area, int(level))] = curve
    return out


def _float_or_none(text: object) -> float | None:
    s = str(text).strip()
    return float(s) if s else None


@dataclass
class NeedModel:
    """All areas' need levels, with the transition probabilities derived from them."""

    levels: dict[str, list[NeedLevel]]
    healthy_ageing_areas: frozenset[str]
    _cache: dict = field(default_factory=dict, repr=False)
    _year_cache: dict = field(default_factory=dict, repr=False)

    def n_levels(self, area: str) -> int:
        """Number of need levels (excluding 0) of ``area``."""
        return len(self.levels[area])

    def prevalence(self, area: str, shift: float = 0.0) -> np.ndarray:
        """Prevalence by level, sex and age, shape (levels, 2, N_AGES).

        For age-related areas the age profile is shifted ``shift`` years later (healthy ageing).
        """
        prev = np.stack([lv.prevalence for lv in self.levels[area]])
        if shift and area in self.healthy_ageing_areas:
            ages = np.arange(N_AGES, dtype=float)
            shifted = np.empty_like(prev)
            for li in range(prev.shape[0]):
                for s in range(2):
                    shifted[li, s] = np.interp(ages - shift, ages, prev[li, s], left=0.0)
            prev = shifted
        return prev

    def transitions(self, area: str, shift: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
        """Incidence and remission by level, sex and age at the start of the year.

        Returns:
            ``(incidence, remission)``, each of shape (levels, 2, N_AGES); index ``a`` applies to
            a citizen aged ``a`` on 1 January who turns ``a + 1`` by the next.
        """
        return self._cached("transitions", area, shift, lambda: self._transitions(area, shift))

    def _cached(self, what: str, area: str, shift: float, compute: Callable[[], Any]) -> Any:
        """``compute()``, kept per table, area and healthy-ageing shift (the data never change)."""
        key = (what, area, round(float(shift), 6))
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    def _transitions(self, area: str, shift: float) -> tuple[np.ndarray, np.ndarray]:
        lv = self.levels[area]
        prev = self.prevalence(area, shift)  # (L, 2, A)
        n_lv = len(lv)
        now = prev
        nxt = np.concatenate([prev[:, :, 1:], prev[:, :, -1:]], axis=2)
        rem = np.zeros_like(prev)
        for i, level in enumerate(lv):
            forced = np.divide(nxt[i], now[i], out=np.ones_like(now[i]), where=now[i] > 0)
            rem[i] = np.maximum(level.remission, 1.0 - forced)
        rem = np.clip(rem, 0.0, 1.0)
        q_stay = now * (1.0 - rem)
        q_zero = 1.0 - now.sum(axis=0) + (now * rem).sum(axis=0)
        inc = np.zeros_like(prev)
        hold = np.ones_like(q_zero)
        for i in range(n_lv - 1, -1, -1):
            if lv[i].entry != "age":
                continue
            below = q_zero + q_stay[:i].sum(axis=0)
            num = nxt[i] - q_stay[i] * hold
            inc[i] = np.clip(
                np.divide(num, below * hold, out=np.zeros_like(num), where=below * hold > 0),
                0.0,
                1.0,
            )
            hold = hold * (1.0 - inc[i])
        return inc, rem

    def draw_initial(
        self,
        area: str,
        sex: np.ndarray,
        age: np.ndarray,
        u: np.ndarray,
        shift: float = 0.0,
        sex_age: np.ndarray | None = None,
    ) -> np.ndarray:
        """Draw need levels from the prevalence at each citizen's sex and age.

        Args:
            area: welfare area.
            sex: sex column.
            age: age column.
            u: uniform random numbers, one per citizen.
            shift: healthy-ageing shift in years.
            sex_age: ``sex * N_AGES + min(age, MAX_AGE)`` if the caller has it already.

        Returns:
            int8 array of levels (0 = no need).
        """
        cum = self._cumulative(area, shift)
        n_lv = len(cum)
        if sex_age is None:
            sex_age = sex.astype(np.int64) * N_AGES + np.minimum(age, MAX_AGE)
        level = np.zeros(len(u), dtype=np.int8)
        lower = np.zeros(len(u), dtype=np.float64)
        for i in range(n_lv):
            upper = cum[i][sex_age]
            level[(u >= lower) & (u < upper)] = i + 1
            lower = upper
        return level

    def _cumulative(self, area: str, shift: float) -> np.ndarray:
        """Cumulative prevalence over the levels, shape (levels, 2 x ages) (cached)."""
        return self._cached(
            "cumulative",
            area,
            shift,
            lambda: np.cumsum(self.prevalence(area, shift), axis=0).reshape(
                self.n_levels(area), -1
            ),
        )

    def year_tables(self, shift: float, factors: Sequence[float]) -> YearTables:
        """The transitions of one year for every area as lookup tables (kept for a while).

        Args:
            shift: healthy-ageing shift in years.
            factors: common multiplier on the incidence of each area, in ``AREAS`` order (e.g.
                the trend in mental illness).
        """
        key = (round(float(shift), 6), tuple(float(f) for f in factors))
        tables = self._year_cache.get(key)
        if tables is None:
            if len(self._year_cache) >= _YEAR_CACHE_SIZE:
                del self._year_cache[next(iter(self._year_cache))]
            tables = self._year_tables(shift, key[1])
            self._year_cache[key] = tables
        return tables

    def _year_tables(self, shift: float, factors: tuple[float, ...]) -> YearTables:
        n_levels = np.array([self.n_levels(a) for a in AREAS])
        top = int(n_levels.max())
        width = 2 * N_AGES
        # cell age a (after ageing) takes the transitions of age a - 1 on 1 January
        start = np.maximum(np.arange(N_AGES) - 1, 0)
        incidence = np.zeros((top, len(AREAS) * width))
        remission = np.zeros((top + 1, len(AREAS) * width))
        for j, area in enumerate(AREAS):
            inc, rem = self.transitions(area, shift)
            cells = slice(j * width, (j + 1) * width)
            n_lv = n_levels[j]
            inc = np.clip(inc[:, :, start] * factors[j], 0.0, 1.0)
            incidence[:n_lv, cells] = inc.reshape(n_lv, -1)
            remission[1 : n_lv + 1, cells] = rem[:, :, start].reshape(n_lv, -1)
        reach = _reach(incidence)
        # leaving level s (remission, or entering a level above it), as in step_cells
        above = np.concatenate([reach, np.zeros((1, reach.shape[1]))])
        change = remission + (1.0 - remission) * above
        return YearTables(
            may_enter=np.ascontiguousarray(_bound(reach[0]).reshape(len(AREAS), width).T),
            change=_bound(change),
            reach=reach,
            incidence=incidence,
            remission=remission,
            n_levels=n_levels,
        )

    def may_change(
        self, tables: YearTables, state: np.ndarray, cell: np.ndarray, x: np.ndarray
    ) -> np.ndarray:
        """Whether each (citizen, area) pair may change level this year (a quick filter).

        Args:
            tables: the year's tables (:meth:`year_tables`).
            state: int8 levels at the start of the year.
            cell: ``area_index * 2 * N_AGES + sex * N_AGES + age`` per pair (see
                :class:`YearTables`).
            x: 32-bit random integers, the uniforms ``x / 2**32``, per pair.

        Returns:
            A boolean mask; the pairs outside it keep their level.
        """
        index = state * np.intp(tables.change.shape[1]) + cell
        return x <= tables.change.reshape(-1).take(index)

    def step_cells(
        self,
        tables: YearTables,
        state: np.ndarray,
        cell: np.ndarray,
        x: np.ndarray,
        special_at: np.ndarray | None = None,
        special_factor: np.ndarray | None = None,
        special_override: np.ndarray | None = None,
        override_incidence: float = 0.0,
        remission_at: np.ndarray | None = None,
        remission_factor: np.ndarray | None = None,
    ) -> np.ndarray:
        """The levels at the end of the year of some (citizen, area) pairs.

        A citizen in level ``s`` leaves it with probability ``r``; then, from the highest level
        down, enters each level above the one it is in with that level's incidence, the first
        success ending the draws. One uniform ``u`` per pair decides everything: the outcomes
        partition [0, 1) into intervals, ``[0, r)`` for remission (within it the entries of a
        citizen in no level, scaled by ``r``) and ``[r, 1)`` for staying (within it the entries
        above ``s``, scaled by ``1 - r``), so a pair's new level is read off a few comparisons.
        Pairs that :meth:`may_change` rejects need not be passed: they keep their level.

        Args:
            tables: the year's tables (:meth:`year_tables`).
            state: int8 levels at the start of the year.
            cell: ``area_index * 2 * N_AGES + sex * N_AGES + age`` per pair (see
                :class:`YearTables`).
            x: 32-bit random integers, the uniforms ``x / 2**32``, per pair.
            special_at: positions of the pairs whose incidence differs from their cell's.
            special_factor: their multipliers on it (initiatives reaching them).
            special_override: which of them have the incidence ``override_incidence`` (of
                every level of their area) instead of the age-based one (e.g. reoffending after
                release); the multipliers apply on top.
            override_incidence: that incidence.
            remission_at: positions of the pairs whose remission is multiplied by
                ``remission_factor``.
            remission_factor: those multipliers.

        Returns:
            The pairs' int8 levels at the end of the year.
        """
        index = state * np.intp(tables.remission.shape[1]) + cell
        r = tables.remission.reshape(-1).take(index)
        if remission_at is not None and len(remission_at):
            r[remission_at] = np.clip(r[remission_at] * remission_factor, 0.0, 1.0)
        reach = np.take(tables.reach, cell, axis=1)
        if special_at is not None and len(special_at):
            p = np.take(tables.incidence, cell[special_at], axis=1)
            if special_override is not None and special_override.any():
                o = np.flatnonzero(special_override)
                area = cell[special_at[o]] // (2 * N_AGES)
                exists = np.arange(len(p))[:, None] < tables.n_levels[area]
                p[:, o] = np.where(exists, override_incidence, p[:, o])
            if special_factor is not None:
                p *= special_factor
            reach[:, special_at] = _reach(np.clip(p, 0.0, 1.0, out=p))
        u = x * _TO_UNIT
        remit = u < r
        low = np.where(remit, 0.0, r)  # the interval of the draws still to come
        size = np.where(remit, r, 1.0 - r)
        count = np.zeros(len(u), dtype=np.int8)
        for level_reach in reach:
            count += u < low + size * level_reach
        return np.maximum(np.where(remit, 0, state), count).astype(np.int8, copy=False)

    def draw_newcomers(
        self,
        sex_age: np.ndarray,
        x: np.ndarray,
        shift: float,
        immigrant: np.ndarray,
        entries: float | None = None,
    ) -> np.ndarray:
        """Need levels of newcomers in every area, from the prevalence at their sex and age.

        Immigrants (``immigrant``) enter the levels entered at immigration instead: each with
        probability ``entries / immigrant.sum()`` when ``entries`` is given (entries follow
        documented immigration, :mod:`simulation.inputs.integration_entry`), else with the level's
        ``entry_probability``.

        Args:
            sex_age: ``sex * N_AGES + min(age, MAX_AGE)``, one per newcomer.
            x: 32-bit random integers (uniforms ``x / 2**32``), shape (newcomers, areas).
            shift: healthy-ageing shift in years.
            immigrant: whether each newcomer is an immigrant.
            entries: expected entries at immigration this year, in simulated citizens.

        Returns:
            int8 levels, shape (newcomers, areas).
        """
        bounds = self._cached("initial", "", shift, lambda: self._initial_table(shift))
        # the number of levels' cumulative prevalences at or below u: level - 1, or all (none)
        count = np.zeros(x.shape, dtype=np.int8)
        for upper in bounds:  # (2 * N_AGES, areas) per level
            count += x >= np.take(upper, sex_age, axis=0)
        level = np.where(count < len(bounds), count + 1, 0).astype(np.int8, copy=False)
        if immigrant.any():
            rows = np.flatnonzero(immigrant)
            for j, lv, bound in self._immigration_entries():
                if entries is not None:
                    bound = int(np.ceil(min(1.0, entries / len(rows)) * 2.0**32))
                level[rows, j] = np.where(x[rows, j] < bound, lv, 0)
        return level

    def _initial_table(self, shift: float) -> np.ndarray:
        """Cumulative prevalence as 32-bit bounds, by level, ``sex * N_AGES + age`` and area.

        ``x >= bound`` exactly when ``x / 2**32`` is at or above the cumulative prevalence;
        the levels are padded with the last level's bound.
        """
        top = max(self.n_levels(a) for a in AREAS)
        cum = np.empty((top, 2 * N_AGES, len(AREAS)))
        for j, area in enumerate(AREAS):
            c = self._cumulative(area, shift)
            cum[:, :, j] = c[np.minimum(np.arange(top), len(c) - 1)]
        return np.ceil(np.clip(cum, 0.0, 1.0) * 2.0**32).astype(np.int64)

    def _immigration_entries(self) -> list[tuple[int, int, int]]:
        """``(area index, level, bound)`` of the levels entered at immigration.

        An immigrant whose 32-bit uniform ``x`` is below ``bound`` enters the level.
        """

        def compute() -> list[tuple[int, int, int]]:
            return [
                (j, lv.level, int(np.ceil(lv.entry_probability * 2.0**32)))
                for j, area in enumerate(AREAS)
                for lv in self.levels[area]
                if lv.entry == "immigration"
            ]

        return self._cached("immigration", "", 0.0, compute)


def _expected_caseload(curve: np.ndarray, population: np.ndarray) -> float:
    """Expected person-year caseload in 2026 for a prevalence curve (2, N_AGES).

    The average of the caseload on 1 January 2026 and of the survivors one year older on
    1 January 2027, matching how the model counts a year's caseload.
    """
    q = base_rates().q(2026, 0.0)
    nxt = np.concatenate([curve[:, 1:], curve[:, -1:]], axis=1)
    start = (population * curve).sum()
    end = (population * (1.0 - q) * nxt).sum()
    return 0.5 * (start + end)


@data_cache
def need_model() -> NeedModel:
    """Load the need model from the data files, calibrated to the 2026 population (cached)."""
    from simulation.inputs.projection import base_population  # local: avoids an import cycle

    population = base_population().sum(axis=0)  # (2, N_AGES)
    curves = _prevalence_table()
    table = read_table("need_levels.csv")
    areas = read_table("areas.csv").set_index("area")
    levels: dict[str, list[NeedLevel]] = {a: [] for a in AREAS}
    for row in table.to_dict("records"):
        area, level = row["area"], int(row["level"])
        if area not in levels:
            raise ValueError(f"need_levels.csv: unknown area {area!r}; allowed: {AREAS}")
        curve = curves[(area, level)].copy()
        reference = _float_or_none(row["reference_caseload"])
        if str(row["scale_to_reference"]).strip() == "yes":
            curve *= reference / _expected_caseload(curve, population)
        else:
            factor = _float_or_none(row["prevalence_factor"])
            if factor is not None and factor != 1.0:  # a drawn level of the whole curve
                curve *= factor
        levels[area].append(
            NeedLevel(
                area=area,
                level=level,
                name=row["name"],
                remission=float(row["remission"]),
                entry=row["entry"],
                entry_probability=_float_or_none(row["entry_probability"]) or 0.0,
                prevalence=curve,
                reference_caseload=reference,
                expected_caseload=_expected_caseload(curve, population),
            )
        )
    for area in AREAS:
        levels[area].sort(key=lambda lv: lv.level)
        if [lv.level for lv in levels[area]] != list(range(1, len(levels[area]) + 1)):
            raise ValueError(f"need_levels.csv: levels of {area!r} must be 1..n")
    ageing = frozenset(a for a in AREAS if str(areas.loc[a, "healthy_ageing"]) == "yes")
    return NeedModel(levels=levels, healthy_ageing_areas=ageing)
