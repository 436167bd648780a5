"""The Mesa model: the order of a simulated year, nothing else.

A year (one ``step``) runs, in order: demography, needs, public provision and cost, civil
society, strategy, data collection (DESIGN 3.3). The mechanisms live in their own modules.
"""

from __future__ import annotations

import itertools
import os
import weakref
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from typing import Any

import mesa
import numpy as np

from simulation.actors import AreaLedger, MunicipalUnit, RegionalUnit
from simulation.actors.citizens import CitizenSet
from simulation.actors.unit_levers import resolve_unit_levers
from simulation.inputs.data import read_table
from simulation.inputs.geography import municipalities as municipality_table
from simulation.inputs.integration_entry import documented_entries
from simulation.inputs.projection import BASE_YEAR, frkm126_counts, project
from simulation.inputs.rates import MAX_AGE, N_AGES
from simulation.inputs.registry import defaults
from simulation.year.civil_society import CivilSociety
from simulation.year.collection import ResultCollector
from simulation.year.demography import DemographyStep, Flows, draw_from_cdf, group_shapes
from simulation.year.needs import AREAS, Modifiers, need_model
from simulation.year.provision import CostModel, LeverCosts, caseloads, count_cases, count_in_need
from simulation.year.random_bits import random_bits
from simulation.year.strategy import Strategy
from simulation.year.trajectories import KEEP_BYTES, KEEP_RUNS, KEEP_UP_TO, Trajectory, keep, kept

__all__ = ["WelfareModel"]

_STREAMS = ("init", "demography", "needs", "civil_society", "strategy", "spare")
_THREADS_FROM = 500_000  # citizens; below this, threads cost more than they save
_STOCK_BANDS = np.array([0, 18, 20, 65, 80])  # first ages of the reported population bands
# starting citizens kept per process (seed, scale, municipalities): the last few small ones, with
# the limits of the kept trajectories; larger sets are drawn anew each time
_STARTING_CITIZENS: dict[tuple[int, float, bytes], CitizenSet] = {}


class _AgentIds(weakref.WeakKeyDictionary):
    """Mesa's per-model counters of agent ids, holding the models weakly.

    Mesa 3.3 keeps them in ``mesa.Agent._ids``, a class-level ``defaultdict`` keyed by the model,
    so every model a process ever created stayed in memory (mesa issue #3179, fixed upstream in
    later versions): a sweep worker grew by about 10 MB per strategic run at scale 0.01. Held
    weakly, a model is freed once nothing else refers to it, and ids still count per model.
    """

    def __getitem__(self, model: mesa.Model) -> itertools.count:
        try:
            return super().__getitem__(model)
        except KeyError:
            counter = self[model] = itertools.count(1)
            return counter


if isinstance(getattr(mesa.Agent, "_ids", None), defaultdict):
    mesa.Agent._ids = _AgentIds(mesa.Agent._ids)


class WelfareModel(mesa.Model):
    """Welfare demand in Denmark from 1 January 2026 to the end of ``end_year``.

    Args:
        parameters: lever and uncertainty values by name (missing ones take their defaults).
        scale: fraction of residents simulated (0 < scale <= 1).
        seed: seed of the model's random number generator.
        municipalities: codes of the municipalities to simulate (``None`` = all 98).
        end_year: last simulated year.
        scenario: name written into the results.
        replicate: replicate number written into the results.
        lever_source: a ``Scenario`` (levers with overrides and variation per unit); when
            ``None`` the lever values in ``parameters`` apply to every unit.

    Attributes:
        year: the year the next ``step`` simulates (population is that of 1 January ``year``).
        citizens: the vectorised citizen agent set.
        results: the data collector.
    """

    def __init__(
        self,
        parameters: dict[str, Any] | None = None,
        *,
        scale: float = 0.01,
        seed: int = 1,
        municipalities: list[int] | tuple[int, ...] | None = None,
        end_year: int = 2050,
        scenario: str = "baseline",
        replicate: int = 0,
        lever_source: Any = None,
    ) -> None:
        if not 0 < scale <= 1:
            raise ValueError(f"scale must be in (0, 1], got {scale}")
        if not BASE_YEAR < end_year <= 2050:
            raise ValueError(f"end_year must be in {BASE_YEAR + 1}..2050, got {end_year}")
        super().__init__(rng=int(seed))
        self.seed = int(seed)
        self.scale = float(scale)
        self.scenario = scenario
        self.replicate = int(replicate)
        self.parameters = {**defaults("lever"), **defaults("uncertainty"), **(parameters or {})}
        self.start_year = BASE_YEAR
        self.end_year = int(end_year)
        self.year = BASE_YEAR
        self.streams = dict(zip(_STREAMS, self.rng.spawn(len(_STREAMS)), strict=True))
        self._threads = min(2, os.cpu_count() or 1)
        self._pool: ThreadPoolExecutor | None = None

        codes, region_of, names = _geography()
        self.codes = codes.copy()
        self.region_of = region_of.copy()
        chosen = set(self.codes.tolist()) if municipalities is None else set(municipalities)
        unknown = chosen - set(self.codes.tolist())
        if unknown:
            raise ValueError(f"unknown municipality codes: {sorted(unknown)}")
        self.simulated = np.isin(self.codes, sorted(chosen))
        self.municipality_names = names.copy()

        p = self.parameters
        self.projection = project(
            float(p["mortality_improvement"]),
            float(p["fertility"]),
            float(p["migration_scale"]),
            self.end_year + 1,
        )
        self.demography = DemographyStep(
            self.projection,
            self.simulated,
            float(p["mortality_improvement"]),
            float(p["fertility"]),
        )
        self.needs = need_model()
        self.costs = CostModel(self.needs, float(p["unit_cost_growth"]))
        self.addressable_share = _addressable_share().copy()
        self.reoffend_rate, self.risk_window, self.first_offence_factor = _offending()
        self.citizens = self._starting_citizens()
        # the demography of runs with the same seed and demographic parameters is the same
        self._trajectory_key = (
            self.seed,
            self.scale,
            self.simulated.tobytes(),
            float(p["mortality_improvement"]),
            float(p["fertility"]),
            float(p["migration_scale"]),
            self.end_year,
        )
        self._replay = kept(self._trajectory_key)
        small = len(self.citizens) <= KEEP_UP_TO
        self._recording = Trajectory() if self._replay is None and small else None
        # the needs step's uniforms: 4 bytes per citizen, area and year (if they fit the budget)
        draws = len(self.citizens) * len(AREAS) * 4 * (self.end_year - BASE_YEAR + 1)
        self._record_draws = draws <= KEEP_BYTES
        self.results = ResultCollector(
            np.arange(BASE_YEAR, self.end_year + 1), self.codes, self.region_of, self.simulated
        )
        self.base_population_by_municipality = (
            frkm126_counts()[BASE_YEAR].sum(axis=1) * self.simulated
        )
        self._stocks: tuple[tuple[np.ndarray, ...], np.ndarray] | None = None
        self.population_by_municipality = self._by_municipality()
        self._register_metrics()
        self._next_start_cases: dict[str, tuple[np.ndarray, np.ndarray]] | None = None
        self._region_rows = {
            int(r): np.flatnonzero((self.region_of == r) & self.simulated)
            for r in sorted(set(self.region_of[self.simulated]))
        }

        n_years = self.end_year - BASE_YEAR + 1
        self.ledgers = {a: AreaLedger(BASE_YEAR, n_years, self.n_municipalities) for a in AREAS}
        for i, code in enumerate(self.codes):
            if self.simulated[i]:
                for area in AREAS:
                    MunicipalUnit(
                        self, int(code), i, int(self.region_of[i]), area, self.ledgers[area]
                    )
        self._regional_units = {
            (region, area): RegionalUnit(self, region, area)
            for region in self._region_rows
            for area in ("health", "mental_health")
        }

        self.lever_costs = LeverCosts(self.results, self.n_municipalities)
        source = (
            lever_source
            if lever_source is not None
            else {k: self.parameters[k] for k in defaults("lever")}
        )
        self.unit_levers = resolve_unit_levers(
            source, self.codes, self.region_of, self.simulated, self.streams["strategy"]
        )
        for unit in self.agents_by_type[MunicipalUnit]:
            unit.levers = self.unit_levers[(unit.index, unit.area)]
        self.civil_society = CivilSociety(self)
        self.strategy = Strategy(self, self.unit_levers)

    # --- set-up ---------------------------------------------------------------------------
    def _starting_citizens(self) -> CitizenSet:
        """The citizens of 1 January 2026 with their needs and roles (kept per process).

        They depend only on the seed, the scale and the simulated municipalities (the ``init``
        stream draws nothing else), so runs of a sweep that share a seed (common random
        numbers) start from a copy of the first one's citizens: the same result, drawn once.
        """
        key = (self.seed, self.scale, self.simulated.tobytes())
        kept = _STARTING_CITIZENS.get(key)
        if kept is not None:
            return kept.copy(self)
        self.citizens = self._initial_citizens()
        self._init_citizen_roles()
        if len(self.citizens) <= KEEP_UP_TO:
            _STARTING_CITIZENS[key] = self.citizens.copy(None)
            while len(_STARTING_CITIZENS) > KEEP_RUNS:
                _STARTING_CITIZENS.pop(next(iter(_STARTING_CITIZENS)))
        return self.citizens

    def _initial_citizens(self) -> CitizenSet:
        """Draw the simulated citizens of 1 January 2026 from the base population.

        Each municipality's FRKM126 age group gets ``round(scale x residents)`` citizens, whose
        single ages and sexes are drawn from the national distribution within the group (HMD
        2021 population aged to 2026, see :func:`simulation.inputs.projection.base_population`).
        """
        rng = self.streams["init"]
        counts = np.rint(frkm126_counts()[BASE_YEAR] * self.scale).astype(np.int64)
        counts[~self.simulated] = 0
        mun_parts, sex_parts, age_parts = [], [], []
        for g, (ages, cdf) in enumerate(group_shapes()):
            k = int(counts[:, g].sum())
            pick = draw_from_cdf(cdf, k, rng)
            mun_parts.append(np.repeat(np.arange(self.n_municipalities), counts[:, g]))
            sex_parts.append(pick // len(ages))
            age_parts.append(ages[pick % len(ages)])
        mun = np.concatenate(mun_parts).astype(np.int16)
        sex = np.concatenate(sex_parts).astype(np.int8)
        age = np.concatenate(age_parts).astype(np.int16)
        n = len(mun)
        citizens = CitizenSet(
            self,
            {
                "pid": np.arange(n, dtype=np.int64),
                "municipality": mun,
                "age": age,
                "sex": sex,
                "born": (BASE_YEAR - 1 - age).astype(np.int16),
                "arrived": np.full(n, -1, dtype=np.int16),
            },
            weight=1.0 / self.scale,
        )
        need = citizens.add_column("need", np.int8, np.zeros(len(AREAS), dtype=np.int8))
        u = rng.random((len(AREAS), n))
        for j, area in enumerate(AREAS):
            need[:, j] = self.needs.draw_initial(area, sex, age, u[j])
        return citizens

    def _init_citizen_roles(self) -> None:
        """Columns the strategy mechanisms use: who can be addressed, who is reached, release."""
        c = self.citizens
        c.add_column("addressable", bool, np.zeros(len(AREAS), dtype=bool))
        c.add_column("released", np.int16, -9999)
        rng = self.streams["init"]
        u = rng.random((len(c), len(AREAS)))
        c.addressable[:] = u < self.addressable_share[None, :]
        # Former offenders released in the two years before 2026: the sentenced profile by age
        # and sex times the yearly release rate, for each of the two years.
        rehab = self.needs.levels["rehabilitation"][0]
        prev = rehab.prevalence[c.sex, np.minimum(c.age, N_AGES - 1)]
        p_released = np.minimum(prev * rehab.remission * self.risk_window, 1.0)
        v = rng.random(len(c))
        released = (c.need[:, AREAS.index("rehabilitation")] == 0) & (v < p_released)
        c.released[released] = BASE_YEAR - 1 - (v[released] < p_released[released] / 2)

    def _register_metrics(self) -> None:
        res = self.results
        for metric in ("lever_cost_dkk", "net_cost_dkk", "volunteer_hours"):
            res.register(metric, None)
        for metric in ("volunteers", "marginalised_employed", "reoffending", "births", "deaths"):
            res.register(metric, None)
        for area in AREAS:
            for metric in (
                "need_cases",
                "public_cost_dkk",
                "lever_cost_dkk",
                "net_cost_dkk",
                "unmet_need_cases",
                "unaddressable_cost_dkk",
                "volunteer_hours",
                "initiatives_running",
                "initiatives_started",
                "initiatives_scaled",
                "initiatives_stopped",
            ):
                res.register(metric, area)

    # --- helpers --------------------------------------------------------------------------
    @property
    def n_municipalities(self) -> int:
        """Number of municipality rows in the model's arrays (always 98)."""
        return len(self.codes)

    def healthy_ageing_shift(self, year: int) -> float:
        """Years by which age-related needs are postponed in ``year`` (linear to 2050)."""
        return float(self.parameters["healthy_ageing"]) * (year - BASE_YEAR) / (2050 - BASE_YEAR)

    def _by_municipality(self, mask: np.ndarray | None = None) -> np.ndarray:
        mun = self.citizens.municipality if mask is None else self.citizens.municipality[mask]
        return np.bincount(mun, minlength=self.n_municipalities) * self.citizens.weight

    # --- the year -------------------------------------------------------------------------
    def step(self) -> None:
        """Simulate one year: demography, needs, cost, civil society, strategy, collection."""
        year = self.year
        c = self.citizens
        self._collect_stocks(year)
        start_cases = self._next_start_cases or self._caseloads()
        first_new_pid = c._next_pid

        flows = self._demography_step(year)
        by_cell = self._stock_counts()  # kept for next year's stocks
        self.population_by_municipality = by_cell.sum(axis=(1, 2)) * c.weight
        end_cases = self._needs_step(year, first_new_pid)
        self._cost_step(year, start_cases, end_cases)
        self._next_start_cases = end_cases  # nothing changes need states until next year
        self._civil_society_step(year)
        self._strategy_step(year)
        self._collect_flows(year, flows)
        c.record_followed(year + 1)
        self.year += 1
        if self.year > self.end_year:
            self.running = False
            if self._recording is not None:  # a complete trajectory, for the next such runs
                keep(self._trajectory_key, self._recording)
                self._recording = None
            if self._pool is not None:
                self._pool.shutdown()
                self._pool = None

    def _demography_step(self, year: int) -> Flows:
        """Apply the year's demography: drawn, or replayed from a kept trajectory.

        A run whose trajectory (:mod:`simulation.year.trajectories`) is kept applies its changes and
        takes its stock counts instead of drawing and counting them; the first run with a key
        records them, and :meth:`step` keeps them once the run reaches its end year.
        """
        c = self.citizens
        i = year - BASE_YEAR
        if self._replay is not None:
            change = self._replay.changes[i]
            change.apply(c)
            self._stocks = ((c.municipality, c.sex, c.age), self._replay.stock_counts[i])
            return change.flows
        change = self.demography.change(c, year, self.streams["demography"])
        change.apply(c)
        if self._recording is not None:
            self._recording.changes.append(change)
            self._recording.stock_counts.append(self._stock_counts())
        return change.flows

    def _needs_draws(self, year: int, n_new: int, n_old: int) -> tuple[np.ndarray | None, ...]:
        """The needs step's 32-bit uniforms, for the newcomers and for the residents.

        The newcomers' (``None`` if there are none) have two per area: for the level and for
        addressability. They depend only on the needs stream and on the numbers of citizens,
        so a kept trajectory holds them too (:mod:`simulation.year.trajectories`).
        """
        if self._replay is not None and self._replay.needs_draws:
            return self._replay.needs_draws[year - BASE_YEAR]
        rng = self.streams["needs"]
        n_areas = len(AREAS)
        x_new = None
        if n_new:
            x_new = random_bits(rng, n_new * 2 * n_areas, np.uint32).reshape(n_new, 2 * n_areas)
        x_old = random_bits(rng, n_old * n_areas, np.uint32).reshape(n_old, n_areas)
        if self._recording is not None and self._record_draws:
            self._recording.needs_draws.append((x_new, x_old))
        return x_new, x_old

    def _needs_step(
        self, year: int, first_new_pid: int
    ) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """Need transitions of the year for residents of 1 January; initial needs for newcomers.

        Residents of 1 January occupy the first rows (demography appends newcomers after them).
        Every citizen gets one uniform per area (a 32-bit integer); a resident in no level whose
        uniform is above the year's entry bound for their sex and age keeps level 0, so only
        the citizens in a level, the few who may enter one, and those with modified
        probabilities are stepped individually. The draws do not depend on the levers (common
        random numbers across scenarios).

        Returns:
            The caseloads at the end of the year, as :meth:`_caseloads` (counted on the way).
        """
        c = self.citizens
        n = len(c)
        n_old = int(np.searchsorted(c.pid, first_new_pid))
        n_areas = len(AREAS)
        n_mun = self.n_municipalities
        shift = self.healthy_ageing_shift(year)
        trend = (1.0 + float(self.parameters["mental_illness_trend"])) ** (year - BASE_YEAR)
        factors = [
            trend
            if area == "mental_health"
            else self.first_offence_factor
            if area == "rehabilitation"
            else 1.0
            for area in AREAS
        ]
        tables = self.needs.year_tables(shift, factors)
        top = len(tables.remission) - 1
        x_new, x_old = self._needs_draws(year, n - n_old, n_old)
        if x_new is not None:  # newcomers: uniforms for their levels and their addressability
            c.addressable[n_old:] = x_new[:, n_areas:] * 2.0**-32 < self.addressable_share
        # age after ageing: the tables take the transitions of the age on 1 January
        sex_age = c.sex[:n_old].astype(np.int32)  # 32-bit: faster than mixing in 64 bits
        sex_age *= N_AGES
        sex_age += c.age[:n_old]
        rehab = AREAS.index("rehabilitation")
        mods = self._modifiers(n_old)
        at_risk = np.flatnonzero(c.released[:n_old] >= year - self.risk_window)
        # sorted pairs (row * n_areas + area) whose probabilities differ from their cell's,
        # each kind tagged by a bit of the candidate mask
        special = (
            (2, mods.incidence_pairs),
            (4, mods.remission_pairs),
            (8, at_risk * n_areas + rehab),
        )
        chunks = _row_chunks(n_old, n >= _THREADS_FROM, self._threads)

        def candidates(bounds: tuple[int, int]) -> tuple:
            """The chunk's pairs that may change level (and the pairs in a level)."""
            lo, hi = bounds
            first, end = lo * n_areas, hi * n_areas
            need = c.need[lo:hi]
            sa = sex_age[lo:hi]
            x = x_old[lo:hi]
            may = np.less_equal(x, np.take(tables.may_enter, sa, axis=0))
            np.logical_or(may, need, out=may)
            may = may.reshape(-1)
            spans = []
            tag = np.zeros(end - first, dtype=np.uint8)  # a bit for each kind of special pair
            for bit, pairs in special:
                a, b = np.searchsorted(pairs, (first, end)).tolist()
                spans.append((a, b))
                pos = pairs[a:b] - first
                may[pos] = True
                tag[pos] |= np.uint8(bit)
            keys = np.flatnonzero(may)
            kind = tag.take(keys)
            rows = keys // n_areas
            cols = keys - rows * n_areas
            state = need.reshape(-1).take(keys)
            cell = cols * np.intp(2 * N_AGES)
            cell += sa.take(rows)
            xk = x.reshape(-1).take(keys)
            go = self.needs.may_change(tables, state, cell, xk)
            go |= kind > 1
            at = np.flatnonzero(go)
            return lo, hi, keys, rows, cols, state, cell, xk, at, kind.take(at), spans

        found = self._map(candidates, chunks)

        def rows_step(k: int) -> tuple[np.ndarray, np.ndarray]:
            """Step the chunk's candidate pairs; the reoffenders and the year-end counts."""
            lo, hi, keys, rows, cols, state, cell, xk, at, kind, spans = found[k]
            # the special pairs are all in ``at``, in the order of their sorted keys
            sp = np.flatnonzero(kind & np.uint8(10))
            sp_kind = kind[sp]
            factor = np.ones(len(sp))
            a, b = spans[0]
            factor[(sp_kind & np.uint8(2)) != 0] = mods.incidence[a:b]
            a, b = spans[1]
            risk_at = at[(kind & np.uint8(8)) != 0]
            was = state.take(at)  # the levels at the start of the year
            level = self.needs.step_cells(
                tables,
                was,
                cell.take(at),
                xk.take(at),
                special_at=sp,
                special_factor=factor,
                special_override=(sp_kind & np.uint8(8)) != 0,
                override_incidence=self.reoffend_rate,
                remission_at=np.flatnonzero(kind & np.uint8(4)),
                remission_factor=mods.remission[a:b],
            )
            need = c.need[lo:hi]
            flat = need.reshape(-1)  # a view (a copy, written back, if not contiguous)
            flat[keys.take(at)] = level
            if not need.flags.c_contiguous:
                need[...] = flat.reshape(need.shape)
            risk_before = state[risk_at]
            state[at] = level  # the levels at the end of the year
            left = at[(cols.take(at) == rehab) & (was > 0) & (level == 0)]
            c.released[lo + rows[left]] = year
            back = risk_at[(risk_before == 0) & (state[risk_at] > 0)]
            counts = count_cases(
                cols,
                c.municipality[lo:hi].take(rows),
                c.addressable[lo:hi].reshape(-1).take(keys),
                state,
                n_areas,
                top,
                n_mun,
            )
            return lo + rows[back], counts

        done = self._map(rows_step, range(len(found)))
        reoffended = np.concatenate([np.empty(0, dtype=np.intp), *(r for r, _ in done)])
        counts = sum(k for _, k in done)
        if n > n_old:
            age_new = c.age[n_old:]
            immigrant = (c.arrived[n_old:] == year) & (age_new >= 18) & (age_new <= 64)
            sex_age_new = c.sex[n_old:] * np.intp(N_AGES) + np.minimum(age_new, MAX_AGE)
            entries = self.scale * documented_entries(  # issue 14: documented immigration
                year, self.simulated, float(self.parameters["migration_scale"])
            )
            c.need[n_old:] = self.needs.draw_newcomers(
                sex_age_new, x_new[:, :n_areas], shift, immigrant, entries
            )
            counts = counts + count_in_need(
                c.municipality[n_old:], c.need[n_old:], c.addressable[n_old:], top, n_mun
            )
        self.results.add(
            "reoffending",
            year,
            np.bincount(c.municipality[reoffended], minlength=n_mun) * c.weight,
        )
        return self._by_area(counts)

    def _modifiers(self, n_old: int) -> Modifiers:
        """Multipliers on the need probabilities from the initiatives reaching citizens.

        Only the first ``n_old`` rows (the residents of 1 January) are concerned; the reached
        citizens who died or left are gone.
        """
        records = [(j, self.strategy.reach.get(a)) for j, a in enumerate(AREAS)]
        records = [(j, r) for j, r in records if r is not None and len(r.pids)]
        if not records or n_old == 0:
            empty = np.empty(0, dtype=np.intp)
            return Modifiers(empty, np.empty(0), empty, np.empty(0))
        pids = np.concatenate([r.pids for _, r in records])  # ascending within each area
        area = np.repeat([j for j, _ in records], [len(r.pids) for _, r in records])
        # each reached citizen's row, or -1 if gone: a table by pid is faster than a search
        pid = self.citizens.pid[:n_old]
        row_of = np.full(max(int(pid[-1]), int(pids.max())) + 1, -1, dtype=np.int32)
        row_of[pid] = np.arange(n_old, dtype=np.int32)
        rows = row_of.take(pids).astype(np.intp)
        found = rows >= 0
        keys = rows[found] * len(AREAS) + area[found]
        effect = 1.0 + np.concatenate([r.effect for _, r in records])[found]
        on_inc = np.concatenate([r.on_incidence for _, r in records])[found]
        out = []
        for which in (on_inc, ~on_inc):
            k = keys[which]
            order = np.argsort(k, kind="stable")  # six ascending runs
            out += [k[order], effect[which][order]]
        return Modifiers(*out)

    def _caseloads(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """All cases and unaddressable cases by area, municipality and level (weights applied)."""
        c = self.citizens
        top = max(self.needs.n_levels(a) for a in AREAS)

        def count(bounds: tuple[int, int]) -> np.ndarray:
            lo, hi = bounds
            return count_in_need(
                c.municipality[lo:hi],
                c.need[lo:hi],
                c.addressable[lo:hi],
                top,
                self.n_municipalities,
            )

        counts = sum(self._map(count, _row_chunks(len(c), len(c) >= _THREADS_FROM, self._threads)))
        return self._by_area(counts)

    def _by_area(self, counts: np.ndarray) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """Caseloads by area from :func:`~simulation.year.provision.count_cases` counts."""
        n_levels = [self.needs.n_levels(a) for a in AREAS]
        return dict(zip(AREAS, caseloads(counts, n_levels, self.citizens.weight), strict=True))

    def _map(self, fn, items) -> list:
        """Apply ``fn`` to ``items`` in order; in two threads for large populations.

        NumPy releases the interpreter lock in its array loops, so the row chunks of a
        full-scale population (:func:`_row_chunks`) run about one and a half times as fast on
        two cores. The results do not depend on it: ``fn`` draws no random numbers (they are
        drawn before or between the calls, in a fixed order) and each chunk writes only its own
        rows.
        """
        if len(self.citizens) < _THREADS_FROM or self._threads < 2:
            return [fn(item) for item in items]
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=self._threads)
        return list(self._pool.map(fn, items))

    def _cost_step(
        self,
        year: int,
        start_cases: dict[str, tuple[np.ndarray, np.ndarray]],
        end_cases: dict[str, tuple[np.ndarray, np.ndarray]],
    ) -> None:
        """Cost of the year's average caseload, booked to the results and the public units."""
        add = self.results.add
        regional_cost = {}
        for area in AREAS:
            cases = 0.5 * (start_cases[area][0] + end_cases[area][0])
            floor_cases = 0.5 * (start_cases[area][1] + end_cases[area][1])
            total, reg = self.costs.cost(area, cases, year)
            floor_cost, _ = self.costs.cost(area, floor_cases, year)
            case_sum = cases.sum(axis=1)
            add("need_cases", year, case_sum, area)
            add("unmet_need_cases", year, floor_cases.sum(axis=1), area)
            add("unaddressable_cost_dkk", year, floor_cost, area)
            add("public_cost_dkk", year, total, area)
            add("net_cost_dkk", year, total, area)
            self.ledgers[area].book(year, case_sum, total)
            regional_cost[area] = reg
        for (region, area), unit in self._regional_units.items():
            unit.book(year, float(regional_cost[area][self._region_rows[region]].sum()))

    def _civil_society_step(self, year: int) -> None:
        mapping = self.strategy.by_municipality("potential_mapping", "max")
        facilitation = self.strategy.by_municipality("facilitation", "mean")
        cs = self.civil_society
        contracts = self.strategy.contracts(len(cs.enterprises))
        stats = cs.step(year, mapping, facilitation, self.streams["civil_society"], contracts)
        self.strategy.lead_closed(cs.closed, year)
        self.volunteer_stats = stats
        self.results.add("volunteers", year, stats.volunteers)
        self.results.add("volunteer_hours", year, stats.social_hours)

    def _strategy_step(self, year: int) -> None:
        stats = self.volunteer_stats
        self.strategy.step(year, self.streams["strategy"], stats.social_hours, stats.online_hours)
        self.lever_costs.flush()
        for area, used in self.strategy.hours_used.items():
            self.results.add("volunteer_hours", year, used, area)
            substitution = float(self.parameters["substitution"])
            if substitution > 0:
                saving = used * substitution * self.strategy.sp["substitution_wage_dkk"]
                self.results.add("public_cost_dkk", year, -saving, area)
                self.results.add("net_cost_dkk", year, -saving, area)
        self.results.add("marginalised_employed", year, self.strategy.employed)
        running = self.strategy.running_by_municipality()
        for j, area in enumerate(AREAS):
            self.results.add("initiatives_running", year, running[j], area)

    def _collect_stocks(self, year: int) -> None:
        """Population by municipality and age band, and nationally by sex and 5-year band."""
        c = self.citizens
        res = self.results
        by_cell = self._stock_counts()
        # age bands 0-17, 18-19, 20-64, 65-79, 80+ by municipality
        by_age = by_cell.sum(axis=1)
        counts = np.add.reduceat(by_age, _STOCK_BANDS, axis=1) * c.weight
        res.add("population", year, counts.sum(axis=1))
        res.add("population_0_17", year, counts[:, 0])
        res.add("population_20_64", year, counts[:, 2])
        res.add("population_65p", year, counts[:, 3] + counts[:, 4])
        res.add("population_80p", year, counts[:, 4])
        res.add_age_counts(year, by_cell.sum(axis=0), c.weight)

    def _stock_counts(self) -> np.ndarray:
        """Simulated citizens by municipality, sex and single age, shape (98, 2, N_AGES).

        Counted in one pass, and kept until the columns it was counted from are replaced (only
        demography changes municipality, sex and age, and it replaces the arrays).
        """
        c = self.citizens
        columns = (c.municipality, c.sex, c.age)
        cached = self._stocks
        if cached is not None and all(a is b for a, b in zip(cached[0], columns, strict=True)):
            return cached[1]
        # 32-bit keys: mixing the 8- and 16-bit columns with 64-bit numbers is several times slower
        key = c.municipality.astype(np.int32)
        key *= 2
        key += c.sex
        key *= N_AGES
        key += np.minimum(c.age, MAX_AGE)
        by_cell = np.bincount(key, minlength=self.n_municipalities * 2 * N_AGES)
        by_cell = by_cell.reshape(self.n_municipalities, 2, N_AGES)
        self._stocks = (columns, by_cell)
        return by_cell

    def _collect_flows(self, year: int, flows) -> None:
        w = self.citizens.weight
        self.results.add("births", year, flows.births * w)
        self.results.add("deaths", year, flows.deaths * w)
        self.results.add("moves_in", year, flows.moves_in * w)
        self.results.add("moves_out", year, flows.moves_out * w)

    # --- running --------------------------------------------------------------------------
    def run(self) -> WelfareModel:
        """Step until the end year and return the model."""
        while self.running:
            self.step()
        return self

    def table(self):
        """The tidy output table of this run (see ``data/metrics.csv``)."""
        return self.results.to_frame(self.scenario, self.replicate, self.seed)

    def ages(self):
        """The national population by year, sex and 5-year age band."""
        return self.results.ages_frame(self.scenario, self.replicate, self.seed)


@cache
def _geography() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Municipality codes, region codes and names in model order (read once per process)."""
    geo = municipality_table()
    return geo["code"].to_numpy(), geo["region_code"].to_numpy(), geo["name"].to_numpy()


@cache
def _addressable_share() -> np.ndarray:
    """Share of each area's cases that initiatives can address, in ``AREAS`` order."""
    areas = read_table("areas.csv").set_index("area")
    return np.array([float(areas.loc[a, "addressable_share"]) for a in AREAS])


@cache
def _offending() -> tuple[float, int, float]:
    """Yearly reoffending rate after release, the risk window in years, first-offence factor."""
    offending = read_table("offending.csv").set_index("name")["value"].astype(float)
    reoffend_rate = 1.0 - (1.0 - offending["reoffend_within_two_years"]) ** (
        1.0 / offending["risk_window_years"]
    )
    return (
        float(reoffend_rate),
        int(offending["risk_window_years"]),
        float(offending["first_offence_factor"]),
    )


def _row_chunks(n: int, split: bool, threads: int) -> list[tuple[int, int]]:
    """Row ranges covering ``0..n``: one, or ``4 x threads`` for populations run in threads."""
    if not split:
        return [(0, n)]
    edges = np.linspace(0, n, 4 * threads + 1).astype(int).tolist()
    return list(zip(edges[:-1], edges[1:], strict=True))
