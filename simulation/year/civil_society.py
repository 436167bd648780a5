"""Civil society of one year (step 4 of the year, docs/ODD.md sections 3 and 7.4).

Citizens start or stop volunteering, associations organise them, online communities gather
members, enterprises grow or close.

Volunteering is a citizen role stored in columns: ``volunteer`` (0 no, 1 outside the welfare
areas, 2 in the social/welfare area), ``vol_org`` (row of the association organising a social
volunteer, -1 none) and ``ask_u`` (a persistent uniform: the citizen would volunteer if asked
when ``ask_u < would_if_asked``). The propensity to volunteer by age reproduces the reported
shares in a steady state: with drop-out ``d``, a non-volunteer who turns ``a`` starts with
probability ``(P(a) - P(a - 1)(1 - d)) / (1 - P(a - 1))``, as a cohort moves up the age profile.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from simulation.actors.associations import Association, AssociationTable, OnlineCommunity
from simulation.actors.enterprises import ENTERPRISE_KINDS, Enterprise, EnterpriseTable
from simulation.constants import AREAS, BASE_YEAR, N_AGES
from simulation.inputs.mechanism_numbers import actor_parameters, volunteering_parameters
from simulation.year.groups import Groups

__all__ = ["CivilSociety", "VolunteerStats", "civil_society_step", "volunteer_share_by_age"]

# Not parameters: the areas online communities work in are the kind of work that can be done at a
# screen (the seed's example, classifying images, helps health research; online peer groups work
# in mental health and against loneliness), a modelling choice, not a number with a range.
ONLINE_AREAS = ("health", "mental_health", "elderly_care")
# A ceiling that keeps the volunteering share a probability when the volunteering trend pushes it
# up for decades; it binds only in extreme trend settings, so it is not a parameter.
MAX_VOLUNTEER_SHARE = 0.95
# Not parameters: units of volunteering.csv (hours per month) and actors.csv (per 10,000
# inhabitants); at least one association per simulated municipality (a volunteer centre's
# partner), a structural floor.
MONTHS = 12.0
PER_10000 = 10_000.0
MIN_ASSOCIATIONS = 1


def volunteer_share_by_age() -> np.ndarray:
    """Share of residents who volunteer, by single age (0 below 16)."""
    p = volunteering_parameters()
    out = np.zeros(N_AGES)
    out[16:30] = p["share_16_29"]
    out[30:50] = p["share_30_49"]
    out[50:70] = p["share_50_69"]
    out[70:] = p["share_70p"]
    return out


@dataclass
class VolunteerStats:
    """One year's volunteering by municipality (real persons and hours)."""

    volunteers: np.ndarray
    social_volunteers: np.ndarray
    social_hours: np.ndarray
    online_hours: float


class CivilSociety:
    """The civil-society mechanism and its actors.

    Args:
        model: the welfare model (citizens, municipalities, random streams).
    """

    def __init__(self, model: Any) -> None:
        self.model = model
        self.vp = volunteering_parameters()
        self.ap = actor_parameters()
        self.share = volunteer_share_by_age()
        self.hours = self.vp["hours_per_month"] * MONTHS
        adults = self.share > 0
        self.social_given_volunteer = self.vp["social_share_of_adults"] / float(
            np.average(self.share[adults])
        )
        self._start_p: tuple[float, np.ndarray] = (np.nan, np.zeros(N_AGES))
        rng = model.streams["civil_society"]
        self._create_actors(rng)
        self._init_citizens(rng)

    # --- set-up ---------------------------------------------------------------------------
    def _create_actors(self, rng: np.random.Generator) -> None:
        m = self.model
        pop = m.base_population_by_municipality
        per10k = pop / PER_10000
        n_assoc = np.rint(per10k * self.ap["associations_per_10000"])
        n_assoc = np.maximum(n_assoc, MIN_ASSOCIATIONS).astype(int)
        n_firms = np.rint(per10k * self.ap["ordinary_firms_per_10000"]).astype(int)
        se_total = self.ap["social_enterprises_total"]
        se_expected = se_total * pop / pop.sum()
        n_se = np.floor(se_expected).astype(int)
        rest = int(round(se_total - n_se.sum()))
        n_se[np.argsort(-(se_expected - n_se), kind="stable")[:rest]] += 1
        simulated = m.simulated.astype(bool)
        n_assoc = np.where(simulated, n_assoc, 0)

        # associations, in municipality order: one or two welfare areas each
        mun = np.repeat(np.arange(len(n_assoc)), n_assoc)
        two = rng.random(len(mun)) < self.ap["association_two_area_share"]
        order = np.argsort(rng.random((len(mun), len(AREAS))), axis=1)
        areas = np.zeros((len(mun), len(AREAS)), dtype=bool)
        areas[np.arange(len(mun)), order[:, 0]] = True
        areas[np.flatnonzero(two), order[two, 1]] = True
        self.association_table = AssociationTable(mun, areas)
        self._associations_of = Groups.of(np.arange(len(mun)), mun, m.n_municipalities)

        self.new_jobs = np.array(
            [
                self.ap["social_enterprise_fte"] * self.ap["marginalised_share_of_jobs"],
                self.ap["ordinary_firm_jobs"],
            ]
        )
        n_se = np.where(simulated, n_se, 0)
        n_firms = np.where(simulated, n_firms, 0)
        per_mun = np.stack([n_se, n_firms], axis=1).ravel()  # municipality-major, then kind
        key = np.repeat(np.arange(len(per_mun)), per_mun)
        kind = key % 2
        self.enterprises = EnterpriseTable(kind, key // 2, self.new_jobs[kind])
        self.closed = np.empty(0, dtype=np.int64)

        adults = m.base_population_by_municipality.sum() * self.ap["adult_share"]
        members = adults * self.ap["online_members_share"] / max(self.ap["online_communities"], 1)
        online_areas = ONLINE_AREAS
        self.online = [
            OnlineCommunity(
                m,
                members,
                members * self.ap["online_hours_per_year"],
                (online_areas[k % len(online_areas)],),
                k,
            )
            for k in range(int(self.ap["online_communities"]))
        ]
        self.online_areas = np.array(
            [[a in o.areas for a in AREAS] for o in self.online], dtype=bool
        ).reshape(len(self.online), len(AREAS))

    def actor(self, lead_type: str, row: int) -> Any:
        """The agent of one actor by its type and row.

        Association and enterprise agents are views of their rows, made on first use.
        """
        if lead_type == "association":
            return self.association_table.view(self.model, row)
        if lead_type == "online":
            return self.online[row]
        if lead_type in ENTERPRISE_KINDS:
            return self.enterprises.view(self.model, row)
        return "municipal volunteer centre"

    @property
    def associations(self) -> list[Association]:
        """Agents of every association (views made on demand), by row."""
        return [self.actor("association", row) for row in range(len(self.association_table))]

    def enterprise_agents(self) -> list[Enterprise]:
        """Agents of every enterprise, open or closed (views made on demand)."""
        return [self.actor("firm", row) for row in range(len(self.enterprises))]

    def _init_citizens(self, rng: np.random.Generator) -> None:
        c = self.model.citizens
        n = len(c)
        c.add_column("volunteer", np.int8, 0)
        c.add_column("vol_org", np.int32, -1)
        c.add_column("ask_u", np.float32, -1.0)
        u = rng.random((3, n))
        vol = u[0] < self.share[c.age]
        social = vol & (u[1] < self.social_given_volunteer)
        c.volunteer[vol] = 1
        c.volunteer[social] = 2
        c.ask_u[:] = u[2]
        self._assign_org(np.flatnonzero(social), rng)

    def _assign_org(self, rows: np.ndarray, rng: np.random.Generator) -> None:
        """Give social volunteers an association of their municipality (-1 if it has none)."""
        if not len(rows):
            return
        c = self.model.citizens
        groups = self._associations_of
        mun = c.municipality.take(rows)
        u = rng.random(len(rows))
        has = groups.count.take(mun) > 0
        org = np.full(len(rows), -1, dtype=np.int32)
        org[has] = groups.draw(mun[has], u[has])
        c.vol_org[rows] = org

    # --- the year -------------------------------------------------------------------------
    def step(
        self,
        year: int,
        mapping: np.ndarray,
        facilitation: np.ndarray,
        rng: np.random.Generator,
        contracts: np.ndarray | None = None,
    ) -> VolunteerStats:
        """Volunteering and enterprise life for one year.

        The rows of the enterprises that closed are left in :attr:`closed` (their initiatives
        must stop).

        Args:
            year: calendar year.
            mapping: potential_mapping by municipality (the units' highest value).
            facilitation: coordinators per 10,000 inhabitants by municipality (mean over units).
            rng: the civil-society random stream.
            contracts: running initiatives led by each enterprise (by row; none if omitted).
        """
        m = self.model
        c = m.citizens
        n_mun = m.n_municipalities
        joined = self._newcomers(rng)
        vol = c.volunteer
        mun = c.municipality
        d = self.vp["dropout"]
        # Work on index subsets (boolean indexing with random masks is slow): volunteers, who
        # may stop, and idle adults, who may start or be asked (nobody volunteers below 16).
        is_vol = vol > 0
        rows = np.flatnonzero(is_vol)
        idle = np.flatnonzero(~is_vol & (c.age >= 16))

        # stopping: one uniform per volunteer; facilitation lowers social volunteers' drop-out
        role = vol.take(rows)
        key = mun.take(rows).astype(np.intp)  # municipality and role, counted at the end
        key *= 3
        key += role
        u = rng.random(len(rows))
        retention = np.minimum(
            self.vp["facilitation_retention"] * facilitation, self.vp["facilitation_retention_max"]
        )
        if retention.any():
            drop = np.full((n_mun, 3), d)
            drop[:, 2] = d * (1.0 - retention)
            stop = np.flatnonzero(u < drop.ravel().take(key))
        else:
            stop = np.flatnonzero(u < d)
        stopped = rows.take(stop)
        vol[stopped] = 0
        c.vol_org[stopped] = -1

        # starting: one uniform per idle adult; below ``p * social share`` the start is social
        trend = (1.0 + float(m.parameters["volunteering_trend"])) ** (year - BASE_YEAR)
        if self._start_p[0] != trend:
            share = np.minimum(self.share * trend, MAX_VOLUNTEER_SHARE)
            self._start_p = (trend, self._start_probability(share, d))
        p = self._start_p[1].take(c.age.take(idle))
        u = rng.random(len(idle))
        start = np.flatnonzero(u < p)
        starters = idle.take(start)
        social = u.take(start) < p.take(start) * self.social_given_volunteer
        # newcomers who joined the social area and did not stop at once, and social starters
        new_social = [joined.take(np.flatnonzero(vol.take(joined) == 2)), starters[social]]
        vol[starters] = 1 + social
        key_new = mun.take(starters) * 3 + 1 + social

        # asking: each in the would-volunteer-if-asked pool of the idle adults who did not start
        ask = self.vp["ask_rate"] * mapping
        if ask.any():
            waits = (u >= p) & (c.ask_u.take(idle) < self.vp["would_if_asked"])
            pool = idle.take(np.flatnonzero(waits))
            pool_mun = mun.take(pool)
            hit = np.flatnonzero(rng.random(len(pool)) < ask.take(pool_mun))
            asked = pool.take(hit)
            vol[asked] = 2
            new_social.append(asked)
            key_new = np.concatenate([key_new, pool_mun.take(hit) * 3 + 2])

        # Volunteers who move keep their association until they stop: hours are pooled by the
        # municipality of residence, so the association only names who organises them.
        self._assign_org(np.concatenate(new_social), rng)

        self._enterprise_year(contracts, rng)
        online_hours = float(sum(o.hours for o in self.online))
        size = n_mun * 3
        counts = np.bincount(key, minlength=size) - np.bincount(key.take(stop), minlength=size)
        counts += np.bincount(key_new, minlength=size)
        by_role = counts.reshape(n_mun, 3) * c.weight
        return VolunteerStats(
            volunteers=by_role[:, 1] + by_role[:, 2],
            social_volunteers=by_role[:, 2],
            social_hours=by_role[:, 2] * self.hours,
            online_hours=online_hours,
        )

    def _newcomers(self, rng: np.random.Generator) -> np.ndarray:
        """Newcomers (newborns, immigrants) get their ask draw and volunteer like residents.

        One uniform ``v`` each: they volunteer if ``v < P(age)``, in the social area if also
        ``v < P(age) * social share``.

        Returns:
            The rows of the newcomers who volunteer in the social area (they still need an
            association).
        """
        c = self.model.citizens
        new = np.flatnonzero(c.ask_u < 0)
        if not len(new):
            return new
        c.ask_u[new] = rng.random(len(new), dtype=np.float32)
        p = self.share.take(c.age.take(new))
        v = rng.random(len(new))
        joins = np.flatnonzero(v < p)
        rows = new.take(joins)
        social = v.take(joins) < p.take(joins) * self.social_given_volunteer
        c.volunteer[rows] = 1 + social
        return rows[social]

    @staticmethod
    def _start_probability(share: np.ndarray, dropout: float) -> np.ndarray:
        """Yearly probability of starting to volunteer by age on 1 January of the next year.

        Derived like need incidence: a cohort with share ``P(a - 1)`` last year that keeps a
        fraction ``1 - d`` of its volunteers reaches ``P(a)`` this year if a share
        ``(P(a) - P(a - 1)(1 - d)) / (1 - P(a - 1))`` of its non-volunteers starts.
        """
        before = np.concatenate([[0.0], share[:-1]])
        p = (share - before * (1.0 - dropout)) / np.maximum(1.0 - before, 1e-9)
        return np.clip(p, 0.0, 1.0)

    def _enterprise_year(self, contracts: np.ndarray | None, rng: np.random.Generator) -> None:
        if contracts is None:
            contracts = np.zeros(len(self.enterprises), dtype=np.int64)
        ap = self.ap
        self.closed = self.enterprises.live(
            contracts,
            ap["enterprise_closure"],
            ap["enterprise_growth"],
            self.new_jobs,
            rng,
            ap["contract_closure_factor"],
        )

    def jobs_capacity(self) -> float:
        """Jobs for marginalised citizens that open enterprises can offer (persons)."""
        table = self.enterprises
        return float(table.jobs[table.open].sum())


def civil_society_step(model: Any, year: int) -> VolunteerStats:
    """The civil-society step of ``model``'s year: volunteering and enterprises, then results.

    The strategy's mapping and facilitation levers and its contracts reach civil society here;
    the enterprises that closed end the initiatives they led.

    Returns:
        The year's volunteering (also kept as ``model.volunteer_stats`` for the strategy step).
    """
    strategy = model.strategy
    mapping = strategy.by_municipality("potential_mapping", "max")
    facilitation = strategy.by_municipality("facilitation", "mean")
    cs = model.civil_society
    contracts = strategy.contracts(len(cs.enterprises))
    stats = cs.step(year, mapping, facilitation, model.streams["civil_society"], contracts)
    strategy.lead_closed(cs.closed, year)
    model.volunteer_stats = stats
    model.results.add("volunteers", year, stats.volunteers)
    model.results.add("volunteer_hours", year, stats.social_hours)
    return stats
