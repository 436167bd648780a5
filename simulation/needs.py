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

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np

from simulation.data import read_table
from simulation.rates import MAX_AGE, N_AGES, base_rates

__all__ = ["AREAS", "NeedLevel", "NeedModel", "Modifiers", "need_model"]

AREAS = (
    "elderly_care",
    "health",
    "mental_health",
    "employment",
    "integration",
    "rehabilitation",
)

_SEXES = {"male": (0,), "female": (1,), "all": (0, 1)}


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
    unit_cost_dkk: float | None
    cost_share: float | None
    regional_share: float
    reference_caseload: float | None


@dataclass
class Modifiers:
    """Multipliers on the need probabilities of the citizens initiatives reach (one area).

    Sparse: only the reached citizens are listed, by their position in the arrays given to
    :meth:`NeedModel.step` (sorted); every other citizen has the multiplier 1.

    Attributes:
        incidence_rows: positions of the citizens whose probability of entering a level changes.
        incidence: their multipliers on it.
        remission_rows: positions of the citizens whose probability of leaving a level changes.
        remission: their multipliers on it.
    """

    incidence_rows: np.ndarray
    incidence: np.ndarray
    remission_rows: np.ndarray
    remission: np.ndarray

    def restrict(self, rows: np.ndarray) -> Modifiers:
        """The modifiers of a sorted subset ``rows`` of the positions, renumbered within it."""

        def keep(at: np.ndarray, factor: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            pos = np.minimum(np.searchsorted(rows, at), max(len(rows) - 1, 0))
            hit = rows[pos] == at if len(rows) else np.zeros(len(at), dtype=bool)
            return pos[hit], factor[hit]

        inc_rows, inc = keep(self.incidence_rows, self.incidence)
        rem_rows, rem = keep(self.remission_rows, self.remission)
        return Modifiers(inc_rows, inc, rem_rows, rem)


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

    def active_ages(self, area: str, shift: float = 0.0) -> tuple[int, int]:
        """The youngest and oldest age (on 1 January) at which anyone can enter a level.

        Outside this range only remission can happen, so the yearly step can skip the citizens
        who are in no level there.
        """

        def compute() -> tuple[int, int]:
            inc, _ = self.transitions(area, shift)
            ages = np.flatnonzero(inc.reshape(-1, N_AGES).max(axis=0) > 0)
            return (int(ages[0]), int(ages[-1])) if len(ages) else (0, -1)

        return self._cached("active_ages", area, shift, compute)

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
        n_lv = self.n_levels(area)
        cum = self._cached(  # (L, 2 x ages)
            "cumulative",
            area,
            shift,
            lambda: np.cumsum(self.prevalence(area, shift), axis=0).reshape(n_lv, -1),
        )
        if sex_age is None:
            sex_age = sex.astype(np.int64) * N_AGES + np.minimum(age, MAX_AGE)
        level = np.zeros(len(u), dtype=np.int8)
        lower = np.zeros(len(u), dtype=np.float64)
        for i in range(n_lv):
            upper = cum[i][sex_age]
            level[(u >= lower) & (u < upper)] = i + 1
            lower = upper
        return level

    def step(
        self,
        area: str,
        state: np.ndarray,
        sex_age: np.ndarray,
        u: np.ndarray,
        shift: float = 0.0,
        incidence_factor: float = 1.0,
        modifiers: Modifiers | None = None,
        incidence_override: np.ndarray | None = None,
    ) -> np.ndarray:
        """Advance one area's need levels by one year (in place) and return them.

        One uniform number per citizen drives every draw: a draw that fails (or succeeds) is
        followed by the next with the uniform rescaled to the remaining interval, which keeps
        the draws independent and the random stream the same whatever the outcomes.

        Args:
            area: welfare area.
            state: int8 levels at the start of the year; updated in place.
            sex_age: ``sex * N_AGES + age`` on 1 January of the year, one per citizen.
            u: uniforms in [0, 1), one per citizen.
            shift: healthy-ageing shift in years.
            incidence_factor: common multiplier on incidence (e.g. a trend in mental illness).
            modifiers: multipliers from the initiatives reaching some of the citizens.
            incidence_override: per-citizen incidence probability replacing the age-based one
                (NaN where it does not apply), e.g. reoffending after release.
        """
        inc_flat, rem_flat = self._transitions32(area, shift)
        n_lv = inc_flat.shape[0]
        u = u.astype(np.float32, copy=True)
        inside = np.flatnonzero(state > 0)
        if len(inside):
            lv = state[inside].astype(np.intp)
            p = rem_flat.take((lv - 1) * rem_flat.shape[1] + sex_age[inside])
            if modifiers is not None and len(modifiers.remission_rows):
                within = modifiers.restrict(inside)
                at = within.remission_rows
                p[at] = np.clip(p[at] * within.remission, 0.0, 1.0)
            ui = u[inside]
            remit = ui < p
            state[inside[remit]] = 0
            u[inside] = np.where(
                remit,
                np.divide(ui, p, out=np.zeros_like(ui), where=p > 0),
                np.divide(ui - p, 1 - p, out=np.zeros_like(ui), where=p < 1),
            )
        for i in range(n_lv - 1, -1, -1):
            p = inc_flat[i][sex_age]
            if incidence_factor != 1.0:
                p = p * np.float32(incidence_factor)
            if incidence_override is not None:
                p = np.where(np.isnan(incidence_override), p, incidence_override)
            if modifiers is not None and len(modifiers.incidence_rows):
                p[modifiers.incidence_rows] *= modifiers.incidence
            below = state < i + 1
            enter = below & (u < p)
            state[enter] = i + 1
            if i > 0:  # rescale the uniforms of those who stay below for the next level
                np.divide(u - p, 1 - p, out=u, where=below & ~enter)
        return state

    def _transitions32(self, area: str, shift: float) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`transitions` as float32, flat over ``sex * N_AGES + age`` (cached)."""

        def compute() -> tuple[np.ndarray, np.ndarray]:
            inc, rem = self.transitions(area, shift)
            n_lv = inc.shape[0]
            flat = (inc.reshape(n_lv, -1), rem.reshape(n_lv, -1))
            return tuple(table.astype(np.float32) for table in flat)

        return self._cached("float32", area, shift, compute)


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


@cache
def need_model() -> NeedModel:
    """Load the need model from the data files, calibrated to the 2026 population (cached)."""
    from simulation.projection import base_population  # local: avoids an import cycle

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
        unit_cost = _float_or_none(row["unit_cost_dkk"])
        share = _float_or_none(row["cost_share"])
        if unit_cost is None:
            target = float(areas.loc[area, "target_dkk"])
            unit_cost = share * target / _expected_caseload(curve, population)
        levels[area].append(
            NeedLevel(
                area=area,
                level=level,
                name=row["name"],
                remission=float(row["remission"]),
                entry=row["entry"],
                entry_probability=_float_or_none(row["entry_probability"]) or 0.0,
                prevalence=curve,
                unit_cost_dkk=unit_cost,
                cost_share=share,
                regional_share=float(row["regional_share"]),
                reference_caseload=reference,
            )
        )
    for area in AREAS:
        levels[area].sort(key=lambda lv: lv.level)
        if [lv.level for lv in levels[area]] != list(range(1, len(levels[area]) + 1)):
            raise ValueError(f"need_levels.csv: levels of {area!r} must be 1..n")
    ageing = frozenset(a for a in AREAS if str(areas.loc[a, "healthy_ageing"]) == "yes")
    return NeedModel(levels=levels, healthy_ageing_areas=ageing)
