"""The strategy of one year (step 5 of the year, docs/ODD.md sections 3 and 7.5).

Public units frame challenges, actors propose initiatives, units select, fund, facilitate,
evaluate, stop and scale them, and citizens are reached. Each lever has one documented
mechanism (see ``docs/ODD.md``):

* ``innovation_support``, ``challenge_based``, ``facilitation``: the rate of proposals
  (Poisson, per 10,000 inhabitants); no lever, no proposal, so the baseline has no initiatives.
* ``actor_mix``: which actor types may lead (associations and volunteers first, then
  social-economy enterprises, online communities, ordinary firms).
* ``challenge_based``: the share of open calls; their proposals have a wider spread of true
  effects than the incumbent-efficiency proposals.
* ``competence``: less noise in the effect a unit expects when it selects proposals; a higher
  implementation fidelity (an initiative keeps more of its pilot effect in ordinary operation);
  more scaling of what looks successful.
* ``facilitation``: coordinators; more pilots become working partnerships (and, in civil
  society, more volunteers stay), each new partnership costs less (transaction cost), and each
  coordinator matches new partnerships (matching capacity).
* ``quality_assurance``: the share of initiatives evaluated each year and the precision of the
  evaluation; evaluated initiatives that show no benefit are stopped. An evaluation's standard
  error follows from its size (:func:`~simulation.year.evidence.evaluation_se`), so small
  evaluations often mislead.
* ``scaling``: the yearly probability that an initiative that looks successful is scaled
  (capacity doubled) and possibly spread to another active municipality.
* ``potential_mapping``: a unit matches a proposal only with a local actor it knows, and mapping
  widens what it knows; it matches at most its matching capacity (staff plus coordinators) a
  year, pooled over a region for a regional unit. Proposals and capacity are both sized to the
  area's staff (``_unit_sizes``). It also asks the would-volunteer-if-asked pool (civil
  society), so more hours.
* ``public_role``: driver (grants, all actor types) or enabler (contracts with enterprises,
  fewer proposals, lower cost per participant; contract staff instead of coordinators and
  training, so its ``facilitation`` and ``competence`` act as 0).
* ``action_plan``: continuity of funding (fewer initiatives stop when their project funding
  ends), coordination across areas (a unit matches partners from its municipality's widest
  mapping) and shared scaling (a scaled initiative spreads more often).
* ``coverage``, ``adoption``: which units act at all (:mod:`simulation.actors.unit_levers`).

In health and psychiatry the strategist is the region: the rows of its municipalities share its
levers, its innovation fund (``unit_strategist``) and its payer (docs/ODD.md, section 2).

Lever costs are booked once each, by municipality, area and payer (:data:`LEVER_ITEMS`):
coordinators and training sized to the unit's area (driver units), contract management (enabler
units, per running contract), open calls (per proposal drawn), mapping, evaluations, the
transaction cost of each new partnership, the innovation fund
(which pays the grants of the initiatives a unit drives: set-up once, running costs per
participant; grants beyond the fund are topped up) and contracts of enabler units.

A kind's proposals (open calls and incumbent providers alike) draw their true effects around a
pool mean, calibrated so that the typical patchwork unit selects initiatives whose mean is the
kind's mean at scale (:func:`~simulation.year.evidence.mean_at_scale`,
:func:`~simulation.year.evidence.pool_mean`); the spread between initiatives is a share of that
mean (:func:`~simulation.year.evidence.effect_spread`). Evaluations pool their samples over the
years and share one design bias per initiative (:func:`~simulation.year.evidence.pooled_estimate`);
the gain of a time-limited course fades over the
year it reaches a citizen (``fade`` of the kind). docs/evidence.md gives the evidence.

Initiatives are kept column-wise (:class:`~simulation.actors.initiatives.InitiativeTable`), and
every step of the year is written as array operations over them; the units' lever values are columns
over the active units. An initiative's Mesa agent is a view of its row, made on demand
(:attr:`Strategy.initiatives`, :attr:`Strategy.created`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.special import ndtr

from simulation.actors.enterprises import ENTERPRISE_KINDS
from simulation.actors.initiatives import (
    PILOT,
    RUNNING,
    SCALED,
    Initiative,
    InitiativeTable,
    multiplier,
)
from simulation.actors.public_units import regional_areas
from simulation.actors.unit_levers import INTENSITY_LEVERS, UnitLevers
from simulation.constants import AREAS
from simulation.inputs.initiative_kinds import (
    ACTOR_ORDER,
    RESOURCES,
    InitiativeKind,
    kind_arrays,
)
from simulation.inputs.mechanism_numbers import (
    actor_parameters,
    strategy_parameters,
    volunteering_parameters,
)
from simulation.inputs.prices import PAYERS, area_staff
from simulation.year.evidence import evaluation_se, pool_mean, pooled_estimate
from simulation.year.groups import Groups, stable_order
from simulation.year.reach import assign_doses

__all__ = [
    "ACTOR_ORDER",
    "LEVER_ITEMS",
    "InitiativeKind",
    "Strategy",
    "StrategyStats",
    "actor_weights",
    "strategy_step",
]

# Not parameters: these define the scale of the actor_mix lever (0 = associations and volunteers
# only, 1 = every actor type), each further actor type phased in over _PHASE_IN of it; they say
# what a lever value means, not how the world responds, so they have no range.
_PHASE_IN = 0.25
_ACTOR_THRESHOLD = {
    "association": 0.0,
    "volunteer": 0.0,
    "social_enterprise": 0.25,
    "online": 0.5,
    "firm": 0.75,
}
_ASSOCIATION, _VOLUNTEER, _SOCIAL_ENTERPRISE, _ONLINE, _FIRM = range(len(ACTOR_ORDER))
_ENTERPRISE_CODE = {_SOCIAL_ENTERPRISE: 0, _FIRM: 1}  # actor type -> ENTERPRISE_KINDS index
assert tuple(ACTOR_ORDER[a] for a in _ENTERPRISE_CODE) == ENTERPRISE_KINDS
_HOURS, _JOBS = RESOURCES.index("hours"), RESOURCES.index("jobs")
LEVER_ITEMS = (  # the lever cost items; each is booked once, and they sum to lever_cost_dkk
    "coordinators",
    "training",
    "mapping",
    "evaluation",
    "innovation_fund",
    "grants_beyond_fund",
    "contracts_running",
    "contracts_setup",
    "transaction",
    "contract_management",
    "open_calls",
)
ENABLER_IDLE_LEVERS = ("facilitation", "competence")  # levers an enabler unit does not act on
# Not parameters: units of the rates in strategy.csv (per 10,000 inhabitants, per 100 DKK of
# innovation_support per inhabitant) and of volunteering.csv's hours (per month).
PER_10000 = 10_000.0
PER_100_DKK = 100.0
MONTHS = 12.0
# grants paid from the funds (inside innovation_fund and grants_beyond_fund, not added again)
_GRANT_ITEMS = ("grants_paid", "grants_running", "grants_setup")


def actor_weights(actor_mix: float) -> dict[str, float]:
    """Weight of each actor type at a given ``actor_mix`` (each phased in over 0.25)."""
    if actor_mix <= 0:
        return dict.fromkeys(ACTOR_ORDER, 0.0)
    return {
        a: (min(max((actor_mix - t) / _PHASE_IN, 0.0), 1.0) if t > 0 else 1.0)
        for a, t in _ACTOR_THRESHOLD.items()
    }


@dataclass
class StrategyStats:
    """Intermediate outcomes of one year, for the tests and the documentation of each lever."""

    proposals: int = 0
    partner_unknown: int = 0
    over_capacity: int = 0
    matched: int = 0
    selected: int = 0
    pilots_ended: int = 0
    pilots_succeeded: int = 0
    evaluated: int = 0
    stopped_by_evaluation: int = 0
    scaled: int = 0
    spread: int = 0
    stopped_unfunded: int = 0
    transaction_cost_dkk: float = 0.0
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
        self.kind = kind_arrays()
        ap = actor_parameters()
        # how well each actor type (ACTOR_ORDER) does at each stage, relative to associations
        self.actor_fit = {
            stage: np.array([ap[f"fit_{stage}_{a}"] for a in ACTOR_ORDER])
            for stage in ("pilot", "running", "scaling")
        }
        k = self.kind
        # the proposals' mean true effect by kind, calibrated so that the reference (typical
        # patchwork) unit selects the mean at scale (simulation.year.evidence.pool_mean)
        self.pool_mean = k.sign * pool_mean(k.sign * k.mean_at_scale, k.effect_sd, k.fade, self.sp)
        self.hours_per_volunteer = volunteering_parameters()["hours_per_month"] * MONTHS
        self.table = InitiativeTable()
        self.history: list[StrategyStats] = []
        self.reach: dict[str, _ReachRecord] = {}
        self.hours_used = {a: np.zeros(model.n_municipalities) for a in AREAS}
        self.employed = np.zeros(model.n_municipalities)
        self.online_hours_used = 0.0
        self._set_up_units()
        self._by_municipality: dict[tuple[str, str], np.ndarray] = {}
        self._pending: dict[tuple[str, int], np.ndarray] = {}
        self._batch_cache: dict[bytes, list[np.ndarray]] = {}
        self._unit_size = self._unit_sizes()
        # proposals are sized to the area like the matching capacity (docs/ODD.md 7.5): an
        # area's unit meets the actors and citizens through its staff, so an area with few staff
        # (integration) gets as few proposals per inhabitant as it can match, a large one many
        self.unit_rate = self.unit_rate * self._unit_size
        self._grants = np.zeros(len(self.unit_area))
        self.lever_items: dict[int, dict[str, float]] = {}
        self._stats: StrategyStats | None = None
        self.matching: dict[str, np.ndarray] = {}

    # --- set-up ---------------------------------------------------------------------------
    def _set_up_units(self) -> None:
        """The active units' lever values as columns, and lookups by municipality and area."""
        n_mun, n_areas = self.model.n_municipalities, len(AREAS)
        active = [(i, area, lv) for (i, area), lv in self.units.items() if lv.active]
        self.unit_municipality = np.array([i for i, _, _ in active], dtype=np.int64)
        self.unit_area = np.array([AREAS.index(a) for _, a, _ in active], dtype=np.int64)
        self.unit_lever = {
            name: np.array([lv.values[name] for _, _, lv in active], dtype=float)
            for name in INTENSITY_LEVERS
        }
        self.unit_driver = np.array([lv.public_role == "driver" for _, _, lv in active], bool)
        # an enabler contracts: it has contract staff, not brokering coordinators or co-creation
        # training, so its facilitation and competence act as 0 (docs/ODD.md 7.5, public_role)
        for name in ENABLER_IDLE_LEVERS:
            self.unit_lever[name][~self.unit_driver] = 0.0
        self.unit_plan = np.array([lv.action_plan for _, _, lv in active], dtype=bool)
        # who is the unit: in the regional areas each row is one municipality of its region's
        # unit (one strategist, the region's levers, costs booked to the region); elsewhere the
        # row is the municipal unit itself. unit_strategist numbers the strategists.
        regional = np.isin(self.unit_area, [AREAS.index(a) for a in regional_areas()])
        self.unit_region = np.where(regional, self.model.region_of[self.unit_municipality], -1)
        _, strategist = np.unique(
            np.where(
                regional, -(self.unit_region * n_areas + self.unit_area) - 1, np.arange(len(active))
            ),
            return_inverse=True,
        )
        self.unit_strategist = strategist.reshape(-1).astype(np.int64)
        self.unit_of = np.full((n_mun, n_areas), -1, dtype=np.int64)
        self.unit_of[self.unit_municipality, self.unit_area] = np.arange(len(active))
        # the actor weights of each distinct actor_mix (usually a handful of values)
        distinct, which = np.unique(self.unit_lever["actor_mix"], return_inverse=True)
        by_mix = np.array(
            [[actor_weights(float(x))[a] for a in ACTOR_ORDER] for x in distinct.tolist()]
        ).reshape(len(distinct), len(ACTOR_ORDER))
        weights = by_mix[which.reshape(-1)]
        not_enabled = [a for a in range(len(ACTOR_ORDER)) if a not in _ENTERPRISE_CODE]
        weights[np.ix_(~self.unit_driver, not_enabled)] = 0.0  # enablers contract enterprises
        self.unit_actor_weight = weights
        sp = self.sp
        self.unit_rate = (
            sp["proposals_per_10000_per_100dkk"]
            * self.unit_lever["innovation_support"]
            / PER_100_DKK
            + sp["proposals_per_10000_challenge"] * self.unit_lever["challenge_based"]
            + sp["proposals_per_10000_facilitation"] * self.unit_lever["facilitation"]
        ) / PER_10000
        self.unit_rate[~self.unit_driver] *= sp["enabler_proposal_factor"]
        # active municipalities of each area, in municipality order (where a copy may spread),
        # laid end to end with the first position and the number of each area's
        by_area = np.argsort(self.unit_area * n_mun + self.unit_municipality, kind="stable")
        self._spread_targets = self.unit_municipality[by_area]
        self._spread_key = (self.unit_area * n_mun + self.unit_municipality)[by_area]
        self._spread_count = np.bincount(self.unit_area, minlength=n_areas)
        self._spread_first = np.cumsum(self._spread_count) - self._spread_count
        # The (actor type, kind) options of each unit with their weights before the yearly check
        # of the pools: only the few possible ones, in (actor type, kind) order, padded with
        # options of weight 0. An option's number is actor type x kinds + kind.
        in_area = self.kind.area[None, :] == self.unit_area[:, None]  # (units, kinds)
        weight = (
            self.unit_actor_weight[:, :, None] * self.kind.leads.T[None, :, :] * in_area[:, None, :]
        ).reshape(len(active), len(ACTOR_ORDER) * len(self.kind))
        possible = weight > 0
        self._option_count = possible.sum(axis=1)
        width = max(int(self._option_count.max(initial=0)), 1)
        self._option = np.argsort(~possible, axis=1, kind="stable")[:, :width]
        valid = np.arange(width)[None, :] < self._option_count[:, None]
        self._option_weight = np.where(valid, np.take_along_axis(weight, self._option, 1), 0.0)
        self._option_actor = self._option // len(self.kind)

        cs = self.model.civil_society
        assoc = cs.association_table
        member = np.argwhere(assoc.areas)  # (association row, area) pairs
        self._association_pools = Groups.of(
            member[:, 0],
            assoc.municipality[member[:, 0]] * n_areas + member[:, 1],
            n_mun * n_areas,
        )
        online = cs.online_areas.copy()
        online[:, ~online.any(axis=0)] = True  # an area no community works in: any of them
        pairs = np.argwhere(online.T)  # (area, community row)
        self._online_pools = Groups.of(pairs[:, 1], pairs[:, 0], n_areas)
        # pools of associations and online communities do not change during a run
        self._unit_pool_key = self.unit_municipality * n_areas + self.unit_area
        self._unit_enterprise_key = self.unit_municipality * len(ENTERPRISE_KINDS)
        static = np.ones((len(active), len(ACTOR_ORDER)), dtype=bool)
        static[:, _ASSOCIATION] = self._association_pools.count[self._unit_pool_key] > 0
        static[:, _ONLINE] = self._online_pools.count[self.unit_area] > 0
        self._unit_static_pool = static

    # --- per-municipality views used by civil society -------------------------------------
    def by_municipality(self, lever: str, how: str = "mean") -> np.ndarray:
        """A lever's value by municipality index, over its units (``mean`` or ``max``).

        Levers do not change during a run, so each result is computed once.
        """
        key = (lever, how)
        if key not in self._by_municipality:
            values = np.zeros((self.model.n_municipalities, len(AREAS)))
            idle = lever in ENABLER_IDLE_LEVERS  # an enabler has no coordinators (7.5)
            for (i, area), lv in self.units.items():
                if not (idle and lv.public_role != "driver"):
                    values[i, AREAS.index(area)] = lv[lever]
            self._by_municipality[key] = values.max(axis=1) if how == "max" else values.mean(axis=1)
        return self._by_municipality[key]

    def acting_effect(self, rows: np.ndarray) -> np.ndarray:
        """The relative effect acting on a citizen over the year reached.

        The effect in the pilot (``true_effect x pilot_gain``), after the pilot that times the
        implementation fidelity (:meth:`_fidelity`), times the kind's fade.
        """
        t = self.table
        gain = t.pilot_gain[rows] * np.where(t.stage[rows] == PILOT, 1.0, t.fidelity[rows])
        return t.true_effect[rows] * gain * self.kind.fade[t.kind[rows]]

    def _fidelity(self, unit: np.ndarray) -> np.ndarray:
        """Effect in ordinary operation over the effect in the pilot, by the unit's competence.

        Without trained staff an initiative keeps ``scale_up_retention`` of its pilot effect (the
        voltage drop); trained staff avoid ``competence_fidelity_gain`` of that drop at
        competence 1 (docs/ODD.md, competencies).
        """
        sp = self.sp
        keep = sp["scale_up_retention"]
        avoided = sp["competence_fidelity_gain"] * self.unit_lever["competence"][unit]
        return keep + (1.0 - keep) * np.clip(avoided, 0.0, 1.0)

    def coordinators(self) -> np.ndarray:
        """Coordinators of each active unit: ``facilitation`` per 10,000, sized to the area."""
        pop = self.model.population_by_municipality[self.unit_municipality]
        return self.unit_lever["facilitation"] * pop / PER_10000 * self._unit_size

    def matching_capacity(self) -> np.ndarray:
        """New partnerships each active unit can match a year: staff plus coordinators."""
        sp = self.sp
        pop = self.model.population_by_municipality[self.unit_municipality]
        staff = sp["matching_per_10000"] * pop / PER_10000 * self._unit_size
        return staff + sp["matches_per_coordinator"] * self.coordinators()

    # --- initiatives as agents ------------------------------------------------------------
    def view(self, row: int) -> Initiative:
        """The Mesa agent of initiative ``row`` (made on first use)."""
        agent = self.table.view(self.model, row)
        assert isinstance(agent, Initiative)
        return agent

    @property
    def initiatives(self) -> list[Initiative]:
        """The active initiatives (pilot, running or scaled) as agents."""
        return [self.view(r) for r in np.flatnonzero(self.table.active()).tolist()]

    @property
    def created(self) -> list[Initiative]:
        """Every initiative ever started, as agents (for analysis)."""
        return [self.view(r) for r in range(len(self.table))]

    def led_by(self, lead_type: str, row: int) -> list[Initiative]:
        """The initiatives (agents) an actor leads or has led."""
        t = self.table
        mine = (t.lead_type == ACTOR_ORDER.index(lead_type)) & (t.lead == row)
        return [self.view(r) for r in np.flatnonzero(mine).tolist()]

    def contracts(self, n_enterprises: int) -> np.ndarray:
        """Active initiatives led by each enterprise (by enterprise row)."""
        return np.bincount(self.table.lead[self._enterprise_rows()], minlength=n_enterprises)

    def running_by_municipality(self) -> np.ndarray:
        """Active initiatives by area and municipality, shape (areas, municipalities)."""
        t = self.table
        act = t.active()
        return self._by_area_and_municipality(np.flatnonzero(act))

    def lead_closed(self, enterprises: np.ndarray, year: int) -> None:
        """Stop the active initiatives of enterprises that closed."""
        if not len(enterprises):
            return
        t = self.table
        closed = np.zeros(len(self.model.civil_society.enterprises), dtype=bool)
        closed[enterprises] = True
        rows = self._enterprise_rows()
        self._stop(rows[closed[t.lead[rows]]], year, "lead closed")
        self._flush_counts()

    def _enterprise_rows(self) -> np.ndarray:
        """Rows of the active initiatives led by an enterprise, ascending."""
        t = self.table
        rows = np.flatnonzero(t.active())
        lead_type = t.lead_type[rows]
        return rows[(lead_type == _SOCIAL_ENTERPRISE) | (lead_type == _FIRM)]

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
        stats = self._stats = StrategyStats()
        costs = self.model.lever_costs
        ent = self.model.civil_society.enterprises
        open_rows = np.flatnonzero(ent.open)  # enterprises open and close from year to year
        self._enterprise_pools = Groups.of(
            open_rows,
            ent.municipality[open_rows] * len(ENTERPRISE_KINDS) + ent.kind[open_rows],
            self.model.n_municipalities * len(ENTERPRISE_KINDS),
        )
        # whether each unit has a possible lead of each actor type this year
        has_pool = self._unit_static_pool.copy()
        count = self._enterprise_pools.count
        for actor, code in _ENTERPRISE_CODE.items():
            has_pool[:, actor] = count[self._unit_enterprise_key + code] > 0
        self._unit_has_pool = has_pool
        self._grants = np.zeros(len(self.unit_area))
        self.lever_items.pop(year, None)
        self._items(year)
        self._lifecycle(year, rng, stats, costs)
        self._propose(year, rng, stats)
        self._book_fixed_costs(year, costs)
        self._book_contract_management(year, costs)
        self._reach(year, rng, hours_available, online_hours, costs)
        self._book_fund(year, costs)
        self._record_implementation_gap(year)
        self._flush_counts()
        self.history.append(stats)
        return stats

    def _by_area_and_municipality(self, rows: np.ndarray) -> np.ndarray:
        t = self.table
        n_mun = self.model.n_municipalities
        key = t.area[rows] * n_mun + t.municipality[rows]
        return np.bincount(key, minlength=len(AREAS) * n_mun).reshape(len(AREAS), n_mun)

    def _count(self, metric: str, year: int, rows: np.ndarray) -> None:
        """Add one per initiative in ``rows`` to a metric by municipality and area.

        The counts are gathered and written by :meth:`_flush_counts` (whole numbers, so the
        sums do not depend on the order).
        """
        if not len(rows):
            return
        counts = self._by_area_and_municipality(rows)
        pending = self._pending.get((metric, year))
        if pending is None:
            self._pending[(metric, year)] = counts
        else:
            pending += counts

    def _flush_counts(self) -> None:
        """Write the gathered counts into the results, by metric and area."""
        for (metric, year), counts in self._pending.items():
            for j in np.flatnonzero(counts.any(axis=1)).tolist():
                self.model.results.add(metric, year, counts[j], AREAS[j])
        self._pending.clear()

    def _stop(self, rows: np.ndarray, year: int, reason: str) -> None:
        self.table.stop(rows, year, reason)
        self._count("initiatives_stopped", year, rows)

    def _lifecycle(self, year, rng, stats, costs) -> None:
        sp = self.sp
        t, k = self.table, self.kind
        effect_scale = float(self.model.parameters["effect_scale"])
        rows = np.flatnonzero(t.active())
        u = rng.random((len(rows), 6))
        z = rng.standard_normal((len(rows), 2))
        unit = self.unit_of[t.municipality[rows], t.area[rows]]
        kind = t.kind[rows]
        stage = t.stage[rows]

        # pilots become working partnerships or fail
        pilot = stage == PILOT
        facilitated = np.where(
            self.unit_driver[unit],
            sp["pilot_success_per_facilitation"] * self.unit_lever["facilitation"][unit],
            0.0,
        )
        lead_type = t.lead_type[rows]
        fit = self.actor_fit
        success = np.minimum(
            (sp["pilot_success_base"] + facilitated) * fit["pilot"][lead_type],
            sp["pilot_success_max"],
        )
        succeeded = pilot & (u[:, 0] < success)
        t.stage[rows[succeeded]] = RUNNING
        stats.pilots_ended = int(pilot.sum())
        stats.pilots_succeeded = int(succeeded.sum())
        self._count("pilots_succeeded", year, rows[succeeded])
        self._count("pilots_failed", year, rows[pilot & ~succeeded])
        self._stop(rows[pilot & ~succeeded], year, "partnership failed")

        # evaluation: the others are evaluated with the unit's quality assurance; the standard
        # error follows from the evaluation's size (the persons reached last year). The estimate
        # pools an initiative's evaluations (its sampling error shrinks with the years pooled)
        # and carries one design bias, drawn at its first evaluation and never averaged away
        qa = self.unit_lever["quality_assurance"][unit]
        evaluated = ~pilot & (u[:, 1] < qa)
        noise = evaluation_se(t.reached[rows], k.outcome_base_rate[kind], qa, sp)
        ev = rows[evaluated]
        new = np.isnan(t.measured_effect[ev])
        t.evaluation_bias[ev[new]] = sp["evaluation_bias_sd"] * z[evaluated, 1][new]
        t.evaluations[ev] += 1
        measured = np.full(len(rows), np.inf)
        measured[evaluated] = pooled_estimate(
            t.measured_effect[ev],
            t.evaluations[ev],
            k.benefit(kind[evaluated], self.acting_effect(ev)) * effect_scale,
            t.evaluation_bias[ev],
            noise[evaluated] * z[evaluated, 0],
        )
        # an initiative's effect evaluation is bought once; later ones are monitoring by the
        # unit's own staff (in the coordinators' time), so only first evaluations are booked
        first = ev[new]
        t.measured_effect[ev] = measured[evaluated]
        costs.add_many(
            year,
            t.municipality[first],
            t.area[first],
            np.full(len(first), sp["evaluation_cost_dkk"]),
            item="evaluation",
        )
        self._items(year)["evaluation"] += len(first) * sp["evaluation_cost_dkk"]
        no_benefit = evaluated & (measured < sp["stop_threshold"])
        stats.evaluated = int(evaluated.sum())
        stats.stopped_by_evaluation = int(no_benefit.sum())
        self._stop(rows[no_benefit], year, "evaluation showed no benefit")

        # scaling of running initiatives that look successful
        go_on = ~pilot & ~no_benefit
        looks = t.looks(rows)
        # trained staff take up and scale more of what works (competence_scaling_gain)
        # and the lead's fit for scaling (actors and when)
        scale_p = (
            self.unit_lever["scaling"][unit]
            * (1.0 + sp["competence_scaling_gain"] * self.unit_lever["competence"][unit])
            * fit["scaling"][lead_type]
        )
        scale = go_on & (stage == RUNNING) & (looks > sp["success_threshold"]) & (u[:, 2] < scale_p)
        scaled = rows[scale]
        t.stage[scaled] = SCALED
        t.capacity[scaled] *= sp["scale_factor"]
        self._grow_jobs(scaled, sp["scale_factor"])
        stats.scaled = len(scaled)
        self._count("initiatives_scaled", year, scaled)
        # an action plan shared between units makes copies more likely (shared scaling)
        spread_p = sp["spread_probability"] * np.where(
            self.unit_plan[unit], sp["plan_spread_factor"], 1.0
        )
        stats.spread = self._spread(rows[scale & (u[:, 3] < np.minimum(spread_p, 1.0))], year, rng)

        # the others may end for other reasons, or when their project funding runs out: an
        # action plan names who funds an initiative after its pilot (plan_funding_continuity)
        end_p = fit["running"][lead_type] / sp["initiative_lifetime"]
        ended = go_on & ~scale & (u[:, 4] < end_p)
        self._stop(rows[ended], year, "ended")
        unfunded_p = sp["unfunded_stop_probability"] * np.where(
            self.unit_plan[unit], 1.0 - sp["plan_funding_continuity"], 1.0
        )
        unfunded = go_on & ~scale & ~ended & (u[:, 5] < unfunded_p)
        stats.stopped_unfunded = int(unfunded.sum())
        self._count("initiatives_stopped_unfunded", year, rows[unfunded])
        self._stop(rows[unfunded], year, "funding ended")

    def jobs_free(self) -> np.ndarray:
        """Jobs of each enterprise not committed to its active initiatives (by row)."""
        t = self.table
        ent = self.model.civil_society.enterprises
        # only active initiatives led by an enterprise hold jobs (a stop releases them)
        sel = np.flatnonzero(t.jobs > 0)
        committed = np.bincount(t.lead[sel], weights=t.jobs[sel], minlength=len(ent))
        return np.maximum(ent.jobs - committed, 0.0)

    @staticmethod
    def _share_out(lead: np.ndarray, wanted: np.ndarray, free: np.ndarray) -> np.ndarray:
        """Give each request its jobs in turn (row order) from its lead's free jobs."""
        if not len(lead):
            return np.zeros(0)
        order = np.argsort(lead, kind="stable")
        lead_o, wanted_o = lead[order], wanted[order]
        cum = np.cumsum(wanted_o)
        first = np.searchsorted(lead_o, lead_o)  # first position of each lead's group
        before = cum - wanted_o - np.concatenate([[0.0], cum])[first]
        out = np.empty(len(lead))
        out[order] = np.clip(free[lead_o] - before, 0.0, wanted_o)
        return out

    def _grow_jobs(self, rows: np.ndarray, factor: float) -> None:
        """Scaled job-based initiatives ask their enterprise for ``factor`` times their jobs."""
        t = self.table
        rows = rows[self.kind.resource[t.kind[rows]] == _JOBS]
        if not len(rows):
            return
        extra = t.jobs[rows] * (factor - 1.0)
        t.jobs[rows] += self._share_out(t.lead[rows], extra, self.jobs_free())

    def _draw_leads(self, unit: np.ndarray, actor: np.ndarray, u: np.ndarray) -> np.ndarray:
        """A lead of the given actor type in each unit (pools must not be empty)."""
        n_areas = len(AREAS)
        mun, area = self.unit_municipality[unit], self.unit_area[unit]
        lead = np.full(len(unit), -1, dtype=np.int64)  # the municipal volunteer centre
        present = np.bincount(actor, minlength=len(ACTOR_ORDER)).tolist()
        if present[_ASSOCIATION]:
            sel = np.flatnonzero(actor == _ASSOCIATION)
            lead[sel] = self._association_pools.draw(mun[sel] * n_areas + area[sel], u[sel])
        if present[_ONLINE]:
            sel = np.flatnonzero(actor == _ONLINE)
            lead[sel] = self._online_pools.draw(area[sel], u[sel])
        for a, code in _ENTERPRISE_CODE.items():
            if present[a]:
                sel = np.flatnonzero(actor == a)
                key = mun[sel] * len(ENTERPRISE_KINDS) + code
                lead[sel] = self._enterprise_pools.draw(key, u[sel])
        return lead

    def _propose(self, year: int, rng: np.random.Generator, stats: StrategyStats) -> None:
        sp = self.sp
        k = self.kind
        n_units, n_kinds = len(self.unit_area), len(k)
        if not n_units:
            return
        effect_scale = float(self.model.parameters["effect_scale"])
        pop = self.model.population_by_municipality[self.unit_municipality]
        n_prop = rng.poisson(pop * self.unit_rate)
        stats.proposals = int(n_prop.sum())
        unit = np.repeat(np.arange(n_units), n_prop)
        u = rng.random((len(unit), 4))
        z = rng.standard_normal((len(unit), 2))

        # the (actor type, kind) options of each unit and their weights, where there are leads
        weight = self._option_weight * np.take_along_axis(
            self._unit_has_pool, self._option_actor, 1
        )
        cum = np.cumsum(weight, axis=1)
        total = cum[:, -1]
        ok = total[unit] > 0
        unit, u, z = unit[ok], u[ok], z[ok]
        pick = (cum[unit] <= (u[:, 0] * total[unit])[:, None]).sum(axis=1)
        pick = self._option[unit, np.minimum(pick, self._option_count[unit] - 1)]
        actor, kind = pick // n_kinds, pick % n_kinds
        lead = self._draw_leads(unit, actor, u[:, 1])

        open_call = u[:, 2] < self.unit_lever["challenge_based"][unit]
        self._book_open_calls(year, unit[open_call])
        sd = k.effect_sd[kind]
        mean = self.pool_mean[kind]  # both streams: the calibrated pool mean
        wider, narrower = 1.0 + sp["challenge_effect_spread"], sp["incumbent_effect_shrink"]
        sd_true = sd * np.where(open_call, wider, narrower)
        true_effect = mean + sd_true * z[:, 0]
        noise = (
            sp["selection_noise_sd"]
            * sd
            * (1.0 - sp["competence_noise_reduction"] * self.unit_lever["competence"][unit])
        )
        expected = k.benefit(kind, true_effect * k.fade[kind]) * effect_scale + noise * z[:, 1]
        chosen = self._match(year, stats, unit, expected > 0, expected, u[:, 3])
        rows = self._create(
            year,
            unit[chosen],
            kind[chosen],
            actor[chosen],
            lead[chosen],
            true_effect[chosen],
            expected[chosen],
            PILOT,
        )
        stats.selected = len(rows)
        counts = np.bincount(self.table.lead_type[rows], minlength=len(ACTOR_ORDER)).tolist()
        stats.lead_types = {ACTOR_ORDER[a]: c for a, c in enumerate(counts) if c}

    def _record_implementation_gap(self, year: int) -> None:
        """Report ``implementation_gap``: the pilot effect lost in operation, summed.

        Over the initiatives in operation (running or scaled), the sum of ``1 - fidelity`` by
        municipality and area; divided by their number it is the mean relative gap between an
        initiative's effect in its pilot and in ordinary operation.
        """
        t = self.table
        rows = np.flatnonzero(t.active() & (t.stage != PILOT))
        if not len(rows):
            return
        n_mun = self.model.n_municipalities
        key = t.area[rows] * n_mun + t.municipality[rows]
        gap = np.bincount(key, weights=1.0 - t.fidelity[rows], minlength=len(AREAS) * n_mun)
        gap = gap.reshape(len(AREAS), n_mun)
        for j in np.flatnonzero(gap.any(axis=1)).tolist():
            self.model.results.add("implementation_gap", year, gap[j], AREAS[j])

    def shared_mapping(self) -> np.ndarray:
        """The mapping each active unit matches partners from.

        A unit with an action plan coordinates across its strategist's areas: it knows the
        actors of the widest mapping among the municipality's own units (a region's units among
        the region's, in the same municipality), which is what that strategist pays for
        (:meth:`_book_fixed_costs`); a unit without one knows only its own area's mapping.
        """
        mapping = self.unit_lever["potential_mapping"]
        group = self.unit_municipality * 2 + (self.unit_region >= 0)
        widest = np.zeros(2 * self.model.n_municipalities)
        np.maximum.at(widest, group, mapping)
        return np.where(self.unit_plan, widest[group], mapping)

    def _match(
        self,
        year: int,
        stats: StrategyStats,
        unit: np.ndarray,
        wanted: np.ndarray,
        expected: np.ndarray,
        u: np.ndarray,
    ) -> np.ndarray:
        """Which wanted proposals a unit can match with their partner this year.

        A unit matches a partner only among the local actors it knows: a share
        ``actors_known_without_mapping`` of them, widened by ``potential_mapping`` to all at 1
        (with an action plan, its strategist's widest mapping: :meth:`shared_mapping`).
        It then matches at most its :meth:`matching_capacity` new partnerships a year, the ones
        it expects most of first; the others wait (they are not started).

        Args:
            year: calendar year.
            stats: the year's intermediate outcomes (partners unknown, over capacity, matched).
            unit: each proposal's unit.
            wanted: proposals the unit would select.
            expected: the effect the unit expects of each.
            u: one uniform per proposal (whether its partner is known).

        Returns:
            Mask of the matched proposals.
        """
        sp = self.sp
        base = sp["actors_known_without_mapping"]
        known = base + (1.0 - base) * np.clip(self.shared_mapping()[unit], 0, 1)
        unknown = wanted & (u >= known)
        ok = wanted & ~unknown
        cand = np.flatnonzero(ok)
        # a regional unit matches for its whole region: its capacity is pooled over its rows
        # (one per municipality), and its proposals queue together (a municipal unit is its own
        # strategist)
        strategist = self.unit_strategist
        order = cand[np.lexsort((-expected[cand], strategist[unit[cand]]))]
        by_strategist = strategist[unit[order]]
        rank = np.arange(len(order)) - np.searchsorted(by_strategist, by_strategist)
        capacity = self.matching_capacity()
        pooled = np.bincount(strategist, weights=capacity, minlength=int(strategist.max()) + 1)
        over = order[rank >= pooled[by_strategist]]
        ok[over] = False
        n_units = len(self.unit_area)
        self.matching = {  # the year's matching by active unit, for tests and analysis
            "capacity": capacity,
            "matched": np.bincount(unit[ok], minlength=n_units),
            "over_capacity": np.bincount(unit[over], minlength=n_units),
        }
        stats.partner_unknown = int(unknown.sum())
        stats.over_capacity = len(over)
        stats.matched = int(ok.sum())
        self._count_units("partnerships_matched", year, unit[ok])
        self._count_units("partnerships_over_capacity", year, unit[over])
        return ok

    def _count_units(self, metric: str, year: int, unit: np.ndarray) -> None:
        """Add one per entry of ``unit`` (active unit numbers) to a metric, as :meth:`_count`."""
        if not len(unit):
            return
        n_mun = self.model.n_municipalities
        key = self.unit_area[unit] * n_mun + self.unit_municipality[unit]
        counts = np.bincount(key, minlength=len(AREAS) * n_mun).reshape(len(AREAS), n_mun)
        pending = self._pending.get((metric, year))
        if pending is None:
            self._pending[(metric, year)] = counts
        else:
            pending += counts

    def _create(
        self,
        year: int,
        unit: np.ndarray,
        kind: np.ndarray,
        actor: np.ndarray,
        lead: np.ndarray,
        true_effect: np.ndarray,
        expected: np.ndarray,
        stage: int,
    ) -> np.ndarray:
        """Start initiatives; job-based ones only with jobs free at an enterprise lead.

        Returns:
            The rows of the initiatives started.
        """
        sp, k = self.sp, self.kind
        resource = k.resource[kind]
        jobs = np.zeros(len(unit))
        needs_jobs = resource == _JOBS
        by_enterprise = needs_jobs & ((actor == _SOCIAL_ENTERPRISE) | (actor == _FIRM))
        sel = np.flatnonzero(by_enterprise)
        if len(sel):
            jobs[sel] = self._share_out(
                lead[sel], np.full(len(sel), sp["jobs_per_initiative"]), self.jobs_free()
            )
        keep = ~needs_jobs | (jobs > 0)
        unit, kind, actor, lead = unit[keep], kind[keep], actor[keep], lead[keep]
        true_effect, expected, jobs, resource = (
            true_effect[keep],
            expected[keep],
            jobs[keep],
            resource[keep],
        )
        hours_capacity = (sp["volunteers_per_initiative"] * self.hours_per_volunteer) / np.where(
            resource == _HOURS, k.hours_per_participant[kind], 1.0
        )
        capacity = np.where(
            resource == _JOBS,
            jobs,
            np.where(resource == _HOURS, hours_capacity, sp["participants_per_initiative"]),
        )
        spread = np.maximum(k.effect_sd[kind], 1e-12)  # a kind drawn with no spread: quality 0.5
        z = k.sign[kind] * (true_effect - k.mean_at_scale[kind]) / spread
        rows = self.table.append(
            municipality=self.unit_municipality[unit],
            area=self.unit_area[unit],
            kind=kind,
            lead_type=actor,
            lead=lead,
            stage=np.full(len(unit), stage, dtype=np.int8),
            true_effect=true_effect,
            fidelity=self._fidelity(unit),
            pilot_gain=np.full(len(unit), 1.0 / sp["scale_up_retention"]),
            expected_effect=expected,
            quality=ndtr(z),
            capacity=capacity,
            jobs=jobs,
            funded=(~self.unit_driver[unit]).astype(np.int8),
            started=np.full(len(unit), year),
        )
        self._count("initiatives_started", year, rows)
        costs = self.model.lever_costs
        self._pay(year, costs, rows, np.full(len(rows), sp["setup_cost_dkk"]), "setup")
        self._book_transaction(year, costs, unit)
        return rows

    def _book_transaction(self, year: int, costs, unit: np.ndarray) -> None:
        """The public transaction cost of each new partnership, lower with coordinators.

        ``transaction_cost_dkk / (1 + transaction_cost_reduction x facilitation)`` per
        partnership, booked to the unit (its payer, as the other lever costs) and reported as
        ``transaction_cost_dkk`` by area.
        """
        if not len(unit):
            return
        sp = self.sp
        per = sp["transaction_cost_dkk"] / (
            1.0 + sp["transaction_cost_reduction"] * self.unit_lever["facilitation"][unit]
        )
        mun, area = self.unit_municipality[unit], self.unit_area[unit]
        costs.add_many(year, mun, area, per, item="transaction")
        self._items(year)["transaction"] += float(per.sum())
        if self._stats is not None:
            self._stats.transaction_cost_dkk += float(per.sum())
        n_mun = self.model.n_municipalities
        by = np.bincount(area * n_mun + mun, weights=per, minlength=len(AREAS) * n_mun)
        by = by.reshape(len(AREAS), n_mun)
        for j in np.flatnonzero(by.any(axis=1)).tolist():
            self.model.results.add("transaction_cost_dkk", year, by[j], AREAS[j])

    def _spread(self, rows: np.ndarray, year: int, rng: np.random.Generator) -> int:
        """Start copies (same true effect) in other active municipalities' units of the area.

        Returns:
            The number of copies started.
        """
        t = self.table
        u = rng.random((len(rows), 2))
        area, mun = t.area[rows], t.municipality[rows]
        n_targets = self._spread_count[area] - 1
        has = n_targets > 0
        rows, u, area, mun, n_targets = rows[has], u[has], area[has], mun[has], n_targets[has]
        if not len(rows):
            return 0
        first = self._spread_first[area]
        own = np.searchsorted(self._spread_key, area * self.model.n_municipalities + mun) - first
        pick = np.minimum((u[:, 0] * n_targets).astype(np.int64), n_targets - 1)
        target = self._spread_targets[first + pick + (pick >= own)]
        unit = self.unit_of[target, area]
        actor = t.lead_type[rows]
        allowed = (self.unit_actor_weight[unit, actor] > 0) & self._unit_has_pool[unit, actor]
        rows, unit, actor, u = rows[allowed], unit[allowed], actor[allowed], u[allowed]
        lead = self._draw_leads(unit, actor, u[:, 1])
        looks = t.looks(rows)
        copies = self._create(
            year, unit, t.kind[rows], actor, lead, t.true_effect[rows], looks, RUNNING
        )
        return len(copies)

    def _unit_sizes(self) -> np.ndarray:
        """Each active unit's area weight: its share of the areas' staff x the number of areas.

        Coordinators and training serve the front-line staff who work with citizens, volunteers
        and associations, so they (and the unit's proposals and matching capacity) are sized by
        the staff of the unit's area who meet the initiatives' target groups (``area_staff.csv``,
        full-time equivalents of all payers, ranged assumptions), not by its spending (medicine,
        equipment and buildings need no coordinator); a weight averages 1 over the areas
        (docs/economics.md, "Lever costs").
        """
        staff = area_staff()
        weight = np.array([staff[a] for a in AREAS])
        weight = weight / weight.sum() * len(AREAS)
        return weight[self.unit_area]

    def _book_fixed_costs(self, year: int, costs) -> None:
        """Coordinators and training of the active units, and the mapping of resources.

        Coordinators (``facilitation`` per 10,000 inhabitants) and trained staff are sized to
        the staff of the unit's area (:meth:`_unit_sizes`); all lever costs are booked to the
        area's payers (``lever_payer`` in ``areas.csv``, split by
        :class:`~simulation.year.provision.LeverCosts`). The innovation fund is booked with the
        grants it pays (:meth:`_book_fund`).
        """
        sp = self.sp
        pop = self.model.population_by_municipality[self.unit_municipality]
        lever = self.unit_lever
        size = self._unit_size
        coordinators = lever["facilitation"] * pop / PER_10000 * size * sp["coordinator_cost_dkk"]
        training = (
            lever["competence"] * sp["staff_per_inhabitant"] * pop / len(AREAS) * size
        ) * sp["training_cost_dkk"]
        unit_mun, unit_area = self.unit_municipality, self.unit_area
        costs.add_many(year, unit_mun, unit_area, coordinators, item="coordinators")
        costs.add_many(year, unit_mun, unit_area, training, item="training")
        items = self._items(year)
        items["coordinators"] += float(coordinators.sum())
        items["training"] += float(training.sum())
        # mapping: each municipality maps for its own areas, each region for its areas, and
        # each pays its own (a region's rows share its value)
        regional = self.unit_region >= 0
        for rows, payer in ((~regional, None), (regional, PAYERS.index("region"))):
            mapping = np.zeros(self.model.n_municipalities)
            np.maximum.at(mapping, self.unit_municipality[rows], lever["potential_mapping"][rows])
            mun = np.flatnonzero(mapping)
            pop_mun = self.model.population_by_municipality[mun]
            amount = mapping[mun] * sp["mapping_cost_dkk"] * pop_mun
            costs.add_many(year, mun, None, amount, payer, item="mapping")
            items["mapping"] += float(amount.sum())

    def _book_open_calls(self, year: int, unit: np.ndarray) -> None:
        """The staff time of open calls: ``open_call_cost_dkk`` per proposal an open call drew.

        Framing a challenge, announcing it and assessing what comes in takes staff time that
        grows with what comes in (docs/ODD.md 7.5, ``challenge_based``); lever cost item
        ``open_calls``.
        """
        if not len(unit):
            return
        n = np.bincount(unit, minlength=len(self.unit_area)).astype(float)
        has = np.flatnonzero(n)
        amount = n[has] * self.sp["open_call_cost_dkk"]
        self.model.lever_costs.add_many(
            year, self.unit_municipality[has], self.unit_area[has], amount, item="open_calls"
        )
        self._items(year)["open_calls"] += float(amount.sum())

    def _book_contract_management(self, year: int, costs) -> None:
        """Contract staff of enabler units: ``contract_management_dkk`` per running contract.

        An enabler has no brokering coordinators and no co-creation training; it follows up
        its contracts (delivery, payment control, renegotiation), so its staff cost grows with
        the contracts it holds, and an area with no contract pays none (docs/ODD.md 7.5).
        """
        t = self.table
        rows = np.flatnonzero(t.active() & (t.funded != 0))
        if not len(rows):
            return
        amount = np.full(len(rows), self.sp["contract_management_dkk"])
        costs.add_many(year, t.municipality[rows], t.area[rows], amount, item="contract_management")
        self._items(year)["contract_management"] += float(amount.sum())

    def _book_fund(self, year: int, costs) -> None:
        """The innovation fund of each unit, with the grants it paid inside it.

        A unit's fund (``innovation_support`` DKK per inhabitant) pays its grants (set-up and
        running costs of the initiatives it drives); grants beyond the fund are topped up by the
        unit, and what the fund does not spend goes back to the budget (it is an appropriation,
        not a cost). So each unit books the grants it paid, once: ``innovation_fund`` the part
        within the fund, ``grants_beyond_fund`` the rest.
        """
        pop = self.model.population_by_municipality[self.unit_municipality]
        fund = self.unit_lever["innovation_support"] * pop
        # one fund per strategist (a region's fund is pooled over its municipalities), its
        # spending shared out to the rows in proportion to their grants
        s = self.unit_strategist
        n = int(s.max(initial=-1)) + 1
        grants_s = np.bincount(s, weights=self._grants, minlength=n)
        within_s = np.minimum(grants_s, np.bincount(s, weights=fund, minlength=n))
        share = np.divide(within_s, grants_s, out=np.zeros(n), where=grants_s > 0)
        within = np.minimum(self._grants * share[s], self._grants)
        beyond = self._grants - within
        costs.add_many(year, self.unit_municipality, self.unit_area, within, item="innovation_fund")
        costs.add_many(
            year, self.unit_municipality, self.unit_area, beyond, item="grants_beyond_fund"
        )
        items = self._items(year)
        items["innovation_fund"] += float(within.sum())
        items["grants_beyond_fund"] += float(beyond.sum())
        items["grants_paid"] += float(self._grants.sum())

    def _pay(self, year: int, costs, rows: np.ndarray, amount: np.ndarray, item: str) -> None:
        """Pay initiatives' costs: a grant from the unit's fund if driven, else a contract.

        Contracts (enabler units) are booked at once, at ``enabler_cost_factor`` of the cost;
        grants are gathered per unit and booked with the fund (:meth:`_book_fund`).
        """
        t = self.table
        grant = t.funded[rows] == 0
        unit = self.unit_of[t.municipality[rows], t.area[rows]]
        np.add.at(self._grants, unit[grant], amount[grant])
        self._items(year)[f"grants_{item}"] += float(amount[grant].sum())
        contract = ~grant
        paid = amount[contract] * self.sp["enabler_cost_factor"]
        costs.add_many(
            year,
            t.municipality[rows[contract]],
            t.area[rows[contract]],
            paid,
            item=f"contracts_{item}",
        )
        self._items(year)[f"contracts_{item}"] += float(paid.sum())

    def _items(self, year: int) -> dict[str, float]:
        """The year's lever cost items (national DKK), made on first use."""
        if year not in self.lever_items:
            self.lever_items[year] = dict.fromkeys((*LEVER_ITEMS, *_GRANT_ITEMS), 0.0)
        return self.lever_items[year]

    def _reach(self, year, rng, hours_available, online_hours, costs) -> None:
        """Assign citizens to the active initiatives for the coming year, within resources.

        All kinds are assigned together (a citizen may be reached in every area, and the kinds
        of one area work on different need levels); volunteer hours are shared out in proportion
        to what the initiatives of a municipality would use. The result, per area, is kept
        sparse in :attr:`reach`: the reached citizens' ids, the summed effect
        ``sum_i f_i (m_i - 1)`` of the initiatives reaching them, whether it acts on incidence,
        and every (citizen, initiative, dose) pair for following a citizen.
        """
        m = self.model
        c = m.citizens
        w = c.weight
        t, k, sp = self.table, self.kind, self.sp
        n_mun, n_areas = m.n_municipalities, len(AREAS)
        effect_scale = float(m.parameters["effect_scale"])
        hours_left = hours_available.astype(float).copy()
        online_left = float(online_hours)
        employed = np.zeros(n_mun)
        hours_used = np.zeros((n_areas, n_mun))
        ent = m.civil_society.enterprises
        active = np.flatnonzero(t.active())
        kind_of = t.kind[active]
        batches = self._batches(np.flatnonzero(np.bincount(kind_of, minlength=len(k))))
        taken = np.zeros((len(c), n_areas), dtype=bool) if len(batches) > 1 else None
        parts: list[tuple[np.ndarray, ...]] = []
        for batch in batches:
            position = np.full(len(k), -1)
            position[batch] = np.arange(len(batch))
            if len(batches) == 1:  # the usual case: every kind in one batch
                group, kind = active, kind_of
            else:
                group = active[position[kind_of] >= 0]
                kind = t.kind[group]
            muns = t.municipality[group]
            resource = k.resource[kind]
            caps = t.capacity[group] * np.where(t.stage[group] == PILOT, sp["pilot_reach_share"], 1)
            # volunteer hours: local ones by municipality, the online communities' nationally
            online = (resource == _HOURS) & (t.lead_type[group] == _ONLINE)
            local = (resource == _HOURS) & ~online
            need_h = caps * k.hours_per_participant[kind]
            local_need = np.bincount(muns[local], weights=need_h[local], minlength=n_mun)
            f_local = np.divide(hours_left, local_need, out=np.ones(n_mun), where=local_need > 0)
            f_local = np.clip(f_local, 0.0, 1.0)
            online_need = need_h[online].sum()
            f_online = min(1.0, max(online_left, 0.0) / online_need) if online_need else 1.0
            caps = np.where(online, caps * f_online, np.where(local, caps * f_local[muns], caps))
            # jobs: what the enterprise still offers
            jobs = np.flatnonzero(resource == _JOBS)
            lead = t.lead[group[jobs]]
            offered = np.where(ent.open[lead], ent.jobs[lead], 0.0)
            caps[jobs] = np.minimum(t.jobs[group[jobs]], offered)

            rows, group_of_row = self._eligible(batch, year, taken)
            pair_row, which, dose = assign_doses(
                rows,
                group_of_row,
                caps,
                position[kind] * n_mun + muns,
                w,
                rng,
                len(batch) * n_mun,
            )
            pair_kind = kind[which]
            pair_area = k.area[pair_kind]
            if taken is not None:
                taken[pair_row, pair_area] = True
            mult = multiplier(self.acting_effect(group), effect_scale)
            effect = dose * (mult[which] - 1.0)
            parts.append(
                (pair_area, pair_row, group[which], dose, effect, k.on_incidence[pair_kind])
            )
            reached = np.bincount(which, weights=dose * w, minlength=len(group))
            t.reached[group] = reached
            self._pay(year, costs, group, reached * k.cost_per_participant[kind], "running")
            used = reached * k.hours_per_participant[kind]
            hours_left -= np.bincount(muns[local], weights=used[local], minlength=n_mun)
            online_left -= float(used[online].sum())
            hourly = local | online
            hours_used += np.bincount(
                k.area[kind[hourly]] * n_mun + muns[hourly],
                weights=used[hourly],
                minlength=n_areas * n_mun,
            ).reshape(n_areas, n_mun)
            employed += np.bincount(muns[jobs], weights=reached[jobs], minlength=n_mun)
        self.reach = dict(zip(AREAS, _ReachRecord.build_areas(c.pid, parts, n_areas), strict=True))
        self.hours_used = {area: hours_used[j] for j, area in enumerate(AREAS)}
        self.employed = employed
        self.online_hours_used = float(online_hours) - online_left

    def _batches(self, kinds: np.ndarray) -> list[np.ndarray]:
        """Kinds that can be assigned together: no two work on the same area and need level.

        Kinds on the same area and level compete for the same citizens, so a later kind (in the
        data file's order) waits for the next batch and takes only citizens not yet reached.
        """
        cached = self._batch_cache.get(kinds.tobytes())
        if cached is not None:
            return cached
        k = self.kind
        batches: list[list[int]] = []
        seen: dict[tuple[int, int], int] = {}
        for kind in kinds.tolist():
            key = (int(k.area[kind]), int(k.target_level[kind]))
            b = seen[key] = seen.get(key, -1) + 1
            if b == len(batches):
                batches.append([])
            batches[b].append(kind)
        out = self._batch_cache[kinds.tobytes()] = [np.array(b, dtype=np.int64) for b in batches]
        return out

    def _eligible(
        self, batch: np.ndarray, year: int, taken: np.ndarray | None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Citizens in the target group of each kind of a batch, not yet reached in its area.

        Returns:
            ``(rows, group)``: a citizen's row once per kind it is eligible for (by kind, then
            row), and its group ``position of the kind in batch x municipalities +
            municipality``.
        """
        m = self.model
        c = m.citizens
        k = self.kind
        n = len(c)
        # need level x 2 + addressable, one area per row: one comparison per kind below
        code = c.need + c.need
        code += c.addressable
        code = np.ascontiguousarray(code.T)
        age = c.age
        min_age, max_age = (int(age.min()), int(age.max())) if n else (0, 0)
        municipality = c.municipality
        n_mun = m.n_municipalities
        rows = []
        for kind in batch.tolist():
            j = int(k.area[kind])
            # Python ints: a NumPy int64 scalar would make NumPy widen the small-integer columns
            ok = code[j] == 2 * int(k.target_level[kind]) + 1
            low, high = int(k.age_low[kind]), int(k.age_high[kind])
            if low > min_age:
                ok &= age >= low
            if high < max_age:
                ok &= age <= high
            if AREAS[j] == "rehabilitation":
                ok &= c.released >= year + 1 - int(m.risk_window)
            if taken is not None:
                ok &= ~taken[:, j]
            rows.append(np.flatnonzero(ok))
        found = np.concatenate(rows)
        group = municipality.take(found).astype(np.int64)
        if len(rows) > 1:
            group += np.repeat(np.arange(0, len(rows) * n_mun, n_mun), [len(r) for r in rows])
        return found, group


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
    def build_areas(pid_column: np.ndarray, parts, n_areas: int) -> list[_ReachRecord]:
        """The record of each area from the parts of the year's batches.

        Args:
            pid_column: the citizens' ids by row (ascending with the row).
            parts: per batch ``(area, rows, initiative ids, doses, effects, on-incidence)`` of
                its (citizen, initiative) pairs.
            n_areas: number of areas.

        A citizen's effects are summed in the order of the parts and pairs, and its
        ``on_incidence`` is that of its first pair; the pairs are kept in citizen order (the
        pairs of one citizen in their original order).
        """
        n = len(pid_column)
        area, rows, ids, dose, effect, on_inc = (
            (np.concatenate([p[i] for p in parts]) if len(parts) > 1 else parts[0][i])
            if parts
            else np.empty(0)
            for i in range(6)
        )
        area, rows, ids = (x.astype(np.int64, copy=False) for x in (area, rows, ids))
        on_inc = on_inc.astype(bool, copy=False)
        key = area * n + rows
        m = len(key)
        order = stable_order(key)
        key = key[order]
        rows, ids, dose, effect, on_inc = (
            rows[order],
            ids[order],
            dose[order],
            effect[order],
            on_inc[order],
        )
        new = np.empty(m, dtype=bool)
        new[:1] = True
        np.not_equal(key[1:], key[:-1], out=new[1:])
        first = np.flatnonzero(new)
        summed = np.bincount(np.cumsum(new) - 1, weights=effect, minlength=len(first))
        pids, pair_pid = pid_column[rows[first]], pid_column[rows]
        on_first = on_inc[first]
        edges = np.arange(n_areas + 1, dtype=np.int64) * n
        cut = np.searchsorted(key[first], edges).tolist()
        pair_cut = np.searchsorted(key, edges).tolist()
        out = []
        for j in range(n_areas):
            a, b = cut[j], cut[j + 1]
            pa, pb = pair_cut[j], pair_cut[j + 1]
            out.append(
                _ReachRecord(
                    pids=pids[a:b],
                    effect=summed[a:b],
                    on_incidence=on_first[a:b],
                    pair_pid=pair_pid[pa:pb],
                    pair_initiative=ids[pa:pb],
                    pair_dose=dose[pa:pb],
                )
            )
        return out

    def pairs_of(self, pid: int):
        sel = self.pair_pid == pid
        return list(
            zip(self.pair_initiative[sel].tolist(), self.pair_dose[sel].tolist(), strict=True)
        )


def strategy_step(model: Any, year: int) -> None:
    """The strategy step of ``model``'s year, then its results.

    The units run their strategies with the volunteer hours civil society offers; lever costs
    are booked; the hours initiatives used are reported by area, and where paid work is
    substituted (``substitution`` > 0, default 0) its wage is saved from public cost.
    """
    stats = model.volunteer_stats
    strategy = model.strategy
    strategy.step(year, model.streams["strategy"], stats.social_hours, stats.online_hours)
    model.lever_costs.flush()
    results = model.results
    for area, used in strategy.hours_used.items():
        results.add("volunteer_hours", year, used, area)
        substitution = float(model.parameters["substitution"])
        if substitution > 0:
            saving = used * substitution * strategy.sp["substitution_wage_dkk"]
            results.add("public_cost_dkk", year, -saving, area)
            results.add("public_cost_municipality_dkk", year, -saving, area)
            results.add("net_cost_dkk", year, -saving, area)
    results.add("marginalised_employed", year, strategy.employed)
    running = strategy.running_by_municipality()
    for j, area in enumerate(AREAS):
        results.add("initiatives_running", year, running[j], area)
