"""The needs step of a year: who enters, moves between or leaves need levels, and caseloads.

The probabilities are the need model's (:mod:`simulation.year.needs`); this module applies them
to the citizens. Residents of 1 January occupy the first rows (demography appends newcomers after
them). Every citizen gets one uniform per area (a 32-bit integer); a resident in no level whose
uniform is above the year's entry bound for their sex and age keeps level 0, so only the
citizens in a level, the few who may enter one, and those with modified probabilities are
stepped individually. The draws do not depend on the levers (common random numbers across
scenarios). Large populations are stepped in row chunks in two threads
(:mod:`simulation.year.threads`); the caseloads are counted on the way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from simulation.constants import AREAS, BASE_YEAR, MAX_AGE, N_AGES
from simulation.inputs.integration_entry import documented_entries
from simulation.inputs.prices import integration_exit_share
from simulation.year.needs import Modifiers
from simulation.year.provision import caseloads, count_cases, count_in_need
from simulation.year.random_bits import random_bits

if TYPE_CHECKING:
    from simulation.model import WelfareModel

__all__ = ["Caseloads", "NeedsStep", "YearStart"]

Caseloads = dict[str, tuple[np.ndarray, np.ndarray]]
"""All cases and unaddressable cases by area: two arrays (municipality, level), weighted."""


class YearStart:
    """What the needs step knows on 1 January: the caseloads, and the first newcomer's pid.

    Attributes:
        cases: the caseloads of 1 January.
        first_new_pid: the pid the first citizen added this year will get.
    """

    def __init__(self, cases: Caseloads, first_new_pid: int) -> None:
        self.cases = cases
        self.first_new_pid = first_new_pid


class NeedsStep:
    """Need transitions of the year for the residents of 1 January; needs of newcomers.

    Args:
        model: the model (its citizens, need model, strategy's reach, parameters, offending
            figures, trajectory player, row mapper and results are used).
    """

    def __init__(self, model: WelfareModel) -> None:
        self.model = model
        self._end_cases: Caseloads | None = None  # nothing changes needs until next year's step
        self.exit_share = integration_exit_share()

    def start_of_year(self) -> YearStart:
        """The caseloads of 1 January (last year's end, or counted) and the next pid."""
        cases = self._end_cases or self.caseloads()
        return YearStart(cases, self.model.citizens._next_pid)

    def _draws(self, year: int, n_new: int, n_old: int) -> tuple[np.ndarray | None, np.ndarray]:
        """The year's 32-bit uniforms, for the newcomers and for the residents.

        The newcomers' (``None`` if there are none) have two per area: for the level and for
        addressability. They depend only on the needs stream and on the numbers of citizens,
        so a kept trajectory holds them too (:mod:`simulation.year.trajectories`).
        """
        rng = self.model.streams["needs"]
        n_areas = len(AREAS)

        def draw() -> tuple[np.ndarray | None, np.ndarray]:
            x_new = None
            if n_new:
                x_new = random_bits(rng, n_new * 2 * n_areas, np.uint32)
                x_new = x_new.reshape(n_new, 2 * n_areas)
            x_old = random_bits(rng, n_old * n_areas, np.uint32).reshape(n_old, n_areas)
            return x_new, x_old

        return self.model.trajectory.needs_draws(year - BASE_YEAR, draw)

    def run(self, year: int, start: YearStart) -> Caseloads:
        """Step the year's needs; return the caseloads at its end (counted on the way)."""
        m = self.model
        c = m.citizens
        n = len(c)
        n_old = int(np.searchsorted(c.pid, start.first_new_pid))
        n_areas = len(AREAS)
        n_mun = m.n_municipalities
        shift = m.healthy_ageing_shift(year)
        trend = (1.0 + float(m.parameters["mental_illness_trend"])) ** (year - BASE_YEAR)
        factors = [
            trend
            if area == "mental_health"
            else m.first_offence_factor
            if area == "rehabilitation"
            else 1.0
            for area in AREAS
        ]
        tables = m.needs.year_tables(shift, factors)
        top = len(tables.remission) - 1
        x_new, x_old = self._draws(year, n - n_old, n_old)
        if x_new is not None:  # newcomers: uniforms for their levels and their addressability
            c.addressable[n_old:] = x_new[:, n_areas:] * 2.0**-32 < m.addressable_share
        # age after ageing: the tables take the transitions of the age on 1 January
        sex_age = c.sex[:n_old].astype(np.int32)  # 32-bit: faster than mixing in 64 bits
        sex_age *= N_AGES
        sex_age += c.age[:n_old]
        rehab = AREAS.index("rehabilitation")
        integration, employment = AREAS.index("integration"), AREAS.index("employment")
        exit_bound = int(self.exit_share * 2**16)
        mods = self.modifiers(n_old)
        at_risk = np.flatnonzero(c.released[:n_old] >= year - m.risk_window)
        # sorted pairs (row * n_areas + area) whose probabilities differ from their cell's,
        # each kind tagged by a bit of the candidate mask
        special = (
            (2, mods.incidence_pairs),
            (4, mods.remission_pairs),
            (8, at_risk * n_areas + rehab),
        )
        chunks = m.rows.chunks(n_old)

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
            go = m.needs.may_change(tables, state, cell, xk)
            go |= kind > 1
            at = np.flatnonzero(go)
            return lo, hi, keys, rows, cols, state, cell, xk, at, kind.take(at), spans

        found = m.rows.map(candidates, chunks)

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
            level = m.needs.step_cells(
                tables,
                was,
                cell.take(at),
                xk.take(at),
                special_at=sp,
                special_factor=factor,
                special_override=(sp_kind & np.uint8(8)) != 0,
                override_incidence=m.reoffend_rate,
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
            # integration leavers: a documented share passes to cash benefit (employment level
            # 1), decided by the low 16 bits of their uniform (independent of leaving, which
            # its high bits decide); one already in an employment level stays there
            leavers = at[(cols.take(at) == integration) & (was > 0) & (level == 0)]
            to_benefit = leavers[(xk.take(leavers) & np.uint32(0xFFFF)) < exit_bound]
            moved = rows[to_benefit]
            enter = moved[need[moved, employment] == 0]
            need[enter, employment] = 1
            extra = None
            if len(enter):
                pair = enter * n_areas + employment
                pos = np.minimum(np.searchsorted(keys, pair), len(keys) - 1)
                listed = keys.take(pos) == pair
                state[pos[listed]] = 1  # counted below with the other candidates
                out = enter[~listed]
                extra = count_cases(
                    np.full(len(out), employment),
                    c.municipality[lo:hi].take(out),
                    c.addressable[lo:hi, employment].take(out),
                    np.ones(len(out), dtype=np.int8),
                    n_areas,
                    top,
                    n_mun,
                )
            counts = count_cases(
                cols,
                c.municipality[lo:hi].take(rows),
                c.addressable[lo:hi].reshape(-1).take(keys),
                state,
                n_areas,
                top,
                n_mun,
            )
            if extra is not None:
                counts += extra
            return lo + rows[back], counts, lo + rows[leavers], lo + moved

        done = m.rows.map(rows_step, range(len(found)))
        none = np.empty(0, dtype=np.intp)
        reoffended = np.concatenate([none, *(d[0] for d in done)])
        counts = sum(d[1] for d in done)
        for metric, k in (("integration_leavers", 2), ("integration_to_cash_benefit", 3)):
            who = np.concatenate([none, *(d[k] for d in done)])
            m.results.add(
                metric, year, np.bincount(c.municipality[who], minlength=n_mun) * c.weight
            )
        if n > n_old:
            age_new = c.age[n_old:]
            immigrant = (c.arrived[n_old:] == year) & (age_new >= 18) & (age_new <= 64)
            sex_age_new = c.sex[n_old:] * np.intp(N_AGES) + np.minimum(age_new, MAX_AGE)
            # entries into the integration programme follow documented immigration
            entries = m.scale * documented_entries(
                year, m.simulated, float(m.parameters["migration_scale"])
            )
            c.need[n_old:] = m.needs.draw_newcomers(
                sex_age_new, x_new[:, :n_areas], shift, immigrant, entries
            )
            counts = counts + count_in_need(
                c.municipality[n_old:], c.need[n_old:], c.addressable[n_old:], top, n_mun
            )
        m.results.add(
            "reoffending",
            year,
            np.bincount(c.municipality[reoffended], minlength=n_mun) * c.weight,
        )
        self._end_cases = self.by_area(counts)
        return self._end_cases

    def modifiers(self, n_old: int) -> Modifiers:
        """Multipliers on the need probabilities from the initiatives reaching citizens.

        Only the first ``n_old`` rows (the residents of 1 January) are concerned; the reached
        citizens who died or left are gone.
        """
        records = [(j, self.model.strategy.reach.get(a)) for j, a in enumerate(AREAS)]
        records = [(j, r) for j, r in records if r is not None and len(r.pids)]
        if not records or n_old == 0:
            empty = np.empty(0, dtype=np.intp)
            return Modifiers(empty, np.empty(0), empty, np.empty(0))
        pids = np.concatenate([r.pids for _, r in records])  # ascending within each area
        area = np.repeat([j for j, _ in records], [len(r.pids) for _, r in records])
        # each reached citizen's row, or -1 if gone: a table by pid is faster than a search
        pid = self.model.citizens.pid[:n_old]
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

    def caseloads(self) -> Caseloads:
        """All cases and unaddressable cases by area, municipality and level (weights applied)."""
        m = self.model
        c = m.citizens
        top = max(m.needs.n_levels(a) for a in AREAS)

        def count(bounds: tuple[int, int]) -> np.ndarray:
            lo, hi = bounds
            return count_in_need(
                c.municipality[lo:hi], c.need[lo:hi], c.addressable[lo:hi], top, m.n_municipalities
            )

        return self.by_area(sum(m.rows.map(count, m.rows.chunks())))

    def by_area(self, counts: np.ndarray) -> Caseloads:
        """Caseloads by area from :func:`~simulation.year.provision.count_cases` counts."""
        m = self.model
        n_levels = [m.needs.n_levels(a) for a in AREAS]
        return dict(zip(AREAS, caseloads(counts, n_levels, m.citizens.weight), strict=True))
