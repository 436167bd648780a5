"""CivilSociety on a hand-made population: volunteering starts and stops at the data's rates."""

from __future__ import annotations

import mesa
import numpy as np

from simulation.actors.citizens import CitizenSet
from simulation.inputs.mechanism_numbers import volunteering_parameters
from simulation.year.civil_society import CivilSociety, volunteer_share_by_age

N = 60_000
N_MUN = 98
Z = 4.0


def within(observed: float, n: int, p: float) -> None:
    sd = np.sqrt(n * p * (1.0 - p))
    assert abs(observed - n * p) <= Z * sd + 1e-9, (observed, n * p, sd)


class SmallModel(mesa.Model):
    """What CivilSociety reads of the welfare model, for citizens of one age in municipality 0."""

    def __init__(self, age: int, n: int = N, weight: float = 1.0, seed: int = 1) -> None:
        super().__init__(seed=seed)
        self.streams = {"civil_society": np.random.default_rng(seed)}
        self.n_municipalities = N_MUN
        self.simulated = np.zeros(N_MUN, dtype=bool)
        self.simulated[0] = True
        self.base_population_by_municipality = np.where(self.simulated, n * weight, 0.0)
        self.parameters = {"volunteering_trend": 0.0}
        self.citizens = CitizenSet(
            self,
            {
                "pid": np.arange(n),
                "municipality": np.zeros(n),
                "age": np.full(n, age),
                "sex": np.arange(n) % 2,
                "born": np.full(n, 2026 - age),
                "arrived": np.full(n, -1),
            },
            weight,
        )
        self.civil = CivilSociety(self)


def step(model: SmallModel, facilitation: float = 0.0, mapping: float = 0.0, seed: int = 2):
    mapping_by_mun = np.zeros(N_MUN)
    mapping_by_mun[0] = mapping
    facilitation_by_mun = np.zeros(N_MUN)
    facilitation_by_mun[0] = facilitation
    return model.civil.step(2026, mapping_by_mun, facilitation_by_mun, np.random.default_rng(seed))


def test_shares_by_age_are_the_reported_ones():
    share = volunteer_share_by_age()
    p = volunteering_parameters()
    assert share[:16].sum() == 0
    assert share[20] == p["share_16_29"] and share[40] == p["share_30_49"]
    assert share[60] == p["share_50_69"] and share[90] == p["share_70p"]


def test_initial_volunteers_at_the_reported_share_and_social_share():
    model = SmallModel(age=40)
    c = model.citizens
    share = volunteer_share_by_age()[40]
    within((c.volunteer > 0).sum(), N, share)
    within((c.volunteer == 2).sum(), N, share * model.civil.social_given_volunteer)
    social = c.volunteer == 2
    assert (c.vol_org[social] >= 0).all() and (c.vol_org[~social] == -1).all()
    nobody = SmallModel(age=10, n=2_000)
    assert (nobody.citizens.volunteer == 0).all()


def test_volunteers_stop_at_the_dropout_rate_and_others_start_to_keep_the_share():
    model = SmallModel(age=40)
    c = model.citizens
    was = c.volunteer.copy()
    stats = step(model)
    d = volunteering_parameters()["dropout"]
    share = volunteer_share_by_age()[40]
    volunteers = int((was > 0).sum())
    idle = N - volunteers
    stopped = int(((was > 0) & (c.volunteer == 0)).sum())
    started = int(((was == 0) & (c.volunteer > 0)).sum())
    within(stopped, volunteers, d)
    # within one age band the start rate replaces the drop-outs: P d / (1 - P)
    within(started, idle, share * d / (1 - share))
    within((c.volunteer > 0).sum(), N, share)  # the share is kept (to sampling error)
    assert stats.volunteers[0] == (c.volunteer > 0).sum() * c.weight
    assert stats.social_volunteers[0] == (c.volunteer == 2).sum() * c.weight
    assert stats.volunteers[1:].sum() == 0
    hours = volunteering_parameters()["hours_per_month"] * 12
    assert stats.social_hours[0] == stats.social_volunteers[0] * hours


def test_facilitation_keeps_social_volunteers():
    model = SmallModel(age=40)
    c = model.citizens
    was = c.volunteer.copy()
    facilitation = 2.0
    step(model, facilitation=facilitation)
    p = volunteering_parameters()
    retention = min(p["facilitation_retention"] * facilitation, 0.5)
    for role, rate in ((1, p["dropout"]), (2, p["dropout"] * (1 - retention))):
        rows = was == role
        within(int((c.volunteer[rows] == 0).sum()), int(rows.sum()), rate)


def test_mapping_lets_municipalities_ask_the_willing():
    plain, mapped = SmallModel(age=40, seed=5), SmallModel(age=40, seed=5)
    step(plain, seed=6)
    step(mapped, mapping=1.0, seed=6)
    p = volunteering_parameters()
    share = volunteer_share_by_age()[40]
    extra = (mapped.citizens.volunteer == 2).sum() - (plain.citizens.volunteer == 2).sum()
    # the asked: idle adults who did not start, would volunteer if asked, and were asked
    idle = N * (1 - share) * (1 - share * p["dropout"] / (1 - share))
    expected = idle * p["would_if_asked"] * p["ask_rate"]
    assert abs(extra - expected) < Z * np.sqrt(expected) * 2


def test_newcomers_volunteer_like_residents():
    model = SmallModel(age=40, n=20_000)
    c = model.citizens
    k = 30_000
    new = c.append(
        municipality=np.zeros(k, np.int16),
        age=np.full(k, 75, np.int16),
        sex=np.zeros(k, np.int8),
        born=np.full(k, 1951, np.int16),
        arrived=np.full(k, 2026, np.int16),
    )
    assert (c.ask_u[new] < 0).all()  # a newcomer has no ask draw yet
    step(model)
    assert (c.ask_u[new] >= 0).all()
    # joined at the share of their age, then a year of drop-out and starts like everyone
    # (inside one age band, so the share is kept)
    share = volunteer_share_by_age()[75]
    within((c.volunteer[new] > 0).sum(), k, share)


def test_a_cohort_entering_an_older_band_starts_at_the_cohort_rate():
    """At 70 the share rises from the 50-69 band's: starts make up the difference."""
    model = SmallModel(age=70)
    c = model.citizens
    was = c.volunteer.copy()
    step(model)
    p = volunteer_share_by_age()
    d = volunteering_parameters()["dropout"]
    start = (p[70] - p[69] * (1 - d)) / (1 - p[69])
    idle = int((was == 0).sum())
    within(int(((was == 0) & (c.volunteer > 0)).sum()), idle, start)
