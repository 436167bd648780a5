"""DemographyStep on small hand-made populations: events at the tabled rates, exact accounting.

Every count is compared with its expectation within four standard errors of binomial sampling
(fixed seeds, so a pass is reproducible; a wrong rate by a few standard errors fails).
"""

from __future__ import annotations

import numpy as np
import pytest

from simulation.actors.citizens import CitizenSet
from simulation.constants import N_AGES
from simulation.inputs.projection import Projection, age_groups
from simulation.inputs.rates import base_rates, demography_parameters
from simulation.year.demography import DemographyStep, RowSampler, draw_from_cdf

YEAR = 2026
N = 40_000
IMPROVEMENT = 0.01
FERTILITY = 1.6
Z = 4.0  # standard errors allowed


def within(observed: float, n: int, p: float) -> None:
    """``observed`` successes of ``n`` trials are within Z binomial standard errors of ``n p``."""
    sd = np.sqrt(n * p * (1.0 - p))
    assert abs(observed - n * p) <= Z * sd + 1e-9, (observed, n * p, sd)


def citizens(age: int, sex: int, n: int = N, municipality: int = 0) -> CitizenSet:
    """``n`` citizens of one age and sex in one municipality, each standing for one person."""
    return CitizenSet(
        None,
        {
            "pid": np.arange(n),
            "municipality": np.full(n, municipality),
            "age": np.full(n, age),
            "sex": np.full(n, sex),
            "born": np.full(n, YEAR - age),
            "arrived": np.full(n, -1),
        },
        weight=1.0,
    )


def step_for(target_ages: tuple[int, ...], emigration: float = 0.0, only_first=True):
    """A step whose projection asks for ``N`` residents in the groups of ``target_ages``.

    Only municipality 0 is simulated (``only_first``), so movers leave the simulated area;
    the target is above what survives, so the alignment only adds immigrants.
    """
    groups = age_groups()
    n_mun = 98
    targets = np.zeros((2, n_mun, len(groups.names)))
    for a in target_ages:
        targets[1, 0, groups.of_age[a]] = N
    projection = Projection(
        years=np.array([YEAR, YEAR + 1]),
        targets=targets,
        net_migration=np.zeros((1, n_mun, len(groups.names))),
        emigration=np.full(N_AGES, emigration),
    )
    simulated = np.zeros(n_mun, dtype=bool)
    if only_first:
        simulated[0] = True
    else:
        simulated[:] = True
    return DemographyStep(projection, simulated, IMPROVEMENT, FERTILITY)


def test_deaths_are_drawn_at_the_tabled_rate():
    rates = base_rates()
    for sex, age in ((0, 85), (1, 70)):
        step = step_for((age + 1,))
        flows = step.step(citizens(age, sex), YEAR, np.random.default_rng(3))
        q = rates.q(YEAR, IMPROVEMENT)[sex, age]
        within(flows.deaths[0], N, q)
        assert flows.deaths[1:].sum() == 0


def test_emigration_and_moves_are_drawn_at_their_rates_among_survivors():
    rates = base_rates()
    emigration = 0.03
    age, sex = 25, 0
    step = step_for((age + 1,), emigration=emigration)
    flows = step.step(citizens(age, sex), YEAR, np.random.default_rng(5))
    q = rates.q(YEAR, IMPROVEMENT)[sex, age]
    p_emigrate = (1 - q) * emigration
    p_move = (1 - q - p_emigrate) * rates.internal_move[age]
    # every mover leaves the one simulated municipality: out = emigrants + movers
    within(flows.moves_out[0], N, p_emigrate + p_move)
    assert flows.moves_out[0] > 0


def test_moves_between_simulated_municipalities_stay_inside():
    age, sex = 25, 1
    step = step_for((age + 1,), only_first=False)
    c = citizens(age, sex)
    change = step.change(c, YEAR, np.random.default_rng(7))
    within(len(change.movers), N, base_rates().internal_move[age] * 0.98)  # rough: 1 - q - e
    assert (change.destinations != 0).all()  # a move goes to another municipality
    assert change.flows.moves_in.sum() - change.flows.immigrants.sum() == len(change.movers)


def test_births_at_the_tabled_fertility_and_sex_ratio():
    rates = base_rates()
    age = 30
    step = step_for((age + 1, 0))
    flows = step.step(c := citizens(age, 1), YEAR, np.random.default_rng(11))
    q = rates.q(YEAR, IMPROVEMENT)[1, age]
    p_move = (1 - q) * rates.internal_move[age]
    f = rates.asfr(YEAR, FERTILITY)[age]
    # the mothers who move out of the simulated area give birth elsewhere
    within(flows.births[0], N, (1 - q - p_move) * f)
    newborn = (c.age == 0) & (c.arrived == -1)  # immigrants fill the 0-5 group too
    assert newborn.sum() == flows.births[0]
    assert (c.born[newborn] == YEAR).all() and (c.arrived[newborn] == -1).all()
    male = demography_parameters()["male_share_at_birth"]
    within((c.sex[newborn] == 0).sum(), int(newborn.sum()), male)


def test_men_and_the_young_give_no_births():
    flows = step_for((41,)).step(citizens(40, 0), YEAR, np.random.default_rng(2))
    assert flows.births.sum() == 0
    flows = step_for((6,)).step(citizens(5, 1), YEAR, np.random.default_rng(2))
    assert flows.births.sum() == 0


def test_population_accounting_is_exact_and_alignment_reaches_the_target():
    age = 50
    c = citizens(age, 0)
    step = step_for((age + 1,), emigration=0.05)
    before = len(c)
    flows = step.step(c, YEAR, np.random.default_rng(13))
    assert len(c) == before + flows.births.sum() - flows.deaths.sum() + (
        flows.moves_in.sum() - flows.moves_out.sum()
    )
    # immigrants fill the group up to its target of N residents
    group = age_groups().of_age
    in_group = (group[np.minimum(c.age, 110)] == group[age + 1]) & (c.municipality == 0)
    assert in_group.sum() == N
    assert flows.immigrants[0] > 0
    immigrants = c.arrived == YEAR
    assert immigrants.sum() == flows.immigrants[0]
    assert (c.born[immigrants] == YEAR - c.age[immigrants]).all()


def test_alignment_removes_exactly_the_surplus():
    age = 50
    c = citizens(age, 0)
    step = step_for((age + 1,))
    step.projection.targets[1, 0, age_groups().of_age[age + 1]] = N // 2
    flows = step.step(c, YEAR, np.random.default_rng(17))
    assert len(c) == N // 2
    assert flows.immigrants.sum() == 0
    assert flows.moves_out[0] > N // 2 - flows.deaths[0] - 1 - N * 0.05


def test_survivors_keep_their_rows_and_age_one_year():
    age = 60
    c = citizens(age, 1)
    step = step_for((age + 1,))
    change = step.change(c, YEAR, np.random.default_rng(19))
    stay = np.ones(len(c), dtype=bool)
    stay[change.leaving] = False
    kept = c.pid[stay]
    change.apply(c)
    survivors = len(kept)
    np.testing.assert_array_equal(c.pid[:survivors], kept)
    assert (c.age[:survivors] == age + 1).all()


def test_the_same_seed_draws_the_same_year():
    a, b = citizens(80, 0), citizens(80, 0)
    step = step_for((81,), emigration=0.01)
    fa = step.step(a, YEAR, np.random.default_rng(23))
    fb = step.step(b, YEAR, np.random.default_rng(23))
    np.testing.assert_array_equal(fa.deaths, fb.deaths)
    np.testing.assert_array_equal(a.pid, b.pid)


@pytest.mark.parametrize("seed", [1, 2])
def test_row_sampler_matches_searchsorted(seed):
    rng = np.random.default_rng(seed)
    cdfs = []
    for size in (1, 3, 50):
        p = rng.random(size)
        cdf = np.cumsum(p / p.sum())
        cdf[-1] = 1.0
        cdfs.append(cdf)
    sampler = RowSampler(cdfs, bins=8)
    row = rng.integers(0, len(cdfs), 10_000)
    u = rng.random(10_000)
    expected = np.array(
        [cdfs[r].searchsorted(x, side="right") for r, x in zip(row, u, strict=True)]
    )
    np.testing.assert_array_equal(sampler.draw(row, u), expected)
    cdf = cdfs[2]
    a = draw_from_cdf(cdf, 1000, np.random.default_rng(seed))
    b = np.random.default_rng(seed).choice(len(cdf), 1000, p=np.diff(cdf, prepend=0.0))
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("late", [False, True])
def test_after_the_last_published_year_the_old_do_not_emigrate(late):
    """From the last anchor year on, ``Projection.emigration_late`` applies (zero from 64:
    the national net migration of 65+ is zero then, so nobody old is emigrated and re-added
    as an immigrant); before it, ``emigration``."""
    groups = age_groups()
    n_mun = 98
    targets = np.zeros((2, n_mun, len(groups.names)))
    age, sex = 70, 0
    targets[1, 0, groups.of_age[age + 1]] = N  # above the survivors: the alignment only adds
    emigration = 0.03
    stop = np.full(N_AGES, emigration)
    stop[64:] = 0.0
    projection = Projection(
        years=np.array([YEAR, YEAR + 1]),
        targets=targets,
        net_migration=np.zeros((1, n_mun, len(groups.names))),
        emigration=np.full(N_AGES, emigration),
        anchors=(YEAR if late else YEAR + 1,),
        emigration_late=stop,
    )
    simulated = np.zeros(n_mun, dtype=bool)
    simulated[0] = True  # movers leave the simulated area: out = emigrants + movers
    step = DemographyStep(projection, simulated, IMPROVEMENT, FERTILITY)
    change = step.change(citizens(age, sex), YEAR, np.random.default_rng(11))
    rates = base_rates()
    q = rates.q(YEAR, IMPROVEMENT)[sex, age]
    p_emigrate = 0.0 if late else (1 - q) * emigration
    p_move = (1 - q - p_emigrate) * rates.internal_move[age]
    within(change.flows.moves_out[0], N, p_emigrate + p_move)
    if not late:  # the difference is measurable: 3% of 40,000 against about 34 s.e.
        assert change.flows.moves_out[0] > N * (p_move + 0.02)
    assert projection.emigration_in(YEAR)[70] == (0.0 if late else emigration)
