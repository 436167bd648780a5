"""NeedModel on hand-made pairs: levels drawn at the tabled prevalence, entered and left at the
tabled incidence and remission, and initiatives' multipliers acting on those probabilities.

Each share is compared with its probability within four binomial standard errors.
"""

from __future__ import annotations

import numpy as np
import pytest

from simulation.constants import AREAS, N_AGES
from simulation.year.needs import need_model
from simulation.year.random_bits import random_bits

N = 50_000
Z = 4.0
NO_TREND = [1.0] * len(AREAS)


def within(observed: float, n: int, p: float) -> None:
    sd = np.sqrt(n * p * (1.0 - p))
    assert abs(observed - n * p) <= Z * sd + 1e-9, (observed, n * p, sd)


def expected_end(inc: np.ndarray, rem: np.ndarray, state: int) -> np.ndarray:
    """Distribution of the level at the end of the year, from the documented rule.

    A citizen in level ``state`` leaves it with probability ``rem[state - 1]``; then, from the
    highest level down, enters each level above the one it is in with that level's incidence,
    the first success ending the draws.
    """
    n_lv = len(inc)

    def draws_from(base: int) -> np.ndarray:
        out = np.zeros(n_lv + 1)
        still = 1.0
        for k in range(n_lv, base, -1):
            out[k] = still * inc[k - 1]
            still *= 1.0 - inc[k - 1]
        out[base] += still
        return out

    r = rem[state - 1] if state else 0.0
    return r * draws_from(0) + (1.0 - r) * draws_from(state)


def step_pairs(area: str, sex: int, age: int, state: int, seed: int, **kwargs) -> np.ndarray:
    """End-of-year levels of ``N`` pairs in one cell, through the filter and the exact step."""
    model = need_model()
    tables = model.year_tables(0.0, NO_TREND)
    j = AREAS.index(area)
    # cell age is the age reached during the year
    cell = np.full(N, j * 2 * N_AGES + sex * N_AGES + age + 1, dtype=np.intp)
    levels = np.full(N, state, dtype=np.int8)
    x = random_bits(np.random.default_rng(seed), N)
    if kwargs:
        return model.step_cells(tables, levels, cell, x, **kwargs)
    may = model.may_change(tables, levels, cell, x)
    out = levels.copy()
    out[may] = model.step_cells(tables, levels[may], cell[may], x[may])
    return out


CASES = [
    ("elderly_care", 1, 85, 0),
    ("elderly_care", 0, 80, 1),
    ("elderly_care", 1, 90, 2),
    ("mental_health", 1, 30, 0),
    ("mental_health", 0, 30, 1),
    ("employment", 0, 45, 0),
    ("employment", 1, 55, 1),
    ("health", 1, 70, 1),
    ("rehabilitation", 0, 25, 1),
]


@pytest.mark.parametrize(("area", "sex", "age", "state"), CASES)
def test_levels_are_entered_and_left_at_the_tabled_incidence_and_remission(area, sex, age, state):
    inc, rem = need_model().transitions(area)
    p = expected_end(inc[:, sex, age], rem[:, sex, age], state)
    end = step_pairs(area, sex, age, state, seed=age + state)
    counts = np.bincount(end, minlength=len(p))
    assert len(counts) == len(p)
    for level, share in enumerate(p):
        within(counts[level], N, share)


def test_the_tables_use_the_incidence_and_remission_of_the_age_on_1_january():
    area, sex, age = "elderly_care", 1, 84
    j = AREAS.index(area)
    tables = need_model().year_tables(0.0, NO_TREND)
    inc, rem = need_model().transitions(area)
    cell = j * 2 * N_AGES + sex * N_AGES + age + 1
    np.testing.assert_allclose(tables.incidence[: len(inc), cell], inc[:, sex, age])
    np.testing.assert_allclose(tables.remission[1 : len(rem) + 1, cell], rem[:, sex, age])


def test_remission_is_at_least_the_tabled_rate():
    for area in AREAS:
        _, rem = need_model().transitions(area)
        for i, level in enumerate(need_model().levels[area]):
            assert (rem[i] >= level.remission - 1e-12).all(), area


def test_a_trend_factor_multiplies_incidence():
    area, sex, age = "mental_health", 0, 30
    j = AREAS.index(area)
    factors = list(NO_TREND)
    factors[j] = 1.5
    plain = need_model().year_tables(0.0, NO_TREND)
    trend = need_model().year_tables(0.0, factors)
    cell = j * 2 * N_AGES + sex * N_AGES + age + 1
    assert trend.incidence[0, cell] == pytest.approx(1.5 * plain.incidence[0, cell])


def test_transitions_keep_the_prevalence_profile_stationary():
    """A cohort in the tabled prevalence at age a reaches the tabled prevalence of a + 1."""
    for area in ("elderly_care", "mental_health", "employment"):
        model = need_model()
        prev = model.prevalence(area)
        inc, rem = model.transitions(area)
        for sex in (0, 1):
            for age in (20, 40, 60, 75, 85):
                start = np.concatenate([[1 - prev[:, sex, age].sum()], prev[:, sex, age]])
                end = sum(
                    start[s] * expected_end(inc[:, sex, age], rem[:, sex, age], s)
                    for s in range(len(start))
                )
                np.testing.assert_allclose(end[1:], prev[:, sex, age + 1], atol=1e-9)


@pytest.mark.parametrize(("area", "sex", "age"), [("elderly_care", 1, 88), ("health", 0, 60)])
def test_initial_levels_are_drawn_at_the_tabled_prevalence(area, sex, age):
    model = need_model()
    u = np.random.default_rng(age).random(N)
    level = model.draw_initial(area, np.full(N, sex), np.full(N, age), u)
    prev = model.prevalence(area)[:, sex, age]
    counts = np.bincount(level, minlength=len(prev) + 1)
    within(counts[0], N, 1 - prev.sum())
    for i, p in enumerate(prev):
        within(counts[i + 1], N, p)


def test_newcomers_drawn_at_prevalence_and_immigrants_enter_integration():
    model = need_model()
    sex, age = 1, 88
    x = random_bits(np.random.default_rng(1), N * len(AREAS)).reshape(N, len(AREAS))
    sex_age = np.full(N, sex * N_AGES + age)
    immigrant = np.arange(N) % 2 == 0
    level = model.draw_newcomers(sex_age, x, 0.0, immigrant)
    j = AREAS.index("elderly_care")
    prev = model.prevalence("elderly_care")[:, sex, age]
    within((level[:, j] == 2).sum(), N, prev[1])
    k = AREAS.index("integration")
    entry = model.levels["integration"][0].entry_probability
    within((level[immigrant, k] == 1).sum(), int(immigrant.sum()), entry)
    assert (level[~immigrant, k] == 0).all()  # integration is entered at immigration only


def test_initiatives_multiply_incidence_and_remission():
    area, sex, age = "mental_health", 1, 30
    j = AREAS.index(area)
    inc, rem = need_model().transitions(area)
    everyone = np.arange(N)
    # no incidence: nobody enters
    end = step_pairs(area, sex, age, 0, seed=1, special_at=everyone, special_factor=np.zeros(N))
    assert (end == 0).all()
    # half the incidence
    end = step_pairs(area, sex, age, 0, seed=2, special_at=everyone, special_factor=np.full(N, 0.5))
    within((end == 1).sum(), N, 0.5 * inc[0, sex, age])
    # twice the remission, and no re-entry
    end = step_pairs(
        area,
        sex,
        age,
        1,
        seed=3,
        remission_at=everyone,
        remission_factor=np.full(N, 2.0),
        special_at=everyone,
        special_factor=np.zeros(N),
    )
    within((end == 0).sum(), N, min(2 * rem[0, sex, age], 1.0))
    assert j >= 0


def test_override_incidence_replaces_the_age_based_one():
    area, sex, age = "rehabilitation", 0, 40
    everyone = np.arange(N)
    end = step_pairs(
        area,
        sex,
        age,
        0,
        seed=4,
        special_at=everyone,
        special_override=np.ones(N, dtype=bool),
        override_incidence=0.3,
    )
    within((end == 1).sum(), N, 0.3)
