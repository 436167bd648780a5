"""The strategy of one year (DESIGN 3.3, step 5).

Public units frame challenges, actors propose initiatives, units select, fund, facilitate,
evaluate, stop and scale them, and citizens are reached. Each lever has one documented
mechanism (see ``docs/ODD.md``):

* ``innovation_support``, ``challenge_based``, ``facilitation``: the rate of proposals
  (Poisson, per 10,000 inhabitants); no lever, no proposal, so the baseline has no initiatives.
* ``actor_mix``: which actor types may lead (associations and volunteers first, then
  social-economy enterprises, online communities, ordinary firms).
* ``challenge_based``: the share of open calls; their proposals have a wider spread of true
  effects than the incumbent-efficiency proposals.
* ``competence``: less noise in the effect a unit expects when it selects proposals.
* ``facilitation``: more pilots become working partnerships (and, in civil society, more
  volunteers stay).
* ``quality_assurance``: the share of initiatives evaluated each year and the precision of the
  evaluation; evaluated initiatives that show no benefit are stopped.
* ``scaling``: the yearly probability that an initiative that looks successful is scaled
  (capacity doubled) and possibly spread to another active municipality.
* ``potential_mapping``: asks the would-volunteer-if-asked pool (civil society), so more hours.
* ``public_role``: driver (grants, all actor types) or enabler (contracts with enterprises,
  fewer proposals, lower cost per participant).
* ``coverage``, ``action_plan``, ``adoption``: which units act at all and how fully
  (:mod:`simulation.levers`).

Lever costs (coordinators, training, mapping, innovation funds, evaluations, grants and
contracts) are booked by municipality and area.
"""

from __future__ import annotations

import bisect
import itertools
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from simulation.agents.initiative import Initiative
from simulation.data import read_table
from simulation.levers import UnitLevers
from simulation.needs import AREAS
from simulation.reach import assign_doses
from simulation.strategy_parameters import strategy_parameters, volunteering_parameters

__all__ = ["Strategy", "InitiativeKind", "ACTOR_ORDER", "actor_weights", "StrategyStats"]

ACTOR_ORDER = ("association", "volunteer", "social_enterprise", "online", "firm")
_ACTOR_THRESHOLD = {
    "association": 0.0,
    "volunteer": 0.0,
    "social_enterprise": 0.25,
    "online": 0.5,
    "firm": 0.75,
}


def actor_weights(actor_mix: float) -> dict[str, float]:
    """Weight of each actor type at a given ``actor_mix`` (each phased in over 0.25)."""
    if actor_mix <= 0:
        return dict.fromkeys(ACTOR_ORDER, 0.0)
    return {
        a: (min(max((actor_mix - t) / 0.25, 0.0), 1.0) if t > 0 else 1.0)
        for a, t in _ACTOR_THRESHOLD.items()
    }


@dataclass(frozen=True)
class InitiativeKind:
    """A kind of initiative from ``data/initiative_types.csv``."""

    area: str
    kind: str
    leads: tuple[str, ...]
    target_level: int
    age_low: int
    age_high: int
    acts_on: str
    effect_mean: float
    effect_sd: float
    resource: str
    hours_per_participant: float
    cost_per_participant: float

    def benefit(self, effect: float) -> float:
        """Benefit of a relative effect: a fall in incidence or a rise in remission is good."""
        return -effect if self.acts_on == "incidence" else effect


def load_kinds() -> dict[str, list[InitiativeKind]]:
    """Initiative kinds by area."""
    table = read_table("initiative_types.csv")
    out: dict[str, list[InitiativeKind]] = {a: [] for a in AREAS}
    for row in table.to_dict("records"):
        out[row["area"]].append(
            InitiativeKind(
                area=row["area"],
                kind=row["kind"],
                leads=tuple(row["lead"].split("|")),
                target_level=int(row["target_level"]),
                age_low=int(row["age_low"]),
                age_high=int(row["age_high"]),
                acts_on=row["acts_on"],
                effect_mean=float(row["effect_mean"]),
                effect_sd=float(row["effect_sd"]),
                resource=row["resource"],
                hours_per_participant=float(row["hours_per_participant"]),
                cost_per_participant=float(row["cost_per_participant_dkk"]),
            )
        )
    return out


@dataclass
class StrategyStats:
    """Intermediate outcomes of one year, for the tests and the documentation of each lever."""

    proposals: int = 0
    selected: int = 0
    pilots_ended: int = 0
    pilots_succeeded: int = 0
    evaluated: int = 0
    stopped_by_evaluation: int = 0
    scaled: int = 0
    spread: int = 0
    lead_types: dict[str, int] = field(default_factory=dict)


class Strategy:
    """The strategy mechanism.

    Args:
        model: the welfare model.
        unit_levers: resolved lever settings per (municipality index, area).
    """

    def __init__(self, model: Any, unit_levers: dict[tuple[int, str], UnitLevers]) -> None:
        self.model = model
        self.units = unit_levers
        self.sp = strategy_parameters()
        self.kinds = load_kinds()
        self.hours_per_volunteer = volunteering_parameters()["hours_per_month"] * 12.0
        self.initiatives: list[Initiative] = []
        self.history: list[StrategyStats] = []
        self.created: list[Initiative] = []  # every initiative ever started, for analysis
        self.reach: dict[str, _ReachRecord] = {}
        self._association_pools: dict[tuple[int, str], list] = {}
        self._enterprise_pools: dict[tuple[int, str], list] = {}
        self._active_by_area = {
            area: [i for (i, a), lv in unit_levers.items() if a == area and lv.active]
            for area in AREAS
        }

    # --- per-municipality views used by civil society -------------------------------------
    def by_municipality(self, lever: str, how: str = "mean") -> np.ndarray:
        """A lever's value by municipality index, over its units (``mean`` or ``max``)."""
        n = self.model.n_municipalities
        values = np.zeros((n, len(AREAS)))
        for (i, area), lv in self.units.items():
            values[i, AREAS.index(area)] = lv[lever]
        return values.max(axis=1) if how == "max" else values.mean(axis=1)

    # --- the year -------------------------------------------------------------------------
    def step(
        self, year: int, rng: np.random.Generator, hours_available: np.ndarray, online_hours: float
    ) -> StrategyStats:
        """Run the year's strategy: lifecycle of existing initiatives, then new ones, then reach.

        Args:
            year: calendar year.
            rng: the strategy random stream.
            hours_available: social volunteer hours by municipality (persons x hours).
            online_hours: hours of the online communities (national).
        """
        stats = StrategyStats()
        costs = self.model.lever_costs
        self._enterprise_pools = {}  # enterprises open and close from year to year
        self._lifecycle(year, rng, stats, costs)
        self._propose(year, rng, stats)
        self._book_fixed_costs(year, costs)
        self._reach(year, rng, hours_available, online_hours, costs)
        self.history.append(stats)
        return stats

    def _lifecycle(self, year, rng, stats, costs) -> None:
        sp = self.sp
        ended_life = 1.0 / sp["initiative_lifetime"]
        effect_scale = float(self.model.parameters["effect_scale"])
        active = [ini for ini in self.initiatives if ini.is_active]
        uniforms = rng.random((len(active), 5)).tolist()
        normals = rng.standard_normal(len(active)).tolist()
        for ini, u, z in zip(active, uniforms, normals, strict=True):
            lv = self.units[(ini.municipality, ini.area)]
            kind = ini.kind_spec
            if ini.stage == "pilot":
                stats.pilots_ended += 1
                success = min(
                    sp["pilot_success_base"]
                    + (
                        sp["pilot_success_per_facilitation"] * lv["facilitation"]
                        if lv.public_role == "driver"
                        else 0.0
                    ),
                    0.9,
                )
                if u[0] < success:
                    ini.stage = "running"
                    stats.pilots_succeeded += 1
                else:
                    self._stop(ini, year, "partnership failed")
                continue
            qa = lv["quality_assurance"]
            if u[1] < qa:
                stats.evaluated += 1
                noise = sp["evaluation_noise_sd"] * kind.effect_sd * (1.0 - 0.5 * qa)
                true_benefit = kind.benefit(ini.true_effect) * effect_scale
                ini.measured_effect = true_benefit + noise * z
                costs.add(year, ini.municipality, ini.area, self.sp["evaluation_cost_dkk"])
                if ini.measured_effect < sp["stop_threshold"]:
                    stats.stopped_by_evaluation += 1
                    self._stop(ini, year, "evaluation showed no benefit")
                    continue
            looks = ini.measured_effect if ini.measured_effect is not None else ini.expected_effect
            if ini.stage == "running" and looks > sp["success_threshold"] and u[2] < lv["scaling"]:
                ini.stage = "scaled"
                ini.capacity *= sp["scale_factor"]
                ini.jobs = self._jobs_for(ini, ini.jobs * sp["scale_factor"])
                self.model.results.add_at(
                    "initiatives_scaled", year, ini.municipality, 1.0, ini.area
                )
                stats.scaled += 1
                if u[3] < sp["spread_probability"] and self._spread(ini, year, rng):
                    stats.spread += 1
                continue
            if u[4] < ended_life:
                self._stop(ini, year, "ended")

    def _stop(self, ini: Initiative, year: int, reason: str) -> None:
        ini.stop(year, reason)
        self.model.results.add_at("initiatives_stopped", year, ini.municipality, 1.0, ini.area)

    def _jobs_for(self, ini: Initiative, wanted: float) -> float:
        if ini.resource != "jobs":
            return 0.0
        free = ini.lead.jobs_free() + ini.jobs
        return float(min(wanted, free))

    def _lead_candidates(self, i: int, area: str, lv: UnitLevers) -> list[tuple[str, float, list]]:
        """Actor types that may lead in this unit, their weights and their pools of actors."""
        cs = self.model.civil_society
        out = []
        for actor, wgt in actor_weights(lv["actor_mix"]).items():
            if wgt <= 0:
                continue
            if lv.public_role == "enabler" and actor not in ("social_enterprise", "firm"):
                continue
            if actor == "association":
                key = (i, area)
                if key not in self._association_pools:
                    self._association_pools[key] = [
                        a for a in cs.associations_by_mun.get(i, []) if area in a.areas
                    ]
                pool = self._association_pools[key]
            elif actor == "volunteer":
                pool = ["municipal volunteer centre"]
            elif actor == "online":
                pool = [o for o in cs.online if area in o.areas] or list(cs.online)
            else:
                pool = self._enterprise_pools.get((i, actor))
                if pool is None:
                    pool = [
                        e for e in cs.enterprises_by_mun.get(i, []) if e.kind == actor and e.open
                    ]
                    self._enterprise_pools[(i, actor)] = pool
            if pool:
                out.append((actor, wgt, pool))
        return out

    def _propose(self, year: int, rng: np.random.Generator, stats: StrategyStats) -> None:
        sp = self.sp
        m = self.model
        pop = m.population_by_municipality
        effect_scale = float(m.parameters["effect_scale"])
        for (i, area), lv in self.units.items():
            if not lv.active:
                continue
            rate = (pop[i] / 10_000.0) * (
                sp["proposals_per_10000_per_100dkk"] * lv["innovation_support"] / 100.0
                + sp["proposals_per_10000_challenge"] * lv["challenge_based"]
                + sp["proposals_per_10000_facilitation"] * lv["facilitation"]
            )
            if lv.public_role == "enabler":
                rate *= sp["enabler_proposal_factor"]
            n_prop = int(rng.poisson(rate)) if rate > 0 else 0
            if not n_prop:
                continue
            candidates = self._lead_candidates(i, area, lv)
            kinds = self.kinds[area]
            options = [
                (actor, wgt, pool, k)
                for actor, wgt, pool in candidates
                for k in kinds
                if actor in k.leads
            ]
            uniforms = rng.random((n_prop, 3)).tolist()
            normals = rng.standard_normal((n_prop, 2)).tolist()
            stats.proposals += n_prop
            if not options:
                continue
            cum = list(itertools.accumulate(o[1] for o in options))
            for u, z in zip(uniforms, normals, strict=True):
                pick = min(bisect.bisect_right(cum, u[0] * cum[-1]), len(options) - 1)
                actor, _, pool, kind = options[pick]
                lead = pool[int(u[1] * len(pool)) % len(pool)]
                open_call = u[2] < lv["challenge_based"]
                if open_call:
                    mean = kind.effect_mean
                    sd = kind.effect_sd * (1.0 + sp["challenge_effect_spread"])
                else:
                    mean = kind.effect_mean * 0.6
                    sd = kind.effect_sd * sp["incumbent_effect_shrink"]
                true_effect = mean + sd * z[0]
                noise = (
                    sp["selection_noise_sd"]
                    * kind.effect_sd
                    * (1.0 - sp["competence_noise_reduction"] * lv["competence"])
                )
                expected = kind.benefit(true_effect) * effect_scale + noise * z[1]
                if expected <= 0:
                    continue
                ini = self._create(
                    year, i, area, kind, actor, lead, true_effect, expected, lv.public_role
                )
                if ini is None:
                    continue
                stats.selected += 1
                stats.lead_types[actor] = stats.lead_types.get(actor, 0) + 1

    def _create(
        self, year, i, area, kind, actor, lead, true_effect, expected, role, stage="pilot"
    ) -> Initiative | None:
        sp = self.sp
        if kind.resource == "jobs":
            if not hasattr(lead, "jobs_free"):
                return None
            jobs = min(sp["jobs_per_initiative"], lead.jobs_free())
            if jobs <= 0:
                return None
            capacity = jobs
        elif kind.resource == "hours":
            jobs = 0.0
            capacity = (
                sp["volunteers_per_initiative"]
                * self.hours_per_volunteer
                / kind.hours_per_participant
            )
        else:
            jobs = 0.0
            capacity = sp["participants_per_initiative"]
        z = (kind.benefit(true_effect) - kind.benefit(kind.effect_mean)) / kind.effect_sd
        ini = Initiative(
            self.model,
            quality=0.5 * (1.0 + math.erf(z / math.sqrt(2.0))),
            municipality=i,
            area=area,
            kind=kind.kind,
            kind_spec=kind,
            lead=lead,
            lead_type=actor,
            target_level=kind.target_level,
            acts_on=kind.acts_on,
            true_effect=float(true_effect),
            expected_effect=float(expected),
            stage=stage,
            capacity=float(capacity),
            jobs=float(jobs),
            resource=kind.resource,
            hours_per_participant=kind.hours_per_participant,
            cost_per_participant=kind.cost_per_participant,
            funded="grant" if role == "driver" else "contract",
            started=year,
            age_low=kind.age_low,
            age_high=kind.age_high,
        )
        if hasattr(lead, "initiatives"):
            lead.initiatives.append(ini)
        self.initiatives.append(ini)
        self.created.append(ini)
        self.model.results.add_at("initiatives_started", year, i, 1.0, area)
        return ini

    def _spread(self, ini: Initiative, year: int, rng: np.random.Generator) -> bool:
        """Start a copy (same true effect) in another active municipality's unit of the area."""
        targets = [i for i in self._active_by_area[ini.area] if i != ini.municipality]
        if not targets:
            return False
        i = targets[int(rng.random() * len(targets)) % len(targets)]
        lv = self.units[(i, ini.area)]
        candidates = [c for c in self._lead_candidates(i, ini.area, lv) if c[0] == ini.lead_type]
        if not candidates:
            return False
        pool = candidates[0][2]
        lead = pool[int(rng.random() * len(pool)) % len(pool)]
        copy = self._create(
            year,
            i,
            ini.area,
            ini.kind_spec,
            ini.lead_type,
            lead,
            ini.true_effect,
            ini.measured_effect if ini.measured_effect is not None else ini.expected_effect,
            lv.public_role,
            stage="running",
        )
        return copy is not None

    def _book_fixed_costs(self, year: int, costs) -> None:
        sp = self.sp
        pop = self.model.population_by_municipality
        n_areas = len(AREAS)
        mapping = np.zeros(self.model.n_municipalities)
        for (i, area), lv in self.units.items():
            if not lv.active:
                continue
            amount = (
                lv["facilitation"] * pop[i] / 10_000.0 * sp["coordinator_cost_dkk"]
                + lv["competence"]
                * sp["staff_per_inhabitant"]
                * pop[i]
                / n_areas
                * sp["training_cost_dkk"]
                + lv["innovation_support"] * pop[i]
            )
            costs.add(year, i, area, amount)
            mapping[i] = max(mapping[i], lv["potential_mapping"])
        for i in np.flatnonzero(mapping):
            costs.add(year, int(i), None, mapping[i] * sp["mapping_cost_dkk"] * pop[i])

    def _reach(self, year, rng, hours_available, online_hours, costs) -> None:
        """Assign citizens to the active initiatives for the coming year, within resources.

        The result, per area, is kept sparse in :attr:`reach`: the reached citizens' ids, the
        summed effect ``sum_i f_i (m_i - 1)`` of the initiatives reaching them, whether it acts on
        incidence, and every (citizen, initiative, dose) pair for following a citizen.
        """
        m = self.model
        c = m.citizens
        w = c.weight
        n_mun = m.n_municipalities
        effect_scale = float(m.parameters["effect_scale"])
        active = [ini for ini in self.initiatives if ini.is_active]
        self.initiatives = active  # stopped ones leave the working list
        hours_left = hours_available.astype(float).copy()
        online_left = float(online_hours)
        sp = self.sp
        employed = np.zeros(n_mun)
        hours_used = {a: np.zeros(n_mun) for a in AREAS}
        self.reach = {}
        by_kind: dict[tuple[str, str], list[Initiative]] = {}
        for ini in active:
            by_kind.setdefault((ini.area, ini.kind), []).append(ini)
        for j, area in enumerate(AREAS):
            state = c.need[:, j]
            taken = np.zeros(len(c), dtype=bool)
            parts: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
            for kind in self.kinds[area]:
                group = by_kind.get((area, kind.kind))
                if not group:
                    continue
                caps = np.array(
                    [
                        ini.capacity * (sp["pilot_reach_share"] if ini.stage == "pilot" else 1.0)
                        for ini in group
                    ]
                )
                muns = np.array([ini.municipality for ini in group])
                if kind.resource == "hours":
                    online = np.array([ini.lead_type == "online" for ini in group])
                    need_h = caps * kind.hours_per_participant
                    local_need = np.bincount(
                        muns[~online], weights=need_h[~online], minlength=n_mun
                    )
                    f_local = np.divide(
                        hours_left, local_need, out=np.ones(n_mun), where=local_need > 0
                    )
                    f_local = np.clip(f_local, 0.0, 1.0)
                    online_need = need_h[online].sum()
                    f_online = min(1.0, max(online_left, 0.0) / online_need) if online_need else 1.0
                    caps = np.where(online, caps * f_online, caps * f_local[muns])
                elif kind.resource == "jobs":
                    caps = np.array(
                        [min(ini.jobs, ini.lead.jobs if ini.lead.open else 0.0) for ini in group]
                    )
                eligible = (
                    ~taken
                    & (state == kind.target_level)
                    & (c.age >= kind.age_low)
                    & (c.age <= kind.age_high)
                    & c.addressable[:, j]
                )
                if area == "rehabilitation":
                    eligible &= (year + 1 - c.released) <= m.risk_window
                rows, which, dose = assign_doses(
                    np.flatnonzero(eligible), c.municipality, caps, muns, w, rng, n_mun
                )
                taken[rows] = True
                mult = np.array([ini.multiplier(effect_scale) for ini in group])
                ids = np.array([ini.unique_id for ini in group], dtype=np.int64)
                parts.append(
                    (
                        rows,
                        ids[which],
                        dose,
                        dose * (mult[which] - 1.0),
                        kind.acts_on == "incidence",
                    )
                )
                reached = np.bincount(which, weights=dose * w, minlength=len(group))
                for ini, r in zip(group, reached, strict=True):
                    ini.reached = float(r)
                    cost = r * ini.cost_per_participant
                    if ini.funded == "grant":
                        cost += sp["grant_overhead_dkk"]
                    else:
                        cost *= sp["enabler_cost_factor"]
                    costs.add(year, ini.municipality, area, cost)
                    if kind.resource == "hours":
                        used = r * kind.hours_per_participant
                        if ini.lead_type == "online":
                            online_left -= used
                        else:
                            hours_left[ini.municipality] -= used
                        hours_used[area][ini.municipality] += used
                    elif kind.resource == "jobs":
                        employed[ini.municipality] += r
            self.reach[area] = _ReachRecord.build(c.pid, parts)
        self.hours_used = hours_used
        self.employed = employed
        self.online_hours_used = float(online_hours) - online_left

    def initiatives_reaching(self, pid: int) -> list[dict[str, Any]]:
        """The initiatives that reach citizen ``pid`` in the coming year, with their shares."""
        out = []
        by_id = {ini.unique_id: ini for ini in self.initiatives}
        for area, record in getattr(self, "reach", {}).items():
            for ini_id, dose in record.pairs_of(pid):
                ini = by_id.get(ini_id)
                out.append(
                    {
                        "area": area,
                        "initiative": ini_id,
                        "kind": ini.kind if ini else "",
                        "lead_type": ini.lead_type if ini else "",
                        "stage": ini.stage if ini else "",
                        "share": float(dose),
                    }
                )
        return out


@dataclass
class _ReachRecord:
    """Sparse reach of one area: per reached citizen the summed effect, plus the pairs."""

    pids: np.ndarray  # sorted ids of reached citizens
    effect: np.ndarray  # sum of dose x (multiplier - 1)
    on_incidence: np.ndarray  # whether the effect acts on incidence (else remission)
    pair_pid: np.ndarray
    pair_initiative: np.ndarray
    pair_dose: np.ndarray

    @staticmethod
    def build(pid_column: np.ndarray, parts) -> _ReachRecord:
        """Combine the (rows, initiative ids, doses, effects, on-incidence) parts of an area."""
        if not parts:
            e = np.empty(0)
            return _ReachRecord(
                e.astype(np.int64), e, e.astype(bool), e.astype(np.int64), e.astype(np.int64), e
            )
        rows = np.concatenate([p[0] for p in parts])
        ids = np.concatenate([p[1] for p in parts])
        dose = np.concatenate([p[2] for p in parts])
        effect = np.concatenate([p[3] for p in parts])
        on_inc = np.concatenate([np.full(len(p[0]), p[4]) for p in parts])
        uniq, first, inverse = np.unique(rows, return_index=True, return_inverse=True)
        summed = np.bincount(inverse, weights=effect, minlength=len(uniq))
        return _ReachRecord(
            pids=pid_column[uniq],
            effect=summed,
            on_incidence=on_inc[first],
            pair_pid=pid_column[rows],
            pair_initiative=ids,
            pair_dose=dose,
        )

    def pairs_of(self, pid: int):
        sel = self.pair_pid == pid
        return list(
            zip(self.pair_initiative[sel].tolist(), self.pair_dose[sel].tolist(), strict=True)
        )
