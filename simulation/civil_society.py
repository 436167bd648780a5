"""Civil society of one year (DESIGN 3.3, step 4).

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

from simulation.agents.civil_society import Association, Enterprise, OnlineCommunity
from simulation.enterprises import ENTERPRISE_KINDS, EnterpriseTable
from simulation.groups import Groups
from simulation.needs import AREAS
from simulation.projection import BASE_YEAR
from simulation.rates import N_AGES
from simulation.strategy_parameters import actor_parameters, volunteering_parameters

__all__ = ["CivilSociety", "VolunteerStats", "volunteer_share_by_age"]


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
        self.hours = self.vp["hours_per_month"] * 12.0
        adults = self.share > 0
        self.social_given_volunteer = self.vp["social_share_of_adults"] / float(
            np.average(self.share[adults])
        )
        rng = model.streams["civil_society"]
        self._create_actors(rng)
        self._init_citizens(rng)

    # --- set-up ---------------------------------------------------------------------------
    def _create_actors(self, rng: np.random.Generator) -> None:
        m = self.model
        pop = m.base_population_by_municipality
        per10k = pop / 10_000.0
        n_assoc = np.maximum(np.rint(per10k * self.ap["associations_per_10000"]), 1).astype(int)
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
        two = rng.random(len(mun)) < 0.5
        order = np.argsort(rng.random((len(mun), len(AREAS))), axis=1)
        areas = np.zeros((len(mun), len(AREAS)), dtype=bool)
        areas[np.arange(len(mun)), order[:, 0]] = True
        areas[np.flatnonzero(two), order[two, 1]] = True
        self.association_municipality = mun
        self.association_areas = areas
        self._association_views: dict[int, Association] = {}
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
        self._enterprise_views: dict[int, Enterprise] = {}
        self.closed = np.empty(0, dtype=np.int64)

        adults = m.base_population_by_municipality.sum() * 0.8
        members = adults * self.ap["online_members_share"] / max(self.ap["online_communities"], 1)
        online_areas = ("health", "mental_health", "elderly_care")
        self.online = [
            OnlineCommunity(
                m, members, members * self.ap["online_hours_per_year"], (online_areas[k % 3],), k
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
            view = self._association_views.get(row)
            if view is None:
                view = self._association_views[row] = Association(self.model, self, row)
            return view
        if lead_type == "online":
            return self.online[row]
        if lead_type in ENTERPRISE_KINDS:
            view = self._enterprise_views.get(row)
            if view is None:
                view = self._enterprise_views[row] = Enterprise(self.model, self.enterprises, row)
            return view
        return "municipal volunteer centre"

    @property
    def associations(self) -> list[Association]:
        """Agents of every association (views made on demand), by row."""
        return [self.actor("association", row) for row in range(len(self.association_municipality))]

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
        c = self.model.citizens
        if not len(rows):
            return
        mun = c.municipality[rows]
        u = rng.random(len(rows))
        has = self._associations_of.count[mun] > 0
        org = np.full(len(rows), -1, dtype=np.int32)
        org[has] = self._associations_of.draw(mun[has], u[has])
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
        n = len(c)
        n_mun = m.n_municipalities
        w = c.weight
        u = rng.random((3, n), dtype=np.float32)
        new = np.flatnonzero(c.ask_u < 0)
        c.ask_u[new] = rng.random(len(new), dtype=np.float32)
        if len(new):
            # newcomers (newborns, immigrants) volunteer like residents of their age
            v = rng.random((2, len(new)))
            joins = v[0] < self.share[c.age[new]]
            c.volunteer[new[joins]] = 1
            social = new[joins & (v[1] < self.social_given_volunteer)]
            c.volunteer[social] = 2
            self._assign_org(social, rng)

        age = c.age
        mun = c.municipality
        trend = (1.0 + float(m.parameters["volunteering_trend"])) ** (year - BASE_YEAR)
        d = self.vp["dropout"]
        retention = np.minimum(self.vp["facilitation_retention"] * facilitation, 0.5)
        drop_social = (d * (1.0 - retention)).astype(np.float32)
        drop = np.where(c.volunteer == 2, drop_social[mun], np.float32(d))
        stops = (c.volunteer > 0) & (u[0] < drop)
        c.volunteer[stops] = 0
        c.vol_org[stops] = -1

        share = np.minimum(self.share * trend, 0.95)
        start_p = self._start_probability(share, d).astype(np.float32)
        idle = (c.volunteer == 0) & ~stops
        starts = idle & (u[1] < start_p[age])
        social_start = starts & (u[2] < self.social_given_volunteer)
        c.volunteer[starts] = 1
        c.volunteer[social_start] = 2

        pool = idle & ~starts & (age >= 16) & (c.ask_u < self.vp["would_if_asked"])
        # u[2] decided the social role of starters; for the others it is still unused
        ask = (self.vp["ask_rate"] * mapping).astype(np.float32)
        asked = pool & (u[2] < ask[mun]) if ask.any() else np.zeros(n, dtype=bool)
        c.volunteer[asked] = 2

        # Volunteers who move keep their association until they stop: hours are pooled by the
        # municipality of residence, so the association only names who organises them.
        self._assign_org(np.flatnonzero(social_start | asked), rng)

        self._enterprise_year(contracts, rng)
        online_hours = float(sum(o.hours for o in self.online))
        key = mun.astype(np.int32) * 3 + c.volunteer
        by_role = np.bincount(key, minlength=n_mun * 3).reshape(n_mun, 3) * w
        return VolunteerStats(
            volunteers=by_role[:, 1] + by_role[:, 2],
            social_volunteers=by_role[:, 2],
            social_hours=by_role[:, 2] * self.hours,
            online_hours=online_hours,
        )

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
            contracts, ap["enterprise_closure"], ap["enterprise_growth"], self.new_jobs, rng
        )

    def jobs_capacity(self) -> float:
        """Jobs for marginalised citizens that open enterprises can offer (persons)."""
        table = self.enterprises
        return float(table.jobs[table.open].sum())
